"""Browser tests: Debian's Chromium driven by Playwright against a live server on 127.0.0.1."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

if not Path(CHROMIUM).exists():
    if os.environ.get("CI") == "true":
        raise RuntimeError(
            "CI needs Debian's chromium for the browser tests (apt-get install chromium)"
        )
    collect_ignore_glob = ["test_*.py"]  # Debian's chromium is not installed: no browser tests here


@pytest.fixture(scope="package")
def _chromium():
    """One Chromium for the browser tests: starting Playwright and Chromium takes seconds."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def browser(_chromium):
    """Chromium; each page a test opens has a context of its own (cookies, storage, cache),
    closed when the test ends."""
    yield _chromium
    for context in _chromium.contexts:
        context.close()


class ConsoleWatch:
    """Collects what Chromium reports about a page: console errors and uncaught exceptions."""

    def __init__(self, page):
        self.messages: list[str] = []
        page.on(
            "console",
            lambda message: message.type == "error" and self.messages.append(message.text),
        )
        page.on("pageerror", lambda error: self.messages.append(f"uncaught: {error}"))

    @property
    def csp_violations(self) -> list[str]:
        return [m for m in self.messages if "Content Security Policy" in m]

    @property
    def script_errors(self) -> list[str]:
        return [m for m in self.messages if m.startswith("uncaught:")]

    def assert_clean(self) -> None:
        assert not self.csp_violations and not self.script_errors, self.messages
