#!/usr/bin/env bash
# Rebuilds only the backdoor-program samples (Corpus/programs/*/src) in their variant matrix:
# they are entries of the table in ../samples.py (executables: `link="pie"` for every sample in
# every variant, `link="static"` stripped static glibc builds of the backdoors in the base and
# STATIC_VARIANTS), built by ../build-matrix.py like the other samples. Corpus/build.sh builds
# them with everything else; this script is for iterating on the programs alone.
#
# The samples are INERT: compiled only, never run. The BPF filters they carry were compiled
# with `tcpdump -y EN10MB -dd '<expression>'` into src/*.h; src/*.tcpdump-d holds `tcpdump -d`
# of the same expression, which the tests compare with Backsight's decoding.
set -euo pipefail
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=0
umask 022
CORPUS="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$CORPUS"
for dir in programs/*/; do
	find "$dir" -mindepth 1 -maxdepth 1 -type d ! -name src -exec rm -rf {} +
done
CORPUS_ONLY=programs/ python3 build-matrix.py x86_64 armhf mipsel
rm -rf .build-tmp
