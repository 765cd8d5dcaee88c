"""The article's general tips (warm up, engage the core, stop if it hurts) and the disclaimer.

Shown at the start of `live` and in every report, so they are written once, here.
"""

from __future__ import annotations

SAFETY_TIPS: tuple[str, ...] = (
    "Warm up first: stretch, or a few minutes of light cardio.",
    "Engage your core on every rep to protect the lower back.",
    "Stop if it hurts: pain is a reason to stop, not to push through.",
)
DISCLAIMER = (
    "formcheck is a training aid, not medical advice: if you have pain, an injury or a condition, "
    "ask a doctor or physiotherapist first."
)
SHORT_NOTE = "Warm up first, engage your core, stop if it hurts"  # one line on the live screen (fits 960 px)


def safety_dict() -> dict[str, object]:
    """The report's ``safety`` entry."""
    return {"tips": list(SAFETY_TIPS), "disclaimer": DISCLAIMER}
