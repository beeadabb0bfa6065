"""The command line and the real server on a free port, spoken to over HTTP."""

from __future__ import annotations

import json
import logging
import threading
import urllib.request
from collections.abc import Iterator

import pytest

from {{ values.name | snake }}.__main__ import DEFAULT_LOG_LEVEL, DEFAULT_PORT, healthcheck, main
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


def get(port: int, path: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
        return response.status, response.read()


def test_serves_health_and_api(port: int) -> None:
    assert get(port, "/healthz") == (200, b'{"status": "ok"}')
    assert get(port, "/readyz") == (200, b'{"status": "ready"}')
    status, body = get(port, "/api/v1/greeting?name=Kubernetes")
    assert (status, json.loads(body)) == (200, {"message": "Hello, Kubernetes!"})


def test_serves_metrics(port: int) -> None:
    get(port, "/healthz")
    status, body = get(port, "/metrics")
    assert status == 200
    assert 'http_requests_total{method="GET",route="/healthz",status="200"} 1' in body.decode()


def test_healthcheck_command(port: int) -> None:
    assert healthcheck(port) == 0
    assert main(["--healthcheck", "--port", str(port)]) == 0


def test_defaults() -> None:
    assert DEFAULT_PORT == {{ values.port }}
    assert DEFAULT_LOG_LEVEL == "{{ values.log_level | upper }}"
    assert logging.getLevelName(DEFAULT_LOG_LEVEL) != f"Level {DEFAULT_LOG_LEVEL}"


def test_rejects_an_unknown_log_level(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--log-level", "loud"])
    assert "invalid choice" in capsys.readouterr().err
