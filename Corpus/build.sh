#!/usr/bin/env bash
# Backsight corpus build (called by `make corpus`, or run as `bash Corpus/build.sh`).
#
# Rebuilds every corpus sample from the sources under Corpus/*/*/src, for every
# architecture: the samples of the table in samples.py in every variant of its matrix
# (build-matrix.py: gcc and clang, GNU ld and lld, -O0/-O2/-Os, frame pointer and stack
# protector on and off, stripped with hidden visibility), the others here; then regenerates the test blobs, the rootfs copies, index.json and
# README.md, and runs check-index.py. Idempotent and deterministic: two runs give
# byte-identical files (fixed flags, relative source paths, -ffile-prefix-map,
# --build-id=sha1, no timestamps).
#
# The samples are INERT: they are compiled only. Nothing here (or in any test)
# executes, loads or dlopen()s them.
#
# Missing cross compilers are installed with apt-get when run as root. Set
# CORPUS_SKIP_MISSING=1 to skip architectures whose toolchain is missing instead
# of failing (the index check will then report the missing files).
set -euo pipefail
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=0
umask 022

CORPUS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$CORPUS"
TMP=.build-tmp
rm -rf "$TMP"
mkdir -p "$TMP"
trap 'rm -rf "$CORPUS/$TMP"' EXIT

MAIN_ARCHS="x86_64 aarch64 armhf mipsel mips"
ALL_ARCHS="x86_64 i386 aarch64 armhf mipsel mips riscv64 ppc64le ppc64"

log() { printf 'corpus: %s\n' "$*" >&2; }

triple() {
	case "$1" in
	x86_64) echo x86_64-linux-gnu ;;
	i386) echo i686-linux-gnu ;;
	aarch64) echo aarch64-linux-gnu ;;
	armhf) echo arm-linux-gnueabihf ;;
	mipsel) echo mipsel-linux-gnu ;;
	mips) echo mips-linux-gnu ;;
	riscv64) echo riscv64-linux-gnu ;;
	ppc64le) echo powerpc64le-linux-gnu ;;
	ppc64) echo powerpc64-linux-gnu ;;
	*) echo "unknown-arch-$1" ;;
	esac
}

debarch() {
	case "$1" in
	x86_64) echo amd64 ;; i386) echo i386 ;; aarch64) echo arm64 ;; armhf) echo armhf ;;
	mipsel) echo mipsel ;; mips) echo mips ;; riscv64) echo riscv64 ;;
	ppc64le) echo ppc64el ;; ppc64) echo ppc64 ;;
	esac
}

# The dynamic loader's SONAME, for the sample that links against it explicitly.
loader() {
	case "$1" in
	x86_64) echo ld-linux-x86-64.so.2 ;; i386) echo ld-linux.so.2 ;;
	aarch64) echo ld-linux-aarch64.so.1 ;; armhf) echo ld-linux-armhf.so.3 ;;
	mipsel | mips) echo ld.so.1 ;; riscv64) echo ld-linux-riscv64-lp64d.so.1 ;;
	ppc64le) echo ld64.so.2 ;; ppc64) echo ld64.so.1 ;;
	esac
}

# GCC has no IFUNC support for MIPS (neither attribute nor symbol type).
has_ifunc() { case "$1" in mips | mipsel) return 1 ;; *) return 0 ;; esac; }

cc_of() { echo "$(triple "$1")-gcc"; }
tool() { echo "$(triple "$1")-$2"; }

packages_for() {
	local a="$1" host
	host="$(dpkg --print-architecture 2>/dev/null || echo unknown)"
	if [ "$(debarch "$a")" = "$host" ]; then
		echo "gcc libc6-dev binutils"
	else
		local t
		t="$(triple "$a")"
		echo "gcc-${t//_/-} libc6-dev-$(debarch "$a")-cross binutils-${t//_/-}"
	fi
}

