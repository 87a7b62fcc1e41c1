/*
 * backsight.h: the C API of libbacksight, the Backsight engine as a shared library.
 *
 * Version 1 of this interface (BACKSIGHT_API_VERSION). A later version only adds calls and
 * result codes; a call's meaning never changes within a major version.
 *
 * Conventions
 *   - Every call that can fail returns a backsight_result; BACKSIGHT_OK is 0.
 *   - Handles are opaque; each has one free function. Passing NULL to a free function does nothing.
 *   - Strings are UTF-8 and NUL-terminated. Strings the library returns for the caller to keep
 *     are freed with backsight_string_free; a backsight_error is cleared with backsight_error_clear.
 *   - Nothing of the implementation crosses this boundary: no exception, no unwinding, no
 *     language-specific type. Bad input to a call is a BACKSIGHT_ERROR_ARGUMENT, never a crash.
 *
 * Thread safety
 *   - backsight_version, backsight_api_version: any thread, any time.
 *   - backsight_rules: immutable once compiled. Any number of threads may scan with one rule set
 *     at the same time; each scan holds its own reference, so freeing the set never breaks one.
 *   - backsight_scan: one thread at a time calls backsight_scan_next / backsight_scan_each on a
 *     scan. backsight_scan_cancel may be called from any thread, at any time, while the scan
 *     handle is alive (before backsight_scan_free returns).
 *
 * Safety: the engine only reads what it scans. It never executes, loads or dlopens it, never
 * follows a symbolic link out of the scanned root and never opens FIFOs, sockets or devices.
 */
#ifndef BACKSIGHT_H
#define BACKSIGHT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The version of this interface, as backsight_api_version() returns it when the library matches. */
#define BACKSIGHT_API_VERSION 1

typedef enum backsight_result {
    BACKSIGHT_OK = 0,
    /** backsight_scan_next: the scan has delivered every report. */
    BACKSIGHT_DONE = 1,
    /** The scan was cancelled with backsight_scan_cancel. */
    BACKSIGHT_CANCELLED = 2,
    /** backsight_scan_each: the callback returned non-zero. */
    BACKSIGHT_STOPPED = 3,
    /** A NULL handle or pointer where one is required, or an option out of range. */
    BACKSIGHT_ERROR_ARGUMENT = 10,
    /** A rule or symbol-list file could not be compiled; the error names file, line and column. */
    BACKSIGHT_ERROR_COMPILE = 11,
    /** The path to scan does not exist or cannot be read. */
    BACKSIGHT_ERROR_ROOT = 12,
    /** backsight_liblzma_self_check: the liblzma this process runs with must not be trusted. */
    BACKSIGHT_ERROR_UNSAFE_LIBLZMA = 13,
    /** The call was made in the wrong state (a scan started twice, next before start). */
    BACKSIGHT_ERROR_STATE = 14
} backsight_result;

/**
 * What went wrong, filled in by calls that take a `backsight_error *` (which may be NULL).
 * Zero-initialise it before the first call; clear it with backsight_error_clear.
 */
typedef struct backsight_error {
    /** One line: `file:line:column: message` for compile errors, else a sentence. NULL when none. */
    char *message;
    /** For BACKSIGHT_ERROR_COMPILE: the rule file (or folder) at fault; else NULL. */
    char *file;
    /** For BACKSIGHT_ERROR_COMPILE: 1-based line and column in `file`; else 0. */
    unsigned line;
    unsigned column;
} backsight_error;

/** Frees the strings of `error` and zeroes it. */
void backsight_error_clear(backsight_error *error);

/** Frees a string the library returned. */
void backsight_string_free(char *string);

/** The engine version (`0.1.0`), the one written into reports. A static string: do not free. */
const char *backsight_version(void);

/** BACKSIGHT_API_VERSION of the library actually loaded. */
int backsight_api_version(void);

/* ---- Rules ------------------------------------------------------------------------------ */

typedef struct backsight_rules backsight_rules;

/**
 * Compiles every `*.yaml`/`*.yml` rule file under the `count` folders (recursively; files in a
 * folder named `lists` are symbol lists; a path naming a file is read as one file). With no
 * folders (`count` 0) the set is empty: scans then report files without findings.
 * On success `*rules` holds a new rule set. On BACKSIGHT_ERROR_COMPILE `error` names the file,
 * line and column.
 */
