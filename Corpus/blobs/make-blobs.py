#!/usr/bin/env python3
"""Deterministic generator for the Backsight test-blob corpus (Corpus/blobs).

Everything here is written from the public description of how the xz-utils
backdoor (CVE-2024-3094) hid its stages in test files. The scripts inside the
blobs are INERT: the last stage only echoes a line. No test or tool runs them.

Outputs (Corpus/blobs/tests/files/):
  good-1-compressed.xz        clean: real compressed text           (negative)
  bad-1-corrupt_header.xz     named corrupt, decodes cleanly         (positive)
  bad-2-corrupt_stream.xz     genuinely corrupt, no swap repairs it  (negative)
  bad-3-corrupt_lzma2.xz      corrupt as-is; tab<->space, '-'<->'_' swap gives
                              three valid xz streams (CRC64) carrying a shell
                              script framed by ####Hello#### / ####World####
  good-large_compressed.lzma  .lzma (alone) that decodes to N x [1 KiB letter +
                              2 KiB high-entropy]; the high-entropy parts, tail,
                              byte-range tr permutation -> raw LZMA1 -> stage 2
  good-embedded.bin           junk + xz stream holding an ELF relocatable object
                              (ifunc/xz-object/x86_64/liblzma_la-crc64-fast.o)

Usage: make-blobs.py [--check]   (--check: regenerate in memory and compare)
Fixed settings: xz CHECK_CRC64, preset 6; .lzma preset 6; raw LZMA1 preset 6.
"""
import hashlib
import lzma
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.dirname(HERE)
OUT = os.path.join(HERE, "tests", "files")
OBJECT = os.path.join(CORPUS, "ifunc", "xz-object", "x86_64", "liblzma_la-crc64-fast.o")

XZ = dict(format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64, preset=6)
LZMA1_RAW = [{"id": lzma.FILTER_LZMA1, "preset": 6}]

# good-large_compressed.lzma layout
BLOCKS = 8
FILL = 1024
NOISE = 2048
# Byte-range permutation applied with tr: the k-th byte of SET1 stands for value k.
TR_RANGES = [(0x60, 0xFF), (0x20, 0x3F), (0x00, 0x1F), (0x40, 0x5F)]
SWAP = {0x09: 0x20, 0x20: 0x09, 0x2D: 0x5F, 0x5F: 0x2D}


def prng(label, n):
    """Deterministic high-entropy bytes (SHA-256 in counter mode)."""
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b"backsight-corpus/%s/%d" % (label.encode(), i)).digest()
        i += 1
    return bytes(out[:n])


def xz(data):
    return lzma.compress(data, **XZ)


def decodes(data, **kw):
    try:
        lzma.decompress(data, **kw)
        return True
    except lzma.LZMAError:
        return False


def swap(data):
    return bytes(SWAP.get(b, b) for b in data)


def tr_set1():
    seq = []
    for lo, hi in TR_RANGES:
        seq.extend(range(lo, hi + 1))
    assert sorted(seq) == list(range(256))
    return seq


def tr_spec():
    return "".join("\\%o-\\%o" % (lo, hi) for lo, hi in TR_RANGES)


def lorem(label, lines):
    words = ("stream block index check filter preset dictionary match literal "
             "range coder probability state window header footer padding").split()
    h = prng(label, lines * 12)
    out = []
    for i in range(lines):
        row = [words[h[i * 12 + j] % len(words)] for j in range(12)]
        out.append(" ".join(row).capitalize() + ".")
    return ("\n".join(out) + "\n").encode()


# ---- stage 2 and good-large_compressed.lzma ---------------------------------

STAGE2 = (b"#!/bin/sh\n"
          b"# Backsight corpus replica, stage 2 (INERT): prints one line, touches nothing.\n"
          b"echo \"backsight-corpus: stage 2 reached (a real payload would unpack an object here)\"\n")


def make_large():
    raw = lzma.compress(STAGE2, format=lzma.FORMAT_RAW, filters=LZMA1_RAW)
    set1 = tr_set1()
    hidden = bytes(set1[b] for b in raw)
    total = BLOCKS * NOISE
    assert len(hidden) < total
    noise = bytearray(prng("large-noise", total - len(hidden)) + hidden)
    plain = bytearray()
    for k in range(BLOCKS):
        plain += bytes([ord("A") + k]) * FILL
        plain += noise[k * NOISE:(k + 1) * NOISE]
    blob = lzma.compress(bytes(plain), format=lzma.FORMAT_ALONE, preset=6)
    tail_from = total - len(hidden) + 1  # tail -c +K is 1-based
    return blob, tail_from


def extract_stage2(blob, tail_from):
    """What the stage-1 script does, in Python (for the self-check only)."""
    plain = lzma.decompress(blob, format=lzma.FORMAT_ALONE)
    hidden = b"".join(plain[k * (FILL + NOISE) + FILL:(k + 1) * (FILL + NOISE)]
                      for k in range(BLOCKS))
    inv = {v: k for k, v in enumerate(tr_set1())}
    raw = bytes(inv[b] for b in hidden[tail_from - 1:])
    return lzma.decompress(raw, format=lzma.FORMAT_RAW, filters=LZMA1_RAW)


# ---- stage 1 and bad-3-corrupt_lzma2.xz -------------------------------------

