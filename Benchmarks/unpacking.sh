#!/usr/bin/env bash
# Unpacking checks and costs (not a test; writes nothing in the repository). Four parts:
#
#  1. debs: scans the .deb files of the tree's apt cache in place, then the same packages
#     unpacked with `dpkg-deb -x` (into $WORK, outside the repo), and compares: the same ELF
#     files, the same findings (rule ids and evidence) on every entry, and no finding at medium
#     or above on either side. Time and peak RSS of both scans.
#  2. overhead: `backsight scan DIR` with unpacking (the default) against `--no-unpack`, on
#     directories of ordinary files (ELF libraries, /usr), alternating, median of $ROUNDS.
#  3. bomb: 100 MB of zeros compressed once with xz, the stream repeated 100 times (10 GB of
#     output from 1.5 MB), scanned with the default limits: time, peak RSS, what is reported.
#  4. image: the tree as an OCI image layout of two gzipped layers (usr/ below, the rest above),
#     scanned against the tree itself: the same ELF files and findings, time and peak RSS.
#
#   swift build -c release && bash Benchmarks/unpacking.sh
#
# Environment: BACKSIGHT (default REPO/.build/release/backsight), TREE (default
# /var/tmp/backsight-trees/bookworm-amd64), WORK (default /var/tmp/backsight-unpacking; removed
# and rebuilt), ROUNDS (default 5), PARTS (default "debs overhead bomb image").
# Exit status 1 when the two deb scans disagree or either has a finding at medium or above.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
BACKSIGHT="${BACKSIGHT:-$REPO/.build/release/backsight}"
TREE="${TREE:-/var/tmp/backsight-trees/bookworm-amd64}"
WORK="${WORK:-/var/tmp/backsight-unpacking}"
ROUNDS="${ROUNDS:-5}"
PARTS="${PARTS:-debs overhead bomb image}"
ARCHIVES="$TREE/var/cache/apt/archives"

say() { printf '[unpacking %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 2; }
[ -x "$BACKSIGHT" ] || die "no backsight binary at $BACKSIGHT (swift build -c release)"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (apt-get install time)"
command -v dpkg-deb >/dev/null || die "needs dpkg-deb"
case "$WORK" in "$REPO"*) die "WORK must be outside the repository";; esac
rm -rf -- "$WORK"
mkdir -p "$WORK"
status=0

# timed LABEL OUTPUT ARGS...: runs backsight, appends "LABEL wall-seconds peak-KiB cpu-seconds"
# to $WORK/times (CPU = user + system: less disturbed than wall time on a shared machine).
timed() {
    local label="$1" output="$2"; shift 2
    /usr/bin/time -f '%e %M %U %S' -o "$WORK/time.$label" "$BACKSIGHT" "$@" >"$output" 2>"$WORK/err.$label"
    local rc=$?
    [ "$rc" -le 1 ] || say "backsight $* exited $rc: $(tail -n 2 "$WORK/err.$label" | tr '\n' ' ')"
    printf '%s %s\n' "$label" "$(tail -n 1 "$WORK/time.$label" | awk '{printf "%s %s %.2f", $1, $2, $3 + $4}')" >>"$WORK/times"
}

