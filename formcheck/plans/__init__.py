"""Workout plans: which exercises, in which order, how many sets and reps, and the rest between sets."""
