"""Run every benchmark on the current database and write the report (JSON and markdown).

For each endpoint: ``warmup`` untimed requests, then ``requests`` timed ones through the
whole stack (``stack``), the same inputs through the framework floor (``floor``) and
through the database floor (``sql``); percentiles of each, the ratios, the queries of one
request, and the server's peak memory after it. The dashboards have no hand-written SQL
floor: theirs replays the page's own SELECT statements through the driver (``replayed``
in the report). Then the import throughput and ``audit verify``.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import gc
import io
import json
import os
import platform
import pstats
import random
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import django
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from pourparler.api.tokens import issue_token
from pourparler.bench import sql
from pourparler.bench.world import PAGE_SIZE, BenchWorld, load_world
from pourparler.core.audit import verify_database
from pourparler.core.models import AuditEvent, User

HOST = "localhost"
IMPORT_ROWS = {"tiny": 20, "small": 300, "medium": 1000, "large": 2000}
TARGETS_MS = {
    "bearer_profile": 100,
    "bearer_list": 50,
    "interaction_list": 50,
    "person_search": 50,
    "search": 50,
    "delegation_dashboard": 50,
    "headquarters_dashboard": 250,
    "api_list": 15,
    "api_detail": 15,
}


@dataclass
class Endpoint:
    """One thing measured: how to ask it in full, at the framework floor and in SQL."""

    key: str
    label: str
    inputs: list[Any]
    client: Callable[[Any], Client]
    url: Callable[[Any], str]
    floor_url: Callable[[Any], str]
    sql: Callable[[Any], int] | None
    headers: dict[str, str]


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50, p95, p99 and the mean of samples in seconds, in milliseconds."""
    ordered = sorted(samples)

    def at(q: float) -> float:
        index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
        return round(ordered[index] * 1000, 3)

    return {
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "mean": round(statistics.fmean(ordered) * 1000, 3),
        "n": len(ordered),
    }


def rss_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux reports kB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class GcWatch:
    """Count Python's garbage collections and the time they take (a tail's usual cause)."""

    def __init__(self) -> None:
        self.started = 0.0
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.pauses[info["generation"]].append(time.perf_counter() - self.started)

    def __enter__(self) -> GcWatch:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)

    def summary(self) -> dict[str, Any]:
        return {
            f"gen{g}": {"count": len(p), "ms": round(sum(p) * 1000, 1)}
            for g, p in self.pauses.items()
        }


def signed_in(user: User) -> Client:
    """A client holding a session of the user (password step done; no second factor)."""
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    return client


