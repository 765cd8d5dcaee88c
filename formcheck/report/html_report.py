"""HTML report: one self-contained page (inline CSS, SVG chart and data-URI images) that opens offline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path, PurePath
from typing import Any

import numpy as np
from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from formcheck.analysis.result import SetResult
from formcheck.draw.skeleton import BAD, GOOD, SkeletonAnnotator
from formcheck.io.atomic import write_text_atomic
from formcheck.io.images import decode_image, jpeg_data_uri, resize_to_width
from formcheck.report.charts import chart_sides, timeline_svg
from formcheck.report.csv_report import cue_verdict

MAX_KEYFRAMES = 6
KEYFRAME_SCALE = 2          # thumbnails are drawn on at twice their stored size, so the skeleton stays crisp
JPEG_QUALITY = 85


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("formcheck", "report/templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)  # fmt: skip
    env.filters["num"] = _num
    return env


def _num(value: float | None, digits: int = 1) -> str:
    """A number for people: fixed digits, a dash for none."""
    return "–" if value is None else f"{value:.{digits}f}"


def _when(iso: str | None) -> str:
    try:
        moment = dt.datetime.fromisoformat(iso or "")
    except ValueError:
        return iso or "–"
    zone = moment.strftime(" %Z") if moment.tzinfo else ""
    return moment.strftime("%d %b %Y, %H:%M") + zone


def _file_name(path: str) -> str:
    name = PurePath(path).name
    return name or path


def encode_image(image_bgr: np.ndarray) -> str:
    """A BGR image as a JPEG data URI."""
    return jpeg_data_uri(image_bgr, JPEG_QUALITY)


def keyframe_reps(report: dict[str, Any], available: set[int]) -> list[dict[str, Any]]:
    """The reps to show as key frames: the worst faulty ones first (lowest score), else the best clean ones."""
    reps = [rep for rep in report["reps"] if rep["index"] in available]
    faulty = sorted((r for r in reps if r["faults"]), key=lambda r: (r["score"], -len(r["faults"]), r["index"]))
    if faulty:
        return faulty[:MAX_KEYFRAMES]
    return sorted(reps, key=lambda r: (-r["score"], r["index"]))[: min(3, MAX_KEYFRAMES)]


def keyframe_image(analysis: SetResult, rep: dict[str, Any]) -> np.ndarray:
    """A rep's key frame (BGR) with its skeleton drawn, red on a faulty rep, green on a clean one."""
    encoded, pose = analysis.keyframes[rep["index"]]
    thumbnail = decode_image(encoded)
    scene = resize_to_width(thumbnail, thumbnail.shape[1] * KEYFRAME_SCALE)
    SkeletonAnnotator(color=BAD if rep["faults"] else GOOD, thickness=2).annotate(scene, pose)
    return scene


def _keyframe(analysis: SetResult, rep: dict[str, Any]) -> dict[str, Any]:
    scene = keyframe_image(analysis, rep)
    rules = analysis.rules
    return {
        "rep": rep,
        "src": encode_image(scene),
        "width": scene.shape[1],
        "height": scene.shape[0],
        "faults": [rules.cue(cue_id) for cue_id in rep["faults"]],
    }


def _fault_sections(result: SetResult, report: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per broken cue (or set-level finding): the article's cue, what went wrong, the fix, which reps."""
    known = {cue.id: cue for cue in result.rules.cues}
    sections: list[dict[str, Any]] = []
    for cue_id, cue in report["cues"].items():
        if not cue.get("fault"):
            continue
        reps = [f["rep"] for f in report["findings"] if f["cue"] == cue_id and f["rep"] is not None]
        article = known[cue_id].cue if cue_id in known else cue.get("cue")
        sections.append({"id": cue_id, "article": article, "message": cue["message"], "fix": cue["fix"],
                         "reps": reps, "set_level": cue["reps_with_fault"] is None})  # fmt: skip
    for finding in report["findings"]:
        if finding["cue"] not in report["cues"]:
            sections.append({"id": finding["cue"], "article": None, "message": finding["message"],
                             "fix": finding["fix"], "reps": [], "set_level": True})  # fmt: skip
    return sections


def _rep_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    cue_ids = list(report["cues"])
    return [{**rep, "verdicts": [(cue_id, cue_verdict(rep, cue_id)) for cue_id in cue_ids]} for rep in report["reps"]]


def _target(target: dict[str, int] | None) -> str | None:
    """ "10–20 reps", or "12 reps" for a prescribed number."""
    if not target:
        return None
    low, high = target["min"], target["max"]
    return f"{low} reps" if low == high else f"{low}–{high} reps"


def render_html(report: dict[str, Any], result: SetResult) -> str:
    """The report page as a string."""
    chosen = keyframe_reps(report, set(result.keyframes))
    svg = timeline_svg(result, report)
    context = {
        "r": report,
        "title": f"{report['exercise_name']} – form report",
        "video_name": _file_name(report["source"]["path"]),
        "analysed_at": _when(report.get("analysed_at")),
        "faults": _fault_sections(result, report),
        "rep_rows": _rep_rows(report),
        "cue_ids": list(report["cues"]),
        "chart": Markup(svg) if svg else None,  # built by us from numbers and our own labels
        "keyframes": [_keyframe(result, rep) for rep in chosen],
        "keyframes_are_faults": bool(chosen and chosen[0]["faults"]),
        "cues_broken": sum(1 for cue in report["cues"].values() if cue.get("fault")),
        "chart_sides": chart_sides(result),
        "not_checked": {k: c for k, c in report["cues"].items() if not c["checked"]},
        "safety": report.get("safety"),
        "target": _target(report.get("target_reps")) if report["cues"] else None,  # none without an exercise
    }
    return _environment().get_template("report.html.j2").render(**context)


def write_html(path: Path, report: dict[str, Any], result: SetResult) -> None:
    """Write the self-contained HTML report atomically."""
    write_text_atomic(path, render_html(report, result))
