# bs-check-flag.m4 -- Backsight corpus hard negative (inert)
# An ordinary autoconf helper: checks whether the C compiler accepts a flag.
# It reads no test files, decodes nothing and evals nothing.
dnl BS_CHECK_CFLAG(FLAG, [ACTION-IF-OK], [ACTION-IF-NOT])
AC_DEFUN([BS_CHECK_CFLAG],
[
  AC_MSG_CHECKING([whether $CC accepts $1])
  bs_save_CFLAGS="$CFLAGS"
  CFLAGS="$CFLAGS $1"
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [return 0;])],
    [AC_MSG_RESULT([yes]); $2],
    [AC_MSG_RESULT([no]); $3])
  CFLAGS="$bs_save_CFLAGS"
])
