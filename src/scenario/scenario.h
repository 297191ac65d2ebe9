/*
 * scenario.h - policy regression tests (docs/scenarios.md).
 *
 * A scenario names a topology, a trace, one or more policies, run options
 * and expectations on the JSON report of each run (docs/report-format.md):
 * how the run ended, flagged work-conservation intervals, makespan and
 * latency bounds, and bounds relative to another policy's run. This module
 * reads scenario files, builds the `ipasim run` command line of each run,
 * reads the reports back and judges them; `ipasim test` runs the commands.
 */
#ifndef IPA_SCENARIO_SCENARIO_H
#define IPA_SCENARIO_SCENARIO_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "util/jsonfile.h"

#define IPA_NO_BOUND UINT64_MAX

/* Report figures an expectation can bound; lower is better for all but
 * jobs. flagged, jobs and deadline_misses are counts, the rest durations;
 * the real-time ones (jobs on) are 0 in a report without "jobs". */
#define IPA_SCENARIO_METRICS(X)                                                \
    X(MAKESPAN, "makespan")                                                    \
    X(LATENCY_P99, "latency_p99")                                              \
    X(LATENCY_MAX, "latency_max")                                              \
    X(LATENCY_MEAN, "latency_mean")                                            \
    X(WASTED, "wasted")                                                        \
    X(FLAGGED, "flagged")                                                      \
    X(JOBS, "jobs")                                                            \
    X(DEADLINE_MISSES, "deadline_misses")                                      \
    X(RESPONSE_P99, "response_p99")                                            \
    X(RESPONSE_MAX, "response_max")                                            \
    X(TARDINESS, "tardiness")

enum ipa_metric {
#define IPA_METRIC_ENUM(name, word) IPA_METRIC_##name,
    IPA_SCENARIO_METRICS(IPA_METRIC_ENUM)
#undef IPA_METRIC_ENUM
        IPA_METRIC_COUNT
};

extern const char *const ipa_metric_names[IPA_METRIC_COUNT];

/* Is metric @m a count (else a duration in ns)? */
static inline bool ipa_metric_is_count(int m)
{
    return m == IPA_METRIC_FLAGGED || m == IPA_METRIC_JOBS ||
           m == IPA_METRIC_DEADLINE_MISSES;
}

/* Bounds on one run's report; absent bounds are IPA_NO_BOUND (max) or 0
 * (min). */
struct ipa_expect {
    char **exits; /* allowed "exit" values, NULL-terminated; NULL: done or
                     until */
    uint64_t max[IPA_METRIC_COUNT];
    uint64_t min[IPA_METRIC_COUNT];
};

/* "policy" does better (or worse) than "than" on a metric. */
struct ipa_relative {
    int run, than;        /* indices into runs */
    enum ipa_metric metric;
    bool percent;         /* by at least pct % of the other's figure */
    double pct;
    uint64_t margin;      /* else by at least this much (ns, or intervals) */
    bool better;
    char *where;          /* "expect.relative[0]" for messages */
};

struct ipa_scenario_run {
    char *policy; /* as written, names the run in messages */
    char *arg;    /* what --policy gets (resolved against the file's folder) */
    struct ipa_expect expect;
};

struct ipa_scenario {
    char *path;
    char *name;
    char *topology, *trace;   /* resolved like arg */
    char *recorded_on;        /* --recorded-on, resolved like topology;
                                 NULL when absent */
    GPtrArray *runs;          /* struct ipa_scenario_run * */
    GArray *relative;         /* struct ipa_relative */
    GPtrArray *options;       /* char *: extra `ipasim run` arguments */
};

/* The figures of one report. */
struct ipa_run_report {
    char *exit;
    char *exit_message; /* NULL if none */
    uint64_t value[IPA_METRIC_COUNT];
};

/* Reads a scenario. Errors name the file and line:col (syntax) or the
 * JSON path ("s.json: expect.makespan_max: expected a duration ...");
 * IPA_ERROR_INPUT. */
bool ipa_scenario_load(const char *path, struct ipa_scenario **out,
                       GError **error);
/* The same from @len bytes of @text; relative file names resolve against
 * the folder of @path. */
bool ipa_scenario_parse(const char *path, const char *text, size_t len,
                        struct ipa_scenario **out, GError **error);
void ipa_scenario_free(struct ipa_scenario *sc);

/* Reads @v, "options" of a scenario or a sweep spec ({"hz": 250,
 * "until": "2s"}: docs/scenarios.md), appending the `ipasim run`
 * arguments they stand for to @args; "seed" only when @seed. */
bool ipa_scenario_read_options(struct ipa_json_reader *rd,
                               struct json_object *v, bool seed,
                               GPtrArray *args);

/* The arguments after the executable for run @i: "run --topo ... --json
 * @json_path --quiet ...", then @extra (NULL-terminated, may be NULL), which
 * comes last so that it wins over the scenario's own options. Free with
 * g_strfreev. */
char **ipa_scenario_argv(const struct ipa_scenario *sc, int i,
                         const char *exe, const char *json_path,
                         const char *const *extra);

/* Reads the figures of a JSON report. */
bool ipa_run_report_read(const char *path, struct ipa_run_report *out,
                         GError **error);
void ipa_run_report_fini(struct ipa_run_report *r);

/* Judges the reports (@reports[i] for run i; one whose exit is NULL is
 * missing, and neither it nor the relative bounds naming it are judged):
 * NULL when every expectation holds, else what failed ("pinned.c: 12
 * flagged intervals, expected none"), one reason per line. */
char *ipa_scenario_judge(const struct ipa_scenario *sc,
                         const struct ipa_run_report *reports);

/* Prints a JUnit XML report of @scenarios (struct ipa_scenario *): one
 * testcase per scenario, named by its name, its classname its path dotted
 * ("tests.scenarios.fifo"); @failures[i] NULL for a pass; @seconds[i]
 * wall-clock time. The caller writes @out as an outfile (util/outfile.h),
 * opened before the runs so that an unwritable path fails first. */
void ipa_junit_print(FILE *out, GPtrArray *scenarios, char *const *failures,
                     const double *seconds);

#endif
