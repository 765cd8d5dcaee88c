"""Every key a rule file may hold: type, unit, default, allowed values and meaning.

The loader reads rule files through these specs and the rule-file reference (docs/rule-files.md) is generated
from them, so the documentation cannot drift from what is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from formcheck.rules.model import CHECKS, KINDS, NAME_MAX_CHARS, PHASES, SIDEDNESS, SPACES

ANGLE_LIMIT = 360.0
REQUIRED = object()  # default of a key that must be given


@dataclass(frozen=True)
class KeySpec:
    """One key of a rule-file table."""

    table: str  # "" for the top level, "rep", "cues", "recognize"
    key: str
    type: str  # text, number, integer, choice, views, measure, feature, flag, pair
    doc: str
    default: object = REQUIRED
    unit: str = ""
    low: float = -ANGLE_LIMIT
    high: float = ANGLE_LIMIT
    choices: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


# Clip-level features the recognition criteria may name (computed in formcheck/analysis/recognize.py).
RECOGNITION_FEATURES: dict[str, tuple[str, str]] = {
    "torso_elev": ("degrees", "torso above the horizontal (90 upright, 0 level, below 0 hips above shoulders), median"),
    "torso_range": ("degrees", "how much the torso angle changes over the clip (5th to 95th percentile)"),
    "ankle_drop": ("torso lengths", "ankles below the hips (about 1.7 standing, about 0 sitting or lying)"),
    "knee_rise": ("torso lengths", "knees above the hips"),
    "head_rise": ("torso lengths", "nose above the hips"),
    "knee_angle": ("degrees", "hip-knee-ankle angle of the straighter seen leg (180 straight)"),
    "knee_gap": ("torso lengths", "how far one knee rises above the other (90th percentile over the clip)"),
    "raise_amp": ("degrees", "range of the moving arm's angle from hanging"),
    "flex_amp": ("degrees", "range of the moving arm's elbow bend"),
    "flex_med": ("degrees", "typical elbow bend of the moving arm (0 straight)"),
    "forearm_top": ("degrees", "forearm angle from hanging when the moving arm is highest"),
    "path": ("torso lengths", "how far the moving arm's wrist travels relative to the shoulder"),
    "horizontal": ("0..1", "share of the wrist's travel that is horizontal"),
    "asymmetry": ("0..1", "0 when both arms travel alike, 1 when one is still (unknown unless both arms are seen)"),
}

KEYS: tuple[KeySpec, ...] = (
    KeySpec("", "id", "text", "Exercise id; must equal the file name without `.toml`."),
    KeySpec("", "name", "text", "Name shown to the user."),
    KeySpec("", "description", "text", "One line on how the exercise is done.", default=""),
    KeySpec("", "views", "views", "Camera views in which the exercise's cues can be judged, best first; the "
            "camera advice recommends the first ones."),
    KeySpec("", "sides", "choice", "`both`: both sides work together; `alternating`: one arm at a time, reps "
            "counted per side.", default="both", choices=SIDEDNESS),
    KeySpec("", "min_reps", "integer", "Fewest reps of a set (the article: 10).", default=10, low=1, high=1000),
    KeySpec("", "max_reps", "integer", "Most reps of a set (the article: 20); at least `min_reps`.", default=20,
            low=1, high=1000),
    KeySpec("rep", "signal", "measure", "The measure whose rise and fall is one rep."),
    KeySpec("rep", "space", "choice", "Where the signal is measured: `image` (the picture), `world` (MediaPipe's "
            "metric 3D), `auto` (image from the side, world otherwise) or `side_plane` (image from the side and at "
            "3/4, world from the front or behind: for angles within the body's side plane, which a picture keeps "
            "straight lines of from any camera that sees that plane, and loses only edge-on).", default="auto",
            choices=SPACES),
    KeySpec("rep", "rest", "number", "The signal at rest (the starting position). With `top` it gives the range "
            "of motion the counter works in until it knows the person's own.", unit="signal"),
    KeySpec("rep", "top", "number", "The signal at the top of a good rep; above `rest`.", unit="signal"),
    KeySpec("rep", "min_peak", "number", "A movement whose peak stays below this is a partial rep: reported and "
            "judged, not counted. Between `rest` and `top`: it comes from the article (e.g. the elbow past "
            "halfway up), not from the levels that find a movement.", unit="signal"),
    KeySpec("rep", "min_duration_s", "number", "Shortest rep; quicker flickers are noise.", default=0.5,
            unit="s", low=0.0, high=30.0),
    KeySpec("rep", "smoothing_s", "number", "Time constant of the signal's exponential smoothing.", default=0.1,
            unit="s", low=0.0, high=2.0),
    KeySpec("rep", "hold_s", "number", "How long the article asks to hold the top (0: no hold).", default=0.0,
            unit="s", low=0.0, high=60.0),
    KeySpec("rep", "max_torso_rise", "number", "For an exercise done lying down: how far the torso's angle above "
            "the floor (`torso_incline`, in the picture) may rise above the person's own while lying earlier in the "
            "set. A movement that rises further is sitting or standing up, not an attempt (standing up "
            "straightens the shoulder-hip-knee line as a bridge does). Checked from the side and at 3/4 only. "
            "None: not checked.", default=None, unit="°", low=0.0, high=90.0),
    KeySpec("rep", "partial_fraction", "number", "A movement smaller than this share of the set's typical rep is "
            "a partial rep. Without it: the share of the range `min_peak` asks for, (min_peak - rest) / (top - rest), "
            "so the same shortfall is judged against the person's own reps where the camera shrinks the signal.",
            default=None, unit="share", low=0.0, high=1.0),
    KeySpec("rep", "range_cue", "text", "Id of the range cue (e.g. `hip_line`, `raise_height`) that names the "
            "shortfall of a partial rep: a movement that stayed below `min_peak` is reported with that cue broken.",
            default=None),
    KeySpec("cues", "id", "text", "Stable cue code, lower_snake_case; reports and tests use it."),
    KeySpec("cues", "name", "text", f"Short name a person reads on screen (live), one line of at most "
            f"{NAME_MAX_CHARS} characters, e.g. \"Sit up straight\". Without it: the id in words.", default=None),
    KeySpec("cues", "cue", "text", "The article's wording of the cue."),
    KeySpec("cues", "kind", "choice", "`range`: a measure kept within min/max; `hold`: the top held at least `min` "
            "seconds; `sides`: both sides trained alike (whole set).", default="range", choices=KINDS),
    KeySpec("cues", "measure", "measure", "The measure judged (required for `range` cues).", default=None),
    KeySpec("cues", "space", "choice", "Where the measure is taken (as `rep.space`).", default="auto",
            choices=SPACES),
    KeySpec("cues", "phase", "choice", "Which frames are judged: `rep` (start to end of the rep), `top` (frames "
            "near the rep's peak), `start` (the half second before the rep starts), `cycle` (the whole exercise: "
            "from the end of the previous rep, at most a few seconds back, to the end of this one; for posture cues "
            "like a straight back, which hold between reps too).", default="rep",
            choices=PHASES),
    KeySpec("cues", "min", "number", "Lowest allowed value; compared with the phase's 10th percentile (with "
            "`check = \"reaches\"`: its 90th).", default=None, unit="measure"),
    KeySpec("cues", "max", "number", "Highest allowed value; compared with the phase's 90th percentile (with "
            "`check = \"reaches\"`: its 10th).", default=None, unit="measure"),
    KeySpec("cues", "baseline", "choice", "`start`: judge the change from the rep's starting position instead "
            "of the raw value.", default=None, choices=("start",)),
    KeySpec("cues", "check", "choice", "`throughout`: the whole phase must stay within limits; `reaches`: the "
            "best moment of the phase must get there.", default="throughout", choices=CHECKS),
    KeySpec("cues", "views", "views", "Views from which this cue can be judged; elsewhere it is reported as not "
            "checked, with the reason.", default="the exercise's views"),
    KeySpec("cues", "weight", "number", "Weight of the cue in the rep score.", default=1.0, low=0.0, high=10.0),
    KeySpec("cues", "message", "text", "What went wrong, in words a person uses: `{abs}` is the size of the measured "
            "value, `{value}` the value with its sign, `{way}` the word of `below` or `above`."),
    KeySpec("cues", "fix", "text", "What to do instead."),
    KeySpec("cues", "below", "text", "The direction of a value under `min`, for `{way}` (e.g. `forward`).",
            default=""),
    KeySpec("cues", "above", "text", "The direction of a value over `max`, for `{way}` (e.g. `back`).",
            default=""),
    KeySpec("recognize", "feature", "feature", "A clip-level feature (see the list below)."),
    KeySpec("recognize", "full", "pair", "[low, high]: the feature fits fully in this range (`inf`/`-inf` for an "
            "open end)."),
    KeySpec("recognize", "zero", "pair", "[low, high]: outside this range the feature does not fit at all; "
            "membership falls linearly between `zero` and `full`. Must enclose `full`."),
    KeySpec("recognize", "weight", "number", "Weight in the weighted geometric mean of the memberships.",
            default=1.0, low=0.0, high=10.0),
    KeySpec("recognize", "says", "text", "What the criterion checks, in words (shown as the reason)."),
    KeySpec("recognize", "decisive", "flag", "A clear mismatch rules the exercise out (false for what can also "
            "be a form fault, e.g. a torso that rises on some reps).", default=True),
)


def spec(table: str, key: str) -> KeySpec:
    """The spec of one key."""
    return next(s for s in KEYS if s.table == table and s.key == key)


def allowed_keys(table: str) -> set[str]:
    """Every key a table may hold."""
    return {s.key for s in KEYS if s.table == table}
