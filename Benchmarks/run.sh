#!/usr/bin/env bash
# Backsight's benchmark (not a test). Times, side by side in one run, alternating, on the warm
# page cache:
#   cat-all        cat every regular file of the tree to /dev/null
#   cat-elf        cat every ELF file of the tree to /dev/null
#   cat-unpacked   cat-all, then dpkg-deb --fsys-tarfile of every .deb > /dev/null, two packages
#                  at a time: the bytes a default scan reads, packages included (it opens .deb
#                  files in place)
#   backsight      backsight scan TREE --format jsonl            (if the binary exists)
#   backsight-files  backsight scan --no-unpack: the tree's own files only, like for like with cat
#   backsight-j1 / backsight-j2   backsight scan --no-unpack --jobs 1 / --jobs 2 (thread scaling)
#   backsight-4trees  backsight scan of BACKSIGHT_TREES, the four bookworm trees as one root
#                  (about 3x the bytes of bookworm-amd64): growth of time and peak RSS
#   backsight-kernel  backsight scan of KERNEL_TREE (Debian's amd64 kernel package unpacked:
#                  4,023 large relocatable modules), for its peak RSS, if that directory exists
#   yara-all       yara -N -p 2 -r RULES TREE                    (RULES: see below)
#   yara-elf       yara -N -p 2 --scan-list RULES ELF-LIST
#   backsight-r10 / backsight-r200   backsight scan --no-unpack --rules DIR (10 / 200 generated
#                  byte patterns), only if "backsight scan --help" mentions --rules
#   yara-r10 / yara-r200             the same generated patterns as YARA rules, for comparison
# and writes a dated section to Benchmarks/RESULTS.md: machine, tree facts, medians, files/s,
# MB/s, ratios, peak RSS, checks of the scan's counts against tree-facts.sh, exact commands.
#
#   bash Benchmarks/build-trees.sh && bash Benchmarks/run.sh
#
# Environment:
#   BACKSIGHT        the backsight binary (default: REPO/.build/release/backsight)
#   BACKSIGHT_TREES  where build-trees.sh put the trees (default /var/tmp/backsight-trees)
#   TREE             the timed tree (default $BACKSIGHT_TREES/bookworm-amd64)
#   KERNEL_TREE      an unpacked kernel package (default /var/tmp/kernels/amd64; skipped if absent)
#   CHECK_TREES      other trees scanned once each to check counts (default: the other built
#                    bookworm-* trees; "none" to skip)
#   ROUNDS           timed rounds (default 5), after one untimed warm-up round
#   CMD_TIMEOUT      seconds before one command is killed (default 120); it is then dropped
#   TIME_BUDGET      seconds for the timed rounds (default 540); rounds stop early when the next
#                    round would not fit, and RESULTS.md says how many ran
#   YARA_RULES       YARA rule file to use instead of the default (see yara_rules below)
#   RESULTS          file to update (default Benchmarks/RESULTS.md); NO_RESULTS=1 to not write
#   KEEP_WORK=1      keep the temporary directory (outputs, timings) and print its path
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
ROOT="${BACKSIGHT_TREES:-/var/tmp/backsight-trees}"
TREE="${TREE:-$ROOT/bookworm-amd64}"
KERNEL_TREE="${KERNEL_TREE:-/var/tmp/kernels/amd64}"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
ROUNDS="${ROUNDS:-5}"
CMD_TIMEOUT="${CMD_TIMEOUT:-120}"
TIME_BUDGET="${TIME_BUDGET:-540}"
BACKSIGHT="${BACKSIGHT:-$REPO/.build/release/backsight}"
RESULTS="${RESULTS:-$HERE/RESULTS.md}"
RUN_START=$(date +%s)

