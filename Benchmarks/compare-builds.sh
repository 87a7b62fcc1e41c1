#!/usr/bin/env bash
# Two builds of backsight side by side: the same scans with each, alternating (A B A B …), one
# warm-up round then RUNS measured rounds. Prints, per target, the median wall time and the median
# CPU time (user+sys from /usr/bin/time, which a shared, loaded machine distorts less than wall
# time), and whether the JSON Lines outputs of the two builds are the same line for line after
# sorting (the only line allowed to differ is the summary, whose `seconds` is the scan's own time).
#
#   Benchmarks/compare-builds.sh OLD_BINARY NEW_BINARY [RUNS] [TARGET...]
# Targets default to Corpus and the four bookworm trees; each is scanned with the default options
# (packages opened) and --format jsonl, plus the options in SCAN_ARGS. With KEEP=DIR, the last outputs of both builds are kept there.
set -euo pipefail
# Swift seeds its hashing per process, and some evidence depends on Set/Dictionary order (on
# 2026-12-02 the dup2 site shown for usr/sbin/sshd changed between two runs of one build), so
# both builds run with one fixed seed: otherwise the same build differs from itself.
export SWIFT_DETERMINISTIC_HASHING=1
old=$1; new=$2; runs=${3:-3}; shift $(( $# < 3 ? $# : 3 ))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(Corpus /var/tmp/backsight-trees/bookworm-{amd64,arm64,armhf,mipsel})
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for target in "${targets[@]}"; do
  name=$(basename "$target")
  for round in $(seq 0 "$runs"); do
    for build in old new; do
      binary=$old; [ "$build" = new ] && binary=$new
      /usr/bin/time -f "%e %U %S" -o "$work/time" "$binary" scan "$target" --format jsonl ${SCAN_ARGS:-} > "$work/$name.$build.jsonl" || [ $? -eq 1 ]
      [ "$round" -eq 0 ] && continue # warm-up
      # The last line: /usr/bin/time writes "Command exited with non-zero status 1" first.
      read -r wall user sys < <(tail -n 1 "$work/time")
      echo "$wall" >> "$work/$name.$build.wall"
      awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }' >> "$work/$name.$build.cpu"
    done
  done
  if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$work/$name".*.jsonl "$KEEP/"; fi
  differing=$(diff <(sort "$work/$name.old.jsonl") <(sort "$work/$name.new.jsonl") | grep -c '^[<>]' || true)
  summary_only=no
  if diff <(grep -v '"type":"summary"' "$work/$name.old.jsonl" | sort) <(grep -v '"type":"summary"' "$work/$name.new.jsonl" | sort) > /dev/null \
     && diff <(grep '"type":"summary"' "$work/$name.old.jsonl" | sed 's/"seconds":[0-9.e-]*,//') \
             <(grep '"type":"summary"' "$work/$name.new.jsonl" | sed 's/"seconds":[0-9.e-]*,//') > /dev/null; then summary_only=yes; fi
  printf '%s lines=%s differing_lines=%s only_summary_seconds_differ=%s old_wall=%s new_wall=%s old_cpu=%s new_cpu=%s\n' \
    "$name" "$(wc -l < "$work/$name.new.jsonl")" "$differing" "$summary_only" \
    "$(median < "$work/$name.old.wall")" "$(median < "$work/$name.new.wall")" \
    "$(median < "$work/$name.old.cpu")" "$(median < "$work/$name.new.cpu")"
done
