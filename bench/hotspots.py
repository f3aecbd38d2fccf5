"""Where a page's time goes: cProfile over N in-process requests, against the bench database.

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=postgres://.../optout_bench \\
        SECRET_KEY=x DEBUG=false HTTPS=false ALLOWED_HOSTS=127.0.0.1 python bench/hotspots.py /plan/ visitor

Requests go through Django's test client with the whole middleware stack, as bench/queries.py does
(the same sessions: "anonymous", "visitor", "reader", "editor"). Prints the mean milliseconds per
request and the functions with the most cumulative time. For finding what to make faster, not a
figure to compare: the load figures are bench/run.py's.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("role", choices=["anonymous", "visitor", "reader", "editor"])
    parser.add_argument("-n", type=int, default=200, help="requests to profile (default 200)")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args()

    import django

    django.setup()
    from bench.queries import _client
    from bench.run import WIZARD_ANSWERS

    client = _client(args.role, WIZARD_ANSWERS)
    for _ in range(20):  # warm per-process caches, as a long-running server has
        status = client.get(args.path).status_code
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for _ in range(args.n):
        client.get(args.path)
    profiler.disable()
    elapsed = time.perf_counter() - start
    print(f"{args.path} as {args.role}: status {status}, {elapsed / args.n * 1000:.2f} ms per request (profiled)")
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
