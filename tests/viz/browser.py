"""A real headless browser for the page tests (Debian's chromium, driven by playwright).

The step-through player's and the explorer's browser tests share these fixtures: import
``browser`` and ``open_page`` into a test module (``from tests.viz.browser import browser,
open_page``). A missing chromium or playwright skips the test with the reason, except when
``CHAINRULE_REQUIRE_BROWSER=1`` (set by CI): then it is a failure. Playwright never downloads a
browser here; it drives ``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def unavailable(reason: str) -> None:
    """Skip for ``reason``, or fail when CI requires the browser (``CHAINRULE_REQUIRE_BROWSER=1``)."""
    if os.environ.get("CHAINRULE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CHAINRULE_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def chromium() -> str:
    """The path of Debian's chromium (or skip/fail, see :func:`unavailable`)."""
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    unavailable("Debian's chromium is not installed (`apt-get install chromium`, or `make browser` as root)")
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless chromium per test module."""
    executable = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright-python is not installed (pip install playwright; no browser download needed)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Opened:
    """A page opened from a file, with what it logged and fetched."""

    page: Any
    errors: list[str] = field(default_factory=list)
    """Console errors and uncaught exceptions."""
    requests: list[str] = field(default_factory=list)
    """Every URL the page asked for (the file itself included)."""
    dialogs: list[str] = field(default_factory=list)
    """Every alert/confirm/prompt the page opened (each is dismissed)."""


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[[str | os.PathLike[str]], Opened]]:
    """``open_page(path)`` opens a local HTML file in a new 1400x900 page and records its errors,
    requests and dialogs; the pages are closed after the test."""
    opened: list[Any] = []

    def open_file(path: str | os.PathLike[str]) -> Opened:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        opened.append(page)
        result = Opened(page)
        page.on("console", lambda m: result.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: result.errors.append(str(e)))
        page.on("request", lambda r: result.requests.append(r.url))

        def dialog(d: Any) -> None:
            result.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.goto(Path(path).resolve().as_uri())
        return result

    yield open_file
    for page in opened:
        page.close()
