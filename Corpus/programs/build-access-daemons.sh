#!/usr/bin/env bash
# Builds the access-backdoor daemons and their hard negatives (Corpus/programs/*/src of the
# samples below) for x86-64, aarch64, armhf and mipsel, dynamic (PIE), in four variants:
#   gcc-O2            gcc -O2, symbols kept
#   gcc-O0            gcc -O0 -fno-omit-frame-pointer -fstack-protector-all
#   gcc-O2-stripped   gcc -O2, strip --strip-all
#   clang-O2-stripped clang-14 -O2 (the target's gcc libraries), strip --strip-all
# into <sample>/<arch>/<variant>/<name>. Called from Corpus/build.sh; can run alone.
#
# The samples are INERT: compiled only, never run.
set -euo pipefail
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=0
umask 022
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CORPUS="$(dirname "$HERE")"
cd "$HERE"

COMMON="-pipe -Wall -ffile-prefix-map=$CORPUS=. -fno-asynchronous-unwind-tables -fPIE -pie"
LDFLAGS="-Wl,--build-id=sha1 -Wl,-z,max-page-size=4096 -Wl,-z,common-page-size=4096"
SAMPLES="telnet-master-password:telnetd_master telnet-shadow-login:telnetd_shadow http-magic-header:httpd_magic
http-header-parser:httpd_plain udp-magic-command:udp_magic"
VARIANTS="gcc-O2 gcc-O0 gcc-O2-stripped clang-O2-stripped"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

triple() {
	case "$1" in
	x86_64) echo x86_64-linux-gnu ;; aarch64) echo aarch64-linux-gnu ;;
	armhf) echo arm-linux-gnueabihf ;; mipsel) echo mipsel-linux-gnu ;;
	esac
}

for arch in x86_64 aarch64 armhf mipsel; do
	t="$(triple "$arch")"
	command -v "$t-gcc" >/dev/null || { echo "access daemons: no $t-gcc, skipping $arch" >&2; continue; }
	# A stand-in libcrypt.so.1 to link against (support/libcrypt-stub.c).
	mkdir -p "$TMP/$arch"
	"$t-gcc" -O2 -fPIC -shared -Wl,-soname,libcrypt.so.1 -o "$TMP/$arch/libcrypt.so" "$CORPUS/support/libcrypt-stub.c"
	for entry in $SAMPLES; do
		dir="${entry%%:*}" name="${entry##*:}"
		libs=""
		case "$name" in telnetd_*) libs="-L$TMP/$arch -lcrypt" ;; esac
		for variant in $VARIANTS; do
			case "$variant" in
			gcc-O2 | gcc-O2-stripped) cc="$t-gcc" flags="-O2" ;;
			gcc-O0) cc="$t-gcc" flags="-O0 -fno-omit-frame-pointer -fstack-protector-all" ;;
			clang-O2-stripped) cc="clang-14 --target=$t" flags="-O2" ;;
			esac
			mkdir -p "$dir/$arch/$variant"
			out="$dir/$arch/$variant/$name"
			target="$out"
			case "$variant" in *-stripped) target="$TMP/$name" ;; esac
			# shellcheck disable=SC2086
			$cc $flags $COMMON $LDFLAGS -o "$target" "$dir/src/$name.c" $libs
			case "$variant" in *-stripped) "$t-strip" --strip-all -o "$out" "$target" ;; esac
		done
	done
done
