#!/usr/bin/env bash
# Build the real Debian root filesystems used to benchmark Backsight and to check it for false
# positives. See Benchmarks/README.md and ../shared/MEASURING.md.
#
#   bash Benchmarks/build-trees.sh            # build every tree that is not built yet
#   bash Benchmarks/build-trees.sh bookworm-arm64 bookworm-mipsel   # only these
#   FORCE=1 bash Benchmarks/build-trees.sh bookworm-armhf           # rebuild this one
#
# Trees go to ${BACKSIGHT_TREES:-/var/tmp/backsight-trees}, outside the repository. A tree is
# complete when ${BACKSIGHT_TREES}/.NAME.complete exists (the marker sits outside the tree so it
# does not change the tree's facts); an incomplete tree left by an interrupted run is removed and
# rebuilt. The log of each build is ${BACKSIGHT_TREES}/NAME.log.
#
# Environment:
#   BACKSIGHT_TREES   where the trees go (default /var/tmp/backsight-trees)
#   MIRROR            Debian mirror URL; default: the one this machine's apt sources name
#   SUITE             default bookworm
#   KEEP_PROC_LINK=1  keep TREE/proc as debootstrap left it (see "proc" below)
#   FORCE=1           rebuild the named trees even if complete
#
# Nothing here mounts anything. Nothing from a foreign tree is executed. The amd64 tree runs
# debootstrap's second stage (chroot) as MEASURING.md does; debootstrap itself mounts and unmounts
# proc/sys inside the tree during that stage, and we check that no mount is left behind.
set -euo pipefail

ROOT="${BACKSIGHT_TREES:-/var/tmp/backsight-trees}"
SUITE="${SUITE:-bookworm}"
FULL_INCLUDE="openssh-server,openssl,libssl3,systemd,curl,python3,xz-utils,liblzma5,libpam-modules,busybox"
FOREIGN_INCLUDE="openssh-server,libssl3,busybox"
ALL_TREES=("$SUITE-amd64" "$SUITE-arm64" "$SUITE-armhf" "$SUITE-mipsel")

log() { printf '[build-trees %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap needs it)"

# --- tools -------------------------------------------------------------------------------------
apt_install() {
    # Another process may hold the dpkg lock for a while: wait for it instead of failing.
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends "$@"
}
command -v debootstrap >/dev/null 2>&1 || { log "installing debootstrap"; apt_install debootstrap; }
command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb missing"

# --- mirror: read it from this machine's apt sources, never hard-code it ------------------------
find_mirror() {
    local f
    # deb822 sources: a stanza whose Types has "deb" and whose Suites has exactly $SUITE.
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk -v suite="$SUITE" '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uris != "" && enabled != "no") {
                    split(uris, u, " "); print u[1]; found = 1; exit
                }
                types = suites = uris = ""; enabled = ""
            }
            /^[[:space:]]*#/ { next }
            /^[[:space:]]*$/ { flush(); next }
            { key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
              if (key == "types") types = $0
              else if (key == "suites") suites = $0
              else if (key == "uris") uris = $0
              else if (key == "enabled") enabled = tolower($0) }
            END { if (!found) flush() }
        ' "$f"
    done
    # one-line sources: deb [opts] URI SUITE COMPONENTS
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk -v suite="$SUITE" '
            $1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                          if ($(i+1) == suite) { print $i; exit } }
        ' "$f"
    done
}
if [ -z "${MIRROR:-}" ]; then
    MIRROR="$(find_mirror | head -n1)"
    [ -n "$MIRROR" ] || die "no '$SUITE' source found in /etc/apt/sources.list{,.d/}; set MIRROR"
fi
MIRROR="${MIRROR%/}"

