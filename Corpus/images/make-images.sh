#!/usr/bin/env bash
# Builds the firmware and container images of Corpus/images/ from Corpus/rootfs (called by
# Corpus/build.sh; or run as `bash Corpus/images/make-images.sh`). Needs mksquashfs
# (squashfs-tools), cpio, gzip, bzip2, dpkg-deb, tar, python3 (and oci_layout.py beside it).
#
#   rootfs.{gzip,xz,zstd}.sqfs   mksquashfs of the rootfs with each compressor
#   rootfs.cpio.gz               a newc cpio (initramfs layout), gzipped
#   firmware.bin                 a made-up vendor header, padding, then rootfs.xz.sqfs at 0x1000
#   rootfs_1.0_amd64.deb         the rootfs as a package, zstd (dpkg-deb -Zzstd)
#   access.xz.sqfs, access.cpio.gz  the access trees (Corpus/access/*, one per directory) as a SquashFS
#                                and a gzipped newc cpio: the rootfs rules apply inside images
#   rootfs.oci/                  an OCI image layout of two gzipped layers whose merged filesystem is the
#                                rootfs: the lower layer also holds three copies of positives that the
#                                upper layer removes (a whiteout of a file, of a directory, an opaque
#                                directory), and the upper layer replaces etc/hostname (same bytes)
#   rootfs.docker.tar            the same two layers as a `docker save` tarball (manifest.json, config
#                                with diff_ids, <id>/layer.tar)
#   rootfs.docker.tar.gz, .tar.xz that tarball gzipped and xz-compressed, as `docker save | gzip` leaves it
#   rootfs.podman.tar.gz         the same layers as `podman save` and `skopeo copy … docker-archive:` write
#                                them (<digest>.tar layers and <digest>.json config at the top, legacy
#                                <id>/layer.tar symbolic links to them), gzipped
#   rootfs.crane.tar             as go-containerregistry's `crane pull` writes them: gzipped layers named
#                                <digest>.tar.gz, the config named sha256:<digest>
#   hostile/truncated.sqfs       rootfs.xz.sqfs cut in half
#   hostile/loop.sqfs            a directory entry (etc) pointing back at the root directory
#   hostile/escape.sqfs          links that point out of the image (relative and absolute)
#   hostile/oversized.sqfs       a 300 MiB file of zeros (sparse blocks: the image stays small)
#   hostile/bomb.cpio.bz2        a cpio whose first member is 600 MiB of zeros, then one file
#   hostile/missing-blob.oci/    a manifest whose lower layer names a blob that is not there
#   hostile/digest-mismatch.oci/ the upper layer's blob replaced by another tar (an extra file)
#   hostile/nested-index.oci/    image indexes nested six deep before the manifest
#   hostile/many-layers.oci/     a manifest of 1000 layers
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
rm -rf access.xz.sqfs access.cpio.gz rootfs.*.sqfs rootfs.cpio.gz firmware.bin rootfs_1.0_amd64.deb rootfs.oci rootfs.docker.tar rootfs.docker.tar.gz rootfs.docker.tar.xz \
    rootfs.podman.tar.gz rootfs.crane.tar

squash() { # SOURCE OUTPUT COMPRESSOR [extra mksquashfs options]
    local source="$1" output="$2" compressor="$3"; shift 3
    env -u SOURCE_DATE_EPOCH mksquashfs "$source" "$output" -comp "$compressor" -noappend -all-root -mkfs-time 0 -all-time 0 \
        -no-xattrs -processors 1 -quiet -no-progress "$@" >/dev/null
}

for compressor in gzip xz zstd; do squash "$ROOTFS" "rootfs.$compressor.sqfs" "$compressor"; done

# cpio keeps modification times: a copy with every time at 0 makes the archive the same on every checkout.
cp -a "$ROOTFS" "$TMP/rootfs-copy"
find "$TMP/rootfs-copy" -exec touch -h -d @0 {} +
(cd "$TMP/rootfs-copy" && find . -mindepth 1 | sort | cpio -o -H newc --reproducible -R 0:0 --quiet) | gzip -n -9 > rootfs.cpio.gz

cp -a "$(dirname "$HERE")/access" "$TMP/access"
find "$TMP/access" -exec touch -h -d @0 {} +
squash "$TMP/access" access.xz.sqfs xz
(cd "$TMP/access" && find . -mindepth 1 | sort | cpio -o -H newc --reproducible -R 0:0 --quiet) | gzip -n -9 > access.cpio.gz

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
# Container images: two layers, tarred sorted with fixed owner and times, gzipped without a name.
pack() { # DIRECTORY OUTPUT.tar
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu --mode='u+rwX,go+rX,go-w' -C "$1" -cf "$2" .
}
mkdir -p "$TMP/layer1" "$TMP/layer2/etc" "$TMP/layer2/opt" "$TMP/layer2/var/cache" "$TMP/layer2/usr/lib"
cp -a "$ROOTFS/." "$TMP/layer1/"
mkdir -p "$TMP/layer1/opt/old" "$TMP/layer1/var/cache/stale"
cp "$ROOTFS/usr/lib/libprocesshider.so" "$TMP/layer1/opt/old/libprocesshider.so"
cp "$ROOTFS/usr/lib/libprocesshider.so" "$TMP/layer1/usr/lib/libextra.so"
cp "$ROOTFS/usr/lib/x86_64-linux-gnu/security/pam_backdoor.so" "$TMP/layer1/var/cache/stale/pam_backdoor.so"
: > "$TMP/layer2/opt/.wh.old"
: > "$TMP/layer2/usr/lib/.wh.libextra.so"
: > "$TMP/layer2/var/cache/.wh..wh..opq"
cp "$ROOTFS/etc/hostname" "$TMP/layer2/etc/hostname"
mkdir -p "$TMP/tampered" && cp -a "$TMP/layer2/." "$TMP/tampered/" && printf 'tampered\n' > "$TMP/tampered/etc/tampered"
for layer in layer1 layer2 tampered; do
    pack "$TMP/$layer" "$TMP/$layer.tar"
    gzip -n -9 < "$TMP/$layer.tar" > "$TMP/$layer.tar.gz"
