"""Plan parser throughput on plans of growing size: is the time linear in the input?

Run: .venv/bin/python benchmarks/plan_parser.py [--quick]

Prints, for each input, its size [MB], the CPU time of parse_plan [s] and the time per MB
[s/MB]. Inputs: the sample plan (40 KB); a 160 KB plan (the sample's task section four
times); plans of 2.5 MB and 20 MB (the sample repeated); 20 MB of the sample collapsed into
one line (a web copy without line breaks); 20 MB of genre characters in random order (the
worst case for the clause and bracket scanners). Issue 15 asks for 160 KB under 2 s; issue
17 for 20 MB under 20 s. Figures are CPU time (time.process_time), so other processes on the
machine do not count.
"""

from __future__ import annotations

import contextlib
import random
import sys
import time
from pathlib import Path

from carbonpeak.engine.plantext import PlanParseError, parse_plan, read_document

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "yueyang-county-carbon-peak-plan.txt"


def timed(text: str) -> float:
    start = time.process_time()
    with contextlib.suppress(PlanParseError):
        parse_plan(text)
    return time.process_time() - start


def main() -> None:
    quick = "--quick" in sys.argv
    sample = read_document(SAMPLE)
    parse_plan(sample)  # warm up: OpenCC dictionaries, registry
    tasks = sample[sample.index("(一)产业绿色低碳发展行动") : sample.index("四、政策保障")]
    plan_160k = sample.replace(tasks, tasks * 4)
    while len(plan_160k.encode()) < 160 * 1024:
        plan_160k = plan_160k.replace(tasks, tasks * 2, 1)
    size_20mb = 20 * 1024 * 1024
    repeat = size_20mb // len(sample.encode()) + 1
    random.seed(15)
    genre = "".join(random.choice(sample) for _ in range(len(sample) * (8 if quick else repeat)))
    inputs = [
        ("示例方案", sample),
        ("160 KB 方案", plan_160k),
        ("2.5 MB（示例方案重复）", sample * 62),
    ]
    if not quick:
        inputs += [
            ("20 MB（示例方案重复）", sample * repeat),
            ("20 MB 单行（网页复制无换行）", (sample * repeat).replace("\n", "")),
            ("20 MB 随机体裁字符", genre),
        ]
    print(f"{'输入':<28}{'大小 MB':>10}{'CPU 秒':>10}{'秒/MB':>10}")
    for label, text in inputs:
        megabytes = len(text.encode()) / 1024 / 1024
        seconds = timed(text)
        print(f"{label:<28}{megabytes:>10.2f}{seconds:>10.2f}{seconds / megabytes:>10.2f}")


if __name__ == "__main__":
    main()