# --- helpers -----------------------------------------------------------------------------------
# Mount points at or below a directory (mountinfo field 5), deepest first.
mounts_under() {
    local dir; dir="$(readlink -f "$1")"
    awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

# Remove a tree safely: never follow links (rm -rf does not), never cross into a mount.
remove_tree() {
    local tree="$1" m
    [ -e "$tree" ] || [ -L "$tree" ] || return 0
    for m in $(mounts_under "$tree"); do
        log "unmounting leftover mount $m"; umount -l "$m" || die "cannot unmount $m"
    done
    rm -rf --one-file-system -- "$tree"
}

# debootstrap in a container (docker) makes TREE/proc a symlink to the host's /proc. A root
# filesystem image never has that; it would make naive walkers leave the tree. Replace it with the
# empty directory a real image has, unless KEEP_PROC_LINK=1.
fix_proc() {
    local tree="$1"
    if [ -L "$tree/proc" ]; then
        if [ "${KEEP_PROC_LINK:-0}" = 1 ]; then
            log "$tree/proc is a link to $(readlink "$tree/proc") (kept: KEEP_PROC_LINK=1)"
        else
            log "$tree/proc is a link to $(readlink "$tree/proc"): replacing it with an empty directory"
            rm -f -- "$tree/proc"; mkdir -m 0555 -- "$tree/proc"
        fi
    fi
}

check_no_mounts() {
    local tree="$1" m left=0
    for m in $(mounts_under "$tree"); do
        log "debootstrap left $m mounted: unmounting it"; umount -l "$m" || left=1
    done
    [ "$left" = 0 ] || die "mounts remain under $tree"
}

build_full() {   # NAME ARCH
    local name="$1" arch="$2" tree="$ROOT/$1"
    debootstrap --arch="$arch" --include="$FULL_INCLUDE" "$SUITE" "$tree" "$MIRROR"
    check_no_mounts "$tree"
    fix_proc "$tree"
}

build_foreign() {   # NAME ARCH
    local name="$1" arch="$2" tree="$ROOT/$1" deb n=0 bad=0
    debootstrap --foreign --arch="$arch" --variant=minbase --include="$FOREIGN_INCLUDE" \
        "$SUITE" "$tree" "$MIRROR"
    check_no_mounts "$tree"
    # The first stage unpacks only the "required" packages; every other downloaded .deb (the
    # --include'd ones and their dependencies) stays in var/cache/apt/archives. Unpack them all
    # without replacing what is there (-k) and keeping /bin -> usr/bin style links
    # (--keep-directory-symlink). "dpkg-deb -x" would replace those links with directories.
    for deb in "$tree"/var/cache/apt/archives/*.deb; do
        [ -f "$deb" ] || continue
        n=$((n + 1))
        # tar -k reports files that already exist and exits 2: that is expected here.
        if ! dpkg-deb --fsys-tarfile "$deb" | tar -x -k --keep-directory-symlink -C "$tree" 2>/dev/null; then
            # a real failure of dpkg-deb (not tar -k's "exists") must not pass silently
            dpkg-deb --fsys-tarfile "$deb" >/dev/null || { log "cannot read $deb"; bad=$((bad + 1)); }
        fi
    done
    log "$name: unpacked $n .deb files from var/cache/apt/archives ($bad unreadable)"
    [ "$bad" = 0 ] || die "$bad unreadable .deb files in $tree"
    # The /bin, /lib, /sbin links must have survived.
    local l
    for l in bin sbin lib; do
        [ -L "$tree/$l" ] || die "$tree/$l is not a symlink any more"
    done
    fix_proc "$tree"
}

build_one() {
    local name="$1" arch="${1##*-}" tree="$ROOT/$1" marker="$ROOT/.$1.complete" started
    if [ -e "$marker" ] && [ "${FORCE:-0}" != 1 ]; then
        log "$name: already built ($tree), skipping"; return 0
    fi
    if [ -e "$tree" ] || [ -L "$tree" ]; then
        log "$name: removing incomplete or forced tree $tree"; rm -f -- "$marker"; remove_tree "$tree"
    fi
    started=$(date +%s)
    log "$name: building from $MIRROR (log: $ROOT/$name.log)"
    local kind=build_foreign rc
    [ "$arch" = amd64 ] && kind=build_full
    # Run in a subshell with errexit active inside it (a "( ... ) || handler" would disable it).
    set +e
    ( set -e; "$kind" "$name" "$arch" ) >"$ROOT/$name.log" 2>&1
    rc=$?
    set -e
    if [ "$rc" != 0 ]; then
        tail -n 30 "$ROOT/$name.log" >&2
        die "$name failed with status $rc (see $ROOT/$name.log); rerun to retry"
    fi
    printf 'built %s in %ss from %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(( $(date +%s) - started ))" "$MIRROR" >"$marker"
    log "$name: done in $(( $(date +%s) - started ))s"
}

mkdir -p "$ROOT"
if [ $# -gt 0 ]; then trees=("$@"); else trees=("${ALL_TREES[@]}"); fi
for t in "${trees[@]}"; do
    case "$t" in
        "$SUITE"-amd64|"$SUITE"-arm64|"$SUITE"-armhf|"$SUITE"-mipsel) build_one "$t" ;;
        *) die "unknown tree '$t' (known: ${ALL_TREES[*]})" ;;
    esac
done
log "trees in $ROOT:"; for t in "${trees[@]}"; do printf '  %s\n' "$ROOT/$t" >&2; done
