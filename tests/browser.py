"""A real headless browser for tests: Debian's chromium driven by chromedriver over the W3C
WebDriver protocol (plain HTTP with urllib: no selenium).

``browser()`` yields a ``Browser`` or skips the test when chromium/chromedriver are missing;
in CI (``CI`` set) a missing browser fails the test instead of skipping it silently.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
ERROR_PAGE = "chrome-error://"


def _find(names: tuple[str, ...]) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    """One WebDriver session of headless chromium."""

    def __init__(self, base: str, session_id: str) -> None:
        self._base = base
        self._session = session_id

    def _call(self, method: str, path: str, body: object = None) -> Any:
        return _call(self._base, method, f"/session/{self._session}{path}", body)

    def open(self, url: str) -> None:
        """Navigate and wait for the page to load."""
        self._call("POST", "/url", {"url": url})

    def run(self, script: str, *args: object) -> Any:
        """Run JavaScript in the page; its ``return`` value."""
        return self._call("POST", "/execute/sync", {"script": script, "args": list(args)})

    @property
    def url(self) -> str:
        """Where the browser is (``chrome-error://...`` when a page could not be loaded)."""
        return str(self.run("return document.URL;"))


def _call(base: str, method: str, path: str, body: object = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base + path, method=method, data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.load(response)["value"]
    except urllib.error.HTTPError as exc:
        detail = json.load(exc).get("value", {})
        raise AssertionError(f"WebDriver {method} {path}: {detail}") from None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def browser() -> Iterator[Browser]:
    """Headless chromium for one test (skipped without it, except in CI)."""
    chromium, driver = _find(CHROMIUM), _find(("chromedriver",))
    if chromium is None or driver is None:
        message = "chromium and chromedriver are needed (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(f"CI: {message}")
        pytest.skip(message)
    port = _free_port()
    process = subprocess.Popen(
        [driver, f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                _call(base, "GET", "/status")
                break
            except (OSError, AssertionError):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError("chromedriver did not start") from None
                time.sleep(0.1)
        options = {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        }
        capabilities = {"browserName": "chrome", "goog:chromeOptions": options}
        session = _call(base, "POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})
        session_id = session["sessionId"]
        try:
            yield Browser(base, session_id)
        finally:
            _call(base, "DELETE", f"/session/{session_id}")
    finally:
        process.terminate()
        process.wait(timeout=20)
