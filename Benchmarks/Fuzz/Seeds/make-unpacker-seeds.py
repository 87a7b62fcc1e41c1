#!/usr/bin/env python3
"""Writes the container seeds of the FuzzUnpacker target into FuzzUnpacker/ next to this file.

Corpus/ holds compressed test blobs but no archives, and a fuzzer is unlikely to find a tar
header with a valid checksum or a `.deb`'s ar layout by itself. These seeds are small archives
of inert text built here, deterministically (fixed times, owners and modes): GNU and pax tar
archives with links and long names, the same tar compressed with gzip, xz and lzma, a `.deb`
whose data archive holds a `.ko.xz` and a file with an xz stream inside, and a static-library
ar archive (which the unpacker must leave closed).

    python3 Benchmarks/Fuzz/Seeds/make-unpacker-seeds.py
"""
import gzip
import io
import lzma
import os
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "FuzzUnpacker")

TEXT = b"#!/bin/sh\n# an inert script for the fuzz seeds\necho seed\n"


def entry(name, kind=tarfile.REGTYPE, data=b"", link=""):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    info.linkname = link
    info.mtime = 0
    info.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info, data


def tar(entries, form):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=form) as archive:
        for info, data in entries:
            archive.addfile(info, io.BytesIO(data) if info.isreg() else None)
    raw = buffer.getvalue()
    # tarfile pads to a 10 KiB record; keep only the two zero blocks that end the archive.
    end = len(raw.rstrip(b"\0"))
    end = (end + 511) // 512 * 512 + 1024
    return raw[:end]


def ar(members):
    out = bytearray(b"!<arch>\n")
    for name, data in members:
        header = (name.ljust(16) + "0".ljust(12) + "0".ljust(6) + "0".ljust(6) + "100644".ljust(8)
                  + str(len(data)).ljust(10) + "`\n")
        out += header.encode()
        out += data
        if len(data) % 2:
            out += b"\n"
    return bytes(out)


def xz(data):
    return lzma.compress(data, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64, preset=0)


def lzma_alone(data):
    return lzma.compress(data, format=lzma.FORMAT_ALONE, preset=0)


def main():
    os.makedirs(OUT, exist_ok=True)
    long_name = "usr/share/doc/" + "a-rather-long-directory-name/" * 4 + "README"
    files = [
        entry("./", tarfile.DIRTYPE),
        entry("./usr/bin/seed", data=TEXT),
        entry("./usr/bin/seed-link", tarfile.SYMTYPE, link="seed"),
        entry("./usr/bin/seed-hard", tarfile.LNKTYPE, link="./usr/bin/seed"),
        entry("./" + long_name, data=b"long name\n"),
        entry("./dev/fifo", tarfile.FIFOTYPE),
    ]
    gnu = tar(files, tarfile.GNU_FORMAT)
    pax = tar(files, tarfile.PAX_FORMAT)
    embedded = b"\x7fjunk before a stream " * 8 + xz(TEXT * 4) + b" and after" * 8
    data_tar = tar([
        entry("./", tarfile.DIRTYPE),
        entry("./lib/modules/seed.ko.xz", data=xz(b"not really a module\n" * 20)),
        entry("./usr/lib/seed/blob.bin", data=embedded),
        entry("./usr/bin/seed", data=TEXT),
    ], tarfile.GNU_FORMAT)
    control_tar = tar([
        entry("./", tarfile.DIRTYPE),
        entry("./control", data=b"Package: seed\nVersion: 1\nArchitecture: all\nDescription: seed\n"),
        entry("./postinst", data=TEXT),
    ], tarfile.GNU_FORMAT)
    seeds = {
        "gnu.tar": gnu,
        "pax.tar": pax,
        "gnu.tar.gz": gzip.compress(gnu, mtime=0),
        "gnu.tar.xz": xz(gnu),
        "gnu.tar.lzma": lzma_alone(gnu),
        "seed.deb": ar([("debian-binary", b"2.0\n"), ("control.tar.gz", gzip.compress(control_tar, mtime=0)),
                        ("data.tar.xz", xz(data_tar))]),
        "seed-plain.deb": ar([("debian-binary", b"2.0\n"), ("control.tar", control_tar), ("data.tar.lzma", lzma_alone(data_tar))]),
        "libseed.a": ar([("seed.o/", TEXT), ("other.o/", TEXT[:7])]),
        "embedded.bin": embedded,
    }
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
