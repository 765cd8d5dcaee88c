"""Every parameter of a synthetic video, as one frozen, JSON-round-trippable record."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

VIEWS = ("front", "side", "three_quarter")
LEAVE_MODES = ("", "walk", "cut")
# Fields added after the sample videos were rendered: left out of ``to_dict`` while at their defaults, so the truth
# of every older config (and so the committed samples) stays byte-identical.
LATER_FIELDS = {"short_range": 0.55, "setup_s": 0.0, "opens_mid_rep": False, "leave": "", "fixed_camera": False}


@dataclass(frozen=True)
class SynthConfig:
    """Parameters of one synthetic video; the truth JSON stores them under ``params``.

    ``faults`` lists the fault ids of each rep in order (for a two-sided one-arm row: the first side's reps,
    then the second side's); reps beyond the list are clean. Timing fields left as None take the exercise's
    defaults. ``set_faults`` may hold ``switch_sides`` (one-arm row done on one side only).

    Clip edges and attempts: a rep with the fault ``short`` stops at ``short_range`` of the full range (a partial
    rep, not counted); ``setup_s`` seconds of getting into position come before the lead-in; ``opens_mid_rep``
    starts the clip at the top of an earlier rep (its descent is not a rep); ``leave`` = "walk" has the athlete
    get up and walk out of the picture after the last rep (then ``lead_out_s`` of empty picture), "cut" ends the
    clip while they are leaving. ``fixed_camera`` keeps the camera where it stands when a one-arm row switches
    sides (otherwise it moves round with the athlete).
    """

    exercise: str
    reps: int = 10
    faults: tuple[tuple[str, ...], ...] = ()
    set_faults: tuple[str, ...] = ()
    first_side: str = "right"
    tempo_up_s: float | None = None
    tempo_down_s: float | None = None
    rest_s: float | None = None
    hold_s: float | None = None
    lead_in_s: float = 1.0
    lead_out_s: float = 1.0
    view: str | None = None
    camera_side: str = "right"
    yaw_deg: float | None = None
    distance_m: float | None = None
    camera_height_m: float | None = None
    fov_deg: float = 45.0
    fill: float = 0.8
    fps: float = 30.0
    width: int = 640
    height: int = 480
    supersample: int = 2
    skin: str = "#c68c6a"
    shirt: str = "#2f6db5"
    shorts: str = "#2b2f3a"
    hair: str = "#2a1b12"
    shoes: str = "#e6e6e6"
    background: str = "#d8d2c8"
    floor: str = "#8f7f6d"
    body_height_m: float = 1.75
    girth: float = 1.0
    seed: int = 0
    short_range: float = 0.55
    setup_s: float = 0.0
    opens_mid_rep: bool = False
    leave: str = ""
    fixed_camera: bool = False

    def __post_init__(self) -> None:
        if self.reps < 1:
            raise ValueError(f"reps must be >= 1, got {self.reps}")
        if self.view is not None and self.view not in VIEWS:
            raise ValueError(f"unknown view {self.view!r}; valid views: {', '.join(VIEWS)}")
        if self.camera_side not in ("left", "right"):
            raise ValueError(f"camera_side must be 'left' or 'right', got {self.camera_side!r}")
        if self.first_side not in ("left", "right"):
            raise ValueError(f"first_side must be 'left' or 'right', got {self.first_side!r}")
        if self.fps <= 0 or self.width < 16 or self.height < 16 or self.supersample < 1:
            raise ValueError("fps, width, height and supersample must be positive")
        if not 0.0 < self.short_range < 1.0:
            raise ValueError(f"short_range must be between 0 and 1, got {self.short_range}")
        if self.setup_s < 0:
            raise ValueError(f"setup_s must be >= 0, got {self.setup_s}")
        if self.setup_s > 0 and self.opens_mid_rep:
            raise ValueError("a clip that opens mid-rep has no set-up before it: set setup_s or opens_mid_rep")
        if self.leave not in LEAVE_MODES:
            raise ValueError(f"leave must be one of {', '.join(map(repr, LEAVE_MODES))}, got {self.leave!r}")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        out = asdict(self)
        out["faults"] = [list(f) for f in self.faults]
        out["set_faults"] = list(self.set_faults)
        for name, default in LATER_FIELDS.items():
            if out[name] == default:
                del out[name]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SynthConfig:
        """Inverse of :meth:`to_dict`; unknown keys raise a ValueError."""
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown synth parameters: {', '.join(sorted(unknown))}")
        values = dict(data)
        if "faults" in values:
            values["faults"] = tuple(tuple(f) for f in values["faults"])
        if "set_faults" in values:
            values["set_faults"] = tuple(values["set_faults"])
        return cls(**values)
