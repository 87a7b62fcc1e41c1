#!/usr/bin/env bash
# Print, as one JSON object on stdout, the facts of a root filesystem tree that Backsight's scan
# must reproduce. Computed without following any link and without leaving the tree: the walk
# uses lstat only (os.walk(followlinks=False)), never resolves a symlink, and does not descend
# into another filesystem mounted below the tree (counted in "mountPointsNotEntered").
#
#   bash Benchmarks/tree-facts.sh TREE                 # JSON on stdout
#   bash Benchmarks/tree-facts.sh TREE --lists DIR     # also DIR/files.nul, DIR/elf.nul
#
# Fields:
#   regularFiles, bytes         every path that is a regular file, and the sum of their sizes
#                               (a hard-linked file counts once per path)
#   uniqueBytes                 sum of sizes counting each inode once
#   elfFiles, elfBytes          regular files whose first four bytes are \x7fELF (per path)
#   emptyFiles                  regular files of size 0
#   directories                 directories below TREE (TREE itself not counted)
#   symlinks, absoluteSymlinks  symbolic links, and those whose target starts with "/"
#   escapingRelativeSymlinks    relative links whose target, taken lexically, leaves TREE
#   fifos, charDevices, blockDevices, sockets
#   specialFiles                fifos + devices + sockets
#   hardLinkedInodes            regular-file inodes with st_nlink > 1, each counted once
#   hardLinkedPaths             paths that name those inodes
#   extraHardLinkPaths          hardLinkedPaths - hardLinkedInodes (paths beyond the first)
#   elfHardLinkedInodes, elfExtraHardLinkPaths   the same two, for ELF files only (a scanner that
#                               reports the second path of an inode as a "hardlink" entry counts
#                               elfFiles - elfExtraHardLinkPaths ELF files)
#   debFiles                    regular files named *.deb
#   largestFile, largestBytes   the biggest regular file (path relative to TREE)
#   unreadable                  regular files that could not be opened to read their magic
#   walkErrors                  directories that could not be listed
#   mountPointsNotEntered       directories below TREE on another device (not entered)
#
# --lists DIR writes NUL-separated absolute paths of the regular files (files.nul) and of the
# ELF files (elf.nul), in walk order, for Benchmarks/run.sh.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 TREE [--lists DIR]" >&2; exit 2; }
TREE="$1"; shift
LISTS=""
while [ $# -gt 0 ]; do
    case "$1" in
        --lists) LISTS="${2:?--lists needs a directory}"; shift 2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
[ -d "$TREE" ] && [ ! -L "$TREE" ] || { echo "not a directory (or a link): $TREE" >&2; exit 2; }
[ -z "$LISTS" ] || mkdir -p "$LISTS"

exec python3 - "$TREE" "$LISTS" <<'PY'
import json, os, stat, sys

root = os.fsencode(os.path.abspath(sys.argv[1]))
lists = sys.argv[2]
root_dev = os.lstat(root).st_dev

c = dict(regularFiles=0, bytes=0, uniqueBytes=0, elfFiles=0, elfBytes=0, emptyFiles=0,
         directories=0, symlinks=0, absoluteSymlinks=0, escapingRelativeSymlinks=0,
         fifos=0, charDevices=0, blockDevices=0, sockets=0, specialFiles=0,
         hardLinkedInodes=0, hardLinkedPaths=0, extraHardLinkPaths=0, debFiles=0,
         largestFile=None, largestBytes=0, unreadable=0, walkErrors=0, mountPointsNotEntered=0)
seen_inodes = set()      # every regular-file inode, for uniqueBytes
multi_inodes = set()     # inodes with nlink > 1
elf_multi = {}           # ELF inode with nlink > 1 -> paths seen

files_out = open(os.path.join(lists, "files.nul"), "wb") if lists else None
elf_out = open(os.path.join(lists, "elf.nul"), "wb") if lists else None

def on_error(err):
    c["walkErrors"] += 1
    print(f"tree-facts: cannot list {err.filename!r}: {err.strerror}", file=sys.stderr)

