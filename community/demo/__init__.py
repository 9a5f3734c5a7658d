"""Demo data built from the real public registers shipped in community/demo/data/."""