class Runner:
    """Measure the endpoints on the world in the database the settings name."""

    def __init__(
        self,
        world: BenchWorld,
        *,
        requests: int,
        warmup: int,
        scale: str,
        profiled: int = 20,
        floor_requests: int | None = None,
    ) -> None:
        self.world = world
        self.profiled = profiled
        self.requests = requests
        # The floors may take fewer timed requests than the stack (at the large scale the
        # slowest pages would otherwise take hours); the stack always takes ``requests``.
        self.floor_requests = requests if floor_requests is None else floor_requests
        self.warmup = warmup
        self.scale = scale
        self.db = sql.Driver()
        self.clients: dict[Any, Client] = {}
        self.token = issue_token(world.delegate, name="bench").secret

    def client_of(self, user: User) -> Client:
        if user.pk not in self.clients:
            self.clients[user.pk] = signed_in(user)
        return self.clients[user.pk]

    def endpoints(self) -> list[Endpoint]:
        w, n = self.world, self.warmup + self.requests
        c = str(w.compartment)
        delegate = self.client_of(w.delegate)
        analyst = self.client_of(w.analyst)
        anonymous = Client(HTTP_HOST=HOST)
        api = {"Authorization": f"Bearer {self.token}"}
        pages = list(range(1, w.interaction_pages + 1))
        offsets = [(p - 1) * PAGE_SIZE for p in pages]

        def own(_: Any) -> Client:
            return delegate

        return [
            Endpoint(
                "bearer_profile",
                "bearer profile page",
                w.cycle(w.bearers, n, "bearers"),
                own,
                lambda pk: f"/bearers/{pk}/",
                lambda pk: f"/bearers/{pk}/?c={c}",
                lambda pk: sql.bearer_profile(self.db, w.compartment, pk),
                {},
            ),
            Endpoint(
                "bearer_list",
                "bearer list, kind and country filters",
                w.cycle(w.bearer_filters, n, "filters"),
                own,
                lambda f: "/bearers/?" + urlencode({"kind": f[0], "country": f[1]}),
                lambda f: "/bearers/?" + urlencode({"kind": f[0], "country": f[1]}),
                lambda f: sql.bearer_list(self.db, f[0], f[1]),
                {},
            ),
            Endpoint(
                "interaction_list",
                "interaction list (pages 1 to 10)",
                w.cycle(pages, n, "pages"),
                own,
                lambda p: f"/interactions/?page={p}",
                lambda p: f"/interactions/?page={p}&c={c}",
                lambda p: sql.interaction_list(self.db, w.compartment, p),
                {},
            ),
            Endpoint(
                "person_search",
                "person search (people list ?q=)",
                w.cycle(w.name_words, n, "names"),
                own,
                lambda q: "/people/?" + urlencode({"q": q}),
                lambda q: "/people/?" + urlencode({"q": q, "c": c}),
                lambda q: sql.person_search(self.db, w.compartment, q, w.content_types["people"]),
                {},
            ),
            Endpoint(
                "search",
                "full-text search (/search/?q=)",
                w.cycle(w.summary_words, n, "words"),
                own,
                lambda q: "/search/?" + urlencode({"q": q}),
                lambda q: "/search/?" + urlencode({"q": q, "c": c}),
                lambda q: sql.search(self.db, w.compartment, q, w.content_types),
                {},
            ),
            Endpoint(
                "delegation_dashboard",
                "delegation dashboard (each delegation's delegate)",
                w.cycle(w.delegates, n, "delegates"),
                self.client_of,
                lambda _: "/dashboards/",
                # The page shows the first delegation the user reads: a delegate's own.
                lambda u: (
                    "/dashboard/?"
                    + urlencode({"user": u.username, "delegation": u.username.split(".")[0]})
                ),
                None,
                {},
            ),
            Endpoint(
                "headquarters_dashboard",
                "headquarters dashboard (HQ analyst)",
                [w.analyst] * n,
                lambda _: analyst,
                lambda _: "/dashboards/headquarters/",
                lambda u: "/dashboard/?" + urlencode({"user": u.username}),
                None,
                {},
            ),
            Endpoint(
                "api_list",
                "API list /api/v1/interactions/ (token)",
                w.cycle(offsets, n, "offsets"),
                lambda _: anonymous,
                lambda o: f"/api/v1/interactions/?limit={PAGE_SIZE}&offset={o}",
                lambda o: f"/api/interactions/?limit={PAGE_SIZE}&offset={o}&c={c}",
                lambda o: sql.api_list(self.db, w.compartment, o),
                api,
            ),
            Endpoint(
                "api_detail",
                "API detail /api/v1/interactions/<id>/ (token)",
                w.cycle(w.interactions, n, "interactions"),
                lambda _: anonymous,
                lambda pk: f"/api/v1/interactions/{pk}/",
                lambda pk: f"/api/interactions/{pk}/?c={c}",
                lambda pk: sql.api_detail(self.db, w.compartment, pk),
                api,
            ),
        ]

    def _get(self, client: Client, url: str, headers: dict[str, str]) -> tuple[float, int, int]:
        started = time.perf_counter()
        response = client.get(url, secure=True, headers=headers)
        elapsed = time.perf_counter() - started
        return elapsed, response.status_code, len(response.content)

    def measure(self, endpoint: Endpoint) -> dict[str, Any]:
        inputs = endpoint.inputs
        statuses: dict[int, int] = {}
        stack: list[float] = []
        sizes: list[int] = []
        with GcWatch() as collections:
            for i, value in enumerate(inputs):
                elapsed, status, size = self._get(
                    endpoint.client(value), endpoint.url(value), endpoint.headers
                )
                statuses[status] = statuses.get(status, 0) + 1
                if i >= self.warmup:
                    stack.append(elapsed)
                    sizes.append(size)
        first = inputs[self.warmup]
        with CaptureQueriesContext(connection) as captured:
            self._get(endpoint.client(first), endpoint.url(first), endpoint.headers)
        queries = len(captured.captured_queries)
        result: dict[str, Any] = {
            "label": endpoint.label,
            "url": endpoint.url(first),
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "bytes_median": int(statistics.median(sizes)),
            "queries": queries,
            "stack_ms": percentiles(stack),
            # Every timed request in order, to see a tail (a WAL checkpoint, a collection).
            "stack_samples_ms": [round(x * 1000, 2) for x in stack],
            "stack_gc": collections.summary(),
        }
        result["floor_ms"], result["floor_statuses"] = self._floor(endpoint)
        if endpoint.sql is not None:
            result["sql_ms"], result["sql_rows_median"] = self._sql(endpoint)
            result["sql_kind"] = "hand-written"
        else:
            result["sql_ms"], result["sql_rows_median"] = self._replay(endpoint)
            result["sql_kind"] = "replayed"
        for floor in ("floor", "sql"):
            ms = result[f"{floor}_ms"]
            result[f"ratio_{floor}"] = {
                q: round(result["stack_ms"][q] / ms[q], 1) if ms[q] else None
                for q in ("p50", "p95")
            }
        target = TARGETS_MS.get(endpoint.key)
        if target is not None:
            result["target_p95_ms"] = target
            result["target_met"] = result["stack_ms"]["p95"] < target
        result["within_2x_floor"] = result["stack_ms"]["p95"] <= 2 * result["floor_ms"]["p95"]
        result["rss_mb"] = rss_mb()
        return result

    def _floor(self, endpoint: Endpoint) -> tuple[dict[str, float], dict[str, int]]:
        samples: list[float] = []
        statuses: dict[int, int] = {}
        with override_settings(MIDDLEWARE=[], ROOT_URLCONF="pourparler.bench.floor"):
            bare = Client(HTTP_HOST=HOST)
            for i, value in enumerate(endpoint.inputs[: self.warmup + self.floor_requests]):
                elapsed, status, _ = self._get(bare, endpoint.floor_url(value), {})
                statuses[status] = statuses.get(status, 0) + 1
                if i >= self.warmup:
                    samples.append(elapsed)
        return percentiles(samples), {str(k): v for k, v in sorted(statuses.items())}

    def _sql(self, endpoint: Endpoint) -> tuple[dict[str, float], int]:
        assert endpoint.sql is not None
        samples: list[float] = []
        rows: list[int] = []
        for i, value in enumerate(endpoint.inputs[: self.warmup + self.floor_requests]):
            started = time.perf_counter()
            read = endpoint.sql(value)
            elapsed = time.perf_counter() - started
            if i >= self.warmup:
                samples.append(elapsed)
                rows.append(read)
        return percentiles(samples), int(statistics.median(rows))

    def _replay(self, endpoint: Endpoint) -> tuple[dict[str, float], int]:
        """Capture the page's SELECTs for a few inputs, then time them through the driver."""
        captured_sets: list[list[str]] = []
        for value in endpoint.inputs[self.warmup : self.warmup + 10]:
            with CaptureQueriesContext(connection) as captured:
                self._get(endpoint.client(value), endpoint.url(value), endpoint.headers)
            captured_sets.append(
                [
                    q["sql"]
                    for q in captured.captured_queries
                    if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
                ]
            )
        samples: list[float] = []
        rows: list[int] = []
        for i in range(self.warmup + self.floor_requests):
            statements = captured_sets[i % len(captured_sets)]
            started = time.perf_counter()
            read = self.db.replay(statements)
            elapsed = time.perf_counter() - started
            if i >= self.warmup:
                samples.append(elapsed)
                rows.append(read)
        return percentiles(samples), int(statistics.median(rows))

    def profile(self, endpoint: Endpoint, count: int = 20) -> str:
        """cProfile of ``count`` requests, the 25 costliest functions by cumulative time."""
        profiler = cProfile.Profile()
        inputs = endpoint.inputs[-count:]
        profiler.enable()
        for value in inputs:
            self._get(endpoint.client(value), endpoint.url(value), endpoint.headers)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        # The project's own functions by cumulative time (the middleware chain included),
        # then every function by its own time: where the time goes, and on what.
        stats.sort_stats("cumulative").print_stats(r"/pourparler/(?!bench/)", 25)
        stats.sort_stats("tottime").print_stats(15)
        text = out.getvalue()
        for root in (str(Path(settings.BASE_DIR)), str(Path(sys.prefix))):
            text = text.replace(root + "/", "")
        return text

    def import_throughput(self) -> dict[str, Any]:
        """A generated CSV of new bearers through ``run_import`` generic, as the head."""
        from pourparler.exchange.choices import RunStatus
        from pourparler.exchange.services import run_import
        from pourparler.geo.models import Country

        rows = IMPORT_ROWS.get(self.scale, 300)
        countries = list(Country.objects.order_by("iso2").values_list("iso2", flat=True))
        kinds = ["armed group", "militia", "police", "armed forces", "private security"]
        rng = random.Random("bench:import")
        syllables = ["ka", "lo", "mi", "ru", "sen", "tar", "vo", "zel", "dra", "nu", "pe", "qui"]
        lines = ["name,kind,countries,acronym"]
        for i in range(rows):
            word = "".join(rng.choice(syllables) for _ in range(4)).capitalize()
            lines.append(
                f"Front {word} {i:05d},{rng.choice(kinds)},{rng.choice(countries)},F{i:05d}"
            )
        data = ("\n".join(lines) + "\n").encode()
        started = time.perf_counter()
        run = run_import("generic", data, "bench.csv", actor=self.world.head)
        seconds = time.perf_counter() - started
        return {
            "rows": rows,
            "seconds": round(seconds, 3),
            "rows_per_s": round(rows / seconds, 1),
            "status": str(run.status),
            "completed": run.status == RunStatus.COMPLETED,
            "created": run.created,
            "queued": run.queued,
            "rss_mb": rss_mb(),
        }

    def audit_verify(self) -> dict[str, Any]:
        started = time.perf_counter()
        result = verify_database()
        seconds = time.perf_counter() - started
        return {
            "events": result.events,
            "checkpoints": result.checkpoints,
            "ok": result.ok,
            "seconds": round(seconds, 3),
            "events_per_s": round(result.events / seconds, 1) if seconds else None,
            "rss_mb": rss_mb(),
        }

    def run(
        self, only: list[str] | None = None, progress: Callable[[str], None] = print
    ) -> dict[str, Any]:
        results: dict[str, Any] = {}
        endpoints = [e for e in self.endpoints() if not only or e.key in only]
        for endpoint in endpoints:
            progress(f"  {endpoint.key}…")
            results[endpoint.key] = self.measure(endpoint)
            r = results[endpoint.key]
            progress(
                f"    p50 {r['stack_ms']['p50']} ms, p95 {r['stack_ms']['p95']} ms; "
                f"floor p95 {r['floor_ms']['p95']} ms; sql p95 {r['sql_ms']['p95']} ms; "
                f"{r['queries']} queries"
            )
        # Every endpoint's profile: where its time goes (docs/benchmarks.md reads them).
        profiles: dict[str, str] = {}
        for endpoint in endpoints:
            progress(f"  profile of {endpoint.key}…")
            profiles[endpoint.key] = self.profile(endpoint, self.profiled)
        report: dict[str, Any] = {"endpoints": results, "profiles": profiles}
        if not only or "audit_verify" in only:
            progress("  audit verify…")
            report["audit_verify"] = self.audit_verify()
        if not only or "import" in only:
            progress("  import…")
            report["import"] = self.import_throughput()
        report["rss_mb"] = rss_mb()
        return report


