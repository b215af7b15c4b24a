"""The HTTP API beside the same calls made directly through `ReachGraph`: latency and rate.

    .venv/bin/python bench/api.py                     # bundled dataset + a small synthetic one
    .venv/bin/python bench/api.py --companies 0       # bundled dataset only
    .venv/bin/python bench/api.py --rounds 5 --seconds 3

Three calls, on the embedded store: an entity lookup (`GET /entities/{key}`, companies in
turn), the reach question (`GET /questions/reach?jurisdiction=BE&as_of=...`) and a small
read query (`POST /cypher`, one company and its jurisdiction). The two GETs are made twice:

- "cold": on an app with the response cache off (REACHGRAPH_RESPONSE_CACHE_MB=0), so every
  request runs its queries (what a first request for an answer costs, or any request when
  the data keeps changing). `ReachGraph` remembering each key's kind is left on, and warm:
  every key is looked up once before the clock starts, directly and through each app;
- "warm": on an app with the response cache on (the default), every answer already kept
  (the same warm-up): repeated requests for the same answers, with the data unchanged.

The direct twin is the same for both (`rg.entity(key)` with kinds remembered). Each call
is made four ways, interleaved in `--rounds` rounds so that the machine's noise falls on
all of them alike:

- direct: in this process, `rg.entity(key)`, `rg.ask("reach", ...)`, `rg.cypher(...)` on a
  read-only `ReachGraph` (as the API opens it), each answer serialised to JSON bytes;
- ASGI: the app (`create_app()`, lifespan run) called in this process with a bare ASGI scope:
  routing, validation, dependencies, thread pool, serialisation and middleware, no HTTP;
- HTTP: a real uvicorn server (one worker, 127.0.0.1 only, started and stopped here, as
  `reachgraph serve` runs it: log level info, h11 unless httptools is installed), one
  keep-alive connection, one request at a time: latency;
- HTTP xC: the same server, `--connections` keep-alive connections at once: requests per
  second. The client is raw asyncio sockets with pre-built requests (measured here: 0.1-0.3
  ms of CPU a request, against the server's 0.5-4), but it shares the machine's cores with
  the server: "client CPU" is its share of one core during these runs.

`GET /healthz` (no query, no ETag) is measured the same ways, on the app with the response
cache on: the floor of any request that reaches a route, which bounds the rate of every
route whatever its query costs (a kept answer is sent before routing, so it can go below).

Every batch stops at `--requests` calls or `--seconds`, whichever comes first (the reach
question: at `--reach-requests`, and after 8 at least); "n" counts the one-at-a-time HTTP
requests. Overhead is the HTTP (or ASGI) median latency over the direct median, from
samples taken in the same rounds. "server ms/req" is the server process's CPU time (user +
system, from /proc) per request in the xC runs: the rate one worker would reach with a core
to itself is about 1000 over it. Answers are checked to be the same JSON on every path
before the clock starts.

The synthetic graph (`reachgraph generate --companies 200 --seed 1`) is sized so that the
reach answer has about 100 rows; the question is a whole-graph scan, so it runs a few times
only. A last table times the serialisation of that answer the ways FastAPI can do it (the
question routes are typed: FastAPI validates and encodes them in pydantic's Rust core).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import orjson
from fastapi import FastAPI
from fastapi.encoders import jsonable_encoder
from pydantic import TypeAdapter
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from reachgraph.api.app import create_app
from reachgraph.client import ReachGraph
from reachgraph.data import BUNDLED
from reachgraph.graph.stores import open_store
from reachgraph.ingest import load, read_inputs, validate
from reachgraph.ingest.generate import generate, write_tables
from reachgraph.questions import row_model
from reachgraph.settings import Settings

console = Console(width=190)
HOST = "127.0.0.1"
MODES = ("direct", "ASGI", "HTTP", "HTTP xC")
SYNTHETIC_DAY = "2020-06-01"


# -- the calls ----------------------------------------------------------------------------


@dataclass
class Call:
    """One API call and its direct twin; `i` picks the entity of the i-th request."""

    name: str
    method: str
    path: Callable[[int], str]
    direct: Callable[[int], bytes]
    body: Callable[[int], bytes] = lambda _: b""
    #: Most requests per batch (the reach question is a whole-graph scan), and fewest.
    cap: int | None = None
    least: int = 1
    #: No direct twin: the request alone.
    floor: bool = False
    #: Served by the app with the response cache on (else off), and how many distinct
    #: requests (i = 0, 1, ...) are made once before the clock starts.
    cached: bool = False
    warm: int = 1

    def raw(self, i: int) -> bytes:
        """The HTTP/1.1 request, as the client sends it."""
        body = self.body(i)
        head = f"{self.method} {self.path(i)} HTTP/1.1\r\nHost: {HOST}\r\n"
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        return head.encode() + b"\r\n" + body


def calls(rg: ReachGraph, as_of: str, reach_cap: int | None) -> list[Call]:
    """The three calls, and GET /healthz (no query, no ETag): the floor of any request."""
    keys = [r[0] for r in rg.store.read("MATCH (c:Company) RETURN c.key ORDER BY c.key").rows]
    keys = keys[:200]
    reach = {"jurisdiction": "BE", "as_of": as_of}
    answers = TypeAdapter(list[row_model("reach")])  # type: ignore[misc]
    cypher = (
        "MATCH (c:Company {key: $key})-[:INCORPORATED_IN]->(j:Jurisdiction) "
        "RETURN c.key, c.name, j.key, j.name"
    )

    def cypher_body(i: int) -> bytes:
        return orjson.dumps({"query": cypher, "params": {"key": keys[i % len(keys)]}})

    def entity(name: str, cached: bool) -> Call:
        return Call(
            name,
            "GET",
            lambda i: f"/entities/{keys[i % len(keys)]}",
            lambda i: rg.entity(keys[i % len(keys)]).model_dump_json().encode(),
            cached=cached,
            warm=len(keys),
        )

    def reach_be(name: str, cached: bool) -> Call:
        return Call(
            name,
            "GET",
            lambda _: f"/questions/reach?jurisdiction=BE&as_of={as_of}",
            lambda _: answers.dump_json(rg.ask("reach", reach)),
            cap=reach_cap,
            least=min(8, reach_cap or 8),
            cached=cached,
        )

    return [
        entity("entity, cold", cached=False),
        entity("entity, warm", cached=True),
        reach_be("reach BE, cold", cached=False),
        reach_be("reach BE, warm", cached=True),
        Call(
            "cypher",
            "POST",
            lambda _: "/cypher",
            lambda i: rg.cypher(cypher, {"key": keys[i % len(keys)]}).model_dump_json().encode(),
            body=cypher_body,
        ),
        Call(
            "healthz",
            "GET",
            lambda _: "/healthz",
            lambda _: b'{"status":"ok"}',
            floor=True,
            cached=True,
        ),
    ]


# -- the ways of making them --------------------------------------------------------------


async def asgi(app: FastAPI, call: Call, i: int) -> tuple[int, bytes]:
    """The app called with a bare ASGI scope, as a server would, without HTTP."""
    path, _, query = call.path(i).partition("?")
    body = call.body(i)
    headers = [(b"host", HOST.encode())]
    if body:
        headers += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": call.method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": (HOST, 50000),
        "server": (HOST, 80),
        "state": {},
    }
    sent = False
    status, chunks = 0, []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)  # type: ignore[arg-type]
    return status, b"".join(chunks)


_LENGTH = re.compile(rb"\r\ncontent-length: *(\d+)", re.IGNORECASE)


class Connection:
    """One keep-alive HTTP/1.1 connection; answers must carry a Content-Length."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(HOST, port, limit=2**24)
        return cls(reader, writer)

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = _LENGTH.search(head)
        assert length, head
        return int(head[9:12]), await self.reader.readexactly(int(length.group(1)))

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


