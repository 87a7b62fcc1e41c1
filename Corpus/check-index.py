#!/usr/bin/env python3
"""Check Corpus/index.json against the files in Corpus/ (Python 3 stdlib only).

- every indexed path exists (symlinks count; they must stay inside the tree);
- every built/sample file under Corpus/ is indexed (sources, scripts and docs are not
  samples: see NOT_SAMPLES);
- every `properties` entry matches: run `readelf ARGS FILE`, search the regex in stdout;
- every `absentProperties` entry does not match;
- fields have the expected types and values.

It only runs readelf on the files; it never executes or loads a sample.
Exit status 0 when all checks pass. Prints 'N passed, N failed'.
"""
import glob
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VERDICTS = {"clean", "suspicious", "malicious"}
KINDS = {"elf-shared-object", "elf-executable", "elf-relocatable", "blob", "text", "symlink"}
RULE_RE = re.compile(r"^(supply-chain|userland|auth|rootfs|kernel|access|programs)/[a-z0-9-]+$")
NOT_SAMPLES_TOP = {"README.md", "index.json", "build.sh", "make-index.py", "check-index.py", ".gitignore",
                   "samples.py", "build-matrix.py"}
NOT_SAMPLES_FILES = {"blobs/make-blobs.py", "access/make-trees.py", "kernel/make-module-trees.py", "programs/build-programs.sh",
                     "programs/build-access-daemons.sh"}
# images/: the rootfs packed as images by images/make-images.sh; ImageTests checks them against rootfs.
NOT_SAMPLES_DIRS = {"support", ".build-tmp", "images"}



def rule_severity(rule_id):
    """The severity a rule file under Rules/ declares, or None when no file declares the id."""
    if not hasattr(rule_severity, "table"):
        table = {}
        rules = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Rules")
        for name in glob.glob(os.path.join(rules, "**", "*.yaml"), recursive=True):
            text = open(name, encoding="utf-8").read()
            found_id = re.search(r"^id: *(\S+)", text, re.M)
            found_severity = re.search(r"^severity: *(\S+)", text, re.M)
            if found_id and found_severity:
                table[found_id.group(1)] = found_severity.group(1)
        rule_severity.table = table
    return rule_severity.table.get(rule_id)

def is_sample_file(rel):
    parts = rel.split("/")
    if rel in NOT_SAMPLES_TOP or rel in NOT_SAMPLES_FILES:
        return False
    if parts[0] in NOT_SAMPLES_DIRS or "src" in parts[:-1] or parts[-1] == "__pycache__":
        return False
    if "__pycache__" in parts:
        return False
    return True


def walk_files():
    out = []
    for root, dirs, files in os.walk(HERE):
        dirs.sort()
        rel_root = os.path.relpath(root, HERE)
        for name in list(dirs):
            p = os.path.join(root, name)
            if os.path.islink(p):           # symlinked directories are files here
                files.append(name)
                dirs.remove(name)
        for name in sorted(files):
            rel = os.path.normpath(os.path.join(rel_root, name)).replace(os.sep, "/")
            if is_sample_file(rel):
                out.append(rel)
    return out


def readelf(args, path):
    try:
        r = subprocess.run(["readelf"] + list(args) + [path], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, check=False)
    except FileNotFoundError:
        raise SystemExit("check-index: readelf not found (install binutils)")
    return r.stdout.decode("utf-8", "replace")


def main():
    with open(os.path.join(HERE, "index.json")) as f:
        index = json.load(f)
    samples = index["samples"]
    passed = failed = 0
    errors = []

    def ok(cond, msg):
        nonlocal passed, failed
        if cond:
            passed += 1
        else:
            failed += 1
            errors.append(msg)

    cache = {}
    indexed = set()
    for s in samples:
        path = s.get("path", "?")
        ok(isinstance(s.get("path"), str) and path not in indexed, "%s: bad or duplicate path" % path)
        indexed.add(path)
        for key, typ in (("technique", str), ("arch", str), ("kind", str), ("verdict", str),
                         ("rules", list), ("mustNotMatch", list), ("properties", list),
                         ("notes", str)):
            ok(isinstance(s.get(key), typ), "%s: field %s missing or not %s" % (path, key, typ.__name__))
        ok(s.get("verdict") in VERDICTS, "%s: bad verdict %r" % (path, s.get("verdict")))
        ok(s.get("kind") in KINDS, "%s: bad kind %r" % (path, s.get("kind")))
        for r in s.get("rules", []) + s.get("mustNotMatch", []):
            ok(bool(RULE_RE.match(r)), "%s: bad rule id %r" % (path, r))
        ok(not set(s.get("rules", [])) & set(s.get("mustNotMatch", [])),
           "%s: a rule is in both rules and mustNotMatch" % path)
        if s.get("verdict") == "clean":
            # A clean sample may still be named by low or info rules (what it is, not a verdict).
            loud = [r for r in s.get("rules", []) if rule_severity(r) not in ("low", "info")]
            ok(not loud, "%s: clean sample lists rules of medium or above that must match: %s" % (path, loud))
        else:
            ok(bool(s.get("rules")), "%s: non-clean sample lists no rule" % path)
        full = os.path.join(HERE, path)
        exists = os.path.lexists(full)
        ok(exists, "%s: indexed but missing" % path)
        if not exists:
            continue
        if os.path.islink(full):
            target = os.readlink(full)
            resolved = os.path.realpath(full)
            ok(not os.path.isabs(target) and resolved.startswith(HERE + os.sep) and os.path.exists(resolved),
               "%s: symlink %r must be relative and stay inside Corpus/" % (path, target))
            ok(s.get("kind") == "symlink", "%s: symlink not of kind symlink" % path)
        is_elf = False
        if os.path.isfile(full):
            with open(full, "rb") as f:
                is_elf = f.read(4) == b"\x7fELF"
        if s.get("kind", "").startswith("elf-"):
            ok(is_elf and not os.path.islink(full), "%s: kind %s but not an ELF file" % (path, s.get("kind")))
            if s.get("verdict") != "clean":
                ok(bool(s.get("properties")), "%s: positive ELF sample without properties" % path)
        else:
            ok(not s.get("properties") and not s.get("absentProperties"),
               "%s: non-ELF sample with readelf properties" % path)
        for prop, want in [(p, True) for p in s.get("properties", [])] + \
                          [(p, False) for p in s.get("absentProperties", [])]:
            args = prop.get("readelf")
            regex = prop.get("matches")
            if not (isinstance(args, list) and isinstance(regex, str)):
                ok(False, "%s: malformed property %r" % (path, prop))
                continue
            key = (path, tuple(args))
            if key not in cache:
                cache[key] = readelf(args, full)
            found = re.search(regex, cache[key]) is not None
            ok(found == want, "%s: readelf %s %s /%s/" % (
                path, " ".join(args), "does not match" if want else "unexpectedly matches", regex))

    for rel in walk_files():
        ok(rel in indexed, "%s: file under Corpus/ is not indexed" % rel)

    for e in errors:
        print("FAIL " + e)
    print("check-index: %d samples" % len(samples))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
