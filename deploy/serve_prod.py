"""`make serve-prod`: N Streamlit processes behind nginx, started and stopped together.

    DATABASE_URL=postgresql+psycopg://forlob@db:5432/forlob FORLOB_COOKIE_KEY=... \\
        python -m deploy.serve_prod --processes 4 --port 8500

Each process serves app.py on 127.0.0.1:<backend port + i>; nginx (Debian's package)
listens on --port with sticky sessions and the websocket upgrade (deploy/nginx.conf.template,
rendered into --run-dir). The command stays in the foreground; Ctrl-C or SIGTERM stops
nginx and every process. Health: GET /healthz (nginx) and /_stcore/health (a process).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def render_nginx_conf(listen: str, backends: list[int], run_dir: Path) -> str:
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=0;" for port in backends)
    return (
        TEMPLATE.read_text()
        .replace("@RUN_DIR@", str(run_dir))
        .replace("@LISTEN@", listen)
        .replace("@SERVERS@", servers)
    )


def streamlit_command(port: int) -> list[str]:
    """The same command as `make run`, on a port of its own and without a file watcher."""
    return [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip


def wait_healthy(url: str, timeout: float = 90, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} stopped with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} answered no 'ok' within {timeout:.0f} s")


@dataclass
class Stack:
    """The running processes: Streamlit backends and nginx."""

    port: int
    backends: list[int]
    run_dir: Path
    procs: list[subprocess.Popen] = field(default_factory=list)
    logs: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def backend_url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.backends[i]}"

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in self.logs:
            log.close()


def start(
    processes: int,
    port: int,
    backend_port: int,
    run_dir: Path,
    env: dict[str, str] | None = None,
) -> Stack:
    """Start the backends, wait until each is healthy, then nginx in front of them."""
    env = {**os.environ, **(env or {})}
    run_dir = run_dir.resolve()
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        # nginx's workers may run as another user than its master: they write here.
        os.chmod(run_dir / "tmp" / sub, 0o1777)
    stack = Stack(port, [backend_port + i for i in range(processes)], run_dir)
    try:
        for i, backend in enumerate(stack.backends):
            log = open(run_dir / f"streamlit-{i + 1}.log", "w")  # noqa: SIM115 - closed in stop()
            stack.logs.append(log)
            stack.procs.append(
                subprocess.Popen(
                    streamlit_command(backend),
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
            )
        for proc, backend in zip(stack.procs, stack.backends, strict=True):
            wait_healthy(f"http://127.0.0.1:{backend}/_stcore/health", proc=proc)
        conf = run_dir / "nginx.conf"
        conf.write_text(render_nginx_conf(f"127.0.0.1:{port}", stack.backends, run_dir))
        check = subprocess.run(
            [NGINX, "-t", "-q", "-c", str(conf), "-p", str(run_dir)],
            capture_output=True,
            text=True,
        )
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t: {check.stderr.strip()}")
        nginx = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(run_dir), "-g", "daemon off;"],
            cwd=run_dir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        stack.procs.append(nginx)
        wait_healthy(f"{stack.url}/_stcore/health", timeout=30, proc=nginx)
    except BaseException:
        stack.stop()
        raise
    return stack


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--port", type=int, default=8500, help="nginx listens here")
    parser.add_argument("--backend-port", type=int, default=8601, help="first process's port")
    parser.add_argument("--run-dir", type=Path, default=ROOT / "data" / "serve-prod")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        print(
            "Advarsel: DATABASE_URL er ikke sat; alle processer bruger SQLite-filen i data/.",
            file=sys.stderr,
        )
    stack = start(args.processes, args.port, args.backend_port, args.run_dir)
    print(f"Forløbsmonitor: {stack.url} ({args.processes} processer bag nginx)", flush=True)

    def stop(*_args: object) -> None:
        stack.stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while all(p.poll() is None for p in stack.procs):
        time.sleep(1)
    failed = [p.args for p in stack.procs if p.poll() is not None]
    stack.stop()
    sys.exit(f"Stoppet: {failed} sluttede uventet (se logfilerne i {args.run_dir}).")


if __name__ == "__main__":
    main()