say() { printf '[run %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }

[ -d "$TREE" ] || die "no tree at $TREE: run Benchmarks/build-trees.sh first"
TREE="$(cd "$TREE" && pwd -P)"
TREE_NAME="$(basename "$TREE")"

apt_install() {
    [ "$(id -u)" = 0 ] || die "missing $*; install it (apt-get install $*)"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends "$@" >&2
}
[ -x /usr/bin/time ] || { say "installing time"; apt_install time || die "cannot install time"; }
command -v yara >/dev/null 2>&1 || { say "installing yara"; apt_install yara || die "cannot install yara"; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/backsight-bench.XXXXXX")"
if [ "${KEEP_WORK:-0}" = 1 ]; then trap 'say "work directory kept: $WORK"' EXIT; else trap 'rm -rf -- "$WORK"' EXIT; fi
: >"$WORK/times.tsv"; : >"$WORK/checks.txt"; : >"$WORK/notes.txt"; : >"$WORK/commands.txt"
note() { say "$*"; printf '%s\n' "$*" >>"$WORK/notes.txt"; }
check() { printf '%s\n' "$*" >>"$WORK/checks.txt"; }   # PASS/FAIL/INFO/SKIP lines, printed at the end

# --- facts and file lists -----------------------------------------------------------------------
say "tree facts for $TREE"
bash "$HERE/tree-facts.sh" "$TREE" --lists "$WORK/lists" >"$WORK/facts.json" || die "tree-facts.sh failed"
fact() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$WORK/facts.json" "$1"; }
# yara --scan-list takes one path per line.
tr '\0' '\n' <"$WORK/lists/elf.nul" >"$WORK/lists/elf.txt"

# --- backsight ----------------------------------------------------------------------------------
HAVE_BS=0; HAVE_RULES=0
if [ -x "$BACKSIGHT" ]; then
    HAVE_BS=1
    BACKSIGHT="$(cd "$(dirname "$BACKSIGHT")" && pwd -P)/$(basename "$BACKSIGHT")"
    if "$BACKSIGHT" scan --help 2>&1 | grep -q -- '--rules'; then HAVE_RULES=1; fi
else
    note "SKIP backsight: no executable at $BACKSIGHT (build it with 'swift build -c release' or set BACKSIGHT); backsight timings, ratios and checks not measured"
fi

# --- YARA rules: from Backsight's own rules when it can export them, else the stand-in ----------
# Hook for the rule engine: if "backsight --help" lists an "export-yara" command, run.sh calls
# "backsight export-yara" and uses its stdout as the YARA rule file.
YARA_RULES_ORIGIN=""
if [ -n "${YARA_RULES:-}" ]; then
    YARA_RULES_ORIGIN="given by YARA_RULES"
elif [ "$HAVE_BS" = 1 ] && "$BACKSIGHT" --help 2>&1 | grep -qw 'export-yara' \
     && "$BACKSIGHT" export-yara >"$WORK/backsight.yar" 2>"$WORK/export-yara.err" \
     && [ -s "$WORK/backsight.yar" ] && yara "$WORK/backsight.yar" /dev/null >/dev/null 2>&1; then
    YARA_RULES="$WORK/backsight.yar"; YARA_RULES_ORIGIN="generated by 'backsight export-yara'"
else
    YARA_RULES="$HERE/patterns/equivalent.yar"
    YARA_RULES_ORIGIN="Benchmarks/patterns/equivalent.yar (stand-in: Backsight cannot export its rules yet)"
fi
[ -f "$YARA_RULES" ] || die "no YARA rule file $YARA_RULES"
yara "$YARA_RULES" /dev/null >/dev/null 2>"$WORK/yara-compile.err" || { cat "$WORK/yara-compile.err" >&2; die "yara cannot compile $YARA_RULES"; }

# Generated pattern rules for the rule-count scaling (10 is a prefix of 200).
for n in 10 200; do
    python3 "$HERE/make-pattern-rules.py" "$n" "$WORK/rules-$n" --yara "$WORK/rules-$n.yar" 2>/dev/null \
        || die "make-pattern-rules.py $n failed"
done

# --- the commands -------------------------------------------------------------------------------
# NAMES[i] / OUTS[i] (where stdout goes) / CMDS[i] (argv, as a %q-quoted string)
NAMES=(); OUTS=(); CMDS=(); UNITS=()
add() {   # NAME OUT UNIT(all|elf) ARGV...
    local name="$1" out="$2" unit="$3"; shift 3
    NAMES+=("$name"); OUTS+=("$out"); UNITS+=("$unit")
    local q; printf -v q '%q ' "$@"; CMDS+=("$q")
}
add cat-all /dev/null all xargs -0 -a "$WORK/lists/files.nul" cat --
add cat-elf /dev/null elf xargs -0 -a "$WORK/lists/elf.nul" cat --
add cat-unpacked /dev/null all sh -c 'xargs -0 -a "$1" cat -- && find "$2" -type f -name "*.deb" -print0 | xargs -0 -r -P 2 -n 4 sh -c "for d; do dpkg-deb --fsys-tarfile \"\$d\"; done" sh' sh "$WORK/lists/files.nul" "$TREE"
if [ "$HAVE_BS" = 1 ]; then
    add backsight "$WORK/out.backsight" all "$BACKSIGHT" scan "$TREE" --format jsonl
    add backsight-files "$WORK/out.backsight-files" all "$BACKSIGHT" scan --no-unpack "$TREE" --format jsonl
    add backsight-j1 "$WORK/out.backsight-j1" all "$BACKSIGHT" scan --no-unpack --jobs 1 "$TREE" --format jsonl
    add backsight-j2 "$WORK/out.backsight-j2" all "$BACKSIGHT" scan --no-unpack --jobs 2 "$TREE" --format jsonl
    # The four trees as one root: the root holds them, their build logs and completion markers.
    others="$(find "$ROOT" -mindepth 1 -maxdepth 1 ! -name 'bookworm-*' ! -name '.bookworm-*.complete' -printf '%f ')"
    [ -z "$others" ] || note "the four-tree root $ROOT also holds: $others"
    add backsight-4trees "$WORK/out.backsight-4trees" all "$BACKSIGHT" scan "$ROOT" --format jsonl
    if [ -d "$KERNEL_TREE" ]; then
        add backsight-kernel "$WORK/out.backsight-kernel" all "$BACKSIGHT" scan "$KERNEL_TREE" --format jsonl
    else
        note "not measured: backsight-kernel (no KERNEL_TREE at $KERNEL_TREE)"
    fi
fi
add yara-all "$WORK/out.yara-all" all yara -N -p 2 -r "$YARA_RULES" "$TREE"
add yara-elf "$WORK/out.yara-elf" elf yara -N -p 2 --scan-list "$YARA_RULES" "$WORK/lists/elf.txt"
if [ "$HAVE_BS" = 1 ] && [ "$HAVE_RULES" = 1 ]; then
    add backsight-r10 "$WORK/out.backsight-r10" all "$BACKSIGHT" scan --no-unpack --rules "$WORK/rules-10" "$TREE" --format jsonl
    add backsight-r200 "$WORK/out.backsight-r200" all "$BACKSIGHT" scan --no-unpack --rules "$WORK/rules-200" "$TREE" --format jsonl
elif [ "$HAVE_BS" = 1 ]; then
    note "not yet measured: rule-count scaling (backsight scan --help does not mention --rules)"
else
    note "not yet measured: rule-count scaling (no backsight binary)"
fi
add yara-r10 "$WORK/out.yara-r10" all yara -N -p 2 -r "$WORK/rules-10.yar" "$TREE"
add yara-r200 "$WORK/out.yara-r200" all yara -N -p 2 -r "$WORK/rules-200.yar" "$TREE"

for i in "${!NAMES[@]}"; do printf '%s\t%s > %s\n' "${NAMES[$i]}" "${CMDS[$i]% }" "${OUTS[$i]}" >>"$WORK/commands.txt"; done
declare -A DROPPED=()

# run_one INDEX ROUND: runs the command under timeout and /usr/bin/time -v; appends to times.tsv
run_one() {
    local i="$1" round="$2" name="${NAMES[$1]}" t0 t1 rc rss cpu
    t0=$(date +%s%N)
    eval "timeout --kill-after=5 $CMD_TIMEOUT /usr/bin/time -v -o $(printf %q "$WORK/time.$name") ${CMDS[$i]}" \
        >"${OUTS[$i]}" 2>"$WORK/err.$name"
    rc=$?
    t1=$(date +%s%N)
    rss=$(awk -F': *' '/Maximum resident set size/ {print $2}' "$WORK/time.$name" 2>/dev/null)
    cpu=$(awk -F': *' '/(User|System) time \(seconds\)/ {s += $2} END {if (NR) print s}' "$WORK/time.$name" 2>/dev/null)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$round" "$(( (t1 - t0) / 1000 ))" "$rc" "${rss:-}" "${cpu:-}" >>"$WORK/times.tsv"
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        DROPPED[$name]="killed after ${CMD_TIMEOUT}s in round $round"
        note "DROP $name: timed out after ${CMD_TIMEOUT}s (round $round)"
    elif [ "$rc" -ge 128 ]; then
        DROPPED[$name]="died with status $rc in round $round"
        note "DROP $name: died with status $rc (round $round): $(tail -n 3 "$WORK/err.$name" | tr '\n' ' ')"
    elif [ "$rc" != 0 ]; then
        # A scanner may exit non-zero when it has findings: keep the timing, record the status.
        case "$name" in
            yara*|cat*) DROPPED[$name]="exit status $rc in round $round"
                        note "DROP $name: exit status $rc: $(tail -n 3 "$WORK/err.$name" | tr '\n' ' ')" ;;
            *) [ "$round" = 0 ] && note "$name exits with status $rc (timings kept)" ;;
        esac
    fi
    return 0
}

