/*
 * recorded.h - what a kernel recording says its machine did: the
 * schedule itself (who ran on which CPU when, who woke whom), beside the
 * per-thread demand that the import writes as a native trace.
 *
 * The ftrace importer (trace/import.h) fills it from the same reading of
 * the text, so the schedule and the trace agree thread by thread: thread
 * i of the schedule is the native trace's thread (or template) named
 * names[i]. The engine replays it with ipa_sim_replay() (engine/sim.h),
 * which makes `ipasim analyze` report the recorded machine as a run.
 */
#ifndef IPA_TRACE_RECORDED_H
#define IPA_TRACE_RECORDED_H

#include <stdint.h>

#include <glib.h>

enum ipa_recorded_kind {
    IPA_RECORDED_ARRIVE,  /* first seen runnable (fork, first wake-up) */
    IPA_RECORDED_WAKE,    /* blocked -> runnable */
    IPA_RECORDED_RUN,     /* switched in on cpu */
    IPA_RECORDED_PREEMPT, /* switched out of cpu, still runnable */
    IPA_RECORDED_BLOCK,   /* switched out of cpu, blocked */
    IPA_RECORDED_EXIT,    /* switched out of cpu for good */
    IPA_RECORDED_GAP,     /* its run on cpu ended at a gap in the
                             recording (lost or inconsistent events): what
                             it did until its next event is unknown */
};

struct ipa_recorded_event {
    uint64_t time_ns; /* since the recording's first event */
    int kind;         /* enum ipa_recorded_kind */
    int thread;       /* index into names */
    int cpu;          /* ARRIVE, WAKE: the target CPU the event names, or
                         -1; others: the CPU switched in or out of */
    int waker;        /* ARRIVE, WAKE: the thread in whose context it
                         happened, -1 for the idle task or an interrupt */
    int waker_cpu;    /* ... and its CPU, -1 with no waker */
};

struct ipa_recorded {
    GArray *events;  /* struct ipa_recorded_event, by time, stable */
    GPtrArray *names; /* char *: thread i's name in the native trace */
    GArray *pinned;  /* int per thread: the one CPU a per-CPU kernel
                        thread may run on ("ksoftirqd/3"), else -1 */
    GArray *billed;  /* uint64_t per thread: its CPU time as the kernel
                        billed it (sched_stat_runtime), UINT64_MAX when
                        the recording bills it nothing: its CPU time is
                        then its switches' */
    int nr_cpus;     /* 1 + the highest CPU number seen */
    uint64_t end_ns; /* the recording's last event */
};

struct ipa_recorded *ipa_recorded_new(void);
void ipa_recorded_free(struct ipa_recorded *rec);

#endif
