/*
 * import.h - reading foreign workload formats: rt-app workload files and
 * kernel scheduler traces (trace-cmd report in raw or plugin form, the
 * kernel's trace/trace_pipe text and systrace HTML, perf script text).
 *
 * An importer does not build the model itself: it writes a native trace
 * (docs/trace-format.md) as a json-c tree, which the native loader then
 * checks like any hand-written trace. So an imported trace obeys exactly
 * the rules of a native one, and `ipasim convert` only prints the tree.
 * What an importer cannot model it names in a warning, never drops in
 * silence.
 */
#ifndef IPA_TRACE_IMPORT_H
#define IPA_TRACE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <json-c/json.h>

enum ipa_trace_format {
    IPA_TRACE_FMT_NATIVE, /* docs/trace-format.md */
    IPA_TRACE_FMT_RTAPP,  /* rt-app workload file */
    IPA_TRACE_FMT_FTRACE, /* trace-cmd report or perf script text */
    IPA_TRACE_FMT_TASKSET, /* periodic task set CSV (trace/taskset.h) */
};

/* The horizon of a task set read by --trace (convert takes --horizon). */
#define IPA_TASKSET_HORIZON_NS UINT64_C(1000000000)

/* What an import produced. */
struct ipa_recorded;

struct ipa_import {
    struct json_object *root; /* the native trace; owned */
    GPtrArray *warnings;      /* char *: "file: key.path: what was lost" */
    char *summary;            /* one line on what was dropped, or NULL */
    /* kernel traces: when set before the import (ipa_recorded_new), the
     * recorded schedule is written there too (trace/recorded.h) */
    struct ipa_recorded *schedule;
    /* In, optional, for kernel traces: the recording machine. Not owned;
     * ipa_import_init leaves it NULL (every CPU at 1024). */
    const struct ipa_recording_machine *recorded_on;
};

/* The machine a kernel recording was made on, as --recorded-on names it:
 * its core capacities by CPU number (0: no such CPU; 1024 the fastest
 * kind). A recorded run lasted its work * 1024 / capacity there, so its
 * work, what the trace says, is its time * capacity / 1024. */
struct ipa_recording_machine {
    const char *name; /* for messages */
    const int *capacity;
    int nr_cpus;
};

void ipa_import_init(struct ipa_import *im);
void ipa_import_fini(struct ipa_import *im);

/* Guesses the format from the text: a first line
 * "id,period_ms,wcet_us" is a task set; a JSON-like object with a "tasks" key
 * and no "ipasim_trace" key is rt-app; text whose first event line looks
 * like trace-cmd or perf output is a kernel trace; text opening with
 * an unterminated comment is rt-app (only it allows comments: its reader
 * says where the comment starts); anything else is native
 * (so that its syntax errors come from the native loader). */
enum ipa_trace_format ipa_trace_detect(const char *text, size_t len);
const char *ipa_trace_format_name(enum ipa_trace_format format);

/* rt-app workload (comments, trailing commas, repeated keys in order).
 * Errors name @path and line:col or the key path (IPA_ERROR_INPUT). */
bool ipa_trace_import_rtapp(const char *path, const char *text, size_t len,
                            struct ipa_import *im, GError **error);
/* trace-cmd report / perf script text with sched_* events. */
bool ipa_trace_import_ftrace(const char *path, const char *text, size_t len,
                             struct ipa_import *im, GError **error);
/* A task set CSV, its tasks released at 0 and repeating up to
 * @horizon_ns. */
bool ipa_trace_import_taskset(const char *path, const char *text, size_t len,
                              uint64_t horizon_ns, struct ipa_import *im,
                              GError **error);
/* Any format, chosen by ipa_trace_detect() (a task set up to
 * IPA_TASKSET_HORIZON_NS); a native trace is parsed and
 * checked, and its tree returned as it is. */
bool ipa_trace_import(const char *path, const char *text, size_t len,
                      struct ipa_import *im, GError **error);

/* A duration for a native trace: "20ms" when exact, else "150us", else
 * integer nanoseconds. */
struct json_object *ipa_trace_dur_json(uint64_t ns);
/* The tree as a native trace file: two-space indented, ends in a newline.
 * Free with g_free. */
char *ipa_trace_json_text(struct json_object *root);

#endif
