#!/usr/bin/env python3
"""Generate N synthetic byte-pattern rules for Backsight's rule-count scaling benchmark.

    python3 Benchmarks/make-pattern-rules.py N OUTDIR [--seed S] [--yara FILE]

Writes OUTDIR/pattern-001.yaml ... one YAML document per rule:

    id: bench/pattern-007
    title: Benchmark pattern 7
    description: Synthetic byte pattern for the rule-count scaling benchmark.
    severity: info
    scope: file
    condition:
      bytes: "4a 9c ?? 13 77 e0 5b"

Patterns are 6 to 12 random bytes (seeded, so the same N and seed give the same files); about a
third have one "??" wildcard, never first or last, so at least five bytes are fixed and a pattern
is unlikely to match anywhere in a real tree. Pattern i is the same for every N, so the 10-rule
set is a prefix of the 200-rule set. With --yara FILE it also writes the same patterns as a YARA
rule file (one rule per pattern) so YARA's scaling can be measured side by side.
"""
import argparse
import os
import random
import sys


def patterns(n, seed):
    out = []
    for i in range(1, n + 1):
        rng = random.Random(f"{seed}:{i}")   # per-pattern stream: prefix-stable across N
        length = rng.randint(6, 12)
        toks = [f"{rng.randrange(256):02x}" for _ in range(length)]
        # Avoid patterns that are all one byte or start with 00/ff: such runs are common in files.
        while toks[0] in ("00", "ff") or len(set(toks)) < 3:
            toks = [f"{rng.randrange(256):02x}" for _ in range(length)]
        if rng.random() < 1 / 3:
            toks[rng.randint(1, length - 2)] = "??"
        out.append(toks)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of rules")
    ap.add_argument("outdir", help="directory to write the .yaml files into (created)")
    ap.add_argument("--seed", default="backsight-bench-1", help="random seed (default: %(default)s)")
    ap.add_argument("--yara", metavar="FILE", help="also write the patterns as a YARA rule file")
    a = ap.parse_args()
    if a.n < 1 or a.n > 99999:
        sys.exit("N must be between 1 and 99999")
    os.makedirs(a.outdir, exist_ok=True)
    width = max(3, len(str(a.n)))
    pats = patterns(a.n, a.seed)
    for i, toks in enumerate(pats, 1):
        num = f"{i:0{width}d}"
        text = (
            f"id: bench/pattern-{num}\n"
            f"title: Benchmark pattern {i}\n"
            "description: Synthetic byte pattern for the rule-count scaling benchmark.\n"
            "severity: info\n"
            "scope: file\n"
            "condition:\n"
            f"  bytes: \"{' '.join(toks)}\"\n"
        )
        with open(os.path.join(a.outdir, f"pattern-{num}.yaml"), "w") as f:
            f.write(text)
    if a.yara:
        with open(a.yara, "w") as f:
            f.write(f"// {a.n} synthetic patterns from make-pattern-rules.py (seed {a.seed})\n")
            for i, toks in enumerate(pats, 1):
                f.write(f"rule bench_pattern_{i:0{width}d} {{ strings: $a = {{ {' '.join(t.upper() for t in toks)} }} condition: $a }}\n")
    print(f"wrote {a.n} rules to {a.outdir}" + (f" and {a.yara}" if a.yara else ""), file=sys.stderr)


if __name__ == "__main__":
    main()
