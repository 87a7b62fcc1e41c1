#ifndef BACKSIGHT_CMALLOC_SHIM_H
#define BACKSIGHT_CMALLOC_SHIM_H
/// glibc's malloc.h (malloc_trim), which the Glibc module does not import.
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif
#endif
