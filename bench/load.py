"""Concurrent clients against a real `reachgraph serve`: requests, errors, 5xx, p50/p99.

    .venv/bin/python bench/load.py                              # 200 clients, 60 s a route
    .venv/bin/python bench/load.py --workers 1,2 --seconds 20
    .venv/bin/python bench/load.py --cache-mb 0                 # every request runs its query
    .venv/bin/python bench/load.py --store /path/or/bolt://127.0.0.1:7687

The server is `reachgraph serve --workers N` on 127.0.0.1 and a free port (loopback only),
started and stopped here, over the bundled dataset loaded into a temporary embedded store
unless --store names one. Each route is asked by --clients concurrent clients (one asyncio
task and one keep-alive connection each, httpx) in a loop that stops by itself after
--seconds: a cheap route (/healthz, no query) and an expensive one (the reach question for
BE, a whole-graph question; with the response cache on, the default, it is computed once
per data version and worker, then sent from memory). A client waits up to 60 s for an
answer; a connection error or a timeout counts as an error, any answer with a status of 500
or more as a 5xx. Latency is per request, from sending to the whole answer read, so under
saturation it is mostly queueing: p50 rises with the number of clients over the rate.

The client shares the machine's cores with the server: on a 2-core machine its own CPU
(about 1 ms a request in httpx) caps the rate of cheap routes, which "client CPU" shows
as a share of one core.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
CLI = str(Path(sys.executable).parent / "reachgraph")
HOST = "127.0.0.1"  # loopback only
ROUTES = {"cheap": "/healthz", "expensive": "/questions/reach?jurisdiction=BE"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def serve(store: str, workers: int, cache_mb: float) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "REACHGRAPH_RESPONSE_CACHE_MB": str(cache_mb)}
    command = [CLI, "serve", "--store", store, "--host", HOST, "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    url = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server ended with {process.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not get ready in 120 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def hammer(url: str, path: str, clients: int, seconds: float) -> dict[str, Any]:
    """`clients` concurrent loops of GET `path` until `seconds` have passed."""
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:

        async def one() -> None:
            while time.monotonic() < deadline:
                began = time.perf_counter()
                try:
                    reply = await client.get(path)
                except httpx.HTTPError as error:
                    errors[type(error).__name__] += 1
                    continue
                latencies.append(time.perf_counter() - began)
                statuses[reply.status_code] += 1

        began = time.monotonic()
        await asyncio.gather(*(one() for _ in range(clients)))
        elapsed = time.monotonic() - began
    return {"statuses": statuses, "errors": errors, "latencies": latencies, "elapsed": elapsed}


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bundled_store() -> str:
    location = str(Path(tempfile.mkdtemp(prefix="reachgraph-load-")) / "store")
    done = subprocess.run(
        [CLI, "ingest", str(ROOT / "data"), "--store", location], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return location


def measure(store: str, args: argparse.Namespace) -> list[list[Any]]:
    """One row per worker count and route."""
    rows: list[list[Any]] = []
    for workers in (int(n) for n in args.workers.split(",")):
        process, url = serve(store, workers, args.cache_mb)
        try:
            for route in args.routes.split(","):
                path = ROUTES[route]
                httpx.get(url + path, timeout=60).raise_for_status()  # warm-up
                cpu = resource.getrusage(resource.RUSAGE_SELF)
                found = asyncio.run(hammer(url, path, args.clients, args.seconds))
                used = resource.getrusage(resource.RUSAGE_SELF)
                client_cpu = (used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime) / found[
                    "elapsed"
                ]
                statuses, latencies = found["statuses"], found["latencies"]
                requests = sum(statuses.values()) + sum(found["errors"].values())
                rows.append(
                    [
                        route,
                        path,
                        workers,
                        args.clients,
                        f"{found['elapsed']:.0f}",
                        f"{requests:,}",
                        f"{sum(statuses.values()) / found['elapsed']:,.0f}",
                        str(sum(found["errors"].values())),
                        str(sum(n for s, n in statuses.items() if s >= 500)),
                        f"{percentile(latencies, 0.5) * 1000:,.1f}",
                        f"{percentile(latencies, 0.99) * 1000:,.1f}",
                        f"{client_cpu:.0%}",
                    ]
                )
                other = {s: n for s, n in statuses.items() if s != 200}
                if other or found["errors"]:
                    print(f"{route}, {workers} workers: {other} {dict(found['errors'])}")
        finally:
            stop(process)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", help="a store to serve (default: the bundled dataset)")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--routes", default="cheap,expensive", help=", ".join(ROUTES))
    parser.add_argument("--cache-mb", type=float, default=32, help="0: the response cache off")
    args = parser.parse_args()
    store = args.store or bundled_store()
    try:
        rows = measure(store, args)
    finally:
        if not args.store:
            shutil.rmtree(Path(store).parent, ignore_errors=True)
    print(f"response cache {args.cache_mb} MB, store {args.store or 'the bundled dataset'}")
    head = [
        "route",
        "path",
        "workers",
        "clients",
        "s",
        "requests",
        "req/s",
        "errors",
        "5xx",
        "p50 ms",
        "p99 ms",
        "client CPU",
    ]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")


if __name__ == "__main__":
    main()