def _command(*args: str) -> str:
    try:
        # A fixed list of our own (lscpu and the like), no shell, no user input.
        done = subprocess.run(args, capture_output=True, text=True, timeout=10, check=False)  # noqa: S603
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import sqlite3

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration, ValueError):
        mem_kb = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = str(cursor.fetchone()[0])
    else:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
        postgres = _command(str(found[-1]), "--version") if found else "not installed"
    return {
        "cpu": cpu or platform.processor(),
        "cpus": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres,
        "engine": connection.vendor,
    }


def _cell(value: Any) -> str:
    """A time or a ratio with the digits worth reading (0.35, 4.6, 47.2, 615)."""
    if value is None:
        return "—"
    if not isinstance(value, float):
        return str(value)
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def markdown(report: dict[str, Any]) -> str:
    """The report as a markdown table with its machine and the other figures."""
    m = report["machine"]
    lines = [
        f"# Benchmarks: {m['engine']}, {report['scale']} scale, {report['date']}",
        "",
        f"Machine: {m['cpu']}, {m['cpus']} CPUs, {m['ram_gb']} GB RAM, load average "
        f"{' / '.join(str(x) for x in m['load_average'])} at the start and "
        f"{' / '.join(str(x) for x in report.get('load_average_end', []))} at the end "
        f"(other work shared the machine); {m['os']}; "
        f"Python {m['python']}, Django {m['django']}, SQLite {m['sqlite']}, "
        f"PostgreSQL {m['postgresql']}.",
        "",
        f"World: `pourparler generate --scale {report['scale']} --seed {report['seed']} "
        f"--until {report['until']}`; {report['counts']}. {report['requests']} timed requests "
        f"per endpoint after {report['warmup']} untimed"
        f"{floors_note(report)}. Times in ms. "
        "Stack: the whole application through Django's test client; floor: a bare "
        "endpoint with no middleware; SQL: the database floor through the driver "
        "(replayed: the page's own SELECTs). Ratios are of the p95s.",
        "",
        "| endpoint | stack p50 | p95 | p99 | queries | floor p50 | floor p95 | SQL p50 "
        "| SQL p95 | ×floor | ×SQL | target p95 | met | ≤2× floor |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| --- | --- |",
    ]
    for r in report["endpoints"].values():
        s, f, q = r["stack_ms"], r["floor_ms"], r["sql_ms"]
        replayed = " (replayed)" if r["sql_kind"] == "replayed" else ""
        lines.append(
            f"| {r['label']} | {_cell(s['p50'])} | {_cell(s['p95'])} | {_cell(s['p99'])} "
            f"| {r['queries']} | {_cell(f['p50'])} | {_cell(f['p95'])} | {_cell(q['p50'])} "
            f"| {_cell(q['p95'])}{replayed} | {_cell(r['ratio_floor']['p95'])} "
            f"| {_cell(r['ratio_sql']['p95'])} | {r.get('target_p95_ms', '—')} "
            f"| {'yes' if r.get('target_met') else 'no'} "
            f"| {'yes' if r['within_2x_floor'] else 'no'} |"
        )
    lines.append("")
    if "audit_verify" in report:
        a = report["audit_verify"]
        lines.append(
            f"`audit verify`: {a['events']:,} events, {a['checkpoints']} checkpoints in "
            f"{a['seconds']} s, **{a['events_per_s']:,.0f} events/s** (ok: {a['ok']})."
        )
    if "import" in report:
        i = report["import"]
        lines.append(
            f"Import (generic CSV of {i['rows']} new bearers through `run_import`): "
            f"{i['seconds']} s, **{i['rows_per_s']:,.1f} rows/s** ({i['created']} created, "
            f"{i['queued']} queued for review, {i['status']})."
        )
    for again in report.get("remeasured", []):
        lines.append(
            f"Re-measured in a later run of the same world: {', '.join(again['endpoints'])} "
            f"(load average {' / '.join(str(x) for x in again['machine']['load_average'])})."
        )
    lines.append(
        f"Server memory: peak RSS of the process **{report['rss_mb']} MB** "
        "(the runner and the application in one process)."
    )
    for key, text in report.get("profiles", {}).items():
        lines += [
            "",
            f"## Profile: {key} ({report.get('profiled_requests', 20)} requests)",
            "",
            "```",
            text.strip(),
            "```",
        ]
    return "\n".join(lines) + "\n"


