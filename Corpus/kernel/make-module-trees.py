#!/usr/bin/env python3
"""Builds two small module trees (lib/modules/RELEASE/) from the corpus's own x86_64 modules.

signed/:   four copies of plain-driver.ko with a signature block appended the way the kernel's
           sign-file lays it out ([signature][struct module_signature][marker]), and the
           unsigned, out-of-tree ftrace-tracer.ko under extra/: the one module of the tree that
           did not come signed with it.
unsigned/: the same tree with no signature anywhere, as most firmware ships: nothing stands out.

The "signature" is a fixed placeholder, not a real PKCS#7 signature. Deterministic; run by build.sh
after the kernel samples. Nothing here is ever loaded.
"""
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
RELEASE = "6.1.0-corpus"
MARKER = b"~Module signature appended~\n"
PLACEHOLDER = b"Backsight corpus placeholder, not a PKCS#7 signature.\n" * 4


def signature_block():
    # struct module_signature: algo, hash, id_type (2 = PKCS#7), signer_len, key_id_len, pad[3], sig_len (BE)
    info = struct.pack(">BBBBB3xI", 0, 0, 2, 0, 0, len(PLACEHOLDER))
    return PLACEHOLDER + info + MARKER


def build(kind):
    root = os.path.join(HERE, "module-tree", kind)
    shutil.rmtree(root, ignore_errors=True)
    tree = os.path.join(root, "lib", "modules", RELEASE)
    drivers = os.path.join(tree, "kernel", "drivers", "misc")
    extra = os.path.join(tree, "extra")
    os.makedirs(drivers)
    os.makedirs(extra)
    plain = open(os.path.join(HERE, "plain-driver", "x86_64", "plain-driver.ko"), "rb").read()
    for index in range(1, 5):
        data = plain + (signature_block() if kind == "signed" else b"")
        with open(os.path.join(drivers, "plain-%d.ko" % index), "wb") as out:
            out.write(data)
    shutil.copyfile(os.path.join(HERE, "ftrace-tracer", "x86_64", "ftrace-tracer.ko"), os.path.join(extra, "ftrace-tracer.ko"))


def main():
    for kind in ("signed", "unsigned"):
        build(kind)


if __name__ == "__main__":
    main()
