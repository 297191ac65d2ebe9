/*
 * internal.h - the engine's own view of threads, cores, run queues and
 * policy instances. Policies see them only through runtime.h; the rest of
 * ipasim through sim.h.
 */
#ifndef IPA_ENGINE_INTERNAL_H
#define IPA_ENGINE_INTERNAL_H

#include <setjmp.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include <ipasim/runtime.h>

#include "engine/evq.h"
#include "engine/sim.h"
#include "engine/stats.h"
#include "monitor/wc.h"
#include "topo/hier.h"
#include "topo/topo.h"
#include "trace/trace.h"
#include "util/common.h"
#include "util/rbtree.h"

/* Kinds of events in the queue. */
enum ev_kind {
    EV_ARRIVE,  /* thread: its start time */
    EV_RUN_END, /* thread: its current run op is done */
    EV_WAKE,    /* thread: its sleep is over */
    EV_TICK,    /* core */
    EV_BALANCE, /* core */
    EV_HOTPLUG, /* machine: a core goes off- or online */
    EV_DEADLINE, /* thread: its job's deadline (--deadline-miss abort) */
};

/* Event queue lanes (evq.h), each pushed in time order: a tick falls on
 * the first period boundary after now, balancing one interval after now. */
enum { LANE_TICKS, LANE_BALANCING };

/* Why a blocked thread waits (for deadlock reports). */
enum wait_kind { WAIT_NONE, WAIT_SLEEP, WAIT_CHANNEL, WAIT_BARRIER, WAIT_MUTEX };

/* A queue's number of threads of one value class (sums.c). */
struct ipa_class_count {
    int cls; /* -1: a free slot */
    int count;
};

/* A class's value for one ipa_rq_sum slot, valid while version is the
 * sim's attrs_version. */
struct ipa_class_value {
    uint64_t value;
    uint64_t version; /* 0: never computed */
};

struct ipa_rq {
    struct ipa_rb_tree tree;
    const struct ipa_rq_desc *desc;
    ipa_rb_cmp_fn tie; /* the tree's order among equal node keys */
    int core; /* -1 for a global queue */
    /* ipa_rq_sum: the queue's threads by class, an open-addressed table
     * of class_mask + 1 slots, counted from the queue's first sum on
     * (NULL before); nr_classes counts the slots taken, emptied or not */
    struct ipa_class_count *classes;
    unsigned class_mask;
    int nr_classes;
    /* slot s is kept (bit s of sums_kept) while every class in the queue
     * holds its value of version sum_version[s] */
    unsigned sums_kept;
    uint64_t sum_version[IPA_RQ_SUMS];
    uint64_t sum[IPA_RQ_SUMS];
};

/* A program as the engine runs it (program.c): each op of the trace's
 * program is a 16-byte step, and a step that takes a duration (run,
 * sleep, timer) is followed by its duration in a second slot. Most ops
 * take half the trace's 32 bytes, so the steps of a thread's cycle lie
 * in one or two cache lines rather than three or four. */
struct ipa_step {
    uint8_t kind;     /* enum ipa_op_kind */
    uint8_t dur_kind; /* enum ipa_dur_kind */
    uint8_t slots;    /* 2 with a duration, else 1 */
    uint32_t count;   /* as the op's */
    union {
        int obj;
        int jump; /* LOOP, END_LOOP: the partner's slot */
    };
    uint32_t prob_ppm;
};

union ipa_slot {
    struct ipa_step step;
    struct ipa_dur dur; /* of the step before */
};
G_STATIC_ASSERT(sizeof(union ipa_slot) == 16);

/* job_flags: the current job ran some work; it was dropped at its
 * deadline and the thread skips its run ops until the job's end. */
enum { JOB_WORKED = 1, JOB_SKIP = 2 };

/* A real-time thread's jobs (jobs.c): only threads with a deadline or
 * period have one, so other threads pay a flag test per activation. */
struct ipa_jobs {
    struct ipa_event deadline; /* EV_DEADLINE, with --deadline-miss abort */
    struct ipa_thread *thread;
    uint64_t relative_ns;      /* the deadline attribute, else the period */
    uint64_t release_ns, deadline_ns; /* of the current job */
    bool open;                 /* released, neither ended nor dropped */
    uint64_t released, completed, missed, aborted;
    int64_t lateness_max_ns;   /* over completed jobs */
    struct ipa_sparse_hist response;
};

