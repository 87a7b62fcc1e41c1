/*
 * Tests every call of backsight.h against the real engine, rules and corpus.
 * Usage: capi_test REPOSITORY BACKSIGHT_CLI
 * It never runs or loads what it scans; it runs the project's own command line once to compare
 * the reports of the C API with the JSON Lines the CLI writes for the same tree.
 */
#define _GNU_SOURCE
#include "backsight.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures = 0;
#define CHECK(condition, ...)                                                   \
    do {                                                                        \
        if (!(condition)) {                                                     \
            failures++;                                                         \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #condition); \
            fprintf(stderr, __VA_ARGS__);                                       \
            fputc('\n', stderr);                                                \
        }                                                                       \
    } while (0)

static const char *repository;
static const char *cli;

static char *join(const char *a, const char *b) {
    char *out = NULL;
    if (asprintf(&out, "%s/%s", a, b) < 0) abort();
    return out;
}

/* ---- A growable list of report lines ---- */

typedef struct {
    char **items;
    size_t count, capacity;
} lines;

static void lines_add(lines *list, const char *text, size_t length) {
    if (list->count == list->capacity) {
        list->capacity = list->capacity ? list->capacity * 2 : 64;
        list->items = realloc(list->items, list->capacity * sizeof *list->items);
        if (list->items == NULL) abort();
    }
    list->items[list->count++] = strndup(text, length);
}

static void lines_free(lines *list) {
    for (size_t i = 0; i < list->count; i++) free(list->items[i]);
    free(list->items);
    memset(list, 0, sizeof *list);
}

