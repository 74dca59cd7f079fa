"""Callbacks and helpers that log the runs of common ML libraries (each imports its library only when used)."""
