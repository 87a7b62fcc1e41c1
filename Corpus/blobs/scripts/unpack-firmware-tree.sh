#!/bin/sh
# Backsight corpus hard negative (never run): an ordinary firmware packaging script. It
# evaluates settings, decompresses a tarball, skips a fixed header with head -c and sums
# bytes modulo 256 in awk for a checksum; nothing it decompresses becomes an object file.
set -e
eval "$(grep '^BOARD=' .config 2>/dev/null)"
xz -dc rootfs.tar.xz | tar -x -C staging
head -c 64 firmware.img > header.bin
tail -c +65 firmware.img > body.bin
sum=$(od -An -tu1 -v body.bin | awk '{for(i=1;i<=NF;i++) s=(s+$i)%256} END{print s}')
echo "board $BOARD checksum $sum"
