/*
 * recorder.h - a run observer that keeps what the pictures of a run need
 * (--plot, --perfetto, --ascii), in bounded memory.
 *
 * Two views of the same run:
 * - exact records: run segments (which thread ran on which core from when
 *   to when), wake-up edges (waker -> wakee, with where and when the wakee
 *   next ran), migrations and run-queue length changes. They are kept
 *   until one kind reaches limits.max_exact records; from then on
 *   (exact_until_ns) no exact record is added, so long runs stay bounded;
 * - time buckets, always complete: per core, a fixed number of buckets of
 *   equal width holding busy time, the dominant thread and the run-queue
 *   length's integral and maximum. When the run outgrows them, neighbouring
 *   buckets are merged pairwise and the width doubles, so memory is
 *   nr_cores * nr_buckets whatever the run's length.
 *
 * Per event: a few array writes and, for the buckets, a loop over the
 * buckets the elapsed stretch crosses; no allocation beyond amortised
 * array growth. The run-queue length of a core is the number of READY
 * threads whose core it is.
 */
#ifndef IPA_REPORT_RECORDER_H
#define IPA_REPORT_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

struct ipa_sim_observer;

struct ipa_rec_segment {
    uint64_t start_ns, end_ns;
    int core, tid;
};

/* Only wake-ups caused by a running thread (a signal, a spawn). */
struct ipa_rec_wakeup {
    uint64_t time_ns;
    int tid, waker_tid, waker_core;
    int run_core;    /* where the wakee next ran, -1 if it never did */
    uint64_t run_ns; /* when */
};

/* A thread started running on a core other than the one it last ran on. */
struct ipa_rec_migration {
    uint64_t time_ns;
    int tid, from_core, to_core;
};

/* The run-queue length of @core became @len (last change per time). */
struct ipa_rec_rq {
    uint64_t time_ns;
    int core, len;
};

struct ipa_rec_bucket {
    uint64_t busy_ns;    /* time some thread ran */
    uint64_t rq_area;    /* integral of the run-queue length, length x ns */
    uint64_t dom_weight; /* majority-vote weight of dom_tid */
    int dom_tid;         /* the thread that ran more than half of busy_ns if
                            one did, else one that ran; -1 when idle */
    int rq_max;          /* longest run queue seen */
};

struct ipa_recorder_limits {
    size_t max_exact;   /* exact records kept of each kind (default 1M) */
    int nr_buckets;     /* buckets per core, even (default 1024) */
    uint64_t bucket_ns; /* initial bucket width (default 1us) */
};

struct ipa_recorder_thread; /* per-thread bookkeeping, private */
struct ipa_recorder_core;   /* per-core bookkeeping, private */

/* Read-only after ipa_recorder_finish(). */
struct ipa_recorder {
    int nr_cores;
    struct ipa_recorder_limits limits;
    uint64_t end_ns;         /* set by ipa_recorder_finish */
    uint64_t exact_until_ns; /* exact records cover [0, this); UINT64_MAX:
                                the whole run */
    GArray *segments;        /* struct ipa_rec_segment, by end time */
    GArray *wakeups;         /* struct ipa_rec_wakeup, by time */
    GArray *migrations;      /* struct ipa_rec_migration, by time */
    GArray *rq;              /* struct ipa_rec_rq, by time */
    uint64_t bucket_ns;      /* current width */
    struct ipa_rec_bucket *buckets; /* [core * nr_buckets + i] */
    int max_tid;                    /* largest thread id seen, -1 for none */
    /* private */
    GArray *threads; /* struct ipa_recorder_thread */
    struct ipa_recorder_core *cores;
    bool finished;
};

/* @limits: NULL for the defaults. */
struct ipa_recorder *ipa_recorder_new(int nr_cores,
                                      const struct ipa_recorder_limits *limits);
void ipa_recorder_free(struct ipa_recorder *rec);
/* Fills @observer so that it feeds @rec. */
void ipa_recorder_observer(struct ipa_recorder *rec,
                           struct ipa_sim_observer *observer);
/* Closes running segments and run-queue stretches at @end_ns (the run's
 * end). No event may follow. */
void ipa_recorder_finish(struct ipa_recorder *rec, uint64_t end_ns);

/* Buckets in use after finish: those covering [0, end_ns), at least 1. */
int ipa_recorder_nr_buckets(const struct ipa_recorder *rec);
static inline const struct ipa_rec_bucket *
ipa_recorder_bucket(const struct ipa_recorder *rec, int core, int i)
{
    return &rec->buckets[(size_t)core * (size_t)rec->limits.nr_buckets +
                         (size_t)i];
}
/* Adds bucket @src (the next stretch of time) into @dst. */
void ipa_rec_bucket_merge(struct ipa_rec_bucket *dst,
                          const struct ipa_rec_bucket *src);
/* Were all exact records of the run kept? */
static inline bool ipa_recorder_complete(const struct ipa_recorder *rec)
{
    return rec->exact_until_ns == UINT64_MAX;
}

#endif
