"""The real server on a free port, spoken to over HTTP."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator

import pytest

from {{ values.name | snake }}.__main__ import DEFAULT_PORT, healthcheck
from {{ values.name | snake }}.server import build_server


@pytest.fixture
def port() -> Iterator[int]:
    server = build_server("127.0.0.1", 0)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def get(port: int, path: str) -> tuple[int, dict[str, object]]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
        return response.status, json.loads(response.read())


def test_serves_health_and_api(port: int) -> None:
    assert get(port, "/healthz") == (200, {"status": "ok"})
    assert get(port, "/readyz") == (200, {"status": "ready"})
    assert get(port, "/api/v1/greeting?name=Kubernetes") == (200, {"message": "Hello, Kubernetes!"})


def test_healthcheck_command(port: int) -> None:
    assert healthcheck(port) == 0


def test_default_port() -> None:
    assert DEFAULT_PORT == {{ values.port }}
