"""The WSGI app, called directly: no sockets, no server."""

from __future__ import annotations

import json
from typing import Any
from wsgiref.util import setup_testing_defaults

from {{ values.name | snake }} import SERVICE_NAME, __version__
from {{ values.name | snake }}.api import App
from {{ values.name | snake }}.metrics import Metrics

Result = tuple[str, dict[str, str], Any]


def call(app: App, path: str, method: str = "GET", query: str = "") -> Result:
    environ: dict[str, Any] = {"PATH_INFO": path, "REQUEST_METHOD": method, "QUERY_STRING": query}
    setup_testing_defaults(environ)
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    if seen["headers"]["Content-Type"].startswith("text/plain"):
        return seen["status"], seen["headers"], body.decode("utf-8")
    return seen["status"], seen["headers"], json.loads(body) if body else None


def test_healthz() -> None:
    status, headers, body = call(App(), "/healthz")
    assert status == "200 OK"
    assert headers["Content-Type"] == "application/json"
    assert body == {"status": "ok"}


def test_readyz_follows_readiness() -> None:
    assert call(App(), "/readyz")[2] == {"status": "ready"}
    status, _, body = call(App(ready=lambda: False), "/readyz")
    assert status == "503 Service Unavailable"
    assert body == {"status": "not ready"}


def test_info_names_the_service() -> None:
    assert call(App(), "/")[2] == {"service": SERVICE_NAME, "version": __version__}
    assert SERVICE_NAME == "{{ values.name }}"


def test_greeting() -> None:
    assert call(App(), "/api/v1/greeting")[2] == {"message": "Hello, world!"}
    assert call(App(), "/api/v1/greeting", query="name=Ada")[2] == {"message": "Hello, Ada!"}


def test_greeting_rejects_long_names() -> None:
    status, _, body = call(App(), "/api/v1/greeting", query="name=" + "x" * 101)
    assert status == "400 Bad Request"
    assert "longer than" in body["error"]


def test_unknown_path_and_method() -> None:
    assert call(App(), "/nope")[0] == "404 Not Found"
    status, headers, _ = call(App(), "/healthz", method="POST")
    assert status == "405 Method Not Allowed"
    assert headers["Allow"] == "GET, HEAD"


def test_head_has_no_body() -> None:
    status, headers, body = call(App(), "/healthz", method="HEAD")
    assert status == "200 OK"
    assert int(headers["Content-Length"]) > 0
    assert body is None


def test_metrics_count_requests_by_route() -> None:
    app = App(metrics=Metrics(clock=lambda: 0.0))
    call(app, "/healthz")
    call(app, "/healthz")
    call(app, "/nope")
    call(app, "/readyz", method="POST")
    status, headers, text = call(app, "/metrics")
    assert status == "200 OK"
    assert headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert 'http_requests_total{method="GET",route="/healthz",status="200"} 2' in text
    assert 'http_requests_total{method="GET",route="(unmatched)",status="404"} 1' in text
    assert 'http_requests_total{method="POST",route="/readyz",status="405"} 1' in text
    assert 'service_info{service="' + SERVICE_NAME + '",version="' + __version__ + '"} 1' in text
    assert app.metrics.requests("GET", "/metrics", 200) == 1