/* A thread's record, followed in memory by its loop counters, program
 * (unless an equal one is shared), affinity and policy data (sim.c,
 * ipa_sim_new_thread). The fields are in the order of how often an event
 * touches them: what a scheduling cycle (wake, elect, run, block) reads
 * and writes first, in as few cache lines as they fit, and what only a
 * rare event or the end of the run reads last. A thread's lines are what
 * the engine misses on most. */
struct ipa_thread {
    /* line 0, first: policies read it in place (data, rq, core, state,
     * weight, group), see runtime.h */
    struct ipa_thread_head pub;
    int tid;
    int sum_class; /* its value class for ipa_rq_sum (sums.c) */
    struct ipa_rt *rt; /* its partition */

    /* line 1: what other threads' queue walks read, and waits */
    struct ipa_rb_node rb;
    const uint64_t *affinity; /* cpuset words, NULL = every core */
    struct ipa_thread *wait_next; /* FIFO of a channel, barrier or mutex */
    enum wait_kind wait;
    int wait_obj;

    /* line 2: what popping its event and stepping its program read */
    alignas(IPA_CACHE_LINE) struct ipa_event timer; /* EV_ARRIVE, EV_RUN_END or EV_WAKE */
    /* the spec's program (slots): beside this record, or shared with an
     * earlier thread of an equal one */
    const union ipa_slot *program;
    int nr_slots;
    int pc; /* the next step's slot */
    int loop_sp;
    int last_ran_core; /* -1 before its first run */

    /* line 3: running, every run */
    uint64_t run_left_ns;  /* work left in the current run op */
    uint64_t run_since_ns; /* started running (this slice) */
    uint64_t work_since_ns; /* work progresses from here (after costs) */
    uint64_t latency_max_ns;
    uint64_t rng;
    bool started;       /* arrived */
    bool needs_start;   /* elected; the engine must run its program */
    bool timer_set;     /* timer_next_ns holds a period boundary */
    uint8_t job_flags;  /* JOB_WORKED, JOB_SKIP (jobs.c) */
    int home_node;      /* node of its first run */
    uint64_t wait_ns;
    uint64_t nr_migrations;

    /* line 4: becoming ready and being elected. A wake-up touches this
     * line and not line 3 (a policy placing it may read its CPU time):
     * the woken thread is cold, and waits long enough in its queue to be
     * cold again when elected. */
    uint64_t ready_since_ns;
    uint64_t wake_ns; /* when it became ready after arriving or waking */
    uint64_t nr_switches, nr_wakeups;
    uint64_t runtime_ns, latency_sum_ns;
    struct ipa_rq *tick_rq; /* READY_TICK: the queue to join */
    bool latency_pending;
    bool has_jobs; /* a deadline or period: jobs are counted (jobs.c) */

    /* rarely: a TIMER op touches this line once per period, where
     * nr_migrations above is touched at every move to another core */
    uint64_t timer_next_ns; /* TIMER: end of the current period */
    const struct ipa_thread_spec *spec;
    int nice;
    uint64_t start_ns, end_ns;
    struct ipa_jobs *jobs; /* when has_jobs */
};
/* the lines the comments name: a field added above moves them */
G_STATIC_ASSERT(offsetof(struct ipa_thread, rb) == IPA_CACHE_LINE);
G_STATIC_ASSERT(offsetof(struct ipa_thread, timer) == 2 * IPA_CACHE_LINE);
G_STATIC_ASSERT(offsetof(struct ipa_thread, last_ran_core) <
                3 * IPA_CACHE_LINE);
G_STATIC_ASSERT(offsetof(struct ipa_thread, nr_migrations) <
                4 * IPA_CACHE_LINE);
G_STATIC_ASSERT(offsetof(struct ipa_thread, ready_since_ns) ==
                4 * IPA_CACHE_LINE);
G_STATIC_ASSERT(offsetof(struct ipa_thread, has_jobs) < 5 * IPA_CACHE_LINE);
G_STATIC_ASSERT(offsetof(struct ipa_thread, job_flags) < 4 * IPA_CACHE_LINE);
/* Its loop counters ([spec->loop_depth]: iterations left) follow it. */
static inline uint32_t *ipa_thread_loop_left(struct ipa_thread *t)
{
    return (uint32_t *)(void *)(t + 1);
}

/* Cores are an array of whole cache lines: line 0 holds what every event
 * of the core and a policy's look at it read, line 1 the tick and what
 * starting and stopping a run count, line 2 the balancing event. */
