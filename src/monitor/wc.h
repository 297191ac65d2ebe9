/*
 * wc.h - the work-conservation monitor.
 *
 * The invariant: no core is idle while a thread that may run on it waits in
 * a run queue. One monitor watches one set of cores (a machine partition)
 * and the threads placed under it. The engine reports changes (a core goes
 * idle or busy, a thread starts or stops waiting) and calls
 * ipa_wc_commit() after every event; the monitor keeps violation intervals
 * and the wasted core-time, the integral over time of
 *
 *     min(|E|, |W|)   where E = idle cores some waiting thread may use,
 *                           W = waiting threads that may use some idle core.
 *
 * Without CPU affinities that is min(idle cores, waiting threads), O(1) per
 * commit; only waiting threads with a restricted affinity are ever scanned.
 * An interval is a maximal stretch of time with min(|E|,|W|) > 0; one of
 * zero length (opened and closed at the same time stamp) does not count.
 * Intervals at least threshold_ns long are flagged and keep the cores and
 * threads involved at any point during them.
 */
#ifndef IPA_MONITOR_WC_H
#define IPA_MONITOR_WC_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

struct ipa_wc;

struct ipa_wc_interval {
    uint64_t start_ns, end_ns;
    uint64_t wasted_core_ns;
    int max_idle;    /* largest |E| seen during the interval */
    int max_waiting; /* largest |W| seen during the interval */
    int *cores;      /* flagged only: ascending core ids involved */
    int nr_cores;
    int *threads;    /* flagged only: ascending thread ids involved */
    int nr_threads;
};

struct ipa_wc_result {
    uint64_t violations;     /* intervals of positive length */
    uint64_t wasted_core_ns; /* integral of min(|E|, |W|) */
    uint64_t longest_ns;
    uint64_t threshold_ns;
    GArray *flagged;         /* struct ipa_wc_interval, by start time */
};

/* @cores: the watched cores (global ids < @max_core), ascending. */
struct ipa_wc *ipa_wc_new(const int *cores, int nr_cores, int max_core,
                          uint64_t threshold_ns);
void ipa_wc_free(struct ipa_wc *wc);

/* A watched core goes idle (true) or busy/offline (false). */
void ipa_wc_core_idle(struct ipa_wc *wc, int core, bool idle);
/* Thread @tid starts (true) or stops (false) waiting in a run queue.
 * @affinity: words of a CPU set (util/cpuset.h) the monitor may keep a
 * pointer to until the thread stops waiting, NULL for every core. */
void ipa_wc_thread_waiting(struct ipa_wc *wc, int tid,
                           const uint64_t *affinity, bool waiting);
/* After every event at time @now_ns: accounts the time since the last
 * commit, then opens or closes an interval. Times never go backwards. */
void ipa_wc_commit(struct ipa_wc *wc, uint64_t now_ns);
/* Is a violation open right now (as of the last commit)? */
bool ipa_wc_violating(const struct ipa_wc *wc);
/* Closes any open interval at @now_ns; the result stays owned by @wc. */
const struct ipa_wc_result *ipa_wc_finish(struct ipa_wc *wc, uint64_t now_ns);

#endif
