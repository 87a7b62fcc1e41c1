#!/usr/bin/env python3
"""Rewrites the `examples:` block of rule files from Corpus/index.json.

Every sample whose `rules` names the rule becomes `expect: match`, every sample whose
`mustNotMatch` names it becomes `expect: no-match`, sorted by path (matches first). Examples the
rule file already has beyond the index (extra hard negatives) are kept, unless the index says
the opposite about that path. The (rule, path) pairs of Rules/matrix-known-gaps.tsv (variant
builds a rule does not hold on yet, each with its reason) are left out, so `rules test` stays
green while they are open; the index keeps the expectation. Usage:

    python3 Rules/examples-from-index.py Rules/userland/xor-hidden-strings.yaml [...]
    python3 Rules/examples-from-index.py --check Rules/**/*.yaml   # exit 1 if any would change
"""
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
INDEX = json.loads((ROOT / "Corpus" / "index.json").read_text())
KNOWN_GAPS = {tuple(line.split("\t")[:2])
              for line in (ROOT / "Rules" / "matrix-known-gaps.tsv").read_text().splitlines()
              if line and not line.startswith("#")}


EXAMPLE = re.compile(r"^  - \{path: (\S+), expect: (match|no-match)\}$", re.M)


def examples_for(rule_id, existing):
    match = {s["path"] for s in INDEX["samples"] if rule_id in s.get("rules", [])}
    no_match = {s["path"] for s in INDEX["samples"] if rule_id in s.get("mustNotMatch", [])}
    gaps = {path for rule, path in KNOWN_GAPS if rule == rule_id}
    match, no_match = match - gaps, no_match - gaps
    for path, expect in existing:
        if path in match or path in no_match or path in gaps:
            continue
        (match if expect == "match" else no_match).add(path)
    match, no_match = sorted(match), sorted(no_match)
    lines = ["examples:"]
    lines += [f"  - {{path: {p}, expect: match}}" for p in match]
    lines += [f"  - {{path: {p}, expect: no-match}}" for p in no_match]
    return "\n".join(lines) + "\n", bool(match or no_match)


def rewrite(path, check):
    text = path.read_text()
    found = re.search(r"^id: *(\S+)", text, re.M)
    if not found:
        return True
    block, known = examples_for(found.group(1), EXAMPLE.findall(text))
    if not known:
        return True
    pattern = re.compile(r"^examples:\n(?:  .*\n)*", re.M)
    if not pattern.search(text):
        print(f"{path}: no examples block", file=sys.stderr)
        return False
    updated = pattern.sub(lambda _: block, text, count=1)
    if updated == text:
        return True
    if check:
        print(f"{path}: examples differ from Corpus/index.json", file=sys.stderr)
        return False
    path.write_text(updated)
    return True


def main(argv):
    check = "--check" in argv
    files = [pathlib.Path(a) for a in argv if a != "--check"]
    ok = all([rewrite(f, check) for f in files])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
