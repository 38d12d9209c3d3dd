"""What every server benchmark shares: the environment, a gunicorn server, plain HTTP requests.

Each benchmark starts gunicorn on a free port of 127.0.0.1 with ``BENCHMARK_FLOOR=true`` (so
``/_floor/`` is mounted) and compares what it measures with that floor in the same run.
"""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def environment(var_dir: Path) -> dict[str, str]:
    """Production settings on loopback, served over plain HTTP; SQLite in ``var_dir`` unless
    DATABASE_URL is set."""
    env = dict(os.environ)
    env.update(
        VAR_DIR=str(var_dir),
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(40),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        BENCHMARK_FLOOR="true",
        LOG_LEVEL="WARNING",
        # The benchmarks measure speed, not the API's rate limit (one person asks all along).
        API_THROTTLE_USER="1000000/min",
        DJANGO_SETTINGS_MODULE="alignment.settings",
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{var_dir / 'benchmark.sqlite3'}")
    return env


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(
    port: int, path: str, cookie: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str]:
    """GET ``path`` on a new connection, as a browser tab would; (status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        sent = dict(headers or {})
        if cookie:
            sent["Cookie"] = f"sessionid={cookie}"
        connection.request("GET", path, headers=sent)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def gunicorn(env: dict[str, str], port: int, workers: int, threads: int = 1) -> subprocess.Popen:
    """Start gunicorn (``threads`` > 1: the gthread worker) and wait until the floor answers."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "alignment.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited; see its output above")
        try:
            if get(port, "/_floor/")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


def workers_of(master: int) -> list[int]:
    output = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True, check=False
    ).stdout
    return [int(pid) for pid in output.split()]


def server_cpu(master: int) -> float:
    """CPU seconds the gunicorn master's workers have used so far (Linux /proc)."""
    ticks = 0
    for pid in workers_of(master):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


def peak_memory_mb(master: int) -> list[float]:
    """Each gunicorn worker's peak resident memory so far (VmHWM), in MB."""
    peaks = []
    for pid in workers_of(master):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return peaks
