"""The manifest of committed sample videos; ``python -m tools.synth samples`` renders them."""

from __future__ import annotations

from dataclasses import replace

from tools.synth.config import SynthConfig

DARK_SKIN = dict(skin="#5c3a26", shirt="#b8372c", shorts="#1e1e22", hair="#101010", shoes="#f2f2f2")
LIGHT_SKIN = dict(skin="#efc7a5", shirt="#6f3c8f", shorts="#2f3b4c", hair="#6b4a2b", shoes="#d8d8d8")
MEDIUM_SKIN = dict(skin="#a46f4c", shirt="#d9782d", shorts="#34495e", hair="#1d140e", shoes="#ffffff")


def _all(n: int, *faults: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(faults) for _ in range(n))


SAMPLES: dict[str, SynthConfig] = {
    "reverse_fly_good": SynthConfig(exercise="reverse_fly", reps=10, seed=1),
    "reverse_fly_faults": SynthConfig(
        exercise="reverse_fly",
        reps=5,
        faults=(
            ("torso_angle",),
            ("torso_angle", "wrists_below_elbows"),
            ("torso_angle",),
            ("torso_angle", "wrists_below_elbows"),
            ("torso_angle", "raise_height"),
        ),
        fps=24.0,
        seed=2,
        body_height_m=1.62,
        background="#c9d3da",
        **DARK_SKIN,
    ),
    "seated_row_good": SynthConfig(
        exercise="seated_row", reps=10, camera_side="left", seed=3, floor="#6f6a66", **LIGHT_SKIN
    ),
    "seated_row_faults": SynthConfig(
        exercise="seated_row",
        reps=5,
        faults=_all(3, "back_straight", "hold_2") + _all(2, "back_straight", "hold_2", "full_pull"),
        fps=25.0,
        seed=4,
        girth=1.2,
        **MEDIUM_SKIN,
    ),
    "hip_raise_good": SynthConfig(exercise="hip_raise", reps=10, fps=15.0, seed=5, background="#e6ddcf"),
    "hip_raise_faults": SynthConfig(
        exercise="hip_raise",
        reps=5,
        faults=_all(5, "hip_line", "hold_5"),
        camera_side="left",
        seed=6,
        body_height_m=1.9,
        girth=1.25,
        **DARK_SKIN,
    ),
    "bent_over_lateral_raise_good": SynthConfig(
        exercise="bent_over_lateral_raise", reps=10, seed=7, floor="#a08060", **MEDIUM_SKIN
    ),
    "bent_over_lateral_raise_faults": SynthConfig(
        exercise="bent_over_lateral_raise",
        reps=5,
        # rep 1 clean, so the exercise is recognised from the set's start; later reps drift
        faults=((), ("raise_height",), ("torso_parallel",), ("raise_height",), ("torso_parallel", "raise_height")),
        view="three_quarter",  # the one view that shows both the torso angle and the arm height
        camera_side="left",
        fps=24.0,
        width=1280,
        height=720,
        seed=8,
        **LIGHT_SKIN,
    ),
    "one_arm_row_good": SynthConfig(exercise="one_arm_row", reps=10, fps=25.0, seed=9),
    "one_arm_row_faults": SynthConfig(
        exercise="one_arm_row",
        reps=6,
        faults=_all(6, "elbow_up"),
        set_faults=("switch_sides",),
        seed=10,
        body_height_m=1.85,
        girth=1.15,
        background="#dcd6e4",
        **DARK_SKIN,
    ),
}


def sample(name: str) -> SynthConfig:
    """Config of a named sample; unknown names raise a ValueError listing the valid ones."""
    try:
        return SAMPLES[name]
    except KeyError:
        raise ValueError(f"unknown sample {name!r}; valid samples: {', '.join(SAMPLES)}") from None


def preview(name: str, reps: int = 2) -> SynthConfig:
    """A short version of a sample (for quick checks)."""
    cfg = sample(name)
    return replace(cfg, reps=min(reps, cfg.reps), faults=cfg.faults[:reps])
