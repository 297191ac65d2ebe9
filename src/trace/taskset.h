/*
 * taskset.h - periodic real-time task sets: drawn at random (`ipasim gen
 * taskset`) or read from a CSV file (`id,period_ms,wcet_us`), and written
 * as a native trace (docs/trace-format.md, "Task sets").
 *
 * Each task becomes a thread released at 0 whose program is
 * {"repeat": N, "ops": [{"run": WCET}, {"timer": PERIOD}]}, N the number
 * of jobs it releases before the horizon, with attrs period (and deadline
 * when it is not the period), so that the run's real-time figures count
 * exactly the task set's jobs.
 */
#ifndef IPA_TRACE_TASKSET_H
#define IPA_TRACE_TASKSET_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <json-c/json.h>

struct ipa_task {
    char *name;
    uint64_t period_ns, wcet_ns;
    uint64_t deadline_ns; /* relative; = period_ns for implicit deadlines */
};

enum ipa_taskset_method {
    IPA_TASKSET_UUNIFAST, /* UUniFast-discard (Davis & Burns) */
    IPA_TASKSET_RANDFIXEDSUM, /* Stafford's RandFixedSum (Emberson et al.) */
};

struct ipa_taskset_params {
    int nr_cpus;
    int nr_tasks;
    double utilisation; /* total, at most nr_cpus and nr_tasks */
    const uint64_t *periods; /* drawn uniformly from these */
    int nr_periods;
    uint64_t seed;
    enum ipa_taskset_method method;
    bool constrained; /* deadline uniform in [wcet, period], else = period */
};

/* Draws @n utilisations in [0, 1] summing to @total (0 < total <= n);
 * UUniFast-discard may give up (false) when valid draws are too rare. */
bool ipa_taskset_uunifast(GRand *rng, int n, double total, double *out);
void ipa_taskset_randfixedsum(GRand *rng, int n, double total, double *out);

/* A random task set: GArray of struct ipa_task (free with
 * ipa_taskset_free). Errors: bad parameters (IPA_ERROR_INPUT). */
GArray *ipa_taskset_generate(const struct ipa_taskset_params *p,
                             GError **error);
/* A task set CSV (header "id,period_ms,wcet_us"); errors name @path and
 * line:column. */
GArray *ipa_taskset_parse_csv(const char *path, const char *text, size_t len,
                              GError **error);
/* Is @text a task set CSV (its first line the header above)? */
bool ipa_taskset_detect(const char *text, size_t len);
void ipa_taskset_free(GArray *tasks);

/* The native trace of @tasks up to @horizon_ns (new reference). */
struct json_object *ipa_taskset_trace(const GArray *tasks, uint64_t horizon_ns,
                                      const char *name,
                                      const char *description);

#endif