struct ipa_core {
    int id;
    bool online;
    bool idle;    /* entered idle (enter_idle called) */
    bool locked;  /* held by the event being handled */
    bool resched; /* in the resched list */
    /* a higher class's thread was placed for this core while a lower
     * class's runs: the schedule point preempts it (classes.c) */
    bool class_preempt;
    struct ipa_rt *rt; /* the partition's first (highest) class */
    struct ipa_thread *current;
    struct ipa_thread *class_waker; /* the thread class_preempt is for */
    struct ipa_thread *last_thread;
    uint64_t busy_since_ns;
    uint64_t idle_since_ns;

    alignas(IPA_CACHE_LINE) struct ipa_event tick;
    uint64_t busy_ns;
    uint64_t nr_switches;

    alignas(IPA_CACHE_LINE) struct ipa_event balance;
};
G_STATIC_ASSERT(offsetof(struct ipa_core, tick) == IPA_CACHE_LINE);
G_STATIC_ASSERT(sizeof(struct ipa_core) == 3 * IPA_CACHE_LINE);

/* One policy instance: a partition of the machine, or one scheduling
 * class of a partition composed of several (classes.c). Classes share
 * their partition's cores, domains, monitor and migration counts (the
 * first class's); each has its own queues and data. */
struct ipa_rt {
    struct ipa_rt_head pub; /* first: policies read it in place */
    struct ipa_sim *sim;
    int index; /* the partition's */
    char *name;
    const struct ipa_policy_ops *ops;
    void *ctx;
    int *cores;
    int nr_cores;
    uint64_t *coreset;
    /* cores that entered idle, or (for a class above others) that run a
     * lower class's thread: free as far as this policy can tell */
    uint64_t *idle_set;
    uint64_t *waiting_set; /* cores whose READY queues are not all empty */
    struct ipa_rq **core_rqs; /* [machine core]: [ops->nr_core_rqs], NULL
                                 for a core not its own */
    void **core_data;         /* [machine core], as core_rqs */
    struct ipa_rt *top;   /* the partition's first class (itself if none) */
    struct ipa_rt *lower; /* the next class down on the same cores */
    int class_level;      /* 0 for the first class; a share group's
                             members have the same */
    /* a class with a share (classes.c, "share groups"): its share, the
     * group's first member (NULL for a class of fixed priority), and per
     * machine core its virtual time (run time / share) and its READY or
     * running threads there */
    int share;
    struct ipa_rt *share_first;
    uint64_t *share_vtime;
    int *share_runnable;
    /* of a group's first member, per machine core: the least virtual
     * time of the active members seen (never goes back), and when the
     * member running there was last charged */
    uint64_t *share_floor;
    uint64_t *share_since_ns;
    char *class_name;     /* NULL outside a composition */
    GHashTable *event_names; /* event -> "CLASS.EVENT", for the log */
    /* a thread with one of these trace attributes non-zero joins this
     * class (unless its "class" names another): names, and their ids in
     * the trace (-1: no thread has it) */
    char **attach_names;
    int *attach_attrs;
    /* of each trace call: the index + 1 of the interface function of
     * this policy it names (with as many arguments), 0: none */
    int *call_iface;
    struct ipa_hier *hier;
    char *domain_data; /* [nr_cores * nr_levels * domain_data_size] */
    struct ipa_rq *global_rqs;
    struct ipa_wc *wc;
    const struct ipa_wc_result *wc_result; /* once the run has ended */
    uint64_t *migrations_by_distance;
    /* what each ipa_rq_sum slot sums, set by its first use */
    ipa_thread_value_fn sum_value[IPA_RQ_SUMS];
    void *sum_arg[IPA_RQ_SUMS];
    struct ipa_class_value *class_values[IPA_RQ_SUMS]; /* [nr_classes] */
    bool initialised;
    /* ipa_core_order: the busy cores by their running thread's key, NULL
     * until the policy asks for it */
    struct ipa_core_order *core_order;
};

/* A policy's busy cores ordered by a key of their running threads, as
 * Linux's cpudl orders CPUs by deadline: a tree of one node per machine
 * core, a core's node in it while its current thread is RUNNING. */
struct ipa_core_order {
    struct ipa_rb_tree tree;
    size_t key_offset; /* of the int64_t key in the thread's data */
    bool highest;      /* the largest key first, else the smallest */
    struct ipa_core_order_node {
        struct ipa_rb_node node;
        int core;
        bool in;
    } *nodes; /* [machine cores] */
};

