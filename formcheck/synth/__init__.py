"""Synthetic athlete: renders exercise videos with exact ground truth (``python -m formcheck.synth``)."""

from formcheck.synth.config import SynthConfig
from formcheck.synth.exercises import EXERCISES, get_exercise
from formcheck.synth.truth import load_truth
from formcheck.synth.video import render

__all__ = ["EXERCISES", "SynthConfig", "get_exercise", "load_truth", "render"]
