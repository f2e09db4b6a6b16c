"""Where a request's milliseconds go: CPU time per request, in one process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dashmentor_bench \\
    REDIS_URL=redis://127.0.0.1:6379/13 .venv/bin/python bench/request_profile.py \\
        [--only 'application form,survey report'] [--profile 'application form']

bench/pages.py measures latency under gunicorn, which on a shared machine moves
with the neighbours' load. This script calls the same WSGI application with the
same production settings (bench/pages.py's environment) in one process, with no
network in between, and reports for each page the median wall time, the median
CPU time of this process (the database server's work is not in it) and the SQL
queries. It runs against the database bench/pages.py seeded.

Two probes (bench/probe_urls.py) split the fixed cost of a signed-in page:

- ``signed in, no page``: the middleware with a session cookie and a user loaded;
- ``signed in, empty base page``: that plus templates/base.html with its context
  processors and the role's menus.

``--profile LABEL`` runs that page's requests under cProfile and prints the
functions with the most CPU time of their own and the most time below them.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import RESULTS, production_env  # noqa: E402


def collected_static(env: dict) -> str:
    """A STATIC_ROOT with the manifest, collected once and kept between runs."""
    static_root = RESULTS / "static"
    if not (static_root / "staticfiles.json").exists():
        env = {**env, "STATIC_ROOT": str(static_root)}
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    return str(static_root)


def setup() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database bench/pages.py seeded.")
    env = production_env(str(RESULTS / "static"))
    env["STATIC_ROOT"] = collected_static(env)
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "bench.probe_urls"
    clear_url_caches()


class QueryCounter:
    """A database execute wrapper that counts the queries it sees."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def wsgi_environ(path: str, cookie: str | None) -> dict:
    from urllib.parse import urlsplit

    parts = urlsplit(path)
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if cookie:
        environ["HTTP_COOKIE"] = f"sessionid={cookie}"
    return environ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="per page")
    parser.add_argument(
        "--only", help="comma-separated label parts; probes and floor always run"
    )
    parser.add_argument("--profile", help="label of the page to run under cProfile")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    setup()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.template import engines

    from bench.targets import targets

    application = get_wsgi_application()
    loaders = engines["django"].engine.template_loaders
    print(
        f"DEBUG={settings.DEBUG} loader={type(loaders[0]).__module__}."
        f"{type(loaders[0]).__name__} session={settings.SESSION_ENGINE} "
        f"staticfiles={settings.STORAGES['staticfiles']['BACKEND']}"
    )

    from bench.targets import sessions

    keys = sessions()
    pages = [("floor", "/health/live/", None)]
    for role in ("applicant", "staff"):
        pages.append((f"signed in, no page ({role})", "/bench-probe/touch-user/", role))
        pages.append(
            (f"signed in, empty base page ({role})", "/bench-probe/base-page/", role)
        )
    wanted = [w.strip() for w in args.only.split(",")] if args.only else None
    for label, path, role in targets():
        if label == "floor" or (wanted and not any(w in label for w in wanted)):
            continue
        pages.append((label, path, role))

    def start_response(status, headers, exc_info=None):
        start_response.status = status

    def request(path, cookie):
        response = application(wsgi_environ(path, cookie), start_response)
        body = b"".join(response)
        if hasattr(response, "close"):
            response.close()
        return body

    header = f"{'page':<40}{'status':>7}{'wall':>10}{'cpu':>10}{'queries':>9}"
    print(header)
    print("-" * len(header))
    for label, path, role in pages:
        cookie = keys.get(role) if role else None
        for _ in range(5):
            request(path, cookie)
        status = start_response.status.split()[0]
        queries = QueryCounter()
        walls, cpus = [], []
        profiled = args.profile and args.profile in label
        profiler = cProfile.Profile() if profiled else None
        with connection.execute_wrapper(queries):
            for _ in range(args.requests):
                w0, c0 = time.perf_counter(), time.process_time()
                if profiler:
                    profiler.enable()
                request(path, cookie)
                if profiler:
                    profiler.disable()
                walls.append((time.perf_counter() - w0) * 1000)
                cpus.append((time.process_time() - c0) * 1000)
        print(
            f"{label:<40}{status:>7}{statistics.median(walls):>8.2f}ms"
            f"{statistics.median(cpus):>8.2f}ms{queries.count / args.requests:>9.1f}"
        )
        if profiler:
            for key in ("tottime", "cumulative"):
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out)
                stats.sort_stats(key).print_stats(args.top)
                print(out.getvalue(), file=sys.stderr)


if __name__ == "__main__":
    main()
