"""Tests for graph.neo4j_launcher against a real Neo4j 5.26 server (no mocks of Neo4j)."""

from __future__ import annotations

import os
import socket
import stat
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

from graph.neo4j_launcher import (
    LAUNCHER_DIR,
    Neo4jLauncherError,
    PROFILES,
    Neo4jServer,
    build_launcher,
    check_java,
)

neo4j = pytest.importorskip("neo4j", reason="the official neo4j Python driver is required")


# --------------------------------------------------------------------------- helpers


def _run(uri: str, query: str, **params):
    with neo4j.GraphDatabase.driver(uri) as driver:
        records, _, _ = driver.execute_query(query, params, database_="neo4j")
        return records


def _listening_addresses(port: int) -> list[str]:
    """IP addresses with a TCP socket in LISTEN state on ``port`` (Linux /proc/net)."""
    found = []
    for name, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, state = fields[1], fields[3]
            hex_ip, hex_port = local.split(":")
            if state != "0A" or int(hex_port, 16) != port:
                continue
            raw = bytes.fromhex(hex_ip)
            # the kernel prints each 32-bit word in host (little-endian) byte order
            raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            found.append(socket.inet_ntop(family, raw))
    return found


def _is_loopback(ip: str) -> bool:
    return ip.startswith("127.") or ip in ("::1", "::ffff:127.0.0.1") or ip.startswith("::ffff:127.")