def stage1_text(tail_from, nonce):
    chain = " && ".join(["(head -c +%d >/dev/null) && head -c +%d" % (FILL, NOISE)] * BLOCKS)
    return ("####Hello####\n"
            "# Backsight corpus replica of a test-blob extraction stage (INERT).\n"
            "# It decodes the next stage from good-large_compressed.lzma and evals it;\n"
            "# that stage only echoes. No test or tool runs this. variant=%d\n"
            "[ -n \"$srcdir\" ] || srcdir=.\n"
            "export i=\"(%s)\"\n"
            "stage2=$(xz -dc \"$srcdir/tests/files/good-large_compressed.lzma\" | eval $i"
            " | tail -c +%d | tr \"%s\" \"\\0-\\377\" | xz -F raw --lzma1 -dc 2>/dev/null)\n"
            "echo \"backsight-corpus: stage 1 decoded $(printf %%s \"$stage2\" | wc -c) bytes\"\n"
            "eval \"$stage2\"\n"
            "####World####\n" % (nonce, chain, tail_from, tr_spec())).encode()


def header_regions(stream):
    """Byte ranges of xz/LZMA2 framing in one single-block stream: block header,
    first LZMA2 chunk header, CRC64 check field, index and stream footer."""
    bh_end = 12 + (stream[12] + 1) * 4
    backward = (int.from_bytes(stream[-8:-4], "little") + 1) * 4
    index_start = len(stream) - 12 - backward
    return [(12, bh_end + 6), (index_start - 8, len(stream))]


def make_bad3(tail_from):
    for nonce in range(1, 10000):
        text = stage1_text(tail_from, nonce)
        lines = text.splitlines(keepends=True)
        parts = [b"".join(lines[:4]), b"".join(lines[4:7]), b"".join(lines[7:])]
        streams = [xz(p) for p in parts]
        valid = b"".join(streams)
        in_header = in_data = 0
        for s in streams:
            regions = header_regions(s)
            for pos in range(12, len(s)):
                if s[pos] in SWAP:
                    if any(a <= pos < b for a, b in regions):
                        in_header += 1
                    else:
                        in_data += 1
        if in_header == 0 or in_data < 2:
            continue
        corrupt = swap(valid)
        if decodes(corrupt, format=lzma.FORMAT_XZ):
            continue
        assert lzma.decompress(swap(corrupt), format=lzma.FORMAT_XZ) == text
        return corrupt, text, nonce, in_header, in_data
    raise SystemExit("make-blobs: no nonce satisfied the bad-3 constraints")


# ---- the simple ones ------------------------------------------------------------

def make_bad2():
    base = bytearray(xz(lorem("bad-2", 40)))
    # Overwrite a run in the middle of the compressed data with bytes outside the
    # swap set, so no tab/space or -/_ swap can repair it.
    mid = len(base) // 2
    for k in range(8):
        base[mid + k] = (base[mid + k] ^ 0xA5) if (base[mid + k] ^ 0xA5) not in SWAP else 0xEE
    data = bytes(base)
    assert not decodes(data, format=lzma.FORMAT_XZ)
    assert not decodes(swap(data), format=lzma.FORMAT_XZ)
    return data


def make_embedded():
    if not os.path.exists(OBJECT):
        raise SystemExit("make-blobs: build the ELF samples first (missing %s)" % OBJECT)
    obj = open(OBJECT, "rb").read()
    assert obj[:4] == b"\x7fELF"
    junk = bytearray(prng("embedded-junk", 509))
    tail = bytearray(prng("embedded-tail", 67))
    for buf in (junk, tail):
        for i, b in enumerate(buf):
            if b == 0xFD:
                buf[i] = 0xFC
    return bytes(junk) + xz(obj) + bytes(tail), len(junk)


def build():
    files = {}
    files["good-1-compressed.xz"] = xz(lorem("good-1", 120))
    files["bad-1-corrupt_header.xz"] = xz(b"Backsight corpus: this file is named corrupt but decodes cleanly.\n" +
                                          lorem("bad-1", 6))
    files["bad-2-corrupt_stream.xz"] = make_bad2()
    large, tail_from = make_large()
    assert extract_stage2(large, tail_from) == STAGE2
    files["good-large_compressed.lzma"] = large
    bad3, text, nonce, nh, nd = make_bad3(tail_from)
    files["bad-3-corrupt_lzma2.xz"] = bad3
    embedded, offset = make_embedded()
    files["good-embedded.bin"] = embedded
    # The same filler/noise blob in a directory with no repaired sibling: only the medium rule.
    files[os.path.join("..", "..", "filler-alone", "good-large_compressed.lzma")] = large
    files[os.path.join("..", "..", "filler-alone", "good-2-compressed.xz")] = xz(lorem("good-2", 40))
    info = "bad-3: nonce %d, swap bytes in framing %d, in data %d; large: tail -c +%d; embedded xz at offset %d" % (
        nonce, nh, nd, tail_from, offset)
    return files, info


def main():
    check = "--check" in sys.argv[1:]
    files, info = build()
    os.makedirs(OUT, exist_ok=True)
    bad = 0
    for name, data in sorted(files.items()):
        path = os.path.normpath(os.path.join(OUT, name))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        old = open(path, "rb").read() if os.path.exists(path) else None
        if check:
            if old != data:
                print("make-blobs: %s differs from a fresh generation" % name)
                bad += 1
            continue
        if old != data:
            with open(path, "wb") as f:
                f.write(data)
    print("make-blobs: %d files, %s" % (len(files), info))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
