"""Build and run a real Neo4j 5.26 server (Maven ``neo4j-harness``) on 127.0.0.1, without Docker."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

__all__ = [
    "LAUNCHER_DIR",
    "READY_MARKER",
    "MIN_JAVA",
    "Neo4jLauncherError",
    "Neo4jServer",
    "PROFILES",
    "ServerProfile",
    "build_launcher",
    "check_java",
    "check_mvn",
    "serve",
]

LAUNCHER_DIR = Path(__file__).resolve().parent.parent / "tests" / "neo4j"
"""Maven project of the Java launcher (``<repo>/tests/neo4j``)."""

READY_MARKER = "QUANZE_NEO4J_READY"
"""First word of the line the launcher prints on stdout once Bolt accepts connections."""

MIN_JAVA = 17
"""Lowest Java feature release Neo4j 5.26 runs on."""

_JAR_NAME = "quanze-neo4j-launcher.jar"
_MAIN_CLASS = "quanze.neo4j.Launcher"
_TAIL_LINES = 40
_SIZE = re.compile(r"\d+[kKmMgG]?")


@dataclass(frozen=True)
class ServerProfile:
    """JVM and Neo4j memory settings of the launched server.

    Attributes
    ----------
    heap : str
        JVM max heap (``-Xmx``), e.g. ``"1g"``.
    java_opts : tuple of str
        Further JVM options.
    page_cache : str
        Neo4j page cache (``server.memory.pagecache.size``), e.g. ``"32m"``.
    tx_memory : str
        Memory all running transactions may use together (``dbms.memory.transaction.total.max``).
    """

    heap: str
    java_opts: tuple[str, ...]
    page_cache: str
    tx_memory: str


PROFILES: dict[str, ServerProfile] = {
    # Serial GC + C1 only and a 32 MB page cache: fewer threads and a fast start on a small, shared
    # machine; right for the test suite's small bundles.
    "test": ServerProfile("1g", ("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), "32m", "512m"),
    # Real loads and benchmarks: full JIT (C2), the parallel collector, and a page cache that holds a
    # province-scale store (~1.7 M nodes and relationships) entirely. Starts a few seconds slower.
    "load": ServerProfile("2g", ("-XX:+UseParallelGC",), "2g", "2g"),
}
"""Named server profiles: ``test`` (the default) and ``load``; pick one with ``Neo4jServer(profile=…)``
or ``$QUANZE_NEO4J_PROFILE``."""


class Neo4jLauncherError(RuntimeError):
    """The Neo4j launcher could not be built, started or stopped."""


# ---------------------------------------------------------------------------
# requirement checks
# ---------------------------------------------------------------------------


def _tail(text: str, lines: int = _TAIL_LINES) -> str:
    """Return the last ``lines`` non-empty lines of ``text``."""
    kept = [line for line in text.splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


def _which(cmd: str) -> str | None:
    """Resolve ``cmd`` (a name on PATH or a path) to an executable path, or None."""
    if os.sep in cmd or (os.altsep and os.altsep in cmd):
        return cmd if os.path.isfile(cmd) and os.access(cmd, os.X_OK) else None
    return shutil.which(cmd)


def check_java(java: str = "java") -> int:
    """Check that ``java`` exists and is at least Java 17.

    Parameters
    ----------
    java : str
        Java executable (name on PATH or path).

    Returns
    -------
    int
        The Java feature release, e.g. ``17``.

    Raises
    ------
    Neo4jLauncherError
        If java is missing, cannot be run, or is older than Java 17.
    """
    exe = _which(java)
    if exe is None:
        raise Neo4jLauncherError(
            f"Java executable {java!r} not found; Neo4j 5.26 needs Java {MIN_JAVA} or 21 "
            "(e.g. `apt-get install openjdk-17-jre-headless`)"
        )
    try:
        proc = subprocess.run([exe, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        raise Neo4jLauncherError(f"cannot run {exe!r} -version: {exc}") from exc
    out = proc.stderr + proc.stdout
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if proc.returncode != 0 or match is None:
        raise Neo4jLauncherError(f"cannot determine the Java version of {exe!r}:\n{_tail(out)}")
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8.0_392" style
        major = int(match.group(2))
    if major < MIN_JAVA:
        raise Neo4jLauncherError(
            f"{exe!r} is Java {major}; Neo4j 5.26 needs Java {MIN_JAVA} or newer (17 or 21 recommended)"
        )
    return major


def check_mvn(mvn: str = "mvn") -> str:
    """Check that Maven is available.

    Parameters
    ----------
    mvn : str
        Maven executable (name on PATH or path).

    Returns
    -------
    str
        Resolved path of the Maven executable.

    Raises
    ------
    Neo4jLauncherError
        If Maven cannot be found.
    """
    exe = _which(mvn)
    if exe is None:
        raise Neo4jLauncherError(
            f"Maven executable {mvn!r} not found; it is needed once to build the Neo4j launcher "
            f"in {LAUNCHER_DIR} (e.g. `apt-get install maven`)"
        )
    return exe


# ---------------------------------------------------------------------------
# build
# ---------------------------------------------------------------------------


def _target(launcher_dir: Path) -> Path:
    return launcher_dir / "target"


def _classpath(target: Path) -> str:
    return os.pathsep.join([str(target / _JAR_NAME), str(target / "lib" / "*")])


def _is_up_to_date(launcher_dir: Path) -> bool:
    """Return True if the launcher jar and its lib/ exist and are newer than the pom and sources."""
    target = _target(launcher_dir)
    jar, lib = target / _JAR_NAME, target / "lib"
    if not jar.is_file() or not lib.is_dir() or not any(lib.glob("neo4j-harness-*.jar")):
        return False
    built = jar.stat().st_mtime
    inputs = [launcher_dir / "pom.xml", *(launcher_dir / "src").rglob("*.java")]
    return all(p.stat().st_mtime <= built for p in inputs if p.exists())


class _BuildLock:
    """Inter-process lock so parallel test sessions do not run mvn on the same tree at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[bytes] | None = None

    def __enter__(self) -> "_BuildLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "wb")
        try:
            import fcntl

            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - Windows: no lock, builds are rare anyway
            pass
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self._fh.close()  # releases the flock
            self._fh = None


