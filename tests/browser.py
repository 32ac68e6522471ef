"""Headless Debian chromium driven by Playwright, for the report and dashboard tests.

``scripts/install-browser.sh`` (run by ``.ci/run``) installs chromium. Where it is missing
outside CI the browser tests skip; under CI (``CI`` set) a missing browser is a failure, so the
tests cannot pass by not running.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

#: The flags that keep chromium off the network it cannot reach (and quiet about it).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]


def require_chromium() -> None:
    """Skip (or, under CI, fail) when chromium or Playwright is not installed."""
    missing = []
    if not os.path.exists(CHROMIUM):
        missing.append("chromium (scripts/install-browser.sh)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -e '.[dev]')")
    if missing:
        message = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def chromium_page(width: int = 1280, height: int = 900) -> Iterator[Any]:
    """A fresh headless chromium page (new empty profile), closed on exit."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": width, "height": height})
        try:
            page = context.pages[0] if context.pages else context.new_page()
            yield page
        finally:
            context.close()