def _non_loopback_ip() -> str | None:
    """A non-loopback address of this host, if it has one (no packet is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: only selects the outgoing interface
            ip = s.getsockname()[0]
    except OSError:
        return None
    return None if ip.startswith("127.") or ip == "0.0.0.0" else ip


def _fake_java(tmp_path: Path, script: str) -> str:
    exe = tmp_path / "java"
    exe.write_text("#!/bin/sh\n" + script + "\n")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(exe)


posix_only = pytest.mark.skipif(sys.platform == "win32", reason="uses /bin/sh scripts")


# --------------------------------------------------------------------------- real server


def test_return_1(neo4j_uri):
    records = _run(neo4j_uri, "RETURN 1 AS one")
    assert [r["one"] for r in records] == [1]


def test_components_report_5_26(neo4j_uri):
    records = _run(neo4j_uri, "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition")
    kernel = [r for r in records if r["name"] == "Neo4j Kernel"]
    assert kernel, records
    assert kernel[0]["versions"][0].startswith("5.26."), kernel[0]["versions"]


def test_write_then_read_node(neo4j_uri):
    key = f"quanze-test-{uuid.uuid4()}"
    try:
        _run(neo4j_uri, "CREATE (:QuanzeLauncherTest {key: $key, name: $name})", key=key, name="甲")
        records = _run(neo4j_uri, "MATCH (n:QuanzeLauncherTest {key: $key}) RETURN n.name AS name", key=key)
        assert [r["name"] for r in records] == ["甲"]
    finally:
        _run(neo4j_uri, "MATCH (n:QuanzeLauncherTest {key: $key}) DELETE n", key=key)


def test_binds_loopback_only(neo4j_uri):
    if os.environ.get("QUANZE_NEO4J_URI"):
        pytest.skip("external server given by QUANZE_NEO4J_URI")
    parsed = urlparse(neo4j_uri)
    assert parsed.scheme == "bolt"
    assert parsed.hostname == "127.0.0.1"
    port = parsed.port
    assert port
    if Path("/proc/net/tcp").exists():
        addresses = _listening_addresses(port)
        assert addresses, f"nothing listens on port {port}"
        assert all(_is_loopback(ip) for ip in addresses), addresses
    other = _non_loopback_ip()
    if other is not None:
        with pytest.raises(OSError):
            socket.create_connection((other, port), timeout=3).close()


def test_port_in_use_reports_stderr(neo4j_uri):
    parsed = urlparse(neo4j_uri)
    if parsed.hostname not in ("127.0.0.1", "localhost"):
        pytest.skip("needs a server on this host")
    server = Neo4jServer(heap="512m")
    with pytest.raises(Neo4jLauncherError) as info:
        server.start(port=parsed.port, timeout=180)
    message = str(info.value)
    assert "exited with code" in message
    assert "stderr:" in message and str(parsed.port) in message
    assert server.process is None and server.uri is None


def test_start_stop_second_server(tmp_path):
    with Neo4jServer(heap="512m") as server:
        pid = server.process.pid
        assert server.running
        assert server.uri.startswith("bolt://127.0.0.1:")
        assert _run(server.uri, "RETURN 2 AS two")[0]["two"] == 2
        proc = server.process
    assert not server.running and server.uri is None
    assert proc.returncode == 0
    if Path("/proc").exists():
        assert not Path(f"/proc/{pid}").exists()


# --------------------------------------------------------------------------- requirement checks


def test_start_with_missing_java_raises(tmp_path):
    missing = str(tmp_path / "no-such-dir" / "java")
    server = Neo4jServer(java=missing)
    with pytest.raises(Neo4jLauncherError, match="Java executable .* not found") as info:
        server.start(timeout=10)
    assert missing in str(info.value)
    assert server.process is None


@posix_only
def test_start_with_old_java_raises(tmp_path):
    java = _fake_java(tmp_path, 'echo \'openjdk version "11.0.22" 2024-01-16\' >&2')
    with pytest.raises(Neo4jLauncherError, match=r"Java 11; Neo4j 5.26 needs Java 17"):
        Neo4jServer(java=java).start(timeout=10)


@posix_only
def test_java_8_version_string_is_parsed(tmp_path):
    java = _fake_java(tmp_path, 'echo \'java version "1.8.0_392"\' >&2')
    with pytest.raises(Neo4jLauncherError, match="Java 8;"):
        check_java(java)


@posix_only
def test_broken_java_raises(tmp_path):
    java = _fake_java(tmp_path, "echo 'Segmentation fault' >&2; exit 139")
    with pytest.raises(Neo4jLauncherError, match="cannot determine the Java version"):
        check_java(java)


def test_real_java_is_new_enough():
    assert check_java() >= 17


def test_build_without_maven_raises(tmp_path):
    with pytest.raises(Neo4jLauncherError, match="Maven executable .* not found"):
        build_launcher(force=True, mvn=str(tmp_path / "no-such-mvn"))
    # the failed attempt must not have damaged an existing build
    if (LAUNCHER_DIR / "target" / "lib").is_dir():
        assert any((LAUNCHER_DIR / "target" / "lib").glob("neo4j-harness-*.jar"))


def test_invalid_heap_raises():
    with pytest.raises(Neo4jLauncherError, match="invalid heap size"):
        Neo4jServer(heap="lots").start(timeout=10)


# --------------------------------------------------------------------------- server profiles


def _cmd(server: Neo4jServer) -> list[str]:
    return server.command(0, Path("/launcher"))


def _opt(cmd: list[str], flag: str) -> str:
    return cmd[cmd.index(flag) + 1]


@pytest.fixture
def no_neo4j_env(monkeypatch):
    for var in ("QUANZE_NEO4J_PROFILE", "QUANZE_NEO4J_HEAP", "QUANZE_NEO4J_JAVA_OPTS", "QUANZE_NEO4J_PAGE_CACHE"):
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


def test_test_profile_is_the_default(no_neo4j_env):
    cmd = _cmd(Neo4jServer())
    assert "-Xmx1g" in cmd and "-XX:TieredStopAtLevel=1" in cmd and "-XX:+UseSerialGC" in cmd
    assert _opt(cmd, "--page-cache") == "32m" and _opt(cmd, "--tx-memory") == "512m"


def test_load_profile_has_full_jit_and_a_large_page_cache(no_neo4j_env):
    server = Neo4jServer(profile="load")
    cmd = _cmd(server)
    assert server.profile == "load" and "load" in repr(server)
    assert "-Xmx2g" in cmd and "-XX:+UseParallelGC" in cmd
    assert not any(o.startswith("-XX:TieredStopAtLevel") for o in cmd)
    assert _opt(cmd, "--page-cache") == PROFILES["load"].page_cache == "2g"


def test_profile_from_the_environment_and_single_overrides(no_neo4j_env):
    no_neo4j_env.setenv("QUANZE_NEO4J_PROFILE", "load")
    assert Neo4jServer().profile == "load"
    no_neo4j_env.setenv("QUANZE_NEO4J_PAGE_CACHE", "512m")
    no_neo4j_env.setenv("QUANZE_NEO4J_HEAP", "3g")
    cmd = _cmd(Neo4jServer())
    assert _opt(cmd, "--page-cache") == "512m" and "-Xmx3g" in cmd and "-XX:+UseParallelGC" in cmd
    cmd = _cmd(Neo4jServer(profile="test", heap="768m", page_cache="64m", java_opts=["-XX:+UseG1GC"]))
    assert "-Xmx768m" in cmd and _opt(cmd, "--page-cache") == "64m"
    assert "-XX:+UseG1GC" in cmd and "-XX:+UseSerialGC" not in cmd


def test_bad_profile_or_page_cache_raises(no_neo4j_env):
    with pytest.raises(Neo4jLauncherError, match="unknown Neo4j server profile 'fast'"):
        Neo4jServer(profile="fast")
    with pytest.raises(Neo4jLauncherError, match="invalid page cache size"):
        _cmd(Neo4jServer(page_cache="a lot"))


def test_server_uses_the_page_cache_it_is_given(no_neo4j_env):
    with Neo4jServer(profile="load", heap="512m", page_cache="48m") as server:
        rows = _run(server.uri, "SHOW SETTINGS YIELD name, value WHERE name = $name RETURN value", name="server.memory.pagecache.size")
        assert [r["value"] for r in rows] in (["48.00MiB"], ["50331648"], ["48m"]), rows


def test_launcher_refuses_a_bad_page_cache_size(no_neo4j_env):
    server = Neo4jServer(heap="256m")
    root = build_launcher()
    cmd = server.command(0, root)
    cmd[cmd.index("--page-cache") + 1] = "12q"
    import subprocess

    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2
    assert "--page-cache takes a size such as 512m or 2g" in proc.stderr
