/*
 * sim.h - the discrete-event engine: what the CLI, the reports and the
 * tests see of a simulation.
 *
 * A simulation is built from a topology, a trace and one or more machine
 * partitions, each a set of cores run by one policy (an ops table from
 * runtime.h). ipa_sim_run() replays the trace: events ordered by
 * (time_ns, seq), the policy driven only through the runtime API, the
 * work-conservation monitor committed after every event.
 */
#ifndef IPA_ENGINE_SIM_H
#define IPA_ENGINE_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

#include <ipasim/runtime.h>

#include "engine/stats.h"
#include "monitor/wc.h"

struct ipa_topo;
struct ipa_trace;
struct ipa_sim;

/* The default spin_limit: 26,000 times the most operations one event of
 * the end-to-end suite runs (384), and about a second of a zero-time
 * loop (docs/robustness.md). */
#define IPA_SIM_SPIN_LIMIT UINT64_C(10000000)

struct ipa_sim_config {
    uint64_t hz;                 /* ticks per second on busy cores */
    uint64_t balance_ns;         /* balancing_select period per core */
    uint64_t wc_threshold_ns;    /* violations at least this long are flagged */
    uint64_t seed;               /* random durations and probabilities */
    uint64_t until_ns;           /* stop at this time, 0 = run to the end */
    uint64_t max_events;         /* stop after this many events, or when
                                    one event runs this many operations;
                                    0 = none */
    uint64_t spin_limit;         /* operations threads may run in one
                                    event (so at one simulated instant)
                                    before the run ends as a zero-time
                                    loop; 0 = none */
    uint64_t stall_ns;           /* READY threads and no core running: fault */
    uint64_t cs_cost_ns;         /* context switch: core busy, no progress */
    uint64_t migration_cost_ns;  /* extra when a thread changes core */
    uint32_t numa_slowdown_pct;  /* work runs this much slower (%) off the
                                    thread's home node; 100 = no effect */
    uint32_t trylock_fail_ppm;   /* injected trylock failures (millionths) */
    uint64_t watchdog_ns;        /* wall-clock time one policy callback may
                                    take before it is ended as a fault;
                                    0: none */
    bool abort_late_jobs;        /* --deadline-miss abort: a job unfinished
                                    at its deadline is dropped */
};

/*
 * What a supervising process (cli/supervise.c) sees of this one: a page
 * mapped shared before the fork, in which the child's run itself lies
 * (ipa_sim_new places it there), so that the fields the engine keeps of
 * the callback being run (its name, partition, thread, core, the time)
 * cost no store more to publish. The parent reads them with
 * ipa_sim_watch_read; @load_* and @loading mark policy code run outside
 * callbacks (constructors and destructors).
 */
struct ipa_sim_watch {
    volatile uint64_t load_seq; /* policy code run outside callbacks */
    const char *volatile loading; /* "load" (constructors), "unload"
                                     (destructors) running, or NULL */
    volatile int load_part;     /* whose (its --policy index) */
    volatile uint64_t stop_seq; /* the parent asks to end this call */
    volatile int faulted;       /* the guard stopped the run (guard.c) */
    volatile int dying;         /* a sanitizer is reporting, then exits */
    volatile int finished;      /* the command returned (supervise.c) */
    struct ipa_sim *volatile sim; /* the run placed in the page, or NULL */
};

/* The policy code a supervised process runs or last ran. */
struct ipa_sim_watch_view {
    uint64_t seq;    /* policy calls (loads, callbacks) begun so far */
    bool in_policy;  /* policy code is running */
    int part;        /* whose: the partition (--policy) index; -1: none */
    const char *cb;  /* the callback, "load", "unload", or NULL once it
                        returned */
    int tid, core;   /* the callback's thread and core, or -1 */
    uint64_t now_ns; /* simulated time */
};

/* Bytes to map for a watch page, the run it holds included. */
size_t ipa_sim_watch_size(void);
/* From now on, the next run is placed in @watch (mapped shared, zeroed,
 * ipa_sim_watch_size() bytes), whose parent then keeps the watchdog, and
 * policy loading is marked there. */
void ipa_sim_watch_set(struct ipa_sim_watch *watch);
/* Policy @index (its --policy position) is loaded next. */
void ipa_sim_watch_policy(int index);
/* A policy's own code runs outside callbacks: @what is "load" (dlopen
 * runs its constructors) or "unload" (dlclose, its destructors); NULL
 * once it has returned. */