apt_install() {
	local try
	for try in 1 2 3 4 5 6 7 8 9 10 11 12; do
		if DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2; then
			return 0
		fi
		if [ "$try" = 2 ]; then
			apt-get update >&2 || true
		fi
		log "apt-get install failed (dpkg lock?), retrying in 10s ($try/12)"
		sleep 10
	done
	return 1
}

ARCHS_OK=""
ensure_toolchains() {
	local a missing="" pkgs=""
	command -v python3 >/dev/null || missing="python3"
	for a in $ALL_ARCHS; do
		if ! command -v "$(cc_of "$a")" >/dev/null 2>&1 ||
			! command -v "$(tool "$a" objcopy)" >/dev/null 2>&1; then
			pkgs="$pkgs $(packages_for "$a")"
		fi
	done
	[ -n "$missing" ] && pkgs="$pkgs python3"
	command -v clang-14 >/dev/null || pkgs="$pkgs clang-14"
	command -v ld.lld-14 >/dev/null || pkgs="$pkgs lld-14"
	if [ -n "$pkgs" ]; then
		if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
			log "installing:$pkgs"
			# shellcheck disable=SC2086
			apt_install $pkgs || log "could not install all of:$pkgs"
		else
			log "missing toolchains (not root, not installing):$pkgs"
		fi
	fi
	for a in $ALL_ARCHS; do
		if command -v "$(cc_of "$a")" >/dev/null 2>&1; then
			ARCHS_OK="$ARCHS_OK $a"
		elif [ "${CORPUS_SKIP_MISSING:-0}" = 1 ]; then
			log "skipping $a: no $(cc_of "$a")"
		else
			log "error: no $(cc_of "$a"); install $(packages_for "$a") or set CORPUS_SKIP_MISSING=1"
			exit 1
		fi
	done
}

have() { case " $ARCHS_OK " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# ---- flags ----------------------------------------------------------------------
CFLAGS_BASE="-O2 -pipe -fPIC -Wall -Wno-unused-const-variable -Wno-unused-function -ffile-prefix-map=$CORPUS=. -Isupport"
LDFLAGS_BASE="-Wl,--build-id=sha1 -Wl,-z,max-page-size=4096 -Wl,-z,common-page-size=4096 -Wl,-z,noseparate-code"

# so ARCH OUT SONAME [extra cc args: flags, sources, libraries]
so() {
	local a="$1" out="$2" soname="$3"
	shift 3
	mkdir -p "$(dirname "$out")"
	# shellcheck disable=SC2086
	"$(cc_of "$a")" $CFLAGS_BASE -shared $LDFLAGS_BASE -Wl,-soname,"$soname" -o "$out" "$@"
}

# obj ARCH OUT [extra cc args]
obj() {
	local a="$1" out="$2"
	shift 2
	mkdir -p "$(dirname "$out")"
	# shellcheck disable=SC2086
	"$(cc_of "$a")" $CFLAGS_BASE -c -o "$out" "$@"
}

# ---- samples ----------------------------------------------------------------------

build_xz_object() {
	have x86_64 || return 0
	local d=ifunc/xz-object t="$TMP/xz-object"
	mkdir -p "$t" "$d/x86_64"
	# Small-model PIC part: the hijack code, one .text.* section per function,
	# a hidden function called through a non-relaxable GOTPCREL.
	obj x86_64 "$t/small.o" -ffunction-sections -fdata-sections -Wa,-mrelax-relocations=no \
		-DBS_OBJECT_TELLS ifunc/xz-got-hijack/src/crc_hijack.c
	# Large-model part: GOT64/GOTOFF64/PLTOFF64 relocations, some in .rodata.
	obj x86_64 "$t/large.o" -mcmodel=large "$d/src/crc64_large.c"
	"$(tool x86_64 ld)" -r -o "$t/combined.o" "$t/small.o" "$t/large.o"
	# No .comment; a local FUNC symbol named like an assembler temporary.
	"$(tool x86_64 objcopy)" --remove-section .comment \
		--redefine-sym crc_helper=.Lcrc_helper \
		"$t/combined.o" "$d/x86_64/liblzma_la-crc64-fast.o"
}

build_hello() {
	local a="$1" d=arch/hello noifunc=""
	has_ifunc "$a" || noifunc="-DBS_NO_IFUNC"
	# shellcheck disable=SC2086
	so "$a" "$d/$a/libhello.so" libhello.so.1 $noifunc "$d/src/libhello.c" \
		-Wl,--version-script="$d/src/libhello.map"
	# shellcheck disable=SC2086
	obj "$a" "$d/$a/hello.o" $noifunc "$d/src/libhello.c"
	# shellcheck disable=SC2086
	"$(cc_of "$a")" ${CFLAGS_BASE/-fPIC/-fPIE} -pie $LDFLAGS_BASE -o "$d/$a/hello" \
		"$d/src/hello.c" "$d/$a/libhello.so"
	case "$a" in
	x86_64 | armhf)
		"$(tool "$a" strip)" --strip-all -o "$d/$a/libhello-stripped.so" "$d/$a/libhello.so"
		;;
	esac
}

