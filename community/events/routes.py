"""Pages of trainings and events."""