def build_launcher(
    quiet: bool = True,
    *,
    force: bool = False,
    mvn: str = "mvn",
    launcher_dir: Path | None = None,
    timeout: float = 1800.0,
) -> Path:
    """Build the Java launcher with Maven if its output is missing or stale.

    Runs ``mvn -B [-q] -f tests/neo4j/pom.xml package`` when ``target/quanze-neo4j-launcher.jar`` or
    ``target/lib/`` is missing, or older than ``pom.xml`` / any ``*.java`` source. The first build
    downloads Neo4j 5.26 (about 150 MB) from Maven Central into ``~/.m2``.

    Parameters
    ----------
    quiet : bool
        Pass ``-q`` to Maven (only errors are printed).
    force : bool
        Rebuild even if the output looks up to date.
    mvn : str
        Maven executable.
    launcher_dir : pathlib.Path, optional
        Maven project directory; defaults to :data:`LAUNCHER_DIR`.
    timeout : float
        Seconds to allow for the Maven run.

    Returns
    -------
    pathlib.Path
        The classpath root ``tests/neo4j/target``: it holds ``quanze-neo4j-launcher.jar`` and ``lib/*.jar``.

    Raises
    ------
    Neo4jLauncherError
        If Maven is missing or the build fails (the message ends with the tail of Maven's output).
    """
    launcher_dir = Path(launcher_dir) if launcher_dir is not None else LAUNCHER_DIR
    target = _target(launcher_dir)
    if not force and _is_up_to_date(launcher_dir):
        return target
    exe = check_mvn(mvn)
    with _BuildLock(target / ".quanze-build.lock"):
        if not force and _is_up_to_date(launcher_dir):  # another process built it meanwhile
            return target
        # copy-dependencies never deletes: drop old jars so a version change cannot leave two Neo4js.
        shutil.rmtree(target / "lib", ignore_errors=True)
        cmd = [exe, "-B", *(["-q"] if quiet else []), "-f", str(launcher_dir / "pom.xml"), "package"]
        try:
            proc = subprocess.run(
                cmd,
                cwd=launcher_dir,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            out = exc.output.decode(errors="replace") if isinstance(exc.output, bytes) else (exc.output or "")
            raise Neo4jLauncherError(f"Maven build timed out after {timeout:.0f}s:\n{_tail(out)}") from exc
        except OSError as exc:
            raise Neo4jLauncherError(f"cannot run Maven ({exe!r}): {exc}") from exc
        if not quiet and proc.stdout:
            sys.stderr.write(proc.stdout)
        if proc.returncode != 0:
            raise Neo4jLauncherError(
                f"Maven build of the Neo4j launcher failed (exit {proc.returncode}): {' '.join(cmd)}\n"
                f"{_tail(proc.stdout)}"
            )
        if not _is_up_to_date(launcher_dir):
            raise Neo4jLauncherError(
                f"Maven succeeded but {target / _JAR_NAME} or {target / 'lib'} is missing:\n{_tail(proc.stdout)}"
            )
        (target / _JAR_NAME).touch()  # mark the build time after lib/ was filled
    return target


# ---------------------------------------------------------------------------
# server
# ---------------------------------------------------------------------------


class Neo4jServer:
    """A real Neo4j 5.26 server in a child ``java`` process, Bolt on 127.0.0.1, no authentication.

    The child watches its stdin: when this Python process exits (even when killed), the pipe
    closes and Neo4j shuts down, so no orphan ``java`` is left behind. :meth:`stop` is also
    registered with :mod:`atexit`.

    Parameters
    ----------
    port : int
        Default Bolt port for :meth:`start` (``0`` picks a free port).
    java : str
        Java executable (name on PATH or path); must be Java 17 or newer.
    mvn : str
        Maven executable used to build the launcher if needed.
    profile : str, optional
        Settings preset from :data:`PROFILES`: ``"test"`` (fast start, 32 MB page cache, C1 only) or
        ``"load"`` (full JIT, 2 GB page cache and heap, for bulk loads and benchmarks); default env
        ``QUANZE_NEO4J_PROFILE`` or ``"test"``. The options below override single settings of it.
    heap : str, optional
        JVM max heap, e.g. ``"1g"`` or ``"512m"``; default env ``QUANZE_NEO4J_HEAP``, else the profile's.
    java_opts : sequence of str, optional
        JVM options replacing the profile's; default env ``QUANZE_NEO4J_JAVA_OPTS`` (whitespace
        separated) if set.
    page_cache : str, optional
        Neo4j page cache size, e.g. ``"2g"``; default env ``QUANZE_NEO4J_PAGE_CACHE``, else the profile's.
    data_dir : str or pathlib.Path, optional
        Keep the databases in ``data_dir/data`` across runs; default is a throw-away temp dir.
    build : bool
        Build the launcher with Maven when missing or stale.

    Attributes
    ----------
    uri : str or None
        ``bolt://127.0.0.1:PORT`` while running, else None.
    process : subprocess.Popen or None
        The java child process.

    Examples
    --------
    Starting a server takes seconds and a JVM, so this example is not run as a doctest
    (``tests/neo4j/test_launcher.py`` exercises it for real)::

        with Neo4jServer() as server:
            print(server.uri)          # bolt://127.0.0.1:40123
    """

    def __init__(
        self,
        port: int = 0,
        *,
        java: str = "java",
        mvn: str = "mvn",
        profile: str | None = None,
        heap: str | None = None,
        java_opts: list[str] | tuple[str, ...] | None = None,
        page_cache: str | None = None,
        data_dir: str | os.PathLike[str] | None = None,
        build: bool = True,
    ) -> None:
        self.port = port
        self.java = java
        self.mvn = mvn
        self.profile = profile or os.environ.get("QUANZE_NEO4J_PROFILE", "").strip() or "test"
        if self.profile not in PROFILES:
            raise Neo4jLauncherError(
                f"unknown Neo4j server profile {self.profile!r} (QUANZE_NEO4J_PROFILE), one of {', '.join(PROFILES)}"
            )
        preset = PROFILES[self.profile]
        self.heap = heap or os.environ.get("QUANZE_NEO4J_HEAP") or preset.heap
        if java_opts is None:
            env_opts = os.environ.get("QUANZE_NEO4J_JAVA_OPTS")
            java_opts = env_opts.split() if env_opts is not None else list(preset.java_opts)
        self.java_opts = list(java_opts)
        self.page_cache = page_cache or os.environ.get("QUANZE_NEO4J_PAGE_CACHE") or preset.page_cache
        self.tx_memory = preset.tx_memory
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.build = build
        self.uri: str | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_seconds: float | None = None
        self._stderr: IO[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- helpers ------------------------------------------------------------

    def command(self, port: int, classpath_root: Path) -> list[str]:
        """Return the ``java`` command line that runs the launcher.

        Parameters
        ----------
        port : int
            Bolt port (``0`` = free port).
        classpath_root : pathlib.Path
            Directory returned by :func:`build_launcher`.

        Returns
        -------
        list of str
            The argument vector.
        """
        if not _SIZE.fullmatch(self.heap):
            raise Neo4jLauncherError(f"invalid heap size {self.heap!r} (QUANZE_NEO4J_HEAP), use e.g. 1g or 512m")
        if not _SIZE.fullmatch(self.page_cache):
            raise Neo4jLauncherError(
                f"invalid page cache size {self.page_cache!r} (QUANZE_NEO4J_PAGE_CACHE), use e.g. 32m or 2g"
            )
        cmd = [self.java, f"-Xmx{self.heap}", *self.java_opts, "-cp", _classpath(classpath_root), _MAIN_CLASS]
        cmd += ["--port", str(port), "--page-cache", self.page_cache, "--tx-memory", self.tx_memory]
        if self.data_dir is not None:
            cmd += ["--data", str(self.data_dir)]
        return cmd

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.flush()
            self._stderr.seek(0)
            return _tail(self._stderr.read().decode(errors="replace"))
        except (OSError, ValueError):
            return ""

    def _read_stdout(self, stream: IO[bytes], ready: threading.Event, found: list[str]) -> None:
        """Thread body: find the READY line, then keep draining stdout until EOF."""
        for raw in iter(stream.readline, b""):
            line = raw.decode(errors="replace").strip()
            if not ready.is_set() and line.startswith(READY_MARKER + " "):
                found.append(line.split(None, 1)[1].strip())
                ready.set()
        stream.close()

    # -- lifecycle ----------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the java child process is alive."""
        return self.process is not None and self.process.poll() is None

    def start(self, port: int | None = None, timeout: float = 240.0) -> str:
        """Build the launcher if needed, start Neo4j and wait until Bolt is ready.

        Parameters
        ----------
        port : int, optional
            Bolt port on 127.0.0.1; ``0`` picks a free port. Defaults to the constructor's ``port``.
        timeout : float
            Seconds to wait for the server to become ready (the Maven build is not counted).

        Returns
        -------
        str
            The Bolt URI, ``bolt://127.0.0.1:PORT``.

        Raises
        ------
        Neo4jLauncherError
            If requirements are missing, the build fails, or the server exits or is not ready in time
            (the message includes the tail of the server's stderr).
        """
        with self._lock:
            if self.running and self.uri:
                return self.uri
            port = self.port if port is None else int(port)
            if not 0 <= port <= 65535:
                raise Neo4jLauncherError(f"invalid port {port}")
            check_java(self.java)
            if self.build:
                root = build_launcher(mvn=self.mvn)
            else:
                root = _target(LAUNCHER_DIR)
                if not _is_up_to_date(LAUNCHER_DIR):
                    raise Neo4jLauncherError(f"launcher not built in {root}; run build_launcher() first")
            cmd = self.command(port, root)
            self._stderr = tempfile.TemporaryFile(prefix="quanze-neo4j-stderr-")
            began = time.monotonic()
            try:
                self.process = subprocess.Popen(
                    cmd,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=self._stderr,
                    cwd=str(root),
                )
            except OSError as exc:
                self._close_stderr()
                raise Neo4jLauncherError(f"cannot run {cmd[0]!r}: {exc}") from exc
            atexit.register(self.stop)
            ready = threading.Event()
            found: list[str] = []
            assert self.process.stdout is not None
            self._reader = threading.Thread(
                target=self._read_stdout,
                args=(self.process.stdout, ready, found),
                name="quanze-neo4j-stdout",
                daemon=True,
            )
            self._reader.start()
            deadline = began + timeout
            while not ready.wait(0.2):
                code = self.process.poll()
                if code is not None:
                    ready.wait(0.5)  # the READY line may still be in the pipe
                    if ready.is_set():
                        break
                    tail = self._stderr_tail()
                    self._cleanup()
                    raise Neo4jLauncherError(
                        f"Neo4j launcher exited with code {code} before it was ready.\n"
                        f"command: {' '.join(cmd)}\nstderr:\n{tail}"
                    )
                if time.monotonic() > deadline:
                    tail = self._stderr_tail()
                    self._stop_locked(grace=10.0)
                    raise Neo4jLauncherError(
                        f"Neo4j was not ready within {timeout:.0f}s.\ncommand: {' '.join(cmd)}\nstderr:\n{tail}"
                    )
            if self.process.poll() is not None:
                tail = self._stderr_tail()
                self._cleanup()
                raise Neo4jLauncherError(f"Neo4j exited right after start-up.\nstderr:\n{tail}")
            self.startup_seconds = time.monotonic() - began
            self.uri = found[0]
            return self.uri

    def stop(self, timeout: float = 60.0) -> int | None:
        """Shut Neo4j down: close its stdin, wait, then SIGTERM and finally SIGKILL.

        Parameters
        ----------
        timeout : float
            Seconds to wait for a clean shutdown before escalating.

        Returns
        -------
        int or None
            The java exit code, or None if nothing was running.
        """
        with self._lock:
            return self._stop_locked(grace=timeout)

    def _stop_locked(self, grace: float) -> int | None:
        proc = self.process
        if proc is None:
            return None
        try:
            if proc.stdin is not None:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=15)
            return proc.returncode
        finally:
            self._cleanup()

    def _cleanup(self) -> None:
        proc = self.process
        if proc is not None and proc.poll() is None:  # only on error paths
            proc.kill()
            proc.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)
            self._reader = None
        self._close_stderr()
        self.process = None
        self.uri = None
        atexit.unregister(self.stop)

    def _close_stderr(self) -> None:
        if self._stderr is not None:
            try:
                self._stderr.close()
            except OSError:
                pass
            self._stderr = None

    def __enter__(self) -> "Neo4jServer":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"running at {self.uri}" if self.running else "stopped"
        return f"<Neo4jServer {self.profile} {state}>"