# Kernel module samples: freestanding relocatable objects shaped like .ko files (see
# Corpus/kernel/src/kshape.h). Not built with kbuild: Debian's arm64 header package ships
# arm64 host tools (fixdep, modpost) that do not run on an amd64 build machine.
KERNEL_SAMPLES_BOTH="module-hide:hide inline-hook:inline_hook ftrace-hook:ftrace_hook
	ftrace-hook-static:ftrace_static ftrace-hook-legacy:ftrace_legacy plain-driver:driver kprobe-tracer:kprobe_tracer
	ftrace-tracer:ftrace_tracer livepatch-sample:livepatch packet-shell:packet_shell
	packet-shell-raw:packet_shell_raw packet-helper:packet_helper event-shell:event_shell kprobe-shell:kprobe_shell"
KERNEL_SAMPLES_X86="syscall-hook:rootkit"

# kernel_module ARCH SAMPLE SOURCE-BASENAME
kernel_module() {
	local a="$1" sample="$2" src="$3" t="$TMP/kernel/$1" out kf
	case "$a" in
	x86_64) kf="-mcmodel=kernel -mno-red-zone -mno-sse -mno-mmx" ;;
	aarch64) kf="-mcmodel=small -mgeneral-regs-only" ;;
	esac
	out="kernel/$sample/$a/$sample.ko"
	[ "$sample" = syscall-hook ] && out="kernel/$sample/$a/rootkit.ko"
	mkdir -p "$t" "kernel/$sample/$a"
	# shellcheck disable=SC2086
	"$(cc_of "$a")" -O2 $kf -fno-pic -fno-pie -ffreestanding -fno-common \
		-fno-asynchronous-unwind-tables -fno-stack-protector -nostdinc -Wall \
		-ffile-prefix-map="$CORPUS"=. -c -o "$t/$src.o" "kernel/$sample/src/$src.c"
	"$(tool "$a" ld)" -r --build-id=sha1 -o "$out" "$t/$src.o"
}

build_kernel() {
	local a entry
	for a in x86_64 aarch64; do
		have "$a" || continue
		for entry in $KERNEL_SAMPLES_BOTH; do kernel_module "$a" "${entry%%:*}" "${entry#*:}"; done
	done
	if have x86_64; then
		for entry in $KERNEL_SAMPLES_X86; do kernel_module x86_64 "${entry%%:*}" "${entry#*:}"; done
	fi
}

