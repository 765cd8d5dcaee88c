"""Benchmarks of formcheck against bare MediaPipe (run `python bench/run.py`)."""
