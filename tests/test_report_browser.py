"""report.html in a real browser: headless Chromium opens it from disk with the network off.

Checks that the page renders (the DOM has the title, the sections and the SVG charts), that
the browser logs no console message (a script error or a request the Content-Security-Policy
blocked would show up there), and that the page makes no network request (Chromium's own
NetLog lists every request; the test first proves on a canary page that this detection
works). A screenshot per language is saved; set REPORT_SCREENSHOT_DIR to keep them.

Chromium comes from the Debian package ``chromium``: when it is missing, the session fixture
installs it (root and apt-get only; ``apt-get update`` runs only when the package is not
known yet). When it cannot be had the tests skip, except under CI=true where that fails.
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


def _apt(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(
        ["apt-get", *args], capture_output=True, text=True, env=env, timeout=1200, check=False
    )


def _install() -> str:
    """Install chromium with apt-get; return why not when it cannot."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "not running as root; install it with `apt-get install -y chromium`"
    if shutil.which("apt-get") is None:
        return "apt-get is not available on this machine"
    known = subprocess.run(
        ["apt-cache", "show", "chromium"], capture_output=True, text=True, check=False
    )
    if known.returncode != 0 or not known.stdout.strip():
        update = _apt("update")
        if update.returncode != 0:
            return f"apt-get update failed: {update.stderr.strip()[-300:]}"
    done = _apt("install", "-y", "chromium")
    if done.returncode != 0:
        return f"apt-get install chromium failed: {done.stderr.strip()[-300:]}"
    # Japanese glyphs for the screenshots; the assertions do not depend on it
    fonts = subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True, check=False)
    if not fonts.stdout.strip():
        _apt("install", "-y", "fonts-noto-cjk")
    return ""


@pytest.fixture(scope="session")
def chromium() -> str:
    exe = _which()
    if exe is None:
        why = _install()
        exe = _which()
        if exe is None:
            message = f"headless Chromium is not available: {why or 'not found after installing'}"
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(message)
            pytest.skip(message)
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