static int compare_strings(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *find_line(const lines *list, const char *needle) {
    for (size_t i = 0; i < list->count; i++)
        if (strstr(list->items[i], needle)) return list->items[i];
    return NULL;
}

/* Every report of `scan` through backsight_scan_next; returns the final result. */
static backsight_result drain(backsight_scan *scan, lines *out) {
    const char *json;
    size_t length;
    backsight_result result;
    while ((result = backsight_scan_next(scan, &json, &length)) == BACKSIGHT_OK) {
        if (strlen(json) != length) return BACKSIGHT_ERROR_STATE;
        lines_add(out, json, length);
    }
    return result;
}

static backsight_rules *compile_bundled(void) {
    char *folder = join(repository, "Rules");
    const char *folders[] = {folder};
    backsight_rules *rules = NULL;
    backsight_error error = {0};
    backsight_result result = backsight_rules_compile(folders, 1, &rules, &error);
    CHECK(result == BACKSIGHT_OK && rules != NULL, "compiling Rules/: %d %s", result, error.message ? error.message : "");
    backsight_error_clear(&error);
    free(folder);
    return rules;
}

/* ---- The tests ---- */

static void test_version(void) {
    const char *version = backsight_version();
    CHECK(version != NULL && version[0] >= '0' && version[0] <= '9' && strchr(version, '.') != NULL,
          "version %s", version ? version : "(null)");
    CHECK(backsight_api_version() == BACKSIGHT_API_VERSION, "api version %d", backsight_api_version());
}

static void test_compile_errors(void) {
    backsight_rules *rules = NULL;
    backsight_error error = {0};

    CHECK(backsight_rules_compile(NULL, 1, &rules, &error) == BACKSIGHT_ERROR_ARGUMENT, "NULL folders");
    CHECK(error.message != NULL, "an argument error says what is wrong");
    const char *none[] = {"/nonexistent/rules"};
    CHECK(backsight_rules_compile(none, 1, NULL, &error) == BACKSIGHT_ERROR_ARGUMENT, "NULL out pointer");

    CHECK(backsight_rules_compile(none, 1, &rules, &error) == BACKSIGHT_ERROR_COMPILE, "missing folder");
    CHECK(rules == NULL, "no rule set on error");
    CHECK(error.file && strcmp(error.file, "/nonexistent/rules") == 0 && error.line == 1 && error.column == 1,
          "missing folder named at 1:1: %s:%u:%u", error.file ? error.file : "(null)", error.line, error.column);

    /* A rule whose condition names an unknown leaf on line 6, column 3. */
    char folder[] = "/tmp/backsight-capi-XXXXXX";
    CHECK(mkdtemp(folder) != NULL, "mkdtemp");
    char *path = join(folder, "bad.yaml");
    FILE *file = fopen(path, "w");
    fputs("id: test/bad-leaf\n"
          "title: A rule with an unknown leaf\n"
          "severity: high\n"
          "condition:\n"
          "  all:\n"
          "  - no-such-leaf: 1\n", file);
    fclose(file);
    const char *bad[] = {folder};
    CHECK(backsight_rules_compile(bad, 1, &rules, &error) == BACKSIGHT_ERROR_COMPILE, "bad rule");
    CHECK(error.file && strcmp(error.file, path) == 0, "error names the file: %s", error.file ? error.file : "(null)");
    CHECK(error.line == 6 && error.column == 5, "error at 6:5, got %u:%u (%s)", error.line, error.column,
          error.message ? error.message : "");
    char expected_prefix[512];
    snprintf(expected_prefix, sizeof expected_prefix, "%s:%u:%u: ", path, error.line, error.column);
    CHECK(error.message && strncmp(error.message, expected_prefix, strlen(expected_prefix)) == 0,
          "message is file:line:column: %s", error.message ? error.message : "(null)");
    backsight_error_clear(&error);
    CHECK(error.message == NULL && error.file == NULL && error.line == 0, "cleared");
    unlink(path);
    rmdir(folder);
    free(path);

    /* No folders: an empty set. */
    CHECK(backsight_rules_compile(NULL, 0, &rules, &error) == BACKSIGHT_OK && backsight_rules_count(rules) == 0, "empty set");
    backsight_rules_free(rules);
    backsight_rules_free(NULL);
    backsight_error_clear(NULL);
}

static void test_self_check(backsight_rules *rules) {
    char *message = NULL;
    CHECK(backsight_liblzma_self_check(NULL, &message) == BACKSIGHT_ERROR_ARGUMENT && message == NULL, "NULL rules");
    backsight_result result = backsight_liblzma_self_check(rules, &message);
    /* This machine's liblzma (Debian 12: 5.4.1) is trusted; a refusal would say why. */
    CHECK(result == BACKSIGHT_OK, "self-check refused: %s", message ? message : "(null)");
    CHECK(message && strstr(message, "liblzma") && strstr(message, "no known-bad version"), "message: %s", message ? message : "(null)");
    backsight_string_free(message);
}

/* The reports of the C API on a tree are the CLI's JSON Lines, line for line. */
static void test_scan_path_matches_cli(backsight_rules *rules) {
    char *tree = join(repository, "Corpus/ifunc");
    backsight_scan *scan = NULL;
    backsight_scan_options options;
    backsight_scan_options_init(&options);
    options.jobs = 2;
    CHECK(backsight_scan_new(rules, &options, &scan) == BACKSIGHT_OK && scan != NULL, "scan_new");

    const char *json = NULL;
    size_t length = 0;
    CHECK(backsight_scan_next(scan, &json, &length) == BACKSIGHT_ERROR_STATE, "next before start");
    backsight_error error = {0};
    CHECK(backsight_scan_start_path(scan, tree, &error) == BACKSIGHT_OK, "start: %s", error.message ? error.message : "");
    CHECK(backsight_scan_start_path(scan, tree, &error) == BACKSIGHT_ERROR_STATE, "a second start");
    backsight_error_clear(&error);

    lines reports = {0};
    CHECK(drain(scan, &reports) == BACKSIGHT_DONE, "scan ends with DONE");
    CHECK(backsight_scan_next(scan, &json, &length) == BACKSIGHT_DONE, "DONE again after the end");
    backsight_scan_free(scan);

    const char *hijack = find_line(&reports, "\"path\":\"xz-got-hijack/x86_64/libcrc_hijack.so\"");
    CHECK(hijack && strstr(hijack, "\"ruleID\":\"supply-chain/ifunc-resolver-got-hijack\"") &&
              strstr(hijack, "\"verdict\":\"malicious\""),
          "the GOT-hijacking resolver is found: %s", hijack ? hijack : "(no report)");
    const char *dispatch = find_line(&reports, "\"path\":\"glibc-dispatch/x86_64/libdispatch.so\"");
    CHECK(dispatch && strstr(dispatch, "\"findings\":[]") && strstr(dispatch, "\"verdict\":\"clean\""),
          "the CPU-dispatch resolver is clean: %s", dispatch ? dispatch : "(no report)");

    char *command = NULL;
    if (asprintf(&command, "'%s' scan --format jsonl --jobs 2 --rules '%s/Rules' --no-default-rules '%s'", cli, repository, tree) < 0) abort();
    FILE *pipe = popen(command, "r");
    CHECK(pipe != NULL, "running %s", command);
    lines expected = {0};
    char *line = NULL;
    size_t capacity = 0;
    ssize_t got;
    while (pipe && (got = getline(&line, &capacity, pipe)) > 0) {
        if (line[got - 1] == '\n') line[--got] = '\0';
        if (strstr(line, "\"type\":\"file\"")) lines_add(&expected, line, (size_t)got);
    }
    free(line);
    if (pipe) pclose(pipe);
    free(command);

    CHECK(reports.count == expected.count && reports.count > 10, "C API %zu reports, CLI %zu", reports.count, expected.count);
    qsort(reports.items, reports.count, sizeof *reports.items, compare_strings);
    qsort(expected.items, expected.count, sizeof *expected.items, compare_strings);
    for (size_t i = 0; i < reports.count && i < expected.count; i++) {
        CHECK(strcmp(reports.items[i], expected.items[i]) == 0, "report %zu differs:\n  C API: %s\n  CLI:   %s", i,
              reports.items[i], expected.items[i]);
    }
    lines_free(&reports);
    lines_free(&expected);
    free(tree);
}

static void test_scan_errors(backsight_rules *rules) {
    backsight_scan *scan = NULL;
    backsight_scan_options options;
    backsight_scan_options_init(&options);
    options.max_file_seconds = -1;
    CHECK(backsight_scan_new(rules, &options, &scan) == BACKSIGHT_ERROR_ARGUMENT && scan == NULL, "negative time limit");
    CHECK(backsight_scan_new(NULL, NULL, &scan) == BACKSIGHT_ERROR_ARGUMENT, "NULL rules");
    CHECK(backsight_scan_new(rules, NULL, &scan) == BACKSIGHT_OK, "default options");

    backsight_error error = {0};
    CHECK(backsight_scan_start_path(scan, NULL, &error) == BACKSIGHT_ERROR_ARGUMENT, "NULL path");
    CHECK(backsight_scan_start_path(scan, "/nonexistent/root", &error) == BACKSIGHT_ERROR_ROOT, "missing root");
    CHECK(error.message && strstr(error.message, "/nonexistent/root"), "the error names the root: %s", error.message ? error.message : "(null)");
    backsight_error_clear(&error);
    CHECK(backsight_scan_start_bytes(scan, NULL, 5, "x", &error) == BACKSIGHT_ERROR_ARGUMENT, "NULL bytes");
    CHECK(backsight_scan_start_bytes(scan, "x", 1, NULL, &error) == BACKSIGHT_ERROR_ARGUMENT, "NULL virtual path");
    CHECK(backsight_scan_each(scan, NULL, NULL) == BACKSIGHT_ERROR_ARGUMENT, "NULL callback");
    CHECK(backsight_scan_next(NULL, NULL, NULL) == BACKSIGHT_ERROR_ARGUMENT, "NULL scan");
    backsight_error_clear(&error);
    backsight_scan_free(scan);
    backsight_scan_free(NULL);
    backsight_scan_cancel(NULL);
}

static void *read_file(const char *path, size_t *size) {
    FILE *file = fopen(path, "rb");
    if (!file) return NULL;
    fseek(file, 0, SEEK_END);
    long length = ftell(file);
    fseek(file, 0, SEEK_SET);
    void *bytes = malloc((size_t)length);
    if (bytes && fread(bytes, 1, (size_t)length, file) != (size_t)length) { free(bytes); bytes = NULL; }
    fclose(file);
    *size = (size_t)length;
    return bytes;
}

static int count_reports(const char *json, size_t length, void *context) {
    (void)json; (void)length;
    size_t *count = context;
    (*count)++;
    return 0;
}

static void test_scan_bytes(backsight_rules *rules) {
    char *path = join(repository, "Corpus/ifunc/xz-got-hijack/x86_64/libcrc_hijack.so");
    size_t size = 0;
    void *bytes = read_file(path, &size);
    CHECK(bytes != NULL && size > 1000, "reading %s", path);

    backsight_scan *scan = NULL;
    CHECK(backsight_scan_new(rules, NULL, &scan) == BACKSIGHT_OK, "scan_new");
    backsight_error error = {0};
    CHECK(backsight_scan_start_bytes(scan, bytes, size, "usr/lib/liblzma-renamed.so", &error) == BACKSIGHT_OK, "start_bytes");
    memset(bytes, 0, size); /* the library copied them */
    free(bytes);
    lines reports = {0};
    CHECK(drain(scan, &reports) == BACKSIGHT_DONE, "drained");
    CHECK(reports.count == 1, "one report, got %zu", reports.count);
    const char *report = reports.count ? reports.items[0] : "";
    CHECK(strstr(report, "\"path\":\"usr/lib/liblzma-renamed.so\"") && strstr(report, "\"kind\":\"elf\"") &&
              strstr(report, "\"ruleID\":\"supply-chain/ifunc-resolver-got-hijack\""),
          "the buffer is scanned as the virtual path: %s", report);
    lines_free(&reports);
    backsight_scan_free(scan);

    /* A text buffer through the callback: one clean report. */
    const char *text = "#!/bin/sh\necho hello\n";
    size_t count = 0;
    CHECK(backsight_scan_new(rules, NULL, &scan) == BACKSIGHT_OK, "scan_new");
    CHECK(backsight_scan_start_bytes(scan, text, strlen(text), "usr/bin/hello", &error) == BACKSIGHT_OK, "start_bytes");
    CHECK(backsight_scan_each(scan, count_reports, &count) == BACKSIGHT_OK && count == 1, "one report through the callback, got %zu", count);
    backsight_scan_free(scan);
    free(path);
}

static int stop_after_two(const char *json, size_t length, void *context) {
    (void)json; (void)length;
    size_t *count = context;
    return ++*count >= 2;
}

static void *cancel_from_another_thread(void *scan) {
    backsight_scan_cancel(scan);
    return NULL;
}

static void test_stop_and_cancel(backsight_rules *rules) {
    char *corpus = join(repository, "Corpus");
    backsight_error error = {0};
    backsight_scan_options options;
    backsight_scan_options_init(&options);
    options.jobs = 2;

    /* The callback stops the scan. */
    backsight_scan *scan = NULL;
    size_t count = 0;
    CHECK(backsight_scan_new(rules, &options, &scan) == BACKSIGHT_OK, "scan_new");
    CHECK(backsight_scan_start_path(scan, corpus, &error) == BACKSIGHT_OK, "start");
    CHECK(backsight_scan_each(scan, stop_after_two, &count) == BACKSIGHT_STOPPED && count == 2, "stopped after 2, got %zu", count);
    const char *json = NULL;
    size_t length = 0;
    CHECK(backsight_scan_next(scan, &json, &length) == BACKSIGHT_CANCELLED && json == NULL, "a stopped scan is cancelled");
    backsight_scan_free(scan);

    /* Cancelled from another thread in the middle of a scan of the whole corpus. */
    CHECK(backsight_scan_new(rules, &options, &scan) == BACKSIGHT_OK, "scan_new");
    CHECK(backsight_scan_start_path(scan, corpus, &error) == BACKSIGHT_OK, "start");
    CHECK(backsight_scan_next(scan, &json, &length) == BACKSIGHT_OK && length > 0, "a first report");
    pthread_t thread;
    pthread_create(&thread, NULL, cancel_from_another_thread, scan);
    pthread_join(thread, NULL);
    CHECK(backsight_scan_next(scan, &json, &length) == BACKSIGHT_CANCELLED, "cancelled");
    count = 0;
    CHECK(backsight_scan_each(scan, count_reports, &count) == BACKSIGHT_CANCELLED && count == 0, "nothing after the cancel");
    backsight_scan_cancel(scan); /* twice is harmless */
    backsight_scan_free(scan);

    /* Cancelled before it starts: it refuses to start and delivers nothing. */
    CHECK(backsight_scan_new(rules, &options, &scan) == BACKSIGHT_OK, "scan_new");
    backsight_scan_cancel(scan);
    CHECK(backsight_scan_start_path(scan, corpus, &error) == BACKSIGHT_CANCELLED, "start after cancel");
    CHECK(backsight_scan_next(scan, &json, &length) == BACKSIGHT_CANCELLED, "next after cancel");
    backsight_scan_free(scan);
    backsight_error_clear(&error);
    free(corpus);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s REPOSITORY BACKSIGHT_CLI\n", argv[0]);
        return 2;
    }
    repository = argv[1];
    cli = argv[2];
    test_version();
    test_compile_errors();
    backsight_rules *rules = compile_bundled();
    if (rules == NULL) return 1;
    CHECK(backsight_rules_count(rules) > 20, "rule count %zu", backsight_rules_count(rules));
    test_self_check(rules);
    test_scan_path_matches_cli(rules);
    test_scan_errors(rules);
    test_scan_bytes(rules);
    test_stop_and_cancel(rules);
    backsight_rules_free(rules);
    if (failures) {
        fprintf(stderr, "capi_test: %d failures\n", failures);
        return 1;
    }
    printf("capi_test: every call of backsight.h passed\n");
    return 0;
}
