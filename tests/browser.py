"""Headless Chromium (Debian's `chromium`) for tests: screenshots, and pages whose script reports a result.

A page reports by writing JSON into ``<pre id="result">``; Chromium runs it on a virtual clock (so a video plays
and timers fire without waiting) and prints the final DOM, from which the JSON is read.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # gitignored: screenshots for a person to look at
GUARD_S = 180  # a hung browser fails the test instead of hanging the run (not a timing assertion)
VIRTUAL_TIME_MS = 15_000
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--hide-scrollbars",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--mute-audio",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--allow-file-access-from-files",
    "--autoplay-policy=no-user-gesture-required",
)  # fmt: skip


def chromium_or_skip() -> str:
    """Path of the chromium binary; missing is a skip on a developer machine but a failure in CI."""
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed, but CI must run the browser tests (apt-get install -y chromium)")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    return path


def _run(chromium: str, url: str, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [chromium, *FLAGS, f"--user-data-dir={profile}", f"--virtual-time-budget={VIRTUAL_TIME_MS}", *extra,
               url]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=GUARD_S, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def page_result(chromium: str, page: Path, profile: Path, query: str = "", width: int = 1280,
                height: int = 900) -> dict[str, Any]:  # fmt: skip
    """Load ``page`` (with ``?query``) and return the JSON its script wrote into ``<pre id="result">``."""
    url = page.resolve().as_uri() + (f"?{query}" if query else "")
    done = _run(chromium, url, profile, f"--window-size={width},{height}", "--dump-dom")
    found = re.search(r'<pre id="result"[^>]*>(.*?)</pre>', done.stdout, re.S)
    assert found, f"the page wrote no result:\n{done.stdout[-2000:]}"
    return json.loads(html.unescape(found.group(1)))


def screenshot(chromium: str, page: Path, png: Path, profile: Path, query: str = "", width: int = 1280,
               height: int = 900) -> Path:  # fmt: skip
    """Render ``page`` into ``png`` at ``width`` x ``height``."""
    png.unlink(missing_ok=True)
    url = page.resolve().as_uri() + (f"?{query}" if query else "")
    done = _run(chromium, url, profile, f"--window-size={width},{height}", f"--screenshot={png}")
    assert png.exists(), f"chromium wrote no screenshot:\n{done.stderr[-3000:]}"
    return png


VIDEO_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>body { margin: 0; background: #222; } video { display: block; }</style>
</head><body>
<video id="video" muted playsinline preload="auto"></video>
<pre id="result" style="display:none">{"state": "pending"}</pre>
<script>
const video = document.getElementById("video"), result = document.getElementById("result");
const params = new URLSearchParams(location.search), at = parseFloat(params.get("at") || "0.5");
let finished = false;
function finish(state) { if (!finished) { finished = true; result.textContent = JSON.stringify(state); } }
video.addEventListener("error", () => finish({state: "error", code: video.error && video.error.code,
                                              message: video.error && video.error.message}));
video.addEventListener("loadeddata", () => video.play().catch(e => finish({state: "error", message: String(e)})));
video.addEventListener("timeupdate", () => {
  if (video.currentTime < at) return;
  video.pause();
  const canvas = document.createElement("canvas");
  canvas.width = video.videoWidth; canvas.height = video.videoHeight;
  const g = canvas.getContext("2d");
  g.drawImage(video, 0, 0);
  const half = (x0) => {  // mean brightness of the left or the right half of the picture
    const d = g.getImageData(x0, 0, canvas.width / 2, canvas.height).data;
    let sum = 0;
    for (let i = 0; i < d.length; i += 4) sum += (d[i] + d[i + 1] + d[i + 2]) / 3;
    return sum / (d.length / 4);
  };
  finish({state: "playing", width: video.videoWidth, height: video.videoHeight, time: video.currentTime,
          duration: video.duration, left: half(0), right: half(canvas.width / 2)});
});
video.src = params.get("src");
</script></body></html>
"""


def play_video(chromium: str, video: Path, folder: Path, at_s: float = 0.5,
               png: Path | None = None) -> dict[str, Any]:  # fmt: skip
    """Play ``video`` in a page next to it up to ``at_s``; the decoded size, time and picture brightness.

    With ``png``, a screenshot of the page (the video stopped at ``at_s``) is saved there too.
    """
    page = video.parent / "play.html"
    page.write_text(VIDEO_PAGE, encoding="utf-8")
    query = f"src={video.name}&at={at_s}"
    state = page_result(chromium, page, folder / "profile", query)
    if png is not None and state.get("state") == "playing":
        screenshot(chromium, page, png, folder / "profile", query, width=state["width"], height=state["height"])
    return state