struct channel {
    int64_t tokens;
    struct ipa_thread *head, *tail;
};

struct mutex {
    struct ipa_thread *owner;
    struct ipa_thread *head, *tail;
};

struct barrier {
    int parties, arrived;
    struct ipa_thread *head, *tail;
};

struct ipa_sim {
    struct ipa_sim_config config;
    const struct ipa_topo *topo;
    const struct ipa_trace *trace;
    uint64_t tick_ns;
    int words; /* cpuset words */
    /* every core runs work at nominal speed: capacity 1024, no NUMA
     * slowdown (program.c skips the scaling) */
    bool nominal_speed;

    struct ipa_core *cores;
    int nr_cores;
    struct ipa_rt **parts; /* each partition's first class */
    int nr_parts;
    GPtrArray *rts; /* every policy instance: partitions and their classes */

    GPtrArray *threads; /* struct ipa_thread *, by tid */
    GArray *chunks;     /* struct chunk: thread storage, in blocks */
    size_t chunk_used, chunk_size;
    size_t mapped_bytes; /* of chunks mapped outside the C heap */
    size_t thread_data_size; /* the largest policy's, in every record */
    /* spec -> its encoded program, shared by every thread of an equal
     * one (ipa_program_table_new) */
    GHashTable *programs;

    struct ipa_evq evq;
    struct ipa_event *hotplug; /* [trace->hotplug->len] */
    uint64_t now;
    uint64_t nr_events;
    /* Operations threads ran in this event, and the count at which
     * program.c stops the run (the least of --spin-limit and
     * --max-events). A zero-time loop runs inside one event: what the
     * engine queues lies in the future (a run, sleep, timer or tick takes
     * time), so
     * neither the event count nor --until would ever end it. */
    uint64_t event_ops;
    uint64_t event_ops_limit;
    uint64_t last_exit_ns;
    int live;   /* arrived or pending, not terminated */
    int timers; /* threads with an armed arrival or wake-up */
    int state_count[IPA_STATE_COUNT];
    int *group_live;
    /* changes with every input ipa_rq_sum values may read (group sizes);
     * starts at 1 */
    uint64_t attrs_version;
    /* value classes (sums.c): of each spec, and a thread of each */
    GHashTable *spec_class; /* spec -> class + 1 */
    int nr_classes;
    struct ipa_thread **class_rep;

    struct channel *channels;
    struct mutex *mutexes;
    struct barrier *barriers;

    int *locked; /* cores held by the running callback */
    int nr_locked;
    int *resched; /* cores waiting for a schedule point */
    int resched_head, nr_resched;
    uint64_t stall_since_ns;
    uint64_t lock_rng;
    bool hotplugging; /* in core_exit: remote locks do not fail */

    /* the callback being run, for faults and the log */
    const char *cb;
    struct ipa_thread *cb_thread;
    int cb_core;

    sigjmp_buf fault_jmp;
    volatile bool in_policy;  /* a policy callback is running (guard.c) */
    volatile uint64_t cb_seq; /* callbacks entered so far */
    int cb_part;              /* whose callback: the partition's index */
    int cb_tid;               /* cb_thread's id, -1 for none */
    volatile int guard_signal; /* the signal that ended the run, or 0 */
    bool running;
    enum ipa_sim_exit exit;
    char *exit_message;

    const struct ipa_sim_observer *observers[8];
    int nr_observers;
    /* observers plus policies that keep a core order: a move looks at
     * either only when there is one (one test on the hot path) */
    int move_hooks;

    struct ipa_hist latency;
    struct ipa_hist *group_latency; /* [groups + 1], index group + 1 */

    int attr_deadline, attr_period; /* trace attribute ids, -1: none */
    int stacked; /* classes below a partition's first (classes.c) */
    /* of each trace call: for `attach`, the class it attaches to */
    struct ipa_rt **call_class;
    GPtrArray *jobs; /* struct ipa_jobs *, of every real-time thread */
};

/* runtime.c */
void ipa_rq_init(struct ipa_rq *rq, const struct ipa_rq_desc *desc, int core);
void ipa_rq_fini(struct ipa_rq *rq);

/* sums.c: value classes and the sums kept by class */
/* Gives every spec of the trace its class (before threads are made). */
void ipa_sums_setup(struct ipa_sim *sim);
void ipa_sums_fini(struct ipa_sim *sim);
/* A new thread's class. */
void ipa_sums_classify(struct ipa_sim *sim, struct ipa_thread *t);
/* @t joins (@delta 1) or leaves (-1) @rq: its class's count and the
 * queue's kept sums follow. */