# eBPF samples: each program compiled with clang -target bpfel (getdents-hide also bpfeb, as a
# big-endian host loads it), and a loader per architecture that embeds the object verbatim, as
# libbpf skeletons do (bpf/src/embed.py writes the array).
BPF_SAMPLES="getdents-hide:getdents_hide exec-trace:exec_trace pam-probe:pam_probe alloc-profile:alloc_profile"
build_bpf() {
	local entry sample src a targets
	for entry in $BPF_SAMPLES; do
		sample="${entry%%:*}" src="${entry#*:}"
		clang-14 -target bpfel -O2 -Wall -ffile-prefix-map="$CORPUS"=. -c -o "bpf/$sample/$sample.bpf.o" "bpf/$sample/src/$src.bpf.c"
		python3 bpf/src/embed.py "bpf/$sample/$sample.bpf.o" > "$TMP/$src.skel.h"
		# What the loader attaches the probes to by name at run time (libbpf's attach_uprobe).
		case "$sample" in
		pam-probe) targets='{ "/lib/x86_64-linux-gnu/libpam.so.0", "pam_get_authtok" }' ;;
		alloc-profile) targets='{ "/lib/x86_64-linux-gnu/libc.so.6", "malloc" }' ;;
		*) targets='{ "", "" }' ;;
		esac
		for a in x86_64 aarch64; do
			have "$a" || continue
			mkdir -p "bpf/$sample/$a"
			# shellcheck disable=SC2086
			"$(cc_of "$a")" ${CFLAGS_BASE/-fPIC/-fPIE} -pie $LDFLAGS_BASE -I"$TMP" -DSKELETON="\"$src.skel.h\"" -DATTACH_TARGETS="$targets" \
				-o "bpf/$sample/$a/$sample-loader" bpf/src/loader.c
		done
	done
	clang-14 -target bpfeb -O2 -Wall -ffile-prefix-map="$CORPUS"=. -c -o bpf/getdents-hide/getdents-hide.bpfeb.o \
		bpf/getdents-hide/src/getdents_hide.bpf.c
}

build_rootfs() {
	have x86_64 || return 0
	local r=rootfs
	mkdir -p "$r/usr/lib/x86_64-linux-gnu/security" "$r/lib/x86_64-linux-gnu"
	install -m 0755 preload/rootkit/x86_64/libprocesshider.so "$r/usr/lib/libprocesshider.so"
	install -m 0755 auth/pam-master-password/x86_64/pam_backdoor.so \
		"$r/usr/lib/x86_64-linux-gnu/security/pam_backdoor.so"
	install -m 0755 arch/hello/x86_64/libhello.so "$r/lib/x86_64-linux-gnu/libhello.so.1"
	ln -sfn libhello.so.1 "$r/lib/x86_64-linux-gnu/libhello.so"
	ln -sfn ../../../lib/x86_64-linux-gnu/libhello.so.1 "$r/usr/lib/x86_64-linux-gnu/libhello.so.1"
}

# Remove previously built outputs so a rebuild never keeps stale files.
clean_outputs() {
	local a
	for a in $ALL_ARCHS; do
		find . -path ./rootfs -prune -o -type d -name "$a" -path './*/*/*' -print0 |
			xargs -0 -r rm -rf
	done
	rm -f rootfs/usr/lib/libprocesshider.so \
		rootfs/usr/lib/x86_64-linux-gnu/security/pam_backdoor.so \
		rootfs/lib/x86_64-linux-gnu/libhello.so.1 rootfs/lib/x86_64-linux-gnu/libhello.so \
		rootfs/usr/lib/x86_64-linux-gnu/libhello.so.1
}

main() {
	ensure_toolchains
	clean_outputs
	local a MATRIX_ARCHS=""
	for a in $MAIN_ARCHS; do
		have "$a" || continue
		MATRIX_ARCHS="$MATRIX_ARCHS $a"
	done
	log "building the variant matrix (samples.py) for$MATRIX_ARCHS"
	# shellcheck disable=SC2086
	python3 build-matrix.py $MATRIX_ARCHS
	build_xz_object
	build_kernel
	python3 kernel/make-module-trees.py
	build_bpf
	bash programs/build-access-daemons.sh
	for a in $ALL_ARCHS; do
		have "$a" || continue
		build_hello "$a"
	done
	build_rootfs
	python3 access/make-trees.py
	bash images/make-images.sh  # firmware and container images of rootfs (needs squashfs-tools)
	log "generating blobs"
	python3 blobs/make-blobs.py >&2
	log "writing index"
	python3 make-index.py
	python3 check-index.py
}

main "$@"
