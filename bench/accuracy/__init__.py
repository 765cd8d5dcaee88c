"""Accuracy benchmark (issue 14): a grid of rendered athletes, their stored MediaPipe landmarks, and the scorer.

``python -m bench.accuracy extract`` renders and tracks the cases not stored yet (slow, resumable);
``python -m bench.accuracy`` replays the stored landmarks through the analysis and prints the table.
"""