if [[ " $PARTS " == *" debs "* ]]; then
    debs=("$ARCHIVES"/*.deb)
    [ -e "${debs[0]}" ] || die "no .deb files in $ARCHIVES"
    say "unpacking ${#debs[@]} packages with dpkg-deb -x into $WORK/unpacked"
    mkdir -p "$WORK/unpacked"
    for deb in "${debs[@]}"; do
        name="$(basename "$deb" .deb)"
        mkdir -p "$WORK/unpacked/$name"
        dpkg-deb -x "$deb" "$WORK/unpacked/$name" || die "dpkg-deb -x $deb failed"
    done
    say "scanning the packages in place, then unpacked"
    timed debs-in-place "$WORK/in-place.jsonl" scan "$ARCHIVES" --format jsonl --fail-on critical
    timed debs-unpacked "$WORK/unpacked.jsonl" scan "$WORK/unpacked" --format jsonl --fail-on critical
    python3 - "$WORK" <<'PY' || status=1
import json, sys
work = sys.argv[1]

def load(name):
    reports, summary = [], None
    for line in open(f"{work}/{name}"):
        o = json.loads(line)
        if o.get("type") == "summary": summary = o
        else: reports.append(o)
    return reports, summary

in_place, s_in = load("in-place.jsonl")
unpacked, s_un = load("unpacked.jsonl")

def key_in_place(r):
    # "x_1.0_amd64.deb!/usr/lib/a.so" -> "x_1.0_amd64/usr/lib/a.so"; control files are not unpacked by dpkg-deb -x
    path = r["path"]
    deb, sep, rest = path.partition(".deb!/")
    if not sep or rest.startswith("DEBIAN/"): return None
    return deb + "/" + rest

members = {k: r for r in in_place if r.get("container") for k in [key_in_place(r)] if k}
disk = {r["path"]: r for r in unpacked}
def signature(r):
    return [(f["ruleID"], f.get("instance", "").replace(".deb!/", "/") if f.get("instance") else None,
             json.dumps([e for e in f["evidence"] if e["feature"] != "path"], sort_keys=True))  # path leaves name the path
            for f in r.get("findings", [])]

elf_in = {k for k, r in members.items() if r["kind"] == "elf"}
elf_un = {k for k, r in disk.items() if r["kind"] == "elf"}
both = set(members) & set(disk)
finding_diffs = [k for k in sorted(both) if signature(members[k]) != signature(disk[k])]
sha_diffs = [k for k in sorted(both) if members[k].get("sha256") != disk[k].get("sha256")]
kind_diffs = [k for k in sorted(both) if members[k]["kind"] != disk[k]["kind"]]
only_in = sorted(set(members) - set(disk)); only_un = sorted(set(disk) - set(members))
sev = ("medium", "high", "critical")
medium_in = [r["path"] for r in in_place for f in r.get("findings", []) if f["severity"] in sev]
medium_un = [r["path"] for r in unpacked for f in r.get("findings", []) if f["severity"] in sev]
skipped_in = sorted({(r["skip"]["reason"]) for r in in_place if r.get("skip")})
problems_in = sum(len(r.get("problems", [])) for r in in_place)
packages = sum(1 for r in in_place if r["path"].endswith(".deb") and not r.get("container"))
result = {
    "packages": packages, "members": s_in.get("members"), "elfMembers": s_in.get("elfMembers"),
    "elfInPlace": len(elf_in), "elfUnpacked": len(elf_un), "sameELFFiles": elf_in == elf_un,
    "entriesCompared": len(both), "onlyInPlace": len(only_in), "onlyUnpacked": len(only_un),
    "kindDifferences": len(kind_diffs), "sha256Differences": len(sha_diffs), "findingDifferences": len(finding_diffs),
    "findingsInPlace": s_in.get("findings"), "findingsUnpacked": s_un.get("findings"),
    "mediumOrAboveInPlace": len(medium_in), "mediumOrAboveUnpacked": len(medium_un),
    "skipReasonsInPlace": skipped_in, "problemsInPlace": problems_in,
}
print(json.dumps(result, indent=1))
for label, items in (("only in place", only_in), ("only unpacked", only_un), ("kind differs", kind_diffs),
                     ("sha256 differs", sha_diffs), ("findings differ", finding_diffs),
                     ("medium+ in place", medium_in), ("medium+ unpacked", medium_un)):
    for item in items[:10]: print(f"  {label}: {item}")
ok = (elf_in == elf_un and not finding_diffs and not sha_diffs and not medium_in and not medium_un)
sys.exit(0 if ok else 1)
PY
fi

if [[ " $PARTS " == *" overhead "* ]]; then
    for dir in "$TREE/usr/lib/x86_64-linux-gnu" "$TREE/usr"; do
        [ -d "$dir" ] || continue
        label="$(basename "$dir")"
        say "overhead on $dir: $ROUNDS alternating rounds"
        "$BACKSIGHT" scan "$dir" --format jsonl --fail-on critical >/dev/null 2>&1   # warm the page cache
        for round in $(seq "$ROUNDS"); do
            if [ $((round % 2)) = 1 ]; then
                timed "$label-unpack" /dev/null scan "$dir" --format jsonl --fail-on critical
                timed "$label-no-unpack" /dev/null scan "$dir" --format jsonl --fail-on critical --no-unpack
            else
                timed "$label-no-unpack" /dev/null scan "$dir" --format jsonl --fail-on critical --no-unpack
                timed "$label-unpack" /dev/null scan "$dir" --format jsonl --fail-on critical
            fi
        done
        "$BACKSIGHT" scan "$dir" --format jsonl --fail-on critical 2>/dev/null | tail -n 1 >"$WORK/summary.$label.json"
    done
fi

if [[ " $PARTS " == *" bomb "* ]]; then
    say "building a 10 GB xz bomb"
    mkdir -p "$WORK/bomb"
    head -c 100000000 /dev/zero | xz -0 -c --check=crc64 >"$WORK/one.xz"
    for _ in $(seq 100); do cat "$WORK/one.xz"; done >"$WORK/bomb/bomb.xz"
    rm -f "$WORK/one.xz"
    timed bomb "$WORK/bomb.jsonl" scan "$WORK/bomb" --format jsonl --fail-on critical
    printf 'bomb file: %s bytes\n' "$(stat -c %s "$WORK/bomb/bomb.xz")"
    python3 -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("type") == "file": print("  ", o["path"], "size", o.get("size"), "skip", o.get("skip"), "problems", o.get("problems"))
' "$WORK/bomb.jsonl"
fi

if [[ " $PARTS " == *" image "* ]]; then
    say "building an OCI layout of $TREE (usr/ in the lower layer, the rest in the upper)"
    pack() { tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu -C "$TREE" -c "$@" | gzip -n -1; }
    pack usr >"$WORK/lower.tar.gz"
    (cd "$TREE" && ls -A | grep -vx usr) | sed 's/^/.\//' >"$WORK/upper.list"
    pack -T "$WORK/upper.list" >"$WORK/upper.tar.gz"
    python3 -B "$REPO/Corpus/images/oci_layout.py" "$WORK/image.oci" "$WORK/lower.tar.gz" "$WORK/upper.tar.gz"
    rm -f "$WORK/lower.tar.gz" "$WORK/upper.tar.gz"
    ls -l "$WORK/image.oci/blobs/sha256" >&2
    "$BACKSIGHT" scan "$TREE" --format jsonl >/dev/null 2>&1   # warm the page cache
    for round in $(seq "$ROUNDS"); do
        timed image-tree "$WORK/image-tree.jsonl" scan "$TREE" --format jsonl --fail-on critical
        timed image-oci "$WORK/image-oci.jsonl" scan "$WORK/image.oci" --format jsonl --fail-on critical
    done
    python3 - "$WORK" <<'PY' || status=1
import json, sys
work = sys.argv[1]
def load(name):
    return [o for o in map(json.loads, open(f"{work}/{name}")) if o.get("type") == "file"]
tree = {r["path"]: r for r in load("image-tree.jsonl")}
image = {r["path"].split("!/", 1)[1]: r for r in load("image-oci.jsonl") if "!/" in r["path"]}
elf_tree = {p for p, r in tree.items() if r["kind"] == "elf"}
elf_image = {p for p, r in image.items() if r["kind"] == "elf"}
rules = lambda r: sorted(f["ruleID"] for f in r.get("findings", []))
differ = [p for p in sorted(set(tree) & set(image)) if rules(tree[p]) != rules(image[p])]
medium = [p for p, r in image.items() for f in r.get("findings", []) if f["severity"] in ("medium", "high", "critical")]
problems = [p for r in load("image-oci.jsonl") if "!/" not in r["path"] for p in r.get("problems", [])]
print(json.dumps({"elfTree": len(elf_tree), "elfImage": len(elf_image), "sameELFFiles": elf_tree == elf_image,
                  "findingDifferences": len(differ), "mediumOrAboveInImage": len(medium), "imageProblems": problems[:5]}, indent=1))
for path in differ[:10]: print("  findings differ:", path, rules(tree[path]), rules(image[path]))
sys.exit(0 if elf_tree == elf_image and not differ and not medium else 1)
PY
fi

say "times (median wall and CPU seconds, peak RSS):"
python3 - "$WORK/times" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, seconds, rss, cpu = line.split()
    runs[label].append((float(seconds), int(rss), float(cpu)))
for label, values in runs.items():
    wall = statistics.median(v[0] for v in values)
    cpu = statistics.median(v[2] for v in values)
    print(f"{label:28s} median wall {wall:7.2f} s, CPU {cpu:7.2f} s over {len(values)} run(s), peak RSS {max(v[1] for v in values) / 1024:7.1f} MiB")
PY
exit $status