void ipa_sums_count(struct ipa_rq *rq, const struct ipa_thread *t, int delta);
/* Moves a thread as the runtime itself (no lock or legality checks). */
void ipa_rt_set_state(struct ipa_sim *sim, struct ipa_thread *t,
                      enum ipa_state state, int core, struct ipa_rq *rq);
/* Stops the run: kind, then a message; never returns. */
G_GNUC_NORETURN void ipa_sim_stop(struct ipa_sim *sim, enum ipa_sim_exit kind,
                                  char *message);
/* Marks a core for a schedule point once the current event is handled
 * (inline: every move marks one or two). */
static inline void ipa_sim_resched(struct ipa_sim *sim, int core)
{
    struct ipa_core *c = &sim->cores[core];
    if (c->resched)
        return;
    c->resched = true;
    int at = sim->resched_head + sim->nr_resched;
    sim->resched[at < sim->nr_cores ? at : at - sim->nr_cores] = core;
    sim->nr_resched++;
}
/* A thread stops running on its core (progress and CPU time accounted). */
void ipa_sim_stop_running(struct ipa_sim *sim, struct ipa_thread *t);

/* Marks the start and end of a policy callback, for the guard and for a
 * supervising process, which reads these fields (and cb, cb_tid, cb_core,
 * now) where the run lies in a page it shares (ipa_sim_watch_read). */
static inline void ipa_policy_enter(struct ipa_sim *sim, struct ipa_rt *rt,
                                    const char *name)
{
    sim->cb = name;
    sim->cb_part = rt->index;
    sim->cb_seq++;
    sim->in_policy = true;
}

static inline void ipa_policy_leave(struct ipa_sim *sim)
{
    sim->in_policy = false;
}

/* guard.c: policy crashes and endless callbacks end the run cleanly */
void ipa_guard_install(struct ipa_sim *sim);
/* A zeroed run in the page shared with a supervising parent
 * (ipa_sim_watch_set), or NULL: none, or taken. */
struct ipa_sim *ipa_guard_place_sim(void);
/* Whether @sim lies in that page (not to be freed). */
bool ipa_guard_placed(const struct ipa_sim *sim);
void ipa_guard_remove(struct ipa_sim *sim);
char *ipa_guard_message(struct ipa_sim *sim);

/* sim.c: threads made from the trace, cores idle, before the first
 * event (of a run or a replay). */
void ipa_sim_prepare(struct ipa_sim *sim);
/* Closes the monitors at the end of a run or replay. */
void ipa_sim_finish(struct ipa_sim *sim);
/* sim.c: a thread object for @spec (not yet arrived). */
struct ipa_thread *ipa_sim_new_thread(struct ipa_sim *sim,
                                      const struct ipa_thread_spec *spec);

/* dispatch.c: policy callbacks and the runtime's schedule points */
/* Ends a callback's context: its cores unlocked, no callback named (also
 * when a run stops inside one). */
void ipa_dispatch_leave_cb(struct ipa_sim *sim);
void ipa_dispatch_arrive(struct ipa_sim *sim, struct ipa_thread *t,
                         int source_core);
void ipa_dispatch_wake(struct ipa_sim *sim, struct ipa_thread *t,
                       int source_core);
void ipa_dispatch_block(struct ipa_sim *sim, struct ipa_thread *t);
void ipa_dispatch_terminate(struct ipa_sim *sim, struct ipa_thread *t);
/* Returns true if the thread still runs afterwards. */
bool ipa_dispatch_yield(struct ipa_sim *sim, struct ipa_thread *t);
/* The running thread's "call" op, trace->calls[@call]; true if the thread
 * still runs afterwards. */
bool ipa_dispatch_call(struct ipa_sim *sim, struct ipa_thread *t, int call);
void ipa_dispatch_tick(struct ipa_sim *sim, struct ipa_core *c);
void ipa_dispatch_balance(struct ipa_sim *sim, struct ipa_core *c);
void ipa_dispatch_hotplug(struct ipa_sim *sim, struct ipa_core *c,
                          bool online);
/* Runs every pending schedule point until no core needs one. */
void ipa_dispatch_resched(struct ipa_sim *sim);
/* @c enters (true) or leaves idle: the idle set and the monitor follow. */
void ipa_dispatch_core_idle(struct ipa_sim *sim, struct ipa_core *c,
                            bool idle);
