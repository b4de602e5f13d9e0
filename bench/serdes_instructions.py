#!/usr/bin/env python3
"""Instructions per iteration of every row of the serializer benchmarks, counted by callgrind.

Wall-clock medians of `cargo bench -p accord-bench-serdes` move by 5-20% between runs on a shared
machine, which hides differences of a few percent. Callgrind counts the instructions a row executes,
which is the same on every run of the same binary. Each row runs twice under callgrind, with 100
and with 200 samples of 100 iterations; the difference of the two counts, divided by the 10,000
extra iterations, is the cost of one iteration without the fixture (registry start, warm-up), which
both runs share. Instructions are not time (a cache miss costs more than an addition), so read these
ratios beside the wall-clock ones, not instead of them.

Run from the repository root: `python3 bench/serdes_instructions.py [GROUP...]` (needs valgrind);
without groups it counts every row.
"""

import json
import re
import subprocess
import sys

GROUPS = {
    "avro_encode": ["raw", "accord", "accord_async", "converter"],
    "avro_decode": ["raw", "raw_direct", "accord", "accord_reader", "accord_async", "converter"],
    "protobuf_encode": ["raw", "accord", "accord_async", "converter"],
    "protobuf_decode": ["raw", "accord", "converter"],
}
SAMPLE_SIZE = 100
FEW, MORE = 100, 200


def bench_binary():
    """Builds the benchmark and returns the path of its executable."""
    out = subprocess.run(
        ["cargo", "bench", "-p", "accord-bench-serdes", "--no-run", "--message-format=json"],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    for line in out.splitlines():
        message = json.loads(line)
        target = message.get("target", {})
        if message.get("executable") and target.get("name") == "serdes" and "bench" in target.get("kind", []):
            return message["executable"]
    sys.exit("no executable for the serdes benchmark")


def instructions(binary, group, row, samples):
    """Instructions executed inside the group's benchmark functions for one run of one row."""
    result = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            f"--toggle-collect=serdes::{group}::*",
            binary,
            "--bench",
            f"{group}::{row}$",
            "--sample-count",
            str(samples),
            "--sample-size",
            str(SAMPLE_SIZE),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    found = re.search(r"Collected : (\d+)", result.stdout)
    if result.returncode != 0 or not found:
        sys.exit(f"{group}::{row} failed under callgrind:\n{result.stdout[-2000:]}")
    return int(found.group(1))


def main():
    binary = bench_binary()
    print(f"binary: {binary}")
    print(f"{'row':<30} {'instructions/iteration':>24}")
    chosen = sys.argv[1:] or list(GROUPS)
    for group in chosen:
        rows = GROUPS[group]
        per_iteration = {}
        for row in rows:
            few = instructions(binary, group, row, FEW)
            more = instructions(binary, group, row, MORE)
            per_iteration[row] = (more - few) / ((MORE - FEW) * SAMPLE_SIZE)
            print(f"{group + '::' + row:<30} {per_iteration[row]:>24,.0f}")
        accord, raw = per_iteration["accord"], per_iteration["raw"]
        print(f"  accord / raw: {accord / raw - 1:+.1%}", end="")
        if "raw_direct" in per_iteration:
            print(f", accord / raw_direct: {accord / per_iteration['raw_direct'] - 1:+.1%}", end="")
        print(f", converter / accord: {per_iteration['converter'] / accord:.2f}x")


if __name__ == "__main__":
    main()
