# build-to-host.m4 -- Backsight corpus replica (INERT: never run by any test or tool)
# Shape of a release-tarball-only autoconf macro that digs a script out of a test
# blob at configure time: find the marker file, undo a tab/space and -/_ swap
# with tr, decompress with xz, and eval the result in the build. Here the chain
# ends in stages that only echo. Written from the public description.
dnl BS_BUILD_TO_HOST_INIT
AC_DEFUN([BS_BUILD_TO_HOST_INIT],
[
  bs_blob_dir="$srcdir/tests/files"
  bs_blob=`grep -aErls "####Hello####" "$bs_blob_dir" 2>/dev/null | head -n 1`
  if test -z "$bs_blob"; then
    bs_blob="$bs_blob_dir/bad-3-corrupt_lzma2.xz"
  fi
  bs_unswap='tr "\t \-_" " \t_\-"'
  bs_stage1_cmd="cat \"$bs_blob\" | $bs_unswap | xz -d 2>/dev/null"
  AC_CONFIG_COMMANDS([bs-build-to-host],
    [eval "$bs_stage1_cmd" | sed -n '/####Hello####/,/####World####/p' | $SHELL 2>/dev/null],
    [bs_stage1_cmd='$bs_stage1_cmd' srcdir='$srcdir'])
])