@dataclass
class Samples:
    """Latencies (seconds) per call and mode, and the counters of the concurrent runs."""

    latency: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    wall: dict[str, float] = field(default_factory=dict)
    done: dict[str, int] = field(default_factory=dict)
    server_cpu: dict[str, float] = field(default_factory=dict)
    client_cpu: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, mode: str, seconds: list[float]) -> None:
        self.latency.setdefault((name, mode), []).extend(seconds)

    def count(self, name: str, wall: float, done: int, server: float, client: float) -> None:
        for store, value in (
            (self.wall, wall),
            (self.done, done),
            (self.server_cpu, server),
            (self.client_cpu, client),
        ):
            store[name] = store.get(name, 0) + value


def check(status: int, body: bytes, call: Call, i: int) -> None:
    if status != 200:
        raise SystemExit(f"{call.method} {call.path(i)} answered {status}: {body[:300]!r}")


def batch(limit: int, seconds: float, least: int = 1) -> Iterator[int]:
    """Request numbers until `limit` requests, or `seconds` have passed and `least` ran."""
    deadline = time.perf_counter() + seconds
    for i in range(limit):
        if i >= least and time.perf_counter() > deadline:
            return
        yield i


def cpu_of(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def round_of(
    call: Call, app: FastAPI, port: int, pid: int, args: argparse.Namespace, samples: Samples
) -> None:
    limit = min(args.requests, call.cap or args.requests)
    times = []
    for i in batch(limit, args.seconds, call.least):
        began = time.perf_counter()
        call.direct(i)
        times.append(time.perf_counter() - began)
    samples.add(call.name, "direct", times)

    times = []
    for i in batch(limit, args.seconds, call.least):
        began = time.perf_counter()
        status, body = await asgi(app, call, i)
        times.append(time.perf_counter() - began)
        check(status, body, call, i)
    samples.add(call.name, "ASGI", times)

    connection = await Connection.open(port)
    times = []
    for i in batch(limit, args.seconds, call.least):
        raw = call.raw(i)
        began = time.perf_counter()
        status, body = await connection.request(raw)
        times.append(time.perf_counter() - began)
        check(status, body, call, i)
    await connection.close()
    samples.add(call.name, "HTTP", times)

    # Concurrent: each connection takes the next request number until the batch is over.
    connections = [await Connection.open(port) for _ in range(args.connections)]
    numbers = batch(limit * args.connections, args.seconds, call.least)
    times = []

    async def drive(connection: Connection) -> None:
        for i in numbers:
            raw = call.raw(i)
            began = time.perf_counter()
            status, body = await connection.request(raw)
            times.append(time.perf_counter() - began)
            check(status, body, call, i)

    server, client, began = cpu_of(pid), time.process_time(), time.perf_counter()
    await asyncio.gather(*(drive(c) for c in connections))
    wall = time.perf_counter() - began
    samples.count(call.name, wall, len(times), cpu_of(pid) - server, time.process_time() - client)
    for connection in connections:
        await connection.close()
    samples.add(call.name, "HTTP xC", times)


async def warm_up(call: Call, app: FastAPI, port: int) -> None:
    """Make the call's first `warm` distinct requests once each, every way."""
    connection = await Connection.open(port)
    for i in range(call.warm):
        call.direct(i)
        check(*await asgi(app, call, i), call, i)
        check(*await connection.request(call.raw(i)), call, i)
    await connection.close()


async def same_answers(call: Call, app: FastAPI, port: int) -> tuple[int, int]:
    """The three paths give the same JSON; the answer's rows (or 1) and size in bytes."""
    direct = orjson.loads(call.direct(0))
    status, body = await asgi(app, call, 0)
    check(status, body, call, 0)
    assert orjson.loads(body) == direct, f"{call.name}: ASGI answer differs from direct"
    connection = await Connection.open(port)
    status, body = await connection.request(call.raw(0))
    await connection.close()
    check(status, body, call, 0)
    assert orjson.loads(body) == direct, f"{call.name}: HTTP answer differs from direct"
    rows = len(direct) if isinstance(direct, list) else len(direct.get("rows", [direct]))
    return rows, len(body)


# -- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def server(store: Path, cached: bool) -> Iterator[tuple[int, int]]:
    """uvicorn serving the app over `store`, one worker on 127.0.0.1, with the response
    cache at its default size or off: (port, pid)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REACHGRAPH_")}
    env["REACHGRAPH_STORE"] = str(store)
    if not cached:
        env["REACHGRAPH_RESPONSE_CACHE_MB"] = "0"
    command = [
        sys.executable, "-m", "uvicorn", "reachgraph.api.app:create_app", "--factory",
        "--host", HOST, "--port", str(port), "--workers", "1", "--log-level", "info",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"uvicorn exited with {process.returncode}")
            try:
                with socket.create_connection((HOST, port), timeout=1) as s:
                    s.sendall(f"GET /readyz HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
                    if s.recv(12).endswith(b"200"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("uvicorn did not answer /readyz within 60 s")
            time.sleep(0.2)
        yield port, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- datasets -----------------------------------------------------------------------------


def build(location: Path, paths: list[Path]) -> None:
    with open_store(str(location)) as store:
        store.apply_schema()
        load(validate(read_inputs(paths, store.schema), store.schema, store), store)


def quiet_request_log() -> None:
    """The API's one line per request goes to /dev/null here (still formatted and written,
    as when served), not over the table; the served app's goes to /dev/null too."""
    from reachgraph.api.requestid import configure_logging

    configure_logging(open(os.devnull, "w"))  # noqa: SIM115


