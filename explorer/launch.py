"""Start the Streamlit explorer on the local machine (what ``quanze explore [BUNDLE]`` runs)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["APP_PATH", "BUNDLE_ENV", "streamlit_command", "explore"]

APP_PATH = Path(__file__).resolve().with_name("app.py")
#: Also read by explorer/app.py, for runners that cannot pass script arguments (e.g. AppTest).
BUNDLE_ENV = "QUANZE_EXPLORER_BUNDLE"


def streamlit_command(bundle: Path | str | None = None, port: int = 8501, host: str = "127.0.0.1") -> list[str]:
    """The ``streamlit run`` command line: headless, no usage statistics, bound to ``host``.

    Examples
    --------
    >>> cmd = streamlit_command("examples/demo", port=8600)
    >>> cmd[1:4], cmd[-2:]
    (['-m', 'streamlit', 'run'], ['--bundle', 'examples/demo'])
    >>> "--browser.gatherUsageStats" in cmd and "127.0.0.1" in cmd
    True
    """
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(APP_PATH),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.address", host,
        "--server.port", str(port),
    ]
    if bundle is not None:
        cmd += ["--", "--bundle", str(bundle)]
    return cmd


def explore(bundle: Path | None = None, port: int = 8501, host: str = "127.0.0.1") -> None:
    """Run the explorer until interrupted, with ``bundle`` (a YAML file or bundle folder) preloaded.

    The server listens on ``host`` only (127.0.0.1 by default): the explorer shows case evidence and
    has no authentication, so it is not exposed to the network unless asked.
    """
    if bundle is not None:
        bundle = Path(bundle).resolve()
        if not bundle.exists():
            raise FileNotFoundError(f"no bundle at {bundle}")
    print(f"Quanze explorer: http://{host}:{port}" + (f"  (bundle {bundle})" if bundle else ""), flush=True)
    env = dict(os.environ)
    if bundle is not None:
        env[BUNDLE_ENV] = str(bundle)
    proc = subprocess.Popen(streamlit_command(bundle, port, host), env=env)
    try:
        proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
