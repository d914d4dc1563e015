"""report.html in a real browser: headless Chromium opens it from disk with the network off.

Checks that the page renders (the DOM has the title, the sections and the SVG charts), that
the browser logs no console message (a script error or a request the Content-Security-Policy
blocked would show up there), and that the page makes no network request (Chromium's own
NetLog lists every request; the test first proves on a canary page that this detection
works). A screenshot per language is saved; set REPORT_SCREENSHOT_DIR to keep them.

The test only drives a browser; it installs nothing. `make test` first runs `make browser`,
which installs Debian's ``chromium`` package where it can (root and apt-get; CI runs as root).
Without a browser on PATH the tests skip and say why, except under CI=true where that fails:
CI must not pass by skipping them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_report import rich_result  # noqa: E402

from migrate.report import write_reports  # noqa: E402

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline'"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _which() -> str | None:
    for name in BROWSERS:
        exe = shutil.which(name)
        if exe:
            return exe
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    """The headless browser to drive; skips (fails under CI=true) when there is none."""
    exe = _which()
    problem = ""
    if exe is None:
        problem = (
            f"no headless Chromium on PATH (looked for {', '.join(BROWSERS)}); "
            "`make browser` installs Debian's chromium package (needs root and apt-get)"
        )
    else:
        try:
            version = subprocess.run(
                [exe, "--headless", "--no-sandbox", "--version"],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            if version.returncode != 0:
                problem = f"{exe} does not start: {version.stderr.strip()[-300:]}"
        except (OSError, subprocess.TimeoutExpired) as exc:
            problem = f"{exe} does not start: {exc}"
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    assert exe is not None
    return exe


def _browse(
    exe: str, page: Path, work: Path, *extra: str
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Open ``page`` headless with the network off; return the process and the page's requests."""
    netlog = work / "netlog.json"
    args = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        f"--user-data-dir={work / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--log-net-log={netlog}",
        *extra,
        page.as_uri(),
    ]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=180, check=False)
    return proc, _page_requests(netlog)


def _page_requests(netlog: Path) -> list[str]:
    """URLs the page itself asked for (the browser's own update/account pings are left out)."""
    if not netlog.exists():
        return []
    text = netlog.read_text(encoding="utf-8", errors="replace").rstrip().rstrip(",")
    if not text.endswith("}"):
        text += "]}"  # a NetLog cut short at exit lacks its closing brackets
    log = json.loads(text)
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for ev in log.get("events", []):
        p = ev.get("params") or {}
        if ev.get("type") != start or "url" not in p:
            continue
        from_page = p.get("initiator") == "null" or "file://" in str(
            p.get("network_isolation_key", "")
        )
        if from_page and not p["url"].startswith(("file:", "data:")):
            urls.append(p["url"])
    return urls


def _console(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]


def test_detectors_catch_a_request_and_a_console_error(chromium, tmp_path):
    """The canary: a page that asks for a remote image and throws must be caught by both checks."""
    page = tmp_path / "canary.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        '<img src="https://example.invalid/x.png"><script>undefinedFunction()</script></body></html>',
        encoding="utf-8",
    )
    proc, requests = _browse(chromium, page, tmp_path, "--dump-dom")
    assert any("example.invalid" in u for u in requests), requests
    assert any("undefinedFunction" in line for line in _console(proc)), proc.stderr[-2000:]


@pytest.mark.parametrize(
    ("lang", "title"),
    [("ja", "データ品質レポート"), ("en", "Data-quality report")],
    ids=["ja", "en"],
)
def test_report_renders_offline_without_errors_or_requests(chromium, tmp_path, lang, title):
    out = tmp_path / "out"
    write_reports(rich_result(tmp_path), out, lang=lang)
    page = out / "report.html"
    html = page.read_text(encoding="utf-8")
    assert CSP in html

    dom, requests = _browse(chromium, page, tmp_path / "dom", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert title in dom.stdout
    for section in ("summary", "import", "quality", "duplicates", "funnel", "checklist", "notes"):
        assert f'id="{section}"' in dom.stdout
    assert dom.stdout.count("<svg") >= 5
    assert _console(dom) == []
    assert requests == []

    png = tmp_path / f"report-{lang}.png"
    shot, requests = _browse(
        chromium,
        page,
        tmp_path / "shot",
        f"--screenshot={png}",
        "--window-size=1280,2000",
        "--hide-scrollbars",
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    assert _console(shot) == [] and requests == []
    keep = os.environ.get("REPORT_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(png, Path(keep) / png.name)
