"""What every benchmark shares.

A benchmark module is `bench/bench_<name>.py` with `run(ctx: BenchContext) -> list[BenchResult]`.
Each result compares a measured value with a baseline measured in the same run on the same
machine (never a number written down on another day), so `make bench` prints ratios that mean
something on a noisy machine.
"""

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class BenchContext:
    database_url: str  # a PostgreSQL database the benchmark may fill and empty
    python: str  # the virtual environment's interpreter
    root: str  # the repository
    quick: bool = False  # BENCH_QUICK=1: smaller sizes, for a smoke run


@dataclass
class BenchResult:
    name: str
    value: float
    baseline_name: str
    baseline: float
    unit: str
    higher_is_better: bool = False
    # The target for the ratio (issue 16): at most (or, higher_is_better, at least).
    target: float | None = None

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("inf")

    def line(self) -> str:
        text = (
            f"{self.name}: {self.value:.3f} {self.unit} | baseline {self.baseline_name}: "
            f"{self.baseline:.3f} {self.unit} | ratio {self.ratio:.2f}"
        )
        if self.target is not None:
            met = self.ratio >= self.target if self.higher_is_better else self.ratio <= self.target
            sign = ">=" if self.higher_is_better else "<="
            text += f" | target {sign} {self.target:g}: {'met' if met else 'MISSED'}"
        return text


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock milliseconds of each of `repeat` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else 0.0


def quick() -> bool:
    return os.environ.get("BENCH_QUICK") == "1"
