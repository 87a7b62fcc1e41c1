#!/usr/bin/env python3
"""Build every sample of samples.SAMPLES in every variant of samples.VARIANTS.

Called by build.sh (after it has removed the old outputs and checked the toolchains) with the
architectures whose cross compiler is present:  build-matrix.py x86_64 aarch64 ...
Runs from Corpus/ with relative paths so the output does not depend on the checkout path.
The samples are compiled only, never run or loaded.
"""
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import samples  # noqa: E402

TMP = ".build-tmp/matrix"
TRIPLES = {"x86_64": "x86_64-linux-gnu", "aarch64": "aarch64-linux-gnu",
           "armhf": "arm-linux-gnueabihf", "mipsel": "mipsel-linux-gnu", "mips": "mips-linux-gnu"}
LOADERS = {"x86_64": "ld-linux-x86-64.so.2", "aarch64": "ld-linux-aarch64.so.1",
           "armhf": "ld-linux-armhf.so.3", "mipsel": "ld.so.1", "mips": "ld.so.1"}
CLANG = "clang-14"
LLD = "ld.lld-14"

COMMON = ["-pipe", "-fPIC", "-Wall", "-Wno-unused-const-variable", "-Wno-unused-function",
          "-ffile-prefix-map=%s=." % HERE, "-Isupport"]
LINKS = {"shared": ["-shared"], "pie": ["-fPIE", "-pie"], "static": ["-static"]}
LDFLAGS = ["-Wl,--build-id=sha1", "-Wl,-z,max-page-size=4096", "-Wl,-z,common-page-size=4096",
           "-Wl,-z,noseparate-code"]


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise RuntimeError("failed: %s\n%s" % (" ".join(cmd), r.stdout))


def driver(arch, variant):
    if variant.compiler == "gcc":
        cmd = ["%s-gcc" % TRIPLES[arch]]
    else:
        cmd = [CLANG, "--target=%s" % TRIPLES[arch]]
    if variant.linker == "lld":
        cmd += ["-fuse-ld=lld", "--ld-path=%s" % shutil.which(LLD)]
        if arch.startswith("mips"):
            # libgcc.a's non-PIC .eh_frame (64-bit division helpers) needs a text
            # relocation, which GNU ld emits silently and lld only when allowed.
            cmd.append("-Wl,-z,notext")
    return cmd


def variant_flags(variant):
    """Flags after the sample's own, so the variant decides (the base adds none)."""
    if variant.base:
        return []
    flags = ["-" + variant.opt]
    flags += {"on": ["-fno-omit-frame-pointer"], "off": ["-fomit-frame-pointer"]}.get(variant.fp, [])
    flags += {"all": ["-fstack-protector-all"], "off": ["-fno-stack-protector"]}.get(variant.ssp, [])
    if variant.stripped:
        flags.append("-fvisibility=hidden")
    return flags


def substitute(arg, arch):
    if arg == "{loader}":
        r = subprocess.run(["%s-gcc" % TRIPLES[arch], "-print-file-name=%s" % LOADERS[arch]],
                           stdout=subprocess.PIPE, text=True, check=True)
        return r.stdout.strip()
    if arg == "{libpam}":
        return "%s/%s/libpam.so.0" % (TMP, arch)
    return arg


def build(sample, arch, variant):
    out = sample.path(arch, variant)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    target = out
    stripped = variant.stripped or sample.strip
    if stripped:
        target = "%s/%s/%s/%s" % (TMP, arch, variant.name, sample.dir.replace("/", "_") + "_" + sample.out)
        os.makedirs(os.path.dirname(target), exist_ok=True)
    cmd = driver(arch, variant) + ["-O2"] + COMMON + LINKS[sample.link] + LDFLAGS
    if sample.link == "shared":
        cmd += ["-Wl,-soname,%s" % (sample.soname or sample.out)]
    cmd += ["-o", target]
    cmd += list(sample.arch_args.get(arch, ()))
    cmd += [substitute(a, arch) for a in sample.args]
    cmd += variant_flags(variant)
    run(cmd)
    if stripped:
        run(["%s-strip" % TRIPLES[arch], "--strip-all", "-o", out, target])
    return out


def main(archs):
    run([sys.executable, "preload/rootkit/src/gen-strings.py"])
    for a in archs:   # link-time stand-in for libpam.so.0 (not shipped)
        os.makedirs("%s/%s" % (TMP, a), exist_ok=True)
        run(["%s-gcc" % TRIPLES[a], "-O2"] + COMMON + ["-shared"] + LDFLAGS +
            ["-Wl,-soname,libpam.so.0", "-o", "%s/%s/libpam.so.0" % (TMP, a), "support/libpam-stub.c"])
    only = os.environ.get("CORPUS_ONLY", "")      # e.g. CORPUS_ONLY=preload/hider while iterating
    jobs = [(s, a, v) for s in samples.SAMPLES if only in s.dir for a in s.archs if a in archs
            for v in samples.VARIANTS if s.builds(v)]
    def attempt(job):
        try:
            build(*job)
            return None
        except RuntimeError as error:
            return str(error)
    with ThreadPoolExecutor(max_workers=int(os.environ.get("CORPUS_JOBS", "2"))) as pool:
        failures = [f for f in pool.map(attempt, jobs) if f]
    for failure in failures:
        print(failure, file=sys.stderr)
    print("corpus: built %d of %d matrix files" % (len(jobs) - len(failures), len(jobs)), file=sys.stderr)
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    os.chdir(HERE)
    main(sys.argv[1:])
