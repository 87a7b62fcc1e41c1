#!/usr/bin/env bash
# Builds Backsight's libFuzzer targets (Benchmarks/Fuzz, a package of its own, never part of the
# normal build or `make test`) and runs each for a fixed time, one after the other, niced.
#
#   bash Benchmarks/fuzz.sh                    every target, FUZZ_SECONDS each
#   bash Benchmarks/fuzz.sh FuzzELFModel       only the named targets
#   bash Benchmarks/fuzz.sh --list             the target names
#
# A target is a folder Benchmarks/Fuzz/Sources/NAME holding one main.swift that defines
# LLVMFuzzerTestOneInput. Its first line names its seeds, relative to the repository:
#   // seeds: Corpus Rules
# Folders are searched recursively; a .swift file contributes each of its """ string literals
# as one seed (the rule tests' YAML), any other file is one seed as it is.
#
# Environment:
#   FUZZ_SECONDS   seconds per target (default 600)
#   FUZZ_RUNS      stop a target after this many executions instead (default: no limit)
#   FUZZ_TIMEOUT   seconds one input may take before libFuzzer reports a hang (default 10)
#   FUZZ_RSS_MB    memory limit per target in MB (default 2048)
#   FUZZ_ARGS      more libFuzzer flags, e.g. "-seed=1 -max_len=4096"
#   NICE           nice level of build and runs (default 10)
#   FUZZ_BUILD=0   do not rebuild
#   KEEP_CORPUS=1  start from the corpus the last run grew, not only the seeds
#
# Output, per target, under Benchmarks/.out/fuzz/NAME/: log (libFuzzer's output), seeds/,
# corpus/ (inputs found to reach new code), and crash-*, timeout-*, oom-*, leak-* artifacts.
# A summary line per target goes to standard output. Exit status 1 when any target found a
# problem. Reproduce one with: Benchmarks/Fuzz/.build/release/NAME ARTIFACT
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
PACKAGE="$HERE/Fuzz"
OUT="$HERE/.out/fuzz"
BIN="$PACKAGE/.build/release"
FUZZ_SECONDS="${FUZZ_SECONDS:-600}"
FUZZ_TIMEOUT="${FUZZ_TIMEOUT:-10}"
FUZZ_RSS_MB="${FUZZ_RSS_MB:-2048}"
NICE="${NICE:-10}"

all_targets() {
    find "$PACKAGE/Sources" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort
}

if [ "${1:-}" = "--list" ]; then all_targets; exit 0; fi
if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(all_targets); fi
for target in "${targets[@]}"; do
    if [ ! -f "$PACKAGE/Sources/$target/main.swift" ]; then
        echo "fuzz.sh: no target $target (have: $(all_targets | tr '\n' ' '))" >&2
        exit 2
    fi
done

if [ "${FUZZ_BUILD:-1}" != 0 ]; then
    mkdir -p "$OUT"
    echo "building ${targets[*]} with -sanitize=fuzzer,address" >&2
    for target in "${targets[@]}"; do
        nice -n "$NICE" swift build -c release --package-path "$PACKAGE" --product "$target" \
            -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >"$OUT.build.log" 2>&1 \
            || { tail -30 "$OUT.build.log" >&2; echo "fuzz.sh: build of $target failed" >&2; exit 2; }
    done
fi

# Copies the seeds a target's first line names into DIR, one file per seed.
collect_seeds() {
    local target="$1" dir="$2" spec
    spec="$(sed -n '1s|^// seeds:||p' "$PACKAGE/Sources/$target/main.swift")"
    rm -rf "$dir" && mkdir -p "$dir"
    for entry in $spec; do
        find "$REPO/$entry" -type f ! -path '*/.build*' -print0
    done | python3 -c '
import hashlib, os, re, sys
out = sys.argv[1]
def keep(data):
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(out, name), "wb") as f: f.write(data)
for path in sys.stdin.buffer.read().split(b"\0"):
    if not path: continue
    data = open(path, "rb").read()
    if path.endswith(b".swift"):
        for literal in re.findall(rb"\"\"\"\n(.*?)\n\s*\"\"\"", data, re.S): keep(literal)
    else:
        keep(data)
' "$dir"
}

status=0
for target in "${targets[@]}"; do
    work="$OUT/$target"
    mkdir -p "$work"
    rm -f "$work"/crash-* "$work"/timeout-* "$work"/oom-* "$work"/leak-*
    [ "${KEEP_CORPUS:-0}" = 1 ] || rm -rf "$work/corpus"
    mkdir -p "$work/corpus"
    collect_seeds "$target" "$work/seeds"
    limits=(-max_total_time="$FUZZ_SECONDS")
    [ -n "${FUZZ_RUNS:-}" ] && limits+=(-runs="$FUZZ_RUNS")
    started=$(date +%s)
    # shellcheck disable=SC2086
    # Swift's own crash backtracer would run inside the sanitizer and add noise; libFuzzer
    # prints the stack of a trap itself.
    ( cd "$REPO" && SWIFT_BACKTRACE=enable=no nice -n "$NICE" "$BIN/$target" "${limits[@]}" -timeout="$FUZZ_TIMEOUT" \
        -rss_limit_mb="$FUZZ_RSS_MB" -print_final_stats=1 -artifact_prefix="$work/" ${FUZZ_ARGS:-} \
        "$work/corpus" "$work/seeds" ) >"$work/log" 2>&1
    code=$?
    wall=$(( $(date +%s) - started ))
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)"
    coverage="$(grep -o 'cov: [0-9]*' "$work/log" | tail -1)"
    seeds="$(find "$work/seeds" -type f | wc -l)"
    grown="$(find "$work/corpus" -type f | wc -l)"
    artifacts="$(find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | sort)"
    found="$(printf '%s' "$artifacts" | grep -c . || true)"
    echo "$target: ${runs:-?} executions in $wall s (${rate:-?} exec/s), ${coverage:-cov: ?}, $seeds seeds, corpus grew by $grown, problems found: $found, exit $code"
    for artifact in $artifacts; do echo "  reproduce: Benchmarks/Fuzz/.build/release/$target ${artifact#"$REPO/"}"; done
    if [ "$code" != 0 ] || [ "$found" != 0 ]; then status=1; fi
done
exit "$status"