/* Tells the observers that @t woke or arrived, caused by whatever runs on
 * @source_core (-1: none). */
void ipa_dispatch_observe_wakeup(struct ipa_sim *sim, struct ipa_thread *t,
                                 bool arrival, int source_core);
/* The accounting of @t starting on @c (switches, migrations, wake-up
 * latency); returns the cost (context switch, migration) before its work
 * progresses. */
uint64_t ipa_dispatch_account_start(struct ipa_sim *sim, struct ipa_core *c,
                                    struct ipa_thread *t);

/* classes.c: partitions composed of scheduling classes */
/* Checks the trace's "class" names, resolves attaching attributes. */
bool ipa_classes_setup(struct ipa_sim *sim, GError **error);
/* The class of @top's partition a thread of @spec joins. */
struct ipa_rt *ipa_classes_pick(struct ipa_sim *sim, struct ipa_rt *top,
                                const struct ipa_thread_spec *spec);
/* @c's bit in each class's idle set, after its idle flag or current
 * thread changed. */
void ipa_classes_refresh(struct ipa_sim *sim, const struct ipa_core *c);
/* From the hook on moves (sim->stacked): idle views, and a higher class's
 * thread made READY for a core a lower class runs marks it for
 * preemption. */
void ipa_classes_after_move(struct ipa_sim *sim, const struct ipa_thread *t,
                            enum ipa_state from, enum ipa_state to, int core,
                            const struct ipa_core *old);
/* "CLASS.EVENT" for @event (a string that lives as long as the run),
 * made once per class and event. */
const char *ipa_classes_event_name(struct ipa_rt *rt, const char *event);
/* The class call @call attaches its thread to, or NULL: not an
 * `attach`. */
static inline struct ipa_rt *ipa_classes_attach_target(struct ipa_sim *sim,
                                                       int call)
{
    return sim->call_class[call];
}
/* At a tick of @c, whose current thread @t runs in a share group: its
 * run so far charged, and @c marked when a member with a lower virtual
 * time has threads waiting there. */
void ipa_classes_share_tick(struct ipa_sim *sim, struct ipa_core *c,
                            const struct ipa_thread *t);
/* The member of share group @first not in @asked (bit i: the i-th
 * member) with the least virtual time on @core, ties to the first
 * declared, or NULL; *@bit gets its bit. */
struct ipa_rt *ipa_classes_share_next(struct ipa_rt *first, int core,
                                      uint64_t asked, uint64_t *bit);
/* At @c's schedule point, its mark set: whether its (lower class's)
 * thread is to be preempted; clears the mark. */
bool ipa_classes_should_preempt(struct ipa_core *c);

/* jobs.c: real-time jobs, from activation to block or exit */
void ipa_jobs_setup(struct ipa_sim *sim);
void ipa_jobs_fini(struct ipa_sim *sim);
/* Gives @t its jobs record if its spec has a deadline or period. */
void ipa_jobs_attach(struct ipa_sim *sim, struct ipa_thread *t);
/* Callers test t->has_jobs first. A job of @t is released at
 * @release_ns; the current one ends (blocked or exited) now. */
void ipa_jobs_release(struct ipa_sim *sim, struct ipa_thread *t,
                      uint64_t release_ns);
void ipa_jobs_end(struct ipa_sim *sim, struct ipa_thread *t);
/* EV_DEADLINE: the job is still unfinished at its deadline: dropped. */
void ipa_jobs_deadline(struct ipa_sim *sim, struct ipa_event *ev);

/* program.c: thread programs and the synchronisation they use */
/* The slots @spec's program takes, and writes them to @out. */
int ipa_program_slots(const struct ipa_thread_spec *spec);
void ipa_program_encode(const struct ipa_thread_spec *spec,
                        union ipa_slot *out);
/* A table keyed by spec in which specs of equal programs (op by op) are
 * one key: where a thread finds the encoded program it can share. */
GHashTable *ipa_program_table_new(void);
/* Runs @t's program from its pc until it needs time (a run op), blocks or
 * exits. @t is RUNNING with no work left in its current run op. */
void ipa_program_advance(struct ipa_sim *sim, struct ipa_thread *t);
/* @t was elected: start (or resume) its work. */
void ipa_program_start(struct ipa_sim *sim, struct ipa_thread *t);
/* "channel 'req'" etc. for a blocked thread (new string). */
char *ipa_program_blocked_on(const struct ipa_sim *sim,
                             const struct ipa_thread *t);

#endif
