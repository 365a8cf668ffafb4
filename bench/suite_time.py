"""The test suite's wall time on the embedded backend and through testcontainers.

Both runs use one server per session and template databases (CREATE DATABASE ... TEMPLATE); the
container run uses the locally built training-db-postgres:17 image when it is present. Target:
under 2 minutes on 2 cores. ``--quick`` times two small test files instead of the whole suite.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from common import arguments, machine, plot, print_table, run, write_results

IMAGE = "training-db-postgres:17"
QUICK_FILES = ("tests/test_statement_rules.py", "tests/test_seed.py")
TARGET_SECONDS = 120


def main() -> None:
    options = arguments(__doc__.splitlines()[0])
    selection = list(QUICK_FILES) if options.quick else []
    results = {}
    for backend, extra in (
        ("embedded", {"TEST_BACKEND": "embedded"}),
        ("testcontainers", {"TEST_BACKEND": "testcontainers", "TEST_PG_IMAGE": IMAGE}),
    ):
        environment = {**os.environ, **extra}
        environment.pop("CI", None)  # a missing image is reported here, not failed
        junit = options.out / f"suite_time_{backend}.xml"
        started = time.perf_counter()
        finished = run(
            "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", *selection, env=environment
        )
        seconds = time.perf_counter() - started
        summary = (
            finished.stdout.strip().splitlines()[-1] if finished.stdout.strip() else finished.stderr[-200:]
        )
        results[backend] = {
            "seconds": seconds,
            "exit": finished.returncode,
            "summary": summary,
            "slowest_files": _seconds_per_file(junit)[:6],
        }
        junit.unlink(missing_ok=True)
    report(options.out, options.quick, results)


def _seconds_per_file(junit: Path) -> list[tuple[str, float]]:
    """Test time per file from pytest's JUnit XML, slowest first (set-up included)."""
    if not junit.exists():
        return []
    totals: dict[str, float] = {}
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        # classname is "tests.test_file" (or "tests.test_file.TestClass"): the file is the second part.
        parts = case.get("classname", "").split(".")
        module = parts[1] if len(parts) > 1 else parts[0]
        totals[module] = totals.get(module, 0.0) + float(case.get("time", 0))
    return sorted(totals.items(), key=lambda item: -item[1])


def report(out: Any, quick: bool, results: dict[str, dict[str, Any]]) -> None:
    print_table(
        f"{'two test files' if quick else 'the whole suite'} ({machine()})",
        ["backend", "wall s", "pytest exit", "pytest's last line"],
        [[backend, r["seconds"], r["exit"], r["summary"]] for backend, r in results.items()],
    )
    for backend, result in results.items():
        print(
            f"{backend}, slowest files: "
            + ", ".join(f"{name} {sec:.0f} s" for name, sec in result["slowest_files"])
        )
        if not quick:
            verdict = "met" if result["seconds"] < TARGET_SECONDS else "MISSED"
            print(f"{backend}: {result['seconds']:.0f} s (target < {TARGET_SECONDS} s: {verdict})")
        counted = re.search(r"(\d+) passed", result["summary"])
        result["passed"] = int(counted.group(1)) if counted else 0
    write_results(out, "suite_time", {"machine": machine(), "quick": quick, "results": results})

    def draw(axes: Any) -> None:
        names = list(results)
        axes.barh(names, [results[name]["seconds"] for name in names])
        if not quick:
            axes.axvline(TARGET_SECONDS, color="red", linestyle="--", label="target")
            axes.legend()
        axes.set_xlabel("wall time, s")
        axes.set_title("test suite wall time, one server per session, template databases")

    print(f"plot: {plot(out, 'suite_time', draw)}")


if __name__ == "__main__":
    main()