# -- measuring and reporting --------------------------------------------------------------


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


async def measure(title: str, store: Path, as_of: str, args: argparse.Namespace) -> None:
    rg = ReachGraph.open(str(store), read_only=True)
    apps = {
        False: create_app(Settings(store=str(store), response_cache_mb=0)),
        True: create_app(Settings(store=str(store))),
    }
    samples = Samples()
    try:
        async with (
            apps[False].router.lifespan_context(apps[False]),
            apps[True].router.lifespan_context(apps[True]),
        ):
            with server(store, False) as off, server(store, True) as on:
                servers = {False: off, True: on}
                chosen = calls(rg, as_of, args.reach_requests)
                shapes = {}
                for call in chosen:
                    app, (port, pid) = apps[call.cached], servers[call.cached]
                    await warm_up(call, app, port)
                    shapes[call.name] = await same_answers(call, app, port)
                for _ in range(args.rounds):
                    for call in chosen:
                        app, (port, pid) = apps[call.cached], servers[call.cached]
                        await round_of(call, app, port, pid, args, samples)
    finally:
        rg.close()
    report(title, chosen, shapes, samples, args)


def report(
    title: str,
    chosen: list[Call],
    shapes: dict[str, tuple[int, int]],
    samples: Samples,
    args: argparse.Namespace,
) -> None:
    c = args.connections
    table = Table(
        "call",
        "rows",
        "bytes",
        "n",
        "direct ms\nmed / p99",
        "ASGI ms\nmed / p99",
        "HTTP ms\nmed / p99",
        f"HTTP x{c} ms\nmed / p99",
        "ASGI\n÷ direct",
        "HTTP\n÷ direct",
        "direct\nreq/s",
        f"HTTP x{c}\nreq/s",
        "server\nms/req",
        "client\nCPU",
        title=title,
    )
    for call in chosen:
        lat = {m: samples.latency[(call.name, m)] for m in MODES}
        med = {m: statistics.median(v) * 1000 for m, v in lat.items()}
        rows, size = shapes[call.name]
        wall, done = samples.wall[call.name], samples.done[call.name]
        latencies = [f"{med[m]:.2f} / {p99(lat[m]) * 1000:.2f}" for m in MODES]
        ratios = [f"{med[m] / med['direct']:.2f}x" for m in ("ASGI", "HTTP")]
        direct_rate = f"{1000 / med['direct']:,.0f}"
        if call.floor:
            latencies[0], ratios, direct_rate = "-", ["-", "-"], "-"
        table.add_row(
            call.name,
            str(rows),
            f"{size:,}",
            str(len(lat["HTTP"])),
            *latencies,
            *ratios,
            direct_rate,
            f"{done / wall:,.0f}",
            f"{samples.server_cpu[call.name] / done * 1000:.2f}",
            f"{samples.client_cpu[call.name] / wall:.0%}",
        )
    console.print(table)


