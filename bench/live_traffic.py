"""Live traffic: the app's query mix at a fixed rate, while upgrade and downgrade run again and again.

Phases of equal length: the traffic alone (baseline); then a separate process running `alembic
upgrade head` and `downgrade base` back to back on a twin database of the same server (the
control: the same CPU and server work, no lock the app could meet); then the same process on the
app's own database, back to back and then once a second. Reported per phase: queries, errors,
p50/p99/max latency, and the longest time any app query waited on a lock held or requested by
the migration (sampled from pg_stat_activity every 5 ms). Targets: 0 errors, no app query waits
on the migration, p99 during / p99 baseline <= 1.1; p99 during / p99 control separates what locks
cost from what two busy cores cost.
"""

from __future__ import annotations

import multiprocessing
import time
from typing import Any

from common import (
    arguments,
    downgrade,
    machine,
    median,
    percentile,
    plot,
    print_table,
    server,
    upgrade,
    write_results,
)
from traffic import LockWaits, Sample, Traffic, app_workers, pick_facts

P99_TARGET = 1.1
PHASES = ("baseline", "control", "migrating", "migrating, 1/s")
Windows = dict[str, list[tuple[float, float]]]


def migrate_repeatedly(url: str, seconds: float, cycles: Any, pause: float) -> None:
    """Upgrade and downgrade for ``seconds``, ``pause`` apart (in its own process, like a deploy)."""
    deadline = time.perf_counter() + seconds
    done = 0
    while time.perf_counter() < deadline:
        upgrade(url)
        downgrade(url)
        done += 1
        time.sleep(pause)
    cycles.value = done


def main() -> None:
    options = arguments(__doc__.splitlines()[0])
    # Each phase runs in several windows, interleaved with the others, so that the machine's
    # drift falls on every phase alike.
    rounds, seconds = (1, 3.0) if options.quick else (5, 8.0)
    with server(options.url) as pg:
        size = 10**3 if options.quick else 10**5
        url, twin = pg.seeded("live_traffic", size), pg.seeded("live_traffic_twin", size)
        for database in (url, twin):
            upgrade(database), downgrade(database)  # warm the caches of the migration's catalog reads
        traffic, waits = Traffic(url, app_workers(pick_facts(url))), LockWaits(url)
        traffic.start(), waits.start()
        time.sleep(1.0)  # connections up, plans cached
        windows: Windows = {phase: [] for phase in PHASES}
        cycles = 0
        for _ in range(rounds):
            windows["baseline"].append(_phase(seconds))
            windows["control"].append(_migrating(twin, seconds, pause=0.0)[0])
            window, done = _migrating(url, seconds, pause=0.0)
            windows["migrating"].append(window)
            cycles += done
            windows["migrating, 1/s"].append(_migrating(url, seconds, pause=1.0)[0])
        traffic.stop(), waits.stop()
    report(options.out, windows, traffic.samples, waits, cycles / (rounds * seconds))


def _migrating(url: str, seconds: float, pause: float) -> tuple[tuple[float, float], int]:
    """The phase during which a separate process migrates ``url`` repeatedly, and its cycle count."""
    context = multiprocessing.get_context("spawn")
    cycles = context.Value("i", 0)
    migration = context.Process(target=migrate_repeatedly, args=(url, seconds, cycles, pause))
    migration.start()
    time.sleep(0.5)  # the interpreter starting up is not part of the phase
    started = time.perf_counter()
    migration.join()
    return (started, time.perf_counter()), int(cycles.value)


def _phase(seconds: float) -> tuple[float, float]:
    started = time.perf_counter()
    time.sleep(seconds)
    return started, time.perf_counter()


def report(
    out: Any, windows: Windows, samples: list[Sample], waits: LockWaits, cycles_per_second: float
) -> None:
    rows, summary = [], {}
    for phase, spans in windows.items():
        mine = [s for s in samples if any(start <= s.started < end for start, end in spans)]
        latencies = [s.seconds * 1000 for s in mine if s.error is None]
        summary[phase] = {
            "queries": len(mine),
            "errors": sum(1 for s in mine if s.error),
            "p50_ms": median(latencies),
            "p99_ms": percentile(latencies, 0.99),
            "max_ms": max(latencies, default=float("nan")),
            "longest_wait_on_migration_ms": max(waits.longest_wait_on_a_migration(*span) for span in spans)
            * 1000,
        }
        rows.append([phase, *summary[phase].values()])
    print_table(
        f"app traffic, {len(windows['baseline'])} interleaved windows per phase; back to back, "
        f"{cycles_per_second:.1f} upgrade+downgrade cycles a second ({machine()})",
        ["phase", "queries", "errors", "p50 ms", "p99 ms", "max ms", "longest wait on migration ms"],
        rows,
    )
    ratio = summary["migrating"]["p99_ms"] / summary["baseline"]["p99_ms"]
    paced = summary["migrating, 1/s"]["p99_ms"] / summary["baseline"]["p99_ms"]
    against_control = summary["migrating"]["p99_ms"] / summary["control"]["p99_ms"]
    errors = sum(phase["errors"] for phase in summary.values())
    waited = max(phase["longest_wait_on_migration_ms"] for phase in summary.values())
    verdict = "met" if ratio <= P99_TARGET else "MISSED"
    print(f"\np99 migrating back to back / p99 baseline: {ratio:.3f} (target <= {P99_TARGET}: {verdict})")
    print(f"p99 migrating once a second / p99 baseline: {paced:.3f}")
    print(f"p99 migrating / p99 control (a twin database migrating): {against_control:.3f}")
    print(f"errors: {errors} (target 0); longest app wait on the migration: {waited:.1f} ms (target 0)")
    slowest = sorted(samples, key=lambda sample: sample.seconds)[-5:]
    print("slowest queries: " + "; ".join(f"{s.query} {s.seconds * 1000:.0f} ms" for s in reversed(slowest)))
    results = {
        "machine": machine(),
        "cycles_per_second": cycles_per_second,
        "windows": windows,
        "phases": summary,
        "p99_ratio": ratio,
        "p99_ratio_once_a_second": paced,
        "p99_ratio_to_control": against_control,
    }
    write_results(out, "live_traffic", results)

    def draw(axes: Any) -> None:
        first = windows["baseline"][0][0]
        colors = {
            "baseline": "tab:blue",
            "control": "tab:grey",
            "migrating": "tab:red",
            "migrating, 1/s": "tab:orange",
        }
        for phase, spans in windows.items():
            mine = [s for s in samples if s.error is None and any(a <= s.started < b for a, b in spans)]
            times, latencies = [s.started - first for s in mine], [s.seconds * 1000 for s in mine]
            axes.scatter(times, latencies, s=4, label=phase, color=colors[phase])
            for start, end in spans:
                axes.axvspan(start - first, end - first, alpha=0.08, color=colors[phase])
        axes.set_xlabel("seconds")
        axes.set_ylabel("app query latency, ms")
        axes.set_yscale("log")
        axes.set_title(
            f"app queries; p99 ratio to baseline {ratio:.2f} back to back, {paced:.2f} once a second"
        )
        axes.legend()

    print(f"plot: {plot(out, 'live_traffic', draw)}")


if __name__ == "__main__":
    main()
