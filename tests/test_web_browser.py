"""The dashboard in headless chromium (Playwright, tests/browser.py): uvicorn serves the app on a
free loopback port in a thread; the page loads, shows a risk, a slider moves, the risk changes.
The screenshot is kept as docs/dashboard.png."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")

from browser import chromium_page  # noqa: E402
from guaranty.web import Bounds, create_app  # noqa: E402

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(bounds=Bounds(max_worlds=1_000, running=2, waiting=8))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


def settled_risk(page: object) -> str:
    page.wait_for_selector("body[data-state=done]", timeout=30_000)  # type: ignore[attr-defined]
    return str(page.text_content("#risk"))  # type: ignore[attr-defined]


def test_moving_a_slider_changes_the_risk(server: str) -> None:
    with chromium_page() as page:
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url)
                if not r.url.startswith(server) else None)
        page.goto(server + "/")
        before = settled_risk(page)
        assert before.endswith("%"), before
        assert page.locator("#table tbody tr").count() == 1  # the anchor package itself
        page.evaluate("document.body.dataset.state = 'moving'")
        page.locator("#lever-uk-troops").fill("10000")
        page.locator("#lever-treaties").select_option("europe-us-troops")
        after = settled_risk(page)
        assert after != before, (before, after)
        assert "(levers)" in str(page.text_content("#risk-label"))
        assert page.locator("#table tbody tr").count() == 2  # beside the anchor, paired
        assert "pts" in str(page.text_content("#table tbody"))
        assert float(after.rstrip(" %")) < float(before.rstrip(" %"))
        # plotly drew the curves (one trace group per package)
        assert page.locator("#curves .scatterlayer .trace").count() >= 4
        assert outside == [], outside  # nothing fetched from beyond the server
        page.screenshot(path=str(DOCS / "dashboard.png"))
