"""Scaling: `alembic upgrade head` and `downgrade base` cost the same on 10 million metric rows as on none.

Databases with 0, 10^5, 10^6 and 10^7 metric rows (jobs and servers in proportion) are built once;
then, round after round, each is upgraded and downgraded, interleaved so that the machine's noise
falls on every size alike. Reported: the median per size and its ratio to the empty database, and
the same ratio for a second empty database (the control: what noise alone gives).
Target: at most 1.05 at 10^7.
"""

from __future__ import annotations

import time

from common import arguments, downgrade, machine, median, plot, print_table, server, upgrade, write_results

FULL_SIZES = (0, 10**5, 10**6, 10**7)
QUICK_SIZES = (0, 10**3, 10**4)
TARGET = 1.05
Timings = dict[int, dict[str, list[float]]]
CONTROL = -1  # a second empty database


def main() -> None:
    options = arguments(__doc__.splitlines()[0])
    sizes = QUICK_SIZES if options.quick else FULL_SIZES
    rounds = 3 if options.quick else 21
    with server(options.url) as pg:
        urls = {CONTROL: pg.seeded("scaling_control", 0)}
        for size in sizes:
            started = time.perf_counter()
            urls[size] = pg.seeded(f"scaling_{size}", size)
            print(f"built {size:>10,} metric rows in {time.perf_counter() - started:.0f} s", flush=True)
        sizes = (*sizes, CONTROL)
        timings: dict[int, dict[str, list[float]]] = {
            size: {"upgrade": [], "downgrade": []} for size in sizes
        }
        upgrade(urls[sizes[0]]), downgrade(urls[sizes[0]])  # warm the imports and the server's caches
        for _ in range(rounds):
            for size in sizes:
                timings[size]["upgrade"].append(upgrade(urls[size]))
                timings[size]["downgrade"].append(downgrade(urls[size]))
    report(options, sizes, rounds, timings)


def report(
    options: object, sizes: tuple[int, ...], rounds: int, timings: dict[int, dict[str, list[float]]]
) -> None:
    medians = {size: {step: median(values) for step, values in timings[size].items()} for size in sizes}
    base = medians[sizes[0]]
    rows = [
        [
            _label(size),
            medians[size]["upgrade"] * 1000,
            medians[size]["upgrade"] / base["upgrade"],
            medians[size]["downgrade"] * 1000,
            medians[size]["downgrade"] / base["downgrade"],
        ]
        for size in sizes
    ]
    print_table(
        f"median of {rounds} interleaved runs ({machine()})",
        ["metric rows", "upgrade ms", "ratio", "downgrade ms", "ratio"],
        rows,
    )
    largest = medians[sizes[-2]]
    control = max(medians[CONTROL][step] / base[step] for step in base)
    worst = max(largest["upgrade"] / base["upgrade"], largest["downgrade"] / base["downgrade"])
    verdict = "met" if worst <= TARGET else "MISSED"
    print(f"\ntime({sizes[-2]:,}) / time(0): {worst:.3f} (target <= {TARGET}: {verdict})")
    print(f"time(0, control) / time(0): {control:.3f} (the noise floor)")
    out = options.out  # type: ignore[attr-defined]
    results = {
        "machine": machine(),
        "rounds": rounds,
        "timings_s": {_label(size): values for size, values in timings.items()},
        "worst_ratio": worst,
        "control_ratio": control,
    }
    write_results(out, "scaling", results)

    def draw(axes: object) -> None:
        labels = [_label(size) for size in sizes]
        for step, marker in (("upgrade", "o"), ("downgrade", "s")):
            axes.plot(labels, [medians[s][step] * 1000 for s in sizes], marker=marker, label=step)  # type: ignore[attr-defined]
        axes.set_xlabel("metric rows (jobs and servers in proportion)")  # type: ignore[attr-defined]
        axes.set_ylabel("median time, ms")  # type: ignore[attr-defined]
        axes.set_ylim(bottom=0)  # type: ignore[attr-defined]
        axes.set_title(f"alembic upgrade head / downgrade base: worst ratio {worst:.3f}")  # type: ignore[attr-defined]
        axes.legend()  # type: ignore[attr-defined]

    print(f"plot: {plot(out, 'scaling', draw)}")


def _label(size: int) -> str:
    return "0 (control)" if size == CONTROL else f"{size:,}"


if __name__ == "__main__":
    main()
