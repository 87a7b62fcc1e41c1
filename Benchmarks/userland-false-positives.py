#!/usr/bin/env python3
"""False positives of the userland, rootfs and kernel rules on clean systems.

Scans, with the release build and the default rules:
  1. the debootstrap'd bookworm trees (Benchmarks/build-trees.sh), one scan each;
  2. the installed libraries of the Debian packages whose look-alike behaviour the rules must
     tolerate (fakeroot, eatmydata, proxychains, faketime, asan, jemalloc, tcmalloc, OpenSSL, PAM
     modules, plus the library packages the front-ends depend on), copied into a temporary tree at
     their installed paths, with an etc/ld.so.preload, etc/environment, a profile script and a
     systemd unit that preload them, and a PAM stack naming the installed modules, so the
     configuration rules see legitimate preloads too.

Prints a Markdown report: per target the files, ELF files, seconds, findings by severity, and
every finding at medium or above. Exits 1 if there is any. Usage:

    python3 Benchmarks/userland-false-positives.py [--binary .build/release/backsight]
        [--trees /var/tmp/backsight-trees] [--no-build]

Missing packages are installed with apt-get when running as root (they are Debian packages).
"""
import argparse
import json
import os
import pathlib
import resource
import shutil
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
ARCHS = ["amd64", "arm64", "armhf", "mipsel"]
PACKAGES = ["fakeroot", "libeatmydata1", "proxychains4", "faketime", "libasan8", "libjemalloc2",
            "libtcmalloc-minimal4", "libssl3", "libpam-modules"]
# The front-end packages keep their preload libraries in these dependencies.
DEPENDENCIES = ["libfakeroot", "libproxychains4", "libfaketime"]
MEDIUM = {"medium", "high", "critical"}


def installed(package):
    result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return result.returncode == 0 and "install ok installed" in result.stdout


def ensure_packages(packages):
    missing = [p for p in packages if not installed(p)]
    if missing and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", *missing], check=True,
                       stdout=subprocess.DEVNULL)
    return [p for p in packages if not installed(p)]


def elf_files(package):
    listing = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        path = pathlib.Path(line)
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    yield path


