"""Trainings and events: registration with capacity and a waitlist (services.py)."""
