"""Synthetic athlete: renders exercise videos with exact ground truth (``python -m tools.synth``)."""

from tools.synth.config import SynthConfig
from tools.synth.exercises import EXERCISES, get_exercise
from tools.synth.truth import load_truth
from tools.synth.video import render

__all__ = ["EXERCISES", "SynthConfig", "get_exercise", "load_truth", "render"]