def escapes(link_dir_rel, target):
    # Lexical resolution of a relative target from the link's directory (relative to root).
    parts = [p for p in link_dir_rel.split(b"/") if p and p != b"."]
    for p in target.split(b"/"):
        if p in (b"", b"."):
            continue
        if p == b"..":
            if not parts:
                return True
            parts.pop()
        else:
            parts.append(p)
    return False

for dirpath, dirnames, filenames in os.walk(root, topdown=True, onerror=on_error, followlinks=False):
    rel_dir = os.path.relpath(dirpath, root)
    rel_dir = b"" if rel_dir == b"." else rel_dir
    # os.walk puts links to directories in dirnames; they are links, not directories: move them.
    keep = []
    for name in dirnames:
        full = os.path.join(dirpath, name)
        st = os.lstat(full)
        if stat.S_ISDIR(st.st_mode):
            if st.st_dev != root_dev:
                c["mountPointsNotEntered"] += 1
                c["directories"] += 1
                continue
            keep.append(name)
        else:
            filenames.append(name)
    dirnames[:] = keep
    c["directories"] += len(keep)
    for name in filenames:
        full = os.path.join(dirpath, name)
        try:
            st = os.lstat(full)
        except OSError as e:
            print(f"tree-facts: cannot lstat {full!r}: {e.strerror}", file=sys.stderr)
            c["walkErrors"] += 1
            continue
        m = st.st_mode
        if stat.S_ISREG(m):
            c["regularFiles"] += 1
            c["bytes"] += st.st_size
            key = (st.st_dev, st.st_ino)
            if key not in seen_inodes:
                seen_inodes.add(key)
                c["uniqueBytes"] += st.st_size
            if st.st_nlink > 1:
                multi_inodes.add(key)
                c["hardLinkedPaths"] += 1
            if st.st_size == 0:
                c["emptyFiles"] += 1
            if st.st_size > c["largestBytes"] or c["largestFile"] is None:
                c["largestBytes"] = st.st_size
                c["largestFile"] = os.fsdecode(os.path.join(rel_dir, name))
            if name.endswith(b".deb"):
                c["debFiles"] += 1
            if files_out:
                files_out.write(full + b"\0")
            magic = b""
            if st.st_size >= 4:
                try:
                    fd = os.open(full, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
                    try:
                        magic = os.pread(fd, 4, 0)
                    finally:
                        os.close(fd)
                except OSError as e:
                    c["unreadable"] += 1
                    print(f"tree-facts: cannot read {full!r}: {e.strerror}", file=sys.stderr)
            if magic == b"\x7fELF":
                c["elfFiles"] += 1
                c["elfBytes"] += st.st_size
                if st.st_nlink > 1:
                    elf_multi[key] = elf_multi.get(key, 0) + 1
                if elf_out:
                    elf_out.write(full + b"\0")
        elif stat.S_ISLNK(m):
            c["symlinks"] += 1
            target = os.readlink(full)
            if target.startswith(b"/"):
                c["absoluteSymlinks"] += 1
            elif escapes(rel_dir, target):
                c["escapingRelativeSymlinks"] += 1
        elif stat.S_ISFIFO(m):
            c["fifos"] += 1
        elif stat.S_ISCHR(m):
            c["charDevices"] += 1
        elif stat.S_ISBLK(m):
            c["blockDevices"] += 1
        elif stat.S_ISSOCK(m):
            c["sockets"] += 1
        elif stat.S_ISDIR(m):
            pass  # cannot happen: directories were handled above

c["specialFiles"] = c["fifos"] + c["charDevices"] + c["blockDevices"] + c["sockets"]
c["hardLinkedInodes"] = len(multi_inodes)
c["extraHardLinkPaths"] = c["hardLinkedPaths"] - c["hardLinkedInodes"]
c["elfHardLinkedInodes"] = len(elf_multi)
c["elfExtraHardLinkPaths"] = sum(elf_multi.values()) - len(elf_multi)
out = {"tree": os.fsdecode(root)}
out.update(c)
for f in (files_out, elf_out):
    if f:
        f.close()
print(json.dumps(out))
PY
