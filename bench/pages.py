"""Measure every page of the portal under gunicorn, against PostgreSQL and Redis.

One command (see the README):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dashmentor_bench \\
    REDIS_URL=redis://127.0.0.1:6379/13 .venv/bin/python bench/pages.py

It creates and migrates the database if needed, seeds the large program
(bench/seed_large.py), collects static files, starts gunicorn (2 workers) with
production settings, signs in one user per role by creating their sessions, and
then, for each page:

- latency at a fixed rate (open loop): requests are *scheduled* every 1/rate
  seconds whatever the answers do, and each latency is measured from its
  scheduled time, so a slow answer that delays the next request is counted
  (no coordinated omission); median, p95 and p99;
- saturation throughput: as many requests as the server takes, from 8
  concurrent connections, for a few seconds; requests per second.

Each page is measured in English and in Spanish (``--languages``: the
switcher's cookie and ``Accept-Language``, for a person whose profile names no
language), the Spanish next to the English. It prints one table, with each
page's ratio to the floor (a view that does nothing), the Spanish median's
ratio to the English one and the SQL queries it runs (bench/query_counts.py),
and writes it as JSON to bench/results/pages.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_secret_key() -> str:
    """The benchmark database's secret key, kept (git-ignored) between runs.

    Anonymous survey answers are sealed under a key derived from it, so a run
    against an already seeded database must use the key it was seeded with.
    """
    path = RESULTS / "secret-key"
    if not path.exists():
        RESULTS.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
    return path.read_text().strip()


def production_env(static_root: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="dashmentor.settings",
        DJANGO_PRODUCTION="1",
        SECRET_KEY=env.get("SECRET_KEY") or bench_secret_key(),
        # Its own key in production; derived from the kept secret key so that a
        # database seeded by an earlier run (sealed under the secret key, kept
        # as an old key) still opens.
        SURVEY_SEAL_KEY=env.get("SURVEY_SEAL_KEY") or "seal-" + bench_secret_key(),
        SURVEY_SEAL_OLD_KEYS=env.get("SURVEY_SEAL_OLD_KEYS") or bench_secret_key(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=static_root,
        AXES_ENABLED="0",
        # The load client is one token firing hundreds of requests a second.
        RATE_LIMIT_API="100000000",
        LOG_LEVEL="WARNING",
    )
    return env


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def run(cmd: list[str], env: dict) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


def make_sessions(env: dict) -> dict[str, str]:
    """Session cookies of one user per role (bench.targets.sessions)."""
    code = r"""
import json, django
django.setup()
from bench.targets import sessions
print(json.dumps(sessions()))
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def page_paths(env: dict) -> list[tuple[str, str, str | None]]:
    """(label, path, role) of the pages measured, resolved in the database."""
    code = r"""
import json, django
django.setup()
from bench.targets import targets
print(json.dumps(targets()))
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return [tuple(t) for t in json.loads(result.stdout.strip().splitlines()[-1])]


async def fetch(
    host: str, port: int, path: str, cookie: str | None, language: str = "en"
) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    headers = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}",
        "Connection: close",
        "X-Forwarded-Proto: https",
        f"Accept-Language: {language}",
    ]
    cookies = [f"portal_language={language}"]
    if cookie and cookie.startswith("dmp_"):
        headers.append(f"Authorization: Bearer {cookie}")  # an API token
    elif cookie:
        cookies.append(f"sessionid={cookie}")
    headers.append(f"Cookie: {'; '.join(cookies)}")
    writer.write(("\r\n".join(headers) + "\r\n\r\n").encode())
    await writer.drain()
    status_line = await reader.readline()
    await reader.read()  # the server closes after the response
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return int(status_line.split()[1])


async def open_loop(
    host, port, path, cookie, rate: float, seconds: float, language: str = "en"
):
    """Latencies (ms) measured from each request's scheduled start."""
    n = int(rate * seconds)
    start = time.perf_counter()
    latencies: list[float] = []
    statuses: list[int] = []

    async def one(k: int):
        scheduled = start + k / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        status = await fetch(host, port, path, cookie, language)
        latencies.append((time.perf_counter() - scheduled) * 1000)
        statuses.append(status)

    await asyncio.gather(*(one(k) for k in range(n)))
    return latencies, statuses


