"""The start page of signed-in people: panels of what is new for them.

Features add a panel with `register_panel` (e.g. the Digital-Check status or upcoming trainings),
so the start page imports none of them."""
