#!/usr/bin/env bash
# Builds the backdoor-program samples (Corpus/programs/*/src) for x86-64, armhf and mipsel:
# <sample>/<arch>/<name>, dynamic (PIE), for every sample; <name>-static-stripped (static glibc,
# no symbols: only system calls name what it does) for the samples in STATIC, which are large.
# Called from Corpus/build.sh; can run alone.
#
# The samples are INERT: compiled only, never run. The BPF filters they carry were compiled
# with `tcpdump -y EN10MB -dd '<expression>'` into src/*.h; src/*.tcpdump-d holds `tcpdump -d`
# of the same expression, which the tests compare with Backsight's decoding.
set -euo pipefail
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=0
umask 022
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CORPUS="$(dirname "$HERE")"
cd "$HERE"

CFLAGS="-O2 -pipe -Wall -ffile-prefix-map=$CORPUS=. -fno-asynchronous-unwind-tables"
LDFLAGS="-Wl,--build-id=sha1 -Wl,-z,max-page-size=4096 -Wl,-z,common-page-size=4096"

TMPDIR_PROGRAMS="$(mktemp -d)"
trap 'rm -rf "$TMPDIR_PROGRAMS"' EXIT

cc_of() {
	case "$1" in
	x86_64) echo x86_64-linux-gnu-gcc ;;
	armhf) echo arm-linux-gnueabihf-gcc ;;
	mipsel) echo mipsel-linux-gnu-gcc ;;
	esac
}
strip_of() { echo "${1%-gcc}-strip"; }

SAMPLES="magic-packet-listener:magic_listener bind-shell:bind_shell reverse-shell:reverse_shell
kthread-masquerade:kthread_name dhcp-like-client:dhcp_client telnetd-like:telnetd_like pty-multiplexer:pty_mux"
STATIC="magic_listener bind_shell reverse_shell"

for arch in x86_64 armhf mipsel; do
	cc="$(cc_of "$arch")"
	command -v "$cc" >/dev/null || { echo "programs: no $cc, skipping $arch" >&2; continue; }
	for entry in $SAMPLES; do
		dir="${entry%%:*}" name="${entry##*:}"
		libs=""
		[ "$name" = telnetd_like ] && libs="-lutil"
		mkdir -p "$dir/$arch"
		# shellcheck disable=SC2086
		"$cc" $CFLAGS -fPIE -pie $LDFLAGS -o "$dir/$arch/$name" "$dir/src/$name.c" $libs
		case " $STATIC " in *" $name "*) ;; *) continue ;; esac
		# shellcheck disable=SC2086
		"$cc" $CFLAGS -static $LDFLAGS -o "$TMPDIR_PROGRAMS/$name-static" "$dir/src/$name.c" $libs 2>/dev/null
		"$(strip_of "$cc")" -o "$dir/$arch/$name-static-stripped" "$TMPDIR_PROGRAMS/$name-static"
	done
done