void ipa_sim_watch_outside(const char *what);
/* Reads @watch (in the parent: @cb points into the ipasim binary, at the
 * same address in both processes). */
void ipa_sim_watch_read(const struct ipa_sim_watch *watch,
                        struct ipa_sim_watch_view *view);

/*
 * Watching a run: the event log, timelines, plots and exports are
 * observers. Each callback is optional; they run on the engine's hot path,
 * so they must be cheap and must not call back into the simulation.
 */
struct ipa_sim_observer {
    void *ctx;
    /* @tid moved @from -> @to, now on @core (-1 for none), during @event
     * (the callback's name, or "runtime" for the runtime's own moves). */
    void (*state_change)(void *ctx, uint64_t now_ns, const char *event,
                         int core, int tid, enum ipa_state from,
                         enum ipa_state to);
    /* @tid was woken (or arrived, @arrival) by thread @waker_tid running
     * on @waker_core; both -1 for a timer or the trace's start time. */
    void (*wakeup)(void *ctx, uint64_t now_ns, int tid, bool arrival,
                   int waker_tid, int waker_core);
    /* @core came online (true) or went offline. */
    void (*hotplug)(void *ctx, uint64_t now_ns, int core, bool online);
};

void ipa_sim_config_defaults(struct ipa_sim_config *config);

/* How a run ended. */
enum ipa_sim_exit {
    IPA_SIM_DONE,       /* every thread terminated */
    IPA_SIM_UNTIL,      /* reached --until or the trace's until */
    IPA_SIM_MAX_EVENTS, /* reached --max-events */
    IPA_SIM_DEADLOCK,   /* live threads all blocked with nothing to wake them */
    IPA_SIM_FAULT,      /* the policy broke a rule: exit code 1 */
    IPA_SIM_STALL,      /* threads ready, no core running, for stall_ns */
    IPA_SIM_TRACE_ERROR /* the trace did something impossible at run time */
};

struct ipa_sim *ipa_sim_new(const struct ipa_topo *topo,
                            const struct ipa_trace *trace,
                            const struct ipa_sim_config *config);
/* Adds a partition: @cores ascending global ids (NULL, 0: every core not
 * yet in a partition). @name names the policy in messages and reports;
 * @ctx is what ipa_policy_ctx() returns. Partition i is the trace's
 * "partition": i. False (with *error) for overlapping or empty sets. */
/* Adds an observer (kept by pointer; up to 8) before the run. */
void ipa_sim_add_observer(struct ipa_sim *sim,
                          const struct ipa_sim_observer *observer);

bool ipa_sim_add_partition(struct ipa_sim *sim, const char *name,
                           const struct ipa_policy_ops *ops, void *ctx,
                           const int *cores, int nr_cores, GError **error);
/*
 * Adds a scheduling class to the last partition added, below its others
 * (Linux's scheduling classes, Bossa's virtual schedulers): the classes
 * share the partition's cores, and on each core the engine asks them in
 * the order added for a thread to elect, so a lower class runs only what
 * the higher ones leave. The first call names the partition's own policy
 * (@ops must be that one) as the first class. @class_name is what a
 * thread's "class" names; @attach_attrs (NULL-terminated, may be NULL)
 * are trace attributes a thread joins the class by when non-zero; a
 * thread that neither names a class nor has one of them joins the last.
 * @name names the policy in messages, with the class's name. Every
 * class but the first needs a yield callback: it is how a higher class
 * takes a core from it. A @share above 0 makes it a share class:
 * consecutive share classes form one group at the place of their first,
 * which divides the cores' time among its members in proportion to their
 * shares (a member with no thread to run banks nothing); 0 is fixed
 * priority. Every class with a share needs a yield callback.
 */
bool ipa_sim_add_class(struct ipa_sim *sim, const char *name,
                       const char *class_name,
                       const struct ipa_policy_ops *ops, void *ctx,
                       const char *const *attach_attrs, int share,
                       GError **error);
/* Validates the trace against the partitions, then runs to the end.
 * Returns false only when the run could not start (*error set); a fault or
 * deadlock is a finished run: see ipa_sim_exit_kind(). */
bool ipa_sim_run(struct ipa_sim *sim, GError **error);
void ipa_sim_free(struct ipa_sim *sim);

