"""Browser tests: Debian's Chromium driven by Playwright against a live server on 127.0.0.1."""
import os
from pathlib import Path
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import POSTGRES_URL

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]

if not Path(CHROMIUM).exists():
    if os.environ.get("CI") == "true":
        raise RuntimeError("CI needs Debian's chromium for the browser tests (apt-get install chromium)")
    collect_ignore_glob = ["test_*.py"]  # Debian's chromium is not installed: no browser tests here


@pytest.fixture
def live(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=POSTGRES_URL or f"sqlite:///{tmp_path / 'browser.sqlite'}",
                   WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield instance
        instance.close()


class ConsoleWatch:
    """Collects what Chromium reports about a page: console errors and uncaught exceptions."""

    def __init__(self, page):
        self.messages: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.messages.append(message.text))
        page.on("pageerror", lambda error: self.messages.append(f"uncaught: {error}"))

    @property
    def csp_violations(self) -> list[str]:
        return [m for m in self.messages if "Content Security Policy" in m]

    @property
    def script_errors(self) -> list[str]:
        return [m for m in self.messages if m.startswith("uncaught:")]

    def assert_clean(self) -> None:
        assert not self.csp_violations and not self.script_errors, self.messages
