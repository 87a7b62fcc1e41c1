#!/usr/bin/env python3
"""The Python package against the CLI on one tree, side by side in one run.

    python3 Benchmarks/python-vs-cli.py TREE [--runs 3] [-- extra scan options]

Checks that `rules.scan(TREE)` (through libbacksight) yields the same reports as
`backsight scan --format jsonl TREE` (every "type":"file" line, compared as sorted JSON text), then
times, alternating, the CLI writing JSON Lines to /dev/null and Python iterating the report dicts.
Both use the release build (.build/release) and the bundled rules; prints a Markdown table and
the ratio of medians. The CLI also runs its liblzma self-check; the Python loop calls it too.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
CLI = REPOSITORY / ".build" / "release" / "backsight"
os.environ.setdefault("BACKSIGHT_LIBRARY", str(REPOSITORY / ".build" / "release" / "libbacksight.so"))
sys.path.insert(0, str(REPOSITORY / "bindings" / "python"))
import backsight  # noqa: E402


def cli_lines(tree, unpack):
    command = [str(CLI), "scan", "--format", "jsonl", str(tree)] + ([] if unpack else ["--no-unpack"])
    output = subprocess.run(command, capture_output=True, check=False).stdout
    return [line for line in output.splitlines() if b'"type":"file"' in line]


def time_cli(tree, unpack):
    command = [str(CLI), "scan", "--format", "jsonl", str(tree)] + ([] if unpack else ["--no-unpack"])
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def time_python(tree, unpack):
    """A whole Python process, as the CLI is one: import, compile the rules, self-check, scan."""
    program = (
        "import backsight,sys\n"
        f"rules = backsight.compile([{str(REPOSITORY / 'Rules')!r}])\n"
        "assert rules.liblzma_self_check()[0]\n"
        f"count = sum(1 for report in rules.scan({str(tree)!r}, unpack={unpack}) if report['path'])\n"
    )
    environment = dict(os.environ, PYTHONPATH=str(REPOSITORY / "bindings" / "python"))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", program], env=environment, check=True)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tree")
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    rules = backsight.compile([str(REPOSITORY / "Rules")])
    for unpack in (True, False):
        label = "packages opened" if unpack else "--no-unpack"
        expected = sorted(cli_lines(arguments.tree, unpack))
        got = sorted(rules.scan(arguments.tree, unpack=unpack).lines())
        same = got == expected
        print(f"{label}: CLI {len(expected)} reports, Python {len(got)} reports, identical: {same}")
        if not same:
            differing = sum(1 for a, b in zip(got, expected) if a != b)
            print(f"  {differing} differ in sorted order", file=sys.stderr)
        time_cli(arguments.tree, unpack)  # warm-up, not counted
        cli, python = [], []
        for _ in range(arguments.runs):
            cli.append(time_cli(arguments.tree, unpack))
            python.append(time_python(arguments.tree, unpack))
        print(f"| {label} | CLI jsonl median {statistics.median(cli):.3f} s ({', '.join(f'{t:.2f}' for t in cli)}) "
              f"| Python dicts median {statistics.median(python):.3f} s ({', '.join(f'{t:.2f}' for t in python)}) "
              f"| ratio {statistics.median(python) / statistics.median(cli):.3f} |")


if __name__ == "__main__":
    main()