def counts() -> str:
    from pourparler.dialogue.models import Interaction
    from pourparler.people.models import Person

    return (
        f"{Interaction._base_manager.count():,} interactions, "
        f"{Person._base_manager.count():,} people, {AuditEvent.objects.count():,} audit events"
    )


def floors_note(report: dict[str, Any]) -> str:
    """How many timed requests the floors took, when fewer than the stack."""
    floors = report.get("floor_requests", report["requests"])
    if floors == report["requests"]:
        return ""
    return f" ({floors} timed requests for each floor)"


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m pourparler.bench")
    parser.add_argument("--engine", default=None, help="label only (default: the connection's)")
    parser.add_argument("--scale", default="small", help="label, and the import's size")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument(
        "--floor-requests", type=int, default=None, help="timed requests of each floor"
    )
    parser.add_argument("--profiled", type=int, default=20, help="requests in each profile")
    parser.add_argument("--only", nargs="*", default=None, help="endpoint keys to run")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--until", default=os.environ.get("BENCH_UNTIL", "2026-06-30"))
    parser.add_argument(
        "--merge",
        action="store_true",
        help="with --only: replace those endpoints in the day's report instead of a new one",
    )
    options = parser.parse_args(argv)
    report = run_bench(
        scale=options.scale,
        requests=options.requests,
        warmup=options.warmup,
        only=options.only,
        until=options.until,
        profiled=options.profiled,
        floor_requests=options.floor_requests,
    )
    if options.merge:
        report = merged(report, options.out, options.engine)
    json_path, md_path = write_report(report, options.out, options.engine)
    print(f"Written {json_path} and {md_path}")
    return 0


