#!/usr/bin/env bash
# Builds the firmware and container images of Corpus/images/ from Corpus/rootfs (called by
# Corpus/build.sh; or run as `bash Corpus/images/make-images.sh`). Needs mksquashfs
# (squashfs-tools), cpio, gzip, bzip2, dpkg-deb, tar, python3.
#
#   rootfs.{gzip,xz,zstd}.sqfs   mksquashfs of the rootfs with each compressor
#   rootfs.cpio.gz               a newc cpio (initramfs layout), gzipped
#   firmware.bin                 a made-up vendor header, padding, then rootfs.xz.sqfs at 0x1000
#   rootfs_1.0_amd64.deb         the rootfs as a package, zstd (dpkg-deb -Zzstd)
#   hostile/truncated.sqfs       rootfs.xz.sqfs cut in half
#   hostile/loop.sqfs            a directory entry (etc) pointing back at the root directory
#   hostile/escape.sqfs          links that point out of the image (relative and absolute)
#   hostile/oversized.sqfs       a 300 MiB file of zeros (sparse blocks: the image stays small)
#   hostile/bomb.cpio.bz2        a cpio whose first member is 600 MiB of zeros, then one file
#
# The images hold the rootfs samples as they are (inert: built, never run). Deterministic:
# fixed times, root ownership, sorted input.
set -euo pipefail
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=0
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOTFS="$(dirname "$HERE")/rootfs"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$HERE"
rm -rf hostile && mkdir -p hostile
rm -f rootfs.*.sqfs rootfs.cpio.gz firmware.bin rootfs_1.0_amd64.deb

squash() { # SOURCE OUTPUT COMPRESSOR [extra mksquashfs options]
    local source="$1" output="$2" compressor="$3"; shift 3
    env -u SOURCE_DATE_EPOCH mksquashfs "$source" "$output" -comp "$compressor" -noappend -all-root -mkfs-time 0 -all-time 0 \
        -no-xattrs -processors 1 -quiet -no-progress "$@" >/dev/null
}

for compressor in gzip xz zstd; do squash "$ROOTFS" "rootfs.$compressor.sqfs" "$compressor"; done

(cd "$ROOTFS" && find . -mindepth 1 | sort | cpio -o -H newc --reproducible -R 0:0 --quiet) | gzip -n -9 > rootfs.cpio.gz

python3 - rootfs.xz.sqfs firmware.bin <<'PY'
import struct, sys
image = open(sys.argv[1], "rb").read()
# A made-up vendor header: magic, version, image offset and length, a name; zeros to 0x1000.
header = b"BKSTFW01" + struct.pack("<III", 1, 0x1000, len(image)) + b"backsight test firmware".ljust(32, b"\0")
open(sys.argv[2], "wb").write(header.ljust(0x1000, b"\0") + image)
PY

mkdir -p "$TMP/pkg/DEBIAN"
cp -a "$ROOTFS/." "$TMP/pkg/"
printf 'Package: rootfs\nVersion: 1.0\nArchitecture: amd64\nMaintainer: Backsight Corpus <corpus@example.invalid>\nDescription: the corpus rootfs as a package\n' > "$TMP/pkg/DEBIAN/control"
dpkg-deb --root-owner-group -Zzstd --build "$TMP/pkg" rootfs_1.0_amd64.deb >/dev/null

size=$(stat -c %s rootfs.xz.sqfs)
head -c $((size / 2)) rootfs.xz.sqfs > hostile/truncated.sqfs

# The loop: metadata left uncompressed so the directory entry of `etc` can be pointed at the
# root directory's inode.
squash "$ROOTFS" "$TMP/loop.sqfs" gzip -noI -noD -noF -noX
python3 - "$TMP/loop.sqfs" hostile/loop.sqfs <<'PY'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
root_ref, = struct.unpack_from("<Q", data, 32)
inode_start, directory_start = struct.unpack_from("<QQ", data, 64)[0], struct.unpack_from("<Q", data, 72)[0]
root_block, root_offset = root_ref >> 16, root_ref & 0xFFFF
header, = struct.unpack_from("<H", data, directory_start)
assert header & 0x8000, "directory table is compressed"
length = header & 0x7FFF
table = directory_start + 2
position, end, patched = table, table + length, False
while position < end and not patched:
    count, start, number = struct.unpack_from("<IIi", data, position)
    position += 12
    for _ in range(count + 1):
        offset, diff, kind, size = struct.unpack_from("<HhHH", data, position)
        name = bytes(data[position + 8:position + 9 + size])
        if name == b"etc" and kind == 1 and start == root_block:
            struct.pack_into("<H", data, position, root_offset)
            patched = True
            break
        position += 9 + size
assert patched, "no etc entry found"
open(sys.argv[2], "wb").write(data)
PY

mkdir -p "$TMP/escape"
cp -a "$ROOTFS/." "$TMP/escape/"
ln -s ../../../../../../etc/shadow "$TMP/escape/etc/escape-relative"
ln -s /etc/passwd "$TMP/escape/etc/escape-absolute"
squash "$TMP/escape" hostile/escape.sqfs xz

mkdir -p "$TMP/oversized"
truncate -s 300M "$TMP/oversized/zeros.bin"
printf 'small\n' > "$TMP/oversized/small.txt"
squash "$TMP/oversized" hostile/oversized.sqfs xz

python3 - <<'PY' | bzip2 -9 > hostile/bomb.cpio.bz2
import sys
out = sys.stdout.buffer
def member(name, size, mode=0o100644):
    name = name.encode() + b"\0"
    fields = [1, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, len(name), 0]
    header = b"070701" + b"".join(b"%08X" % f for f in fields) + name
    out.write(header + b"\0" * (-len(header) % 4))
member("zeros.bin", 600 << 20)
zeros = b"\0" * (1 << 20)
for _ in range(600):
    out.write(zeros)
member("after.txt", 6); out.write(b"after\n" + b"\0" * 2)
member("TRAILER!!!", 0, 0)
out.write(b"\0" * 512)
PY
ls -l "$HERE" "$HERE/hostile" >&2