def serve(port: int = 7687, data_dir: str | os.PathLike[str] | None = None, profile: str | None = None) -> None:
    """Run a Neo4j server in the foreground until Ctrl-C (backs ``quanze neo4j serve``).

    Parameters
    ----------
    port : int
        Bolt port on 127.0.0.1 (``0`` picks a free port).
    data_dir : str or pathlib.Path, optional
        Keep the databases in ``data_dir/data`` across runs; default is a throw-away temp dir.
    profile : str, optional
        Server profile (see :data:`PROFILES`); default ``$QUANZE_NEO4J_PROFILE`` or ``"test"``.

    Raises
    ------
    Neo4jLauncherError
        If the server cannot be started or dies unexpectedly.
    """
    server = Neo4jServer(port, data_dir=data_dir, profile=profile)
    print("Starting Neo4j 5.26 (first run builds the launcher with Maven) ...", flush=True)
    uri = server.start()
    where = f"data in {Path(data_dir).resolve() / 'data'}" if data_dir is not None else "temporary data"
    print(
        f"Neo4j is running at {uri} ({where}, started in {server.startup_seconds:.1f}s).\n"
        f"  Authentication is disabled (no user/password needed). From Python:\n"
        f"    from neo4j import GraphDatabase\n"
        f"    driver = GraphDatabase.driver({uri!r})\n"
        f"    driver.execute_query('RETURN 1')\n"
        f"Press Ctrl-C to stop.",
        flush=True,
    )
    try:
        assert server.process is not None
        code = server.process.wait()
        tail = server._stderr_tail()
        server.stop()
        raise Neo4jLauncherError(f"Neo4j exited unexpectedly with code {code}:\n{tail}")
    except KeyboardInterrupt:
        print("\nStopping Neo4j ...", flush=True)
    finally:
        server.stop()
    print("Neo4j stopped.", flush=True)