def serialisation(rg: ReachGraph, as_of: str, repeat: int) -> None:
    """Ways to turn the reach answer into JSON bytes, as FastAPI can."""
    answers = rg.ask("reach", {"jurisdiction": "BE", "as_of": as_of})
    typed = TypeAdapter(list[row_model("reach")])  # type: ignore[misc]
    dicts = [a.model_dump(mode="json") for a in answers]
    untyped = TypeAdapter(list[dict[str, Any]])
    ways: dict[str, Callable[[], bytes]] = {
        "typed model: validate + dump_json (FastAPI's path for the question routes)": lambda: (
            typed.dump_json(typed.validate_python(answers))
        ),
        "typed model: dump_json only (pre-encoded)": lambda: typed.dump_json(answers),
        "list[dict] model: model_dump + validate + dump_json (the what-if route)": lambda: (
            untyped.dump_json(untyped.validate_python([a.model_dump(mode="json") for a in answers]))
        ),
        "no model: jsonable_encoder + json.dumps (FastAPI's generic encoder)": lambda: json.dumps(
            jsonable_encoder(answers)
        ).encode(),
        "plain dicts (dumped beforehand): jsonable_encoder + json.dumps": lambda: json.dumps(
            jsonable_encoder(dicts)
        ).encode(),
        "typed model: model_dump + orjson.dumps": lambda: orjson.dumps(
            [a.model_dump(mode="json") for a in answers]
        ),
        "plain dicts (dumped beforehand): orjson.dumps": lambda: orjson.dumps(dicts),
    }
    table = Table("way", "ms", "÷ fastest", title=f"Serialising {len(answers)} reach answers")
    medians = {}
    for name, way in ways.items():
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            way()
            times.append(time.perf_counter() - began)
        medians[name] = statistics.median(times) * 1000
    fastest = min(medians.values())
    for name, ms in medians.items():
        table.add_row(escape(name), f"{ms:.3f}", f"{ms / fastest:.1f}x")
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per call")
    parser.add_argument("--requests", type=int, default=500, help="most requests per batch")
    parser.add_argument("--seconds", type=float, default=1.0, help="most seconds per batch")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections")
    parser.add_argument(
        "--reach-requests", type=int, default=25, help="most reach requests per batch"
    )
    parser.add_argument(
        "--companies", type=int, default=200, help="synthetic graph size (0: bundled only)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic tables")
    parser.add_argument("--work", type=Path, help="scratch folder [default: a temporary one]")
    args = parser.parse_args()
    console.print(
        f"{platform.node()}: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, Python "
        f"{platform.python_version()}, fastapi {version('fastapi')}, starlette "
        f"{version('starlette')}, uvicorn {version('uvicorn')}, pydantic {version('pydantic')}"
        f"; HTTP parser: {'httptools' if _has('httptools') else 'h11'}, event loop: "
        f"{'uvloop' if _has('uvloop') else 'asyncio'}",
        style="dim",
    )
    quiet_request_log()
    with tempfile.TemporaryDirectory(dir=args.work) as scratch:
        bundled = Path(scratch) / "bundled"
        build(bundled, [BUNDLED])
        asyncio.run(measure("bundled dataset", bundled, "2017-11-15", args))
        if args.companies:
            tables, synthetic = Path(scratch) / "tables", Path(scratch) / "synthetic"
            write_tables(generate(args.companies, seed=args.seed), tables)
            build(synthetic, [tables])
            title = f"synthetic graph, {args.companies} companies (seed {args.seed})"
            asyncio.run(measure(title, synthetic, SYNTHETIC_DAY, args))
            with ReachGraph.open(str(synthetic)) as rg:
                serialisation(rg, SYNTHETIC_DAY, 50)
    console.print(
        f"Medians of {args.rounds} interleaved rounds. Client and server share "
        f"{os.cpu_count()} cores (and whatever else runs): 'client CPU' is the client's share "
        "of one core during the concurrent runs; 'server ms/req' is the server's CPU a request "
        "there.",
        style="dim",
    )


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


if __name__ == "__main__":
    main()
