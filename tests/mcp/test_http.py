"""`scaffold mcp --http`: Streamable HTTP, bound to 127.0.0.1 unless told otherwise; and the CLI's
start-up pays nothing for the MCP SDK."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from mcp import Client

from tests.mcp.conftest import Talk


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(port: int) -> list[str]:
    """The local addresses of the TCP sockets listening on `port` (from /proc/net/tcp, hex as the kernel writes)."""
    found = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, _, hex_port = local.partition(":")
        if state == "0A" and int(hex_port, 16) == port:
            found.append(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


@pytest.fixture
def http_server(root: Path) -> Iterator[int]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "scaffolder", "mcp", "--http", "--port", str(port), "--root", str(root)],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not _listening(port):
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "scaffold mcp --http did not start listening"
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_streamable_http_on_loopback(http_server: int) -> None:
    assert _listening(http_server) == ["127.0.0.1"]
    # a web page's request through a name rebound to 127.0.0.1 (DNS rebinding) is refused
    rebound = urllib.request.Request(
        f"http://127.0.0.1:{http_server}/mcp",
        data=b'{"jsonrpc": "2.0", "id": 1, "method": "ping"}',
        headers={"Host": "evil.example", "Origin": "http://evil.example", "Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(rebound, timeout=30)
    assert refused.value.code in (403, 421)

    async def main() -> None:
        async with Client(f"http://127.0.0.1:{http_server}/mcp") as client:
            talk = Talk(client)
            tools = {t.name for t in (await client.list_tools()).tools}
            assert {"list_golden_paths", "create_from_golden_path", "upgrade_repo"} <= tools
            names = [e["name"] for e in await talk.data("list_golden_paths")]
            assert "backend-service" in names
            refused = await talk.error("create_from_golden_path", golden_path="website", parameters={})
            assert refused["error"] == "WritesOff"

    anyio.run(main)


@pytest.mark.parametrize("args", [["--help"], ["mcp", "--help"]])
def test_help_does_not_import_the_sdk(args: list[str]) -> None:
    code = (
        "import sys; from scaffolder.cli import cli\n"
        f"try: cli.main({args!r}, standalone_mode=False)\nexcept SystemExit: pass\n"
        "assert not [m for m in sys.modules if m == 'mcp' or m.startswith(('mcp.', 'scaffolder.mcp'))], 'imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "mcp" in result.stdout  # the command is listed / its help shown


def test_host_and_port_go_with_http(root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scaffolder", "mcp", "--port", "9", "--root", str(root)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2 and "--host and --port go with --http" in result.stderr


def test_without_the_sdk_it_says_which_extra_to_install(root: Path) -> None:
    code = (
        "import sys; sys.modules['mcp'] = None\n"  # what an install without the extra looks like to import
        "from scaffolder.cli import main; sys.argv = ['scaffold', 'mcp', '--root', sys.argv[1]]; main()\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "error: scaffold mcp needs the MCP SDK: pip install 'scaffold-golden-paths[mcp]'" in result.stderr