done
python3 - "$TMP" "$HERE" <<'PY'
import gzip, hashlib, io, lzma, os, sys, tarfile
tmp = sys.argv[1]
sys.path.insert(0, sys.argv[2])
sys.dont_write_bytecode = True
from oci_layout import config_for, digest, dump
import oci_layout
def read(name):
    return open(os.path.join(tmp, name), "rb").read()
plain = [read("layer1.tar"), read("layer2.tar")]
gzipped = [read("layer1.tar.gz"), read("layer2.tar.gz")]
config = config_for([digest(layer) for layer in plain])
def layout(path, manifest_layers, blobs, index_depth=0):
    oci_layout.layout(path, manifest_layers, blobs, config, index_depth)

layers = [(digest(layer), len(layer)) for layer in gzipped]
layout("rootfs.oci", layers, gzipped)
layout("hostile/missing-blob.oci", [("sha256:" + "0" * 64, 1234), layers[1]], gzipped[1:])
tampered = read("tampered.tar.gz")
layout("hostile/digest-mismatch.oci", layers, gzipped[:1])
open(os.path.join("hostile/digest-mismatch.oci/blobs/sha256", layers[1][0].split(":")[1]), "wb").write(tampered)
layout("hostile/nested-index.oci", layers, gzipped, index_depth=6)
layout("hostile/many-layers.oci", [layers[1]] * 1000, gzipped[1:])

# docker save: <id>/layer.tar per layer (uncompressed), the config as <id>.json, manifest.json.
members = []
names = []
for layer in plain:
    name = hashlib.sha256(layer).hexdigest() + "/layer.tar"
    names.append(name)
    members.append((name, layer))
config_name = hashlib.sha256(config).hexdigest() + ".json"
members.append((config_name, config))
members.append(("manifest.json", dump([{"Config": config_name, "RepoTags": ["rootfs:1.0"], "Layers": names}])))
with tarfile.open("rootfs.docker.tar", "w", format=tarfile.GNU_FORMAT) as out:
    for name, data in sorted(members):
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode, info.uid, info.gid = len(data), 0, 0o644, 0, 0
        out.addfile(info, io.BytesIO(data))
# The same tarball as `docker save | gzip` and `| xz` leave it: read by decoding it again per layer.
docker = open("rootfs.docker.tar", "rb").read()
open("rootfs.docker.tar.gz", "wb").write(gzip.compress(docker, mtime=0))
open("rootfs.docker.tar.xz", "wb").write(lzma.compress(docker, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64))

def tarball(entries):
    # entries: (name, bytes) for files, (name, None, target) for symbolic links, in the order written.
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in entries:
            info = tarfile.TarInfo(entry[0])
            info.mtime, info.mode, info.uid, info.gid = 0, 0o444, 0, 0
            if entry[1] is None:
                info.type, info.linkname = tarfile.SYMTYPE, entry[2]
                tar.addfile(info)
            else:
                info.size = len(entry[1])
                tar.addfile(info, io.BytesIO(entry[1]))
    return out.getvalue()

# podman save, skopeo docker-archive: blobs first, at the top level, then the legacy per-layer
# directories (their layer.tar a symbolic link), manifest.json and repositories last.
entries = [(hashlib.sha256(layer).hexdigest() + ".tar", layer) for layer in plain]
config_digest = hashlib.sha256(config).hexdigest()
entries.append((config_digest + ".json", config))
for number, layer in enumerate(plain):
    legacy = hashlib.sha256(b"legacy %d " % number + layer).hexdigest()
    entries += [(legacy + "/layer.tar", None, "../" + hashlib.sha256(layer).hexdigest() + ".tar"),
                (legacy + "/VERSION", b"1.0"), (legacy + "/json", dump({"id": legacy}))]
entries.append(("manifest.json", dump([{"Config": config_digest + ".json", "RepoTags": ["localhost/rootfs:1.0"],
                                        "Layers": [hashlib.sha256(layer).hexdigest() + ".tar" for layer in plain]}])))
entries.append(("repositories", dump({"localhost/rootfs": {"1.0": legacy}})))
open("rootfs.podman.tar.gz", "wb").write(gzip.compress(tarball(entries), mtime=0))

# crane pull: the layers as their registry holds them (gzipped), named by the compressed digest.
entries = [(hashlib.sha256(layer).hexdigest() + ".tar.gz", layer) for layer in gzipped]
entries.append(("sha256:" + config_digest, config))
entries.append(("manifest.json", dump([{"Config": "sha256:" + config_digest, "RepoTags": ["rootfs:1.0"],
                                        "Layers": [hashlib.sha256(layer).hexdigest() + ".tar.gz" for layer in gzipped]}])))
open("rootfs.crane.tar", "wb").write(tarball(entries))
PY

ls -l "$HERE" "$HERE/hostile" >&2
