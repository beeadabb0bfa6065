"""The HTTP API as a WSGI application: health checks, metrics and a small JSON API, standard
library only."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs
from wsgiref.types import StartResponse, WSGIEnvironment

from . import SERVICE_NAME, __version__
from .metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from .metrics import Metrics

# A handler answers a status and a body: a dict is sent as JSON, a str as Prometheus text.
Response = tuple[HTTPStatus, dict[str, Any] | str]
MAX_NAME = 100


class App:
    """Routes `GET` requests to handlers. `ready` decides /readyz; `metrics` counts requests."""

    def __init__(
        self, ready: Callable[[], bool] = lambda: True, metrics: Metrics | None = None
    ) -> None:
        self.ready = ready
        self.metrics = metrics or Metrics()
        self.routes: dict[str, Callable[[WSGIEnvironment], Response]] = {
            "/": self.info,
            "/healthz": self.healthz,
            "/readyz": self.readyz,
            "/metrics": self.prometheus,
            "/api/v1/greeting": self.greeting,
        }

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        handler = self.routes.get(path)
        headers = []
        body: dict[str, Any] | str
        if handler is None:
            status, body = HTTPStatus.NOT_FOUND, {"error": "not found", "path": path}
        elif method not in ("GET", "HEAD"):
            status, body = HTTPStatus.METHOD_NOT_ALLOWED, {"error": f"{method} is not allowed"}
            headers.append(("Allow", "GET, HEAD"))
        else:
            status, body = handler(environ)
        if isinstance(body, str):
            headers.insert(0, ("Content-Type", METRICS_CONTENT_TYPE))
            payload = body.encode("utf-8")
        else:
            headers.insert(0, ("Content-Type", "application/json"))
            payload = json.dumps(body, sort_keys=True).encode("utf-8")
        headers.append(("Content-Length", str(len(payload))))
        # the route, not the raw path, so unknown paths cannot grow the metric without bound
        self.metrics.observe(method, path if handler else "(unmatched)", status.value)
        start_response(f"{status.value} {status.phrase}", headers)
        return [b"" if method == "HEAD" else payload]

    def info(self, environ: WSGIEnvironment) -> Response:
        return HTTPStatus.OK, {"service": SERVICE_NAME, "version": __version__}

    def healthz(self, environ: WSGIEnvironment) -> Response:
        return HTTPStatus.OK, {"status": "ok"}

    def readyz(self, environ: WSGIEnvironment) -> Response:
        if self.ready():
            return HTTPStatus.OK, {"status": "ready"}
        return HTTPStatus.SERVICE_UNAVAILABLE, {"status": "not ready"}

    def prometheus(self, environ: WSGIEnvironment) -> Response:
        return HTTPStatus.OK, self.metrics.render()

    def greeting(self, environ: WSGIEnvironment) -> Response:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        name = query.get("name", ["world"])[0].strip() or "world"
        if len(name) > MAX_NAME:
            return HTTPStatus.BAD_REQUEST, {"error": f"name is longer than {MAX_NAME} characters"}
        return HTTPStatus.OK, {"message": f"Hello, {name}!"}
