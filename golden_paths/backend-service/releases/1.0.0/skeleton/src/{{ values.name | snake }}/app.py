"""The HTTP API as a WSGI application: health checks and a small JSON API, standard library only."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs
from wsgiref.types import StartResponse, WSGIEnvironment

from . import SERVICE_NAME, __version__

Response = tuple[HTTPStatus, dict[str, Any]]
MAX_NAME = 100


class App:
    """Routes `GET` requests to handlers and answers JSON. `ready` decides /readyz."""

    def __init__(self, ready: Callable[[], bool] = lambda: True) -> None:
        self.ready = ready
        self.routes: dict[str, Callable[[WSGIEnvironment], Response]] = {
            "/": self.info,
            "/healthz": self.healthz,
            "/readyz": self.readyz,
            "/api/v1/greeting": self.greeting,
        }

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        handler = self.routes.get(path)
        headers = [("Content-Type", "application/json")]
        if handler is None:
            status, body = HTTPStatus.NOT_FOUND, {"error": "not found", "path": path}
        elif method not in ("GET", "HEAD"):
            status, body = HTTPStatus.METHOD_NOT_ALLOWED, {"error": f"{method} is not allowed"}
            headers.append(("Allow", "GET, HEAD"))
        else:
            status, body = handler(environ)
        payload = json.dumps(body, sort_keys=True).encode("utf-8")
        headers.append(("Content-Length", str(len(payload))))
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

    def greeting(self, environ: WSGIEnvironment) -> Response:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        name = query.get("name", ["world"])[0].strip() or "world"
        if len(name) > MAX_NAME:
            return HTTPStatus.BAD_REQUEST, {"error": f"name is longer than {MAX_NAME} characters"}
        return HTTPStatus.OK, {"message": f"Hello, {name}!"}
