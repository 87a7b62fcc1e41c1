#!/usr/bin/env bash
# Times the account check (crypt(3) against Rules/lists/default-credentials.yaml) on generated
# trees of 50 accounts, every hash yescrypt ($y$j9T$, libxcrypt's default cost), side by side
# with the same scan without hashing (access/additional-uid-zero-account reads the same files).
#   bash Benchmarks/account-check.sh            # writes Benchmarks/account-check.md
# Uses $BACKSIGHT, else .build/release/backsight, else .build/debug/backsight.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BACKSIGHT:-.build/release/backsight}
[ -x "$bin" ] || bin=.build/debug/backsight
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import os, sys, warnings
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt
work = sys.argv[1]
# Names with entries in the list (each tried against its own entries), then ordinary ones.
listed = ["root", "admin", "support", "user", "guest", "service", "supervisor", "tech", "ubnt", "pi",
          "Administrator", "administrator", "admin1", "666666", "888888"]
names = listed + ["user%02d" % i for i in range(50 - len(listed))]
def tree(name, uid_of):
    os.makedirs(os.path.join(work, name, "etc"))
    passwd, shadow = [], []
    for i, account in enumerate(names):
        salt = "$y$j9T$" + ("%022d" % i).replace("0", "A") + "$"
        passwd.append("%s:x:%d:%d::/home/%s:/bin/sh" % (account, uid_of(i), 1000 + i, account))
        shadow.append("%s:%s:19000:0:99999:7:::" % (account, crypt.crypt("Str0ng-%d-%s!" % (i, account), salt)))
    open(os.path.join(work, name, "etc/passwd"), "w").write("\n".join(passwd) + "\n")
    open(os.path.join(work, name, "etc/shadow"), "w").write("\n".join(shadow) + "\n")
# Usual: only root has UID 0. Worst case: all 50 have UID 0, so each is also tried against root's entries.
tree("usual", lambda i: 0 if i == 0 else 1000 + i)
tree("all-uid-0", lambda i: 0)
PY
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_scan() { # tree rule -> median wall seconds of 5 runs
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f %e "$bin" scan --jobs 1 --format jsonl --fail-on critical --rule "$2" "$work/$1/etc/shadow" 2>&1 >/dev/null | tail -1
  done | median
}
out=Benchmarks/account-check.md
{
  echo "# Account check: 50 yescrypt accounts"
  echo
  echo "\`bash Benchmarks/account-check.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores, binary \`$bin\`, commit $(git rev-parse --short HEAD)."
  echo "Each row scans one generated \`etc/shadow\` (50 accounts, all \`\$y\$j9T\$\` hashes of strong passwords, so every"
  echo "candidate is tried and none matches); medians of 5 runs, wall seconds, one job."
  echo "The baseline rule reads the same file and joins passwd without hashing."
  echo
  echo "| tree | crypt(3) calls | access/default-credential | baseline (no hashing) | ratio | per-file limit |"
  echo "|---|---|---|---|---|---|"
  for t in usual all-uid-0; do
    calls=$(python3 - "$work/$t" <<'PY'
import sys, yaml, collections
creds = [s.split(":", 1) for s in yaml.safe_load(open("Rules/lists/default-credentials.yaml"))["symbols"]]
by = collections.Counter(u for u, _ in creds)
n = 0
for line in open(sys.argv[1] + "/etc/passwd"):
    name, _, uid = line.split(":")[:3]
    n += by[name] + (by["root"] if uid == "0" and name != "root" else 0)
print(n)
PY
)
    a=$(time_scan "$t" access/default-credential)
    b=$(time_scan "$t" access/additional-uid-zero-account)
    echo "| $t | $calls | ${a} s | ${b} s | $(python3 -c "print('%.1fx' % ($a / max($b, 0.001)))") | 30 s |"
  done
} > "$out"
cat "$out"
