// Swift cannot import libelf's function-like macros; these wrappers expose them.
#ifndef BACKSIGHT_CELF_SHIM_H
#define BACKSIGHT_CELF_SHIM_H
#include <libelf.h>
#include <gelf.h>
#include <elf.h>

static inline unsigned char backsight_st_type(unsigned char info) { return GELF_ST_TYPE(info); }
static inline unsigned char backsight_st_bind(unsigned char info) { return GELF_ST_BIND(info); }
static inline unsigned char backsight_st_visibility(unsigned char other) { return GELF_ST_VISIBILITY(other); }
static inline unsigned long long backsight_r_sym(unsigned long long info) { return GELF_R_SYM(info); }
static inline unsigned long long backsight_r_type(unsigned long long info) { return GELF_R_TYPE(info); }
static inline unsigned int backsight_elf_version_current(void) { return EV_CURRENT; }
#endif