# --- warm-up round (untimed; warms the page cache; its outputs are the ones checked) -----------
say "warm-up round (${#NAMES[@]} commands)"
for i in "${!NAMES[@]}"; do
    run_one "$i" 0
    [ "${NAMES[$i]}" = backsight ] && cp -- "${OUTS[$i]}" "$WORK/scan.jsonl" 2>/dev/null
done

# --- timed rounds, alternating; the order rotates each round -------------------------------------
ROUNDS_DONE=0
n=${#NAMES[@]}
for (( r = 1; r <= ROUNDS; r++ )); do
    now=$(date +%s); elapsed=$(( now - RUN_START ))
    if [ "$r" -gt 1 ] && [ $(( elapsed + last_round )) -gt "$TIME_BUDGET" ]; then
        note "stopped after $ROUNDS_DONE of $ROUNDS rounds: the next round would exceed TIME_BUDGET=${TIME_BUDGET}s"
        break
    fi
    say "round $r/$ROUNDS"
    rs=$(date +%s)
    for (( k = 0; k < n; k++ )); do
        i=$(( (k + r - 1) % n ))
        [ -n "${DROPPED[${NAMES[$i]}]:-}" ] && continue
        run_one "$i" "$r"
    done
    last_round=$(( $(date +%s) - rs ))
    ROUNDS_DONE=$r
done

# --- checks: backsight's counts against tree-facts ----------------------------------------------
# check_scan TREE_NAME FACTS_JSON SCAN_JSONL
check_scan() {
    python3 - "$1" "$2" "$3" <<'PY'
import json, sys
name, facts_path, scan_path = sys.argv[1:4]
facts = json.load(open(facts_path))
summary, kinds, bad = None, {}, 0
with open(scan_path, errors="replace") as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        try:
            o = json.loads(line)
        except ValueError:
            bad += 1
            continue
        if not isinstance(o, dict):
            continue
        if o.get("type") == "summary":
            summary = o
        elif o.get("type") == "file":
            k = o.get("kind", "?")
            kinds[k] = kinds.get(k, 0) + 1
if bad:
    print(f"INFO {name}: {bad} lines of the scan output are not JSON")
if summary is None:
    print(f"FAIL {name}: no summary line in the scan output")
    sys.exit(0)
# Backsight reads each inode once: later names of a hard-linked file are "hardlink" entries.
# So its ELF count is compared per inode, and its regular files plus hard links per path.
elf_want = facts["elfFiles"] - facts["elfExtraHardLinkPaths"]
got = summary.get("elfFiles")
print(f"{'PASS' if got == elf_want else 'FAIL'} {name}: scan elfFiles={got}, files starting with \\x7fELF counted per inode={elf_want} "
      f"(per path {facts['elfFiles']}, {facts['elfExtraHardLinkPaths']} extra hard-link path(s))")
got = (summary.get("regularFiles") or 0) + (summary.get("hardLinks") or 0)
print(f"{'PASS' if got == facts['regularFiles'] else 'FAIL'} {name}: scan regularFiles+hardLinks={got}, tree-facts regularFiles={facts['regularFiles']}")
for key, fkey in (("symlinks", "symlinks"), ("bytes", "bytes")):
    if key in summary:
        v = summary[key]
        rel = "equal" if v == facts[fkey] else (
            "equal to uniqueBytes, each inode counted once" if key == "bytes" and v == facts["uniqueBytes"] else "differ")
        print(f"INFO {name}: scan {key}={v}, tree-facts {fkey}={facts[fkey]} ({rel})")
print(f"INFO {name}: entry kinds " + ", ".join(f"{k}={v}" for k, v in sorted(kinds.items()))
      + f"; findings={summary.get('findings')}; scan's own seconds={summary.get('seconds')}")
PY
}
if [ "$HAVE_BS" = 1 ]; then
    if [ -s "$WORK/scan.jsonl" ]; then check_scan "$TREE_NAME" "$WORK/facts.json" "$WORK/scan.jsonl"
    else echo "FAIL $TREE_NAME: backsight scan wrote no output"; fi >>"$WORK/checks.txt"
    if [ "${CHECK_TREES:-}" != none ]; then
        if [ -n "${CHECK_TREES:-}" ]; then others=($CHECK_TREES)
        else others=(); for t in "$ROOT"/bookworm-*/; do t="${t%/}"; [ "$(cd "$t" && pwd -P)" = "$TREE" ] || others+=("$t"); done; fi
        for t in "${others[@]}"; do
            [ -d "$t" ] || { note "check tree $t does not exist"; continue; }
            tn="$(basename "$t")"
            say "checking counts on $tn"
            bash "$HERE/tree-facts.sh" "$t" >"$WORK/facts.$tn.json" || { check "FAIL $tn: tree-facts.sh failed"; continue; }
            timeout --kill-after=5 "$CMD_TIMEOUT" "$BACKSIGHT" scan "$t" --format jsonl >"$WORK/scan.$tn.jsonl" 2>"$WORK/err.scan.$tn"
            rc=$?
            [ "$rc" -lt 124 ] || { check "FAIL $tn: backsight scan status $rc: $(tail -n 3 "$WORK/err.scan.$tn" | tr '\n' ' ')"; continue; }
            check_scan "$tn" "$WORK/facts.$tn.json" "$WORK/scan.$tn.jsonl" >>"$WORK/checks.txt"
        done
    fi
else
    check "SKIP checks of backsight's counts: no backsight binary"
fi
cat "$WORK/checks.txt"

# --- machine, versions, report ------------------------------------------------------------------
{
    echo "nproc=$(nproc)"
    echo "cpu=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "kernel=$(uname -r)"
    echo "os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
    echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "load_start=$LOAD_START"
    echo "yara=yara $(yara --version 2>&1 | head -n1)"
    echo "yara_rules=$YARA_RULES_ORIGIN ($(grep -c '^[[:space:]]*rule[[:space:]]' "$YARA_RULES") rules)"
    if [ "$HAVE_BS" = 1 ]; then
        echo "backsight=$BACKSIGHT ($("$BACKSIGHT" --version 2>/dev/null | head -n1 || true); sha256 $(sha256sum "$BACKSIGHT" | cut -c1-12))"
    else
        echo "backsight=missing ($BACKSIGHT)"
    fi
    echo "repo=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo 'no commit')$(git -C "$REPO" status --porcelain 2>/dev/null | grep -q . && echo ' (uncommitted changes)')"
    echo "rounds=$ROUNDS_DONE of $ROUNDS (plus 1 warm-up)"
    echo "wall=$(( $(date +%s) - RUN_START ))s"
} >"$WORK/machine.txt"

python3 - "$WORK" "$TREE" "$RESULTS" "${NO_RESULTS:-0}" "$HAVE_BS" "$HAVE_RULES" <<'PY'
import json, os, re, statistics, sys, datetime
work, tree, results, no_results, have_bs, have_rules = sys.argv[1:7]
facts = json.load(open(os.path.join(work, "facts.json")))
machine = dict(l.rstrip("\n").split("=", 1) for l in open(os.path.join(work, "machine.txt")) if "=" in l)
commands = [l.rstrip("\n").split("\t", 1) for l in open(os.path.join(work, "commands.txt"))]
notes = [l.rstrip("\n") for l in open(os.path.join(work, "notes.txt")) if l.strip()]
checks = [l.rstrip("\n") for l in open(os.path.join(work, "checks.txt")) if l.strip()]

times, rss, cpu = {}, {}, {}
for line in open(os.path.join(work, "times.tsv")):
    name, rnd, us, rc, r, c = (line.rstrip("\n").split("\t") + ["", ""])[:6]
    if r:
        rss.setdefault(name, []).append(int(r))
    if rnd == "0" or int(rc) >= 124 or (int(rc) != 0 and name.startswith(("yara", "cat"))):
        continue
    times.setdefault(name, []).append(int(us) / 1e6)
    if c:
        cpu.setdefault(name, []).append(float(c))

unit = {"all": (facts["regularFiles"], facts["bytes"]), "elf": (facts["elfFiles"], facts["elfBytes"])}
units = {}
what = {
    "cat-all": "cat every regular file > /dev/null", "cat-elf": "cat every ELF file > /dev/null",
    "cat-unpacked": "cat-all, then dpkg-deb --fsys-tarfile of every .deb, 2 at a time",
    "backsight-j1": "backsight scan --no-unpack --jobs 1", "backsight-j2": "backsight scan --no-unpack --jobs 2",
    "backsight-4trees": "backsight scan of the four bookworm trees as one root",
    "backsight-kernel": "backsight scan of the unpacked amd64 kernel package",
    "backsight": "backsight scan, whole tree, packages opened", "yara-all": "yara, whole tree",
    "backsight-files": "backsight scan --no-unpack, whole tree",
    "yara-elf": "yara, ELF files only (--scan-list)",
    "backsight-r10": "backsight scan --rules (10 generated patterns)",
    "backsight-r200": "backsight scan --rules (200 generated patterns)",
    "yara-r10": "yara, 10 generated patterns", "yara-r200": "yara, 200 generated patterns",
}
for name, _ in commands:
    units[name] = "elf" if name.endswith("-elf") else ("none" if name in ("backsight-4trees", "backsight-kernel") else "all")
med = {k: statistics.median(v) for k, v in times.items() if v}
med_cpu = {k: statistics.median(v) for k, v in cpu.items() if v}

def fmt_s(x): return f"{x:.3f}"
def ratio(a, b):
    if a in med and b in med and med[b] > 0:
        text = f"{med[a] / med[b]:.2f}"
        if a in med_cpu and b in med_cpu and med_cpu[b] > 0:
            text += f" (CPU {med_cpu[a] / med_cpu[b]:.2f})"
        return text
    return "not measured"

rows = []
for name, _ in commands:
    v = times.get(name, [])
    if not v:
        rows.append(f"| {name} | {what.get(name, name)} | not measured | | | | | | 0 |")
        continue
    m = med[name]
    c = f"{med_cpu[name]:.2f}" if name in med_cpu else ""
    if units[name] == "none":
        rows.append(f"| {name} | {what.get(name, name)} | {fmt_s(m)} | {fmt_s(min(v))} | {fmt_s(max(v))} | {c} | | | {len(v)} |")
        continue
    files, nbytes = unit[units[name]]
    rows.append(f"| {name} | {what.get(name, name)} | {fmt_s(m)} | {fmt_s(min(v))} | {fmt_s(max(v))} | {c} | "
                f"{files / m:,.0f} | {nbytes / 1e6 / m:,.0f} | {len(v)} |")

ratios = [
    ("backsight-files / cat-all (the tree's files; bar: at most 1.5)", ratio("backsight-files", "cat-all")),
    ("backsight / cat-unpacked (packages opened, against reading the same bytes; bar: at most 1.0)", ratio("backsight", "cat-unpacked")),
    ("yara-all / backsight-files (how much faster than YARA, like for like; bar: at least 4)", ratio("yara-all", "backsight-files")),
    ("yara-all / backsight (YARA against the default scan, which also opens packages)", ratio("yara-all", "backsight")),
    ("backsight-j1 / backsight-j2 (thread scaling; bar: at least 1.8)", ratio("backsight-j1", "backsight-j2")),
    ("backsight-4trees / backsight (four trees against one; bar: at most 4.4)", ratio("backsight-4trees", "backsight")),
    ("backsight / cat-all (whole tree)", ratio("backsight", "cat-all")),
    ("backsight / yara-all (whole tree)", ratio("backsight", "yara-all")),
    ("backsight-r200 / backsight-r10 (rule-count scaling)", ratio("backsight-r200", "backsight-r10")),
    ("yara-r200 / yara-r10 (YARA's scaling, same patterns)", ratio("yara-r200", "yara-r10")),
    ("yara-all / cat-all", ratio("yara-all", "cat-all")),
    ("yara-elf / cat-elf", ratio("yara-elf", "cat-elf")),
]

def peak(name):
    v = rss.get(name)
    return f"{max(v) / 1024:.1f} MiB (median {statistics.median(v) / 1024:.1f} MiB over {len(v)} runs)" if v else "not measured"

now = datetime.datetime.now(datetime.timezone.utc)
tn = os.path.basename(tree)
out = []
out.append(f"## {now:%Y-%m-%d %H:%M} UTC: {tn}, {machine.get('rounds')}")
out.append("")
out.append(f"- Machine: {machine.get('nproc')} cores, {machine.get('cpu')}, {machine.get('mem')}, "
           f"kernel {machine.get('kernel')}, {machine.get('os')}; load average at the start {machine.get('load_start')}, "
           f"at the end {machine.get('load')} (a shared machine: other engineers build Swift on it; ratios of alternating runs are what counts)")
out.append(f"- Tools: {machine.get('yara')}; YARA rules: {machine.get('yara_rules')}")
out.append(f"- Backsight: {machine.get('backsight')}; repository at {machine.get('repo')}")
out.append(f"- Whole run took {machine.get('wall')}")
out.append("")
out.append(f"Tree facts ({tn}, from tree-facts.sh): {facts['regularFiles']:,} regular files, "
           f"{facts['bytes'] / 1e6:,.0f} MB; {facts['elfFiles']:,} ELF files, {facts['elfBytes'] / 1e6:,.0f} MB; "
           f"{facts['symlinks']:,} symlinks ({facts['absoluteSymlinks']} absolute); "
           f"{facts['specialFiles']} FIFOs/devices/sockets; {facts['hardLinkedInodes']} hard-linked inodes.")
out.append("")
out.append("```json")
# apt's list files are named after the mirror host: keep host names out of the committed file.
shown = {k: (re.sub(r"var/lib/apt/lists/[^/_]+_", "var/lib/apt/lists/MIRROR_", v) if isinstance(v, str) else v)
         for k, v in facts.items()}
out.append(json.dumps(shown))
out.append("```")
out.append("")
out.append("Wall-clock seconds per command, warm page cache, one warm-up round not counted; "
           "files/s and MB/s from the median (ELF-only rows use the ELF counts):")
out.append("")
out.append("| command | what | median s | min s | max s | median CPU s | files/s | MB/s | runs |")
out.append("|---|---|---|---|---|---|---|---|---|")
out.extend(rows)
out.append("")
out.append("| ratio of medians | value |")
out.append("|---|---|")
out.extend(f"| {a} | {b} |" for a, b in ratios)
out.append("")
out.append("Peak RSS (`/usr/bin/time -v`, maximum resident set size; bar: under 150 MiB in every case): "
           + "; ".join(f"{n} {peak(n)}" for n in ("backsight", "backsight-files", "backsight-j1", "backsight-r200",
                                                  "backsight-4trees", "backsight-kernel", "yara-all")) + ".")
out.append("")
out.append("Checks of the scan's counts against tree-facts.sh:")
out.append("")
out.extend(f"    {c}" for c in checks) if checks else out.append("    (none)")
if notes:
    out.append("")
    out.append("Notes:")
    out.append("")
    out.extend(f"- {n}" for n in notes)
out.append("")
out.append("Commands (WORK is a temporary directory; lists/*.nul come from `tree-facts.sh TREE --lists`, "
           "rules-N from `make-pattern-rules.py N rules-N --yara rules-N.yar`):")
out.append("")
out.append("```")
for name, cmd in commands:
    out.append(f"{name}: " + cmd.replace(work, "$WORK"))
out.append("```")
out.append("")
section = "\n".join(out)

print()
print(section)
if no_results == "1":
    print("(NO_RESULTS=1: RESULTS.md not written)", file=sys.stderr)
    sys.exit(0)
header = ("# Backsight benchmark results\n\n"
          "Written by `Benchmarks/run.sh` (newest section first). Timings are wall-clock medians measured\n"
          "side by side in one run on a shared, noisy machine: compare ratios within a section, not\n"
          "absolute seconds across sections.\n\n")
old = ""
if os.path.exists(results):
    old = open(results).read()
    if old.startswith("# Backsight benchmark results"):
        # Keep the file's own preamble (it may point at other measurements) above the sections.
        i = old.find("\n## ")
        header = old[:i + 1] if i >= 0 else old.rstrip("\n") + "\n\n"
        old = old[i + 1:] if i >= 0 else ""
with open(results + ".tmp", "w") as f:
    f.write(header + section + ("\n" + old if old else ""))
os.replace(results + ".tmp", results)
print(f"updated {results}", file=sys.stderr)
PY
