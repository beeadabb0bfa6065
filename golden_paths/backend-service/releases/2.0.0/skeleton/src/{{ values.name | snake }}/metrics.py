"""Prometheus metrics in the text exposition format (0.0.4), standard library only.

`GET /metrics` answers `http_requests_total` (by method, route and status), the process uptime
and a `service_info` gauge naming the version, so dashboards and alerts work out of the box.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

from . import SERVICE_NAME, __version__

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class Metrics:
    """Request counters, safe to update from the server's request threads."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._started = clock()
        self._lock = threading.Lock()
        self._requests: Counter[tuple[str, str, int]] = Counter()

    def observe(self, method: str, route: str, status: int) -> None:
        with self._lock:
            self._requests[(method, route, status)] += 1

    def requests(self, method: str, route: str, status: int) -> int:
        with self._lock:
            return self._requests[(method, route, status)]

    def render(self) -> str:
        with self._lock:
            counts = sorted(self._requests.items())
        lines = [
            "# HELP http_requests_total HTTP requests answered, by method, route and status.",
            "# TYPE http_requests_total counter",
        ]
        for (method, route, status), count in counts:
            labels = f'method="{_label(method)}",route="{_label(route)}",status="{status}"'
            lines.append("http_requests_total{" + labels + "} " + str(count))
        info = f'service="{_label(SERVICE_NAME)}",version="{_label(__version__)}"'
        lines += [
            "# HELP process_uptime_seconds Seconds since the service started.",
            "# TYPE process_uptime_seconds gauge",
            f"process_uptime_seconds {self._clock() - self._started:.3f}",
            "# HELP service_info The service's name and version.",
            "# TYPE service_info gauge",
            "service_info{" + info + "} 1",
        ]
        return "\n".join(lines) + "\n"
