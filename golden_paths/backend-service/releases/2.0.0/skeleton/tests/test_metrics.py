"""Metrics: counters from many threads, and the Prometheus text format."""

from __future__ import annotations

import threading

from {{ values.name | snake }} import __version__
from {{ values.name | snake }}.metrics import Metrics


def test_counts_from_many_threads() -> None:
    metrics = Metrics()

    def hit() -> None:
        for _ in range(500):
            metrics.observe("GET", "/healthz", 200)

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert metrics.requests("GET", "/healthz", 200) == 4000


def test_text_format() -> None:
    ticks = iter([10.0, 12.5])
    metrics = Metrics(clock=lambda: next(ticks))
    metrics.observe("GET", '/a"b', 200)
    lines = metrics.render().splitlines()
    assert lines[:3] == [
        "# HELP http_requests_total HTTP requests answered, by method, route and status.",
        "# TYPE http_requests_total counter",
        'http_requests_total{method="GET",route="/a\\"b",status="200"} 1',
    ]
    assert "process_uptime_seconds 2.500" in lines
    assert lines[-1] == 'service_info{service="{{ values.name }}",version="' + __version__ + '"} 1'
    for line in lines:
        assert line.startswith("#") or line.rsplit(" ", 1)[1].replace(".", "").isdigit()
