/*
 * report.h - what a finished simulation tells its user: the text summary
 * and the JSON report (docs/report-format.md).
 */
#ifndef IPA_REPORT_REPORT_H
#define IPA_REPORT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <glib.h>

struct ipa_sim;
struct ipa_sim_observer;

/* Names shown in the report's header. */
struct ipa_report_info {
    const char *topology;
    const char *trace;
    const char *policies; /* as given, "fifo.c" or "0-31:a.c 32-63:b.c" */
    double wall_seconds;  /* wall-clock time of the run, < 0 if unknown */
    int max_threads;      /* list threads one by one up to this many */
};

/* The human summary: makespan, threads, latencies, switches, migrations
 * by domain level, utilisation, and the work-conservation section. */
void ipa_report_text(const struct ipa_sim *sim,
                     const struct ipa_report_info *info, FILE *out);
/* The JSON report, written to @path by ipa_write_file, without wall-clock figures so that runs compare byte for
 * byte. */
bool ipa_report_json(const struct ipa_sim *sim,
                     const struct ipa_report_info *info, const char *path,
                     GError **error);
/* Where a policy took the simulation's process down, as the process
 * supervising it saw (cli/supervise.c); NULL or -1 where unknown. */
struct ipa_report_fault {
    const char *cause;    /* "exit", "signal", "watchdog", "memory" */
    const char *signal;   /* "SIGABRT", for the cause "signal" */
    int exit_status;      /* for the cause "exit" */
    const char *policy;   /* the policy whose code ran last */
    const char *callback; /* ... and its callback ("load", "unload":
                             constructors, destructors) */
    bool in_callback;     /* false: the callback had returned */
    int thread, core;
    uint64_t time_ns;
};
/* The JSON report of such a run, written atomically to @path: what the
 * supervisor knows (no figures: they died with the process), "exit":
 * "fault", @message and a "fault" object (docs/report-format.md). */
bool ipa_report_json_fault(const struct ipa_report_info *info, int nr_cores,
                           const char *message,
                           const struct ipa_report_fault *fault,
                           const char *path, GError **error);
/* Fills @observer so that it writes the event log to @out. */
void ipa_report_log_observer(struct ipa_sim_observer *observer, FILE *out);
/* Number of flagged work-conservation intervals over all partitions. */
int ipa_report_flagged(const struct ipa_sim *sim);

#endif
