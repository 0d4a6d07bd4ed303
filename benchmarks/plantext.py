"""Plan parser throughput: read and parse the sample plan and a 10x longer synthetic plan.

Run: .venv/bin/python benchmarks/plantext.py
Prints the median CPU time of several runs (caches cleared); not part of the test suite.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from carbonpeak.engine.plantext import parse_plan, read_document
from carbonpeak.engine.plantext.normalize import width_normalise

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "yueyang-county-carbon-peak-plan.txt"


def median_seconds(function, runs: int = 7) -> float:
    """Median CPU time of ``runs`` calls [s] (CPU time, so other processes on the machine do not count)."""
    times = []
    for _ in range(runs):
        width_normalise.cache_clear()
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    text = read_document(SAMPLE)
    parse_plan(text)  # warm up: OpenCC dictionaries, registry
    plan = parse_plan(text)
    # ten plans' worth of tasks: the 重点任务 section repeated under new action headings
    tasks_section = text[text.index("(一)产业绿色低碳发展行动") : text.index("四、政策保障")]
    long_text = text.replace(tasks_section, tasks_section * 10)
    long_plan = parse_plan(long_text)
    print(f"sample plan: {len(text)} chars, {len(plan.tasks)} tasks, {len(plan.targets)} targets")
    print(f"  read_document: {median_seconds(lambda: read_document(SAMPLE)) * 1000:.1f} ms")
    print(f"  parse_plan:    {median_seconds(lambda: parse_plan(text)) * 1000:.1f} ms")
    print(
        f"long plan: {len(long_text)} chars, {len(long_plan.tasks)} tasks, {len(long_plan.targets)} targets"
    )
    print(f"  parse_plan:    {median_seconds(lambda: parse_plan(long_text), runs=3) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