def build_package_tree(root, packages):
    """Copies every ELF file of the packages to its installed path below root, and writes
    configuration files that preload the interposers and a PAM stack of the installed modules."""
    copied = []
    for package in packages:
        for path in elf_files(package):
            target = root / path.relative_to("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            copied.append(str(path))
    preloads = [p for p in copied if (
        "libeatmydata.so" in p or "libjemalloc" in p or "libtcmalloc_minimal.so" in p
        or "libfakeroot-sysv" in p or "libproxychains" in p or "libfaketime.so" in p)]
    etc = root / "etc"
    (etc / "profile.d").mkdir(parents=True, exist_ok=True)
    (etc / "systemd" / "system").mkdir(parents=True, exist_ok=True)
    (etc / "pam.d").mkdir(parents=True, exist_ok=True)
    (etc / "ld.so.preload").write_text("\n".join(preloads) + "\n")
    (etc / "environment").write_text(f"LD_PRELOAD={':'.join(preloads)}\n")
    (etc / "profile.d" / "preload.sh").write_text(f"export LD_PRELOAD=\"{' '.join(preloads)}\"\n")
    (etc / "systemd" / "system" / "fast.service").write_text(
        "[Service]\nEnvironment=\"LD_PRELOAD=" + " ".join(preloads) + "\"\nExecStart=/usr/bin/true\n")
    modules = sorted({pathlib.Path(p).name for p in copied if "/security/pam_" in p})
    stack = []
    for index, module in enumerate(modules):
        stack.append(f"{['auth', 'account', 'session', 'password'][index % 4]} optional {module}")
    (etc / "pam.d" / "everything").write_text("\n".join(stack) + "\n")
    return copied, preloads, modules


def scan(binary, root):
    started = time.monotonic()
    result = subprocess.run([binary, "scan", str(root), "--format", "jsonl", "--fail-on", "critical"],
                            capture_output=True, text=True)
    seconds = time.monotonic() - started
    if result.returncode not in (0, 1):
        sys.exit(f"scan of {root} failed: {result.stderr}")
    summary, findings = {}, []
    for line in result.stdout.splitlines():
        entry = json.loads(line)
        if entry.get("type") == "summary":
            summary = entry
        elif entry.get("findings"):
            for finding in entry["findings"]:
                findings.append((entry["path"], finding["ruleID"], finding["severity"]))
    return seconds, summary, findings


def gate_names():
    """The export names that open the XOR-string search (the engine's gate lists)."""
    names = set()
    for name in ["libc-hiding-set", "auth-set", "network-set", "ssh-crypto-set", "log-hiding-set"]:
        text = (REPO / "Rules" / "lists" / f"{name}.yaml").read_text()
        names.update(line.strip()[2:] for line in text.splitlines() if line.startswith("  - "))
    return names


def gated_objects(root):
    """ELF files under root that export a gate name (readelf), and all ELF files."""
    names, gated, total = gate_names(), [], 0
    for directory, _, files in os.walk(root):
        for file in files:
            path = pathlib.Path(directory) / file
            if path.is_symlink() or not path.is_file():
                continue
            with open(path, "rb") as handle:
                if handle.read(4) != b"\x7fELF":
                    continue
            total += 1
            symbols = subprocess.run(["readelf", "--dyn-syms", "-W", str(path)], capture_output=True, text=True).stdout
            exported = {f[7].split("@")[0] for f in (l.split() for l in symbols.splitlines())
                        if len(f) >= 8 and f[6] != "UND" and f[4] in ("GLOBAL", "WEAK")}
            if exported & names:
                gated.append(str(path.relative_to(root)))
    return gated, total


def gate_cost(binary, root, runs=5):
    """Best-of-runs CPU seconds (user + system, less sensitive than wall time to other load on
    the machine) of a scan with and without the XOR-string rule."""
    def best(extra):
        times = []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([binary, "scan", str(root), "--format", "jsonl", "--fail-on", "critical", *extra],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        return min(times)
    return best([]), best(["--exclude-rule", "userland/xor-hidden-strings"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=str(REPO / ".build" / "release" / "backsight"))
    parser.add_argument("--trees", default="/var/tmp/backsight-trees")
    parser.add_argument("--no-build", action="store_true")
    arguments = parser.parse_args()
    if not arguments.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "backsight"], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL)
    missing = ensure_packages(PACKAGES + DEPENDENCIES)
    rows, problems = [], []
    targets = [(f"bookworm-{arch}", pathlib.Path(arguments.trees) / f"bookworm-{arch}") for arch in ARCHS]
    with tempfile.TemporaryDirectory(prefix="backsight-fp-") as temporary:
        package_root = pathlib.Path(temporary) / "packages"
        present = [p for p in PACKAGES + DEPENDENCIES if p not in missing]
        copied, preloads, modules = build_package_tree(package_root, present)
        targets.append(("packages", package_root))
        for name, root in targets:
            if not root.is_dir():
                rows.append(f"| {name} | missing | | | | |")
                continue
            seconds, summary, findings = scan(arguments.binary, root)
            severities = {}
            for _, _, severity in findings:
                severities[severity] = severities.get(severity, 0) + 1
            bad = [f for f in findings if f[2] in MEDIUM]
            problems += [(name, *f) for f in bad]
            by_severity = ", ".join(f"{count} {severity}" for severity, count in sorted(severities.items())) or "none"
            rows.append(f"| {name} | {summary.get('regularFiles', 0)} | {summary.get('elfFiles', 0)} | "
                        f"{seconds:.2f} | {by_severity} | {len(bad)} |")
    print("| target | files | ELF | seconds | findings by severity | medium or above |")
    print("|---|---:|---:|---:|---|---:|")
    print("\n".join(rows))
    print()
    print(f"Package tree: {len(copied)} ELF files from {', '.join(present)}; "
          f"{len(preloads)} of them preloaded from etc/ld.so.preload, etc/environment, "
          f"etc/profile.d/preload.sh and etc/systemd/system/fast.service; {len(modules)} PAM modules "
          f"in etc/pam.d/everything.")
    if missing:
        print(f"Not installed (skipped): {', '.join(missing)}")
    amd64 = pathlib.Path(arguments.trees) / "bookworm-amd64"
    if amd64.is_dir():
        gated, total = gated_objects(amd64)
        with_rule, without_rule = gate_cost(arguments.binary, amd64)
        print()
        print(f"XOR-string gate on bookworm-amd64: {len(gated)} of {total} ELF files export a name of the "
              f"interposition lists and are searched ({', '.join(sorted(gated))}); the rest pay one pass over "
              f"their export names. Scan CPU time, best of 5: {with_rule:.2f} s with userland/xor-hidden-strings, "
              f"{without_rule:.2f} s without it.")
    print()
    if problems:
        print("Findings at medium or above:")
        for target, path, rule, severity in problems:
            print(f"- {target}: {path}: {rule} ({severity})")
        return 1
    print("No finding at medium or above.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