def run_bench(
    *,
    scale: str,
    requests: int,
    warmup: int,
    only: list[str] | None = None,
    until: str = "",
    progress: Callable[[str], None] = print,
    profiled: int = 20,
    floor_requests: int | None = None,
) -> dict[str, Any]:
    """Measure everything on the database the settings name; return the report."""
    started = time.perf_counter()
    report: dict[str, Any] = {
        "date": datetime.date.today().isoformat(),
        "scale": scale,
        "seed": 1,
        "until": until,
        "requests": requests,
        "floor_requests": requests if floor_requests is None else floor_requests,
        "warmup": warmup,
        "machine": machine(),
        "counts": counts(),
    }
    world = load_world()
    progress(f"Benchmarks on {connection.vendor}, {report['counts']}:")
    runner = Runner(
        world,
        requests=requests,
        warmup=warmup,
        scale=scale,
        profiled=profiled,
        floor_requests=floor_requests,
    )
    report["profiled_requests"] = profiled
    report.update(runner.run(only, progress))
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    report["id"] = str(uuid.uuid4())
    return report


def merged(report: dict[str, Any], out: Path, engine: str | None) -> dict[str, Any]:
    """The day's report with the endpoints just measured put in place of its own."""
    name = f"{engine or report['machine']['engine']}-{report['scale']}-{report['date']}"
    earlier = json.loads((out / f"{name}.json").read_text())
    for key, result in report["endpoints"].items():
        result["remeasured"] = True
        earlier["endpoints"][key] = result
        if key in report["profiles"]:
            earlier["profiles"][key] = report["profiles"][key]
    earlier.setdefault("remeasured", []).append(
        {"endpoints": sorted(report["endpoints"]), "machine": report["machine"]}
    )
    earlier["rss_mb"] = max(earlier["rss_mb"], report["rss_mb"])
    return earlier


def write_report(report: dict[str, Any], out: Path, engine: str | None = None) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    name = f"{engine or report['machine']['engine']}-{report['scale']}-{report['date']}"
    json_path = out / f"{name}.json"
    md_path = out / f"{name}.md"
    json_path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    md_path.write_text(markdown(report))
    return json_path, md_path