async def saturation(
    host, port, path, cookie, seconds: float, concurrency: int, language: str = "en"
):
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker():
        nonlocal done
        while time.perf_counter() < deadline:
            await fetch(host, port, path, cookie, language)
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done / (time.perf_counter() - started)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure every page under gunicorn.")
    parser.add_argument(
        "--rate", type=float, default=10.0, help="requests/s, open loop"
    )
    parser.add_argument(
        "--seconds", type=float, default=15.0, help="per page, open loop"
    )
    parser.add_argument("--saturation-seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--only",
        help="measure only pages whose label contains this (several: a|b)",
    )
    parser.add_argument(
        "--languages",
        default="en,es",
        help="the page languages measured, comma-separated (the first is the base)",
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database, e.g. "
            "postgres://postgres@127.0.0.1:5432/dashmentor_bench"
        )
    ensure_database(url)
    static_root = tempfile.mkdtemp(prefix="dashmentor-static-")
    env = production_env(static_root)
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([sys.executable, "bench/seed_large.py"], env)
    run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    sessions = make_sessions(env)
    targets = page_paths(env)
    counted = subprocess.run(
        [sys.executable, "bench/query_counts.py"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    queries = json.loads(counted.stdout.strip().splitlines()[-1])
    if args.only:
        wanted = args.only.split("|")
        targets = [t for t in targets if any(w in t[0] for w in wanted)]

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "dashmentor.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        rows = []
        languages = [code.strip() for code in args.languages.split(",") if code]
        for (label, path, role), language in (
            (target, language) for target in targets for language in languages
        ):
            cookie = sessions.get(role) if role else None
            status = asyncio.run(fetch("127.0.0.1", port, path, cookie, language))
            for _ in range(5):  # warm up both workers
                asyncio.run(fetch("127.0.0.1", port, path, cookie, language))
            latencies, statuses = asyncio.run(
                open_loop(
                    "127.0.0.1",
                    port,
                    path,
                    cookie,
                    args.rate,
                    args.seconds,
                    language,
                )
            )
            rps = asyncio.run(
                saturation(
                    "127.0.0.1",
                    port,
                    path,
                    cookie,
                    args.saturation_seconds,
                    args.concurrency,
                    language,
                )
            )
            rows.append(
                {
                    "page": label,
                    "language": language,
                    "path": path,
                    "role": role,
                    "status": status,
                    "non_200": sum(1 for s in statuses if s != 200),
                    "median_ms": round(statistics.median(latencies), 1),
                    "p95_ms": round(percentile(latencies, 95), 1),
                    "p99_ms": round(percentile(latencies, 99), 1),
                    "saturation_rps": round(rps, 1),
                    "queries": queries.get(label, {}).get("queries"),
                }
            )
            print(f"measured {label} ({language})", file=sys.stderr)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    floors = {r["language"]: r for r in rows if r["page"] == "floor"} or {
        r["language"]: r for r in rows[:1]
    }
    base = {r["page"]: r for r in rows if r["language"] == languages[0]}
    for r in rows:
        floor = floors.get(r["language"], rows[0])
        r["median_vs_floor"] = round(r["median_ms"] / max(floor["median_ms"], 0.01), 1)
        r["median_vs_base_language"] = round(
            r["median_ms"] / max(base[r["page"]]["median_ms"], 0.01), 2
        )
    header = (
        f"{'page':<34}{'lang':>5}{'status':>7}{'median':>9}{'p95':>9}{'p99':>9}"
        f"{'rps':>8}{'x floor':>9}{'x ' + languages[0]:>7}{'queries':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['page']:<34}{r['language']:>5}{r['status']:>7}"
            f"{r['median_ms']:>8.1f}ms"
            f"{r['p95_ms']:>7.1f}ms{r['p99_ms']:>7.1f}ms{r['saturation_rps']:>8.1f}"
            f"{r['median_vs_floor']:>8.1f}x{r['median_vs_base_language']:>6.2f}x"
            f"{r['queries'] or 0:>9}"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "settings": vars(args),
        "pages": rows,
    }
    (RESULTS / "pages.json").write_text(json.dumps(report, indent=2))
    print(f"\nWritten to {RESULTS / 'pages.json'}")


if __name__ == "__main__":
    main()