backsight_result backsight_rules_compile(const char *const *folders, size_t count, backsight_rules **rules,
                                         backsight_error *error);

/** The number of rules the set reports. */
size_t backsight_rules_count(const backsight_rules *rules);

void backsight_rules_free(backsight_rules *rules);

/**
 * Checks the liblzma this process runs with, as `backsight scan` does before scanning: refuses a
 * release that shipped the xz-utils backdoor (5.6.0, 5.6.1) and a library file that `rules` match
 * at high or critical severity. BACKSIGHT_OK when trusted, BACKSIGHT_ERROR_UNSAFE_LIBLZMA when
 * not. `*message` (if `message` is not NULL) receives one sentence either way; free it with
 * backsight_string_free.
 */
backsight_result backsight_liblzma_self_check(const backsight_rules *rules, char **message);

/* ---- Scans ------------------------------------------------------------------------------ */

typedef struct backsight_scan_options {
    /** Scanning threads; 0 for one per core. */
    unsigned jobs;
    /** Non-zero: do not open packages, archives or compressed files, nor decode embedded streams. */
    int no_unpack;
    /** Files larger than this many bytes are reported as skipped; 0 for the default (256 MiB). */
    uint64_t max_file_size;
    /** Seconds the analysis of one file may take before it is reported as skipped; 0 for the default (30). */
    double max_file_seconds;
} backsight_scan_options;

/** Fills `options` with the defaults. */
void backsight_scan_options_init(backsight_scan_options *options);

typedef struct backsight_scan backsight_scan;

/**
 * A new scan with `rules` and `options` (NULL for the defaults). The scan holds its own
 * reference to the rule set, which may be freed before the scan. Start it with
 * backsight_scan_start_path or backsight_scan_start_bytes.
 */
backsight_result backsight_scan_new(const backsight_rules *rules, const backsight_scan_options *options,
                                    backsight_scan **scan);

/**
 * Starts scanning `path`: a directory (walked in parallel, reports in no fixed order) or one
 * regular file. BACKSIGHT_ERROR_ROOT when it cannot be scanned at all. A scan starts once
 * (BACKSIGHT_ERROR_STATE the second time).
 */
backsight_result backsight_scan_start_path(backsight_scan *scan, const char *path, backsight_error *error);

/**
 * Starts scanning `length` bytes as if they were the file `virtual_path` inside a root (rules
 * that test the path see it). The bytes are copied: the buffer may be freed when this returns.
 * The reports of container members (`virtual_path!/usr/lib/x.so`) come first, then the file's.
 */
backsight_result backsight_scan_start_bytes(backsight_scan *scan, const void *bytes, size_t length,
                                            const char *virtual_path, backsight_error *error);

/**
 * Waits for the next file report and sets `*json` to it: one JSON object, byte for byte the
 * line `backsight scan --format jsonl` writes for the file (without the newline), `*length`
 * bytes long and NUL-terminated. It stays valid until the next call on this scan or its free.
 * BACKSIGHT_OK with a report, BACKSIGHT_DONE after the last, BACKSIGHT_CANCELLED once cancelled,
 * BACKSIGHT_ERROR_STATE before the scan was started.
 */
backsight_result backsight_scan_next(backsight_scan *scan, const char **json, size_t *length);

/** Receives one report (as backsight_scan_next gives it); returns 0 to go on, non-zero to stop. */
typedef int (*backsight_report_callback)(const char *json, size_t length, void *context);

/**
 * Calls `callback` on this thread with every remaining report. BACKSIGHT_OK when all were
 * delivered, BACKSIGHT_STOPPED when the callback returned non-zero (the scan is then cancelled),
 * BACKSIGHT_CANCELLED when the scan was cancelled.
 */
backsight_result backsight_scan_each(backsight_scan *scan, backsight_report_callback callback, void *context);

/**
 * Cancels the scan: the walk and the analysis stop soon (a file being analysed is finished
 * first), and every later backsight_scan_next / backsight_scan_each returns BACKSIGHT_CANCELLED.
 * A scan cancelled before it starts refuses to start (BACKSIGHT_CANCELLED). Any thread, any time.
 */
void backsight_scan_cancel(backsight_scan *scan);

/** Cancels the scan if it runs and frees the handle (threads still finishing a file let go on their own). */
void backsight_scan_free(backsight_scan *scan);

#ifdef __cplusplus
}
#endif

#endif /* BACKSIGHT_H */