/* Instead of ipa_sim_run: replays the schedule a kernel recording shows
 * (trace/recorded.h, loaded with the trace @sim was made from), as the
 * partition "recorded" over every core, with no policy; results and
 * reports are then read as after a run. The run ends "done" when every
 * thread exited in the recording, else "until" its end. False (with
 * *error) when the recording has more CPUs than the topology cores, or
 * @sim already has a partition. */
struct ipa_recorded;
bool ipa_sim_replay(struct ipa_sim *sim, const struct ipa_recorded *rec,
                    GError **error);

/* ---- results, valid after ipa_sim_run or ipa_sim_replay ----------------------------------- */

enum ipa_sim_exit ipa_sim_exit_kind(const struct ipa_sim *sim);
const char *ipa_sim_exit_name(enum ipa_sim_exit kind);
/* The fault, stall, deadlock or trace-error message, NULL for a clean run. */
const char *ipa_sim_exit_message(const struct ipa_sim *sim);

struct ipa_thread_result {
    int tid;
    const char *name;
    const char *group; /* NULL for none */
    int partition;
    const char *class_name; /* its scheduling class, NULL outside one */
    enum ipa_state state;
    bool started;       /* arrived before the run ended */
    uint64_t start_ns, end_ns; /* arrival, termination (0 if none) */
    uint64_t runtime_ns, wait_ns;
    uint64_t nr_switches, nr_migrations, nr_wakeups;
    uint64_t latency_max_ns, latency_sum_ns; /* wake-up to running */
    const char *blocked_on; /* deadlock: "channel 'req'", ...; else NULL */
};

struct ipa_core_result {
    int id;
    int partition; /* -1 for a core in no partition */
    uint64_t busy_ns, idle_ns;
    uint64_t nr_switches;
};

struct ipa_partition_result {
    const char *name;
    int nr_cores;
    const int *cores;
    const struct ipa_wc_result *wc;
    uint64_t *migrations_by_distance; /* [nr_distances] */
};

uint64_t ipa_sim_now_ns(const struct ipa_sim *sim);
uint64_t ipa_sim_makespan_ns(const struct ipa_sim *sim);
uint64_t ipa_sim_events(const struct ipa_sim *sim);
/* Bytes the simulation maps outside the C heap (large runs' thread
 * records), which the allocator's statistics do not count. */
size_t ipa_sim_mapped_bytes(const struct ipa_sim *sim);
int ipa_sim_nr_threads(const struct ipa_sim *sim);
void ipa_sim_thread_result(const struct ipa_sim *sim, int tid,
                           struct ipa_thread_result *out);
int ipa_sim_nr_cores(const struct ipa_sim *sim);
void ipa_sim_core_result(const struct ipa_sim *sim, int core,
                         struct ipa_core_result *out);
int ipa_sim_nr_partitions(const struct ipa_sim *sim);
void ipa_sim_partition_result(const struct ipa_sim *sim, int part,
                              struct ipa_partition_result *out);
/* Wake-up latency over all threads, and per group (-1: no group). */
const struct ipa_hist *ipa_sim_latency(const struct ipa_sim *sim);
const struct ipa_hist *ipa_sim_group_latency(const struct ipa_sim *sim,
                                             int group);
/* Real-time figures (jobs.c; docs/report-format.md): a job is one
 * activation of a thread with a deadline or period attribute, up to its
 * next block or exit. Jobs still open at the end count as released and,
 * once past their deadline, as missed. */
struct ipa_job_result {
    uint64_t relative_deadline_ns; /* a thread's; 0 for a sum */
    uint64_t released, completed, missed, aborted;
    uint64_t response_mean_ns, response_p99_ns, response_max_ns;
    bool has_lateness;       /* some job completed: lateness is known */
    int64_t lateness_max_ns; /* completion - deadline, the largest */
    uint64_t tardiness_max_ns; /* the same, 0 when no job was late */
};

#define IPA_SIM_ALL_GROUPS (-2)

/* Thread @tid's jobs; false for a thread without deadline or period. */
bool ipa_sim_thread_jobs(const struct ipa_sim *sim, int tid,
                         struct ipa_job_result *out);
/* The jobs of @group's real-time threads (-1: of no group,
 * IPA_SIM_ALL_GROUPS: all); false when it has none. */
bool ipa_sim_group_jobs(const struct ipa_sim *sim, int group,
                        struct ipa_job_result *out);
const struct ipa_topo *ipa_sim_topo(const struct ipa_sim *sim);
const struct ipa_trace *ipa_sim_trace(const struct ipa_sim *sim);

#endif
