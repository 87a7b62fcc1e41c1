#ifndef BACKSIGHT_CPCRE2_SHIM_H
#define BACKSIGHT_CPCRE2_SHIM_H
// The 8-bit library: subjects and patterns are bytes. pcre2.h requires the width before it is
// included, and maps pcre2_compile etc. to pcre2_compile_8 with macros Swift does not import.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>

// The option bits and result codes Backsight uses, as constants Swift sees with one type.
static const uint32_t backsight_pcre2_caseless = PCRE2_CASELESS;
static const uint32_t backsight_pcre2_dollar_endonly = PCRE2_DOLLAR_ENDONLY;
static const uint32_t backsight_pcre2_never_utf = PCRE2_NEVER_UTF;
static const uint32_t backsight_pcre2_never_ucp = PCRE2_NEVER_UCP;
static const uint32_t backsight_pcre2_newline_lf = PCRE2_NEWLINE_LF;
static const uint32_t backsight_pcre2_jit_complete = PCRE2_JIT_COMPLETE;
static const int backsight_pcre2_error_nomatch = PCRE2_ERROR_NOMATCH;
static const int backsight_pcre2_error_matchlimit = PCRE2_ERROR_MATCHLIMIT;
static const int backsight_pcre2_error_depthlimit = PCRE2_ERROR_DEPTHLIMIT;
static const int backsight_pcre2_error_heaplimit = PCRE2_ERROR_HEAPLIMIT;
static const int backsight_pcre2_error_jit_stacklimit = PCRE2_ERROR_JIT_STACKLIMIT;

/// Assigns `stack` to `context` (pcre2_jit_stack_assign takes a callback; NULL means "use the
/// data as the stack").
static inline void backsight_pcre2_assign_jit_stack(pcre2_match_context_8 *context, pcre2_jit_stack_8 *stack) {
    pcre2_jit_stack_assign_8(context, NULL, stack);
}
#endif
