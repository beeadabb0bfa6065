"""Serving the WSGI app with the standard library: one thread per request, JSON access logs."""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import socketserver
import threading
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .api import App

log = logging.getLogger("{{ values.name }}")


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    """Logs one JSON line per request instead of the default Apache-style line on stderr."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        status = int(code) if str(code).isdigit() else code
        log.info(json.dumps({"method": self.command, "path": self.path, "status": status}))

    def log_message(self, format: str, *args: Any) -> None:
        log.warning(format, *args)


def build_server(host: str, port: int, app: App | None = None) -> WSGIServer:
    """A ready-to-serve server; port 0 picks a free port (see `server.server_port`)."""
    return make_server(
        host, port, app or App(), server_class=ThreadingWSGIServer, handler_class=QuietHandler
    )


def serve(host: str, port: int) -> None:
    """Serve until SIGTERM or Ctrl-C, finishing requests in flight."""
    with build_server(host, port) as server:

        def stop(signum: int, frame: object) -> None:
            threading.Thread(target=server.shutdown, daemon=True).start()

        signal.signal(signal.SIGTERM, stop)
        log.info(json.dumps({"event": "listening", "host": host, "port": server.server_port}))
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
