/*
 * runtime.h - the contract between the ipasim engine and a scheduling policy.
 *
 * A userspace copy of the Ipanema kernel runtime interface. A policy is a
 * table of event callbacks (struct ipa_policy_ops); it changes the world only
 * through the functions below, above all ipa_change_state(), the one
 * primitive that moves a thread between states and run queues. The runtime
 * owns the memory of threads, cores, run queues and scheduling domains; a
 * policy owns only the data slots it declares in its ops table
 * (thread_data_size, core_data_size, domain_data_size, policy_data_size).
 *
 * Policies written in C are compiled by ipasim against this header and
 * loaded with dlopen; the entry point is the symbol `ipa_policy`, best made
 * with IPA_POLICY_DEFINE(). Hand-written C, the DSL interpreter and the C
 * generated from the DSL are three implementations of the same table.
 */
#ifndef IPASIM_RUNTIME_H
#define IPASIM_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define IPA_API __attribute__((visibility("default")))
#else
#define IPA_API
#endif

/* Bumped whenever the ops table or a runtime call changes incompatibly. */
#define IPA_RUNTIME_ABI 6

/*
 * Thread states, as in Ipanema. Legal moves (anything else is a policy
 * fault that stops the run):
 *   NOT_QUEUED, BLOCKED -> READY
 *   READY               -> RUNNING (on the thread's own core), MIGRATING
 *   RUNNING             -> READY, READY_TICK, BLOCKED, TERMINATED
 *   READY_TICK          -> READY
 *   MIGRATING           -> READY
 *   TERMINATED          -> nothing
 * READY_TICK is "preempted, to be requeued": the thread stays on its core
 * until the runtime's next schedule point on that core, where the runtime
 * completes the move into the run queue given to ipa_change_state().
 * Grep "ORDER STATE" if you change this enum.
 */
#define IPA_STATES(X)                                                          \
    X(NOT_QUEUED)                                                              \
    X(MIGRATING)                                                               \
    X(RUNNING)                                                                 \
    X(READY)                                                                   \
    X(BLOCKED)                                                                 \
    X(TERMINATED)                                                              \
    X(READY_TICK)

enum ipa_state {
#define IPA_STATE_ENUM(name) IPA_STATE_##name,
    IPA_STATES(IPA_STATE_ENUM)
#undef IPA_STATE_ENUM
        IPA_STATE_COUNT
};

struct ipa_rt;     /* the runtime as one policy instance sees it */
struct ipa_thread; /* a simulated thread (task_struct) */
struct ipa_rq;     /* an ordered run queue owned by the runtime */

/*
 * Run-queue order: negative if @a goes before @b. Ties keep insertion order
 * (FIFO), so a NULL comparison makes a plain FIFO. @arg is the descriptor's
 * cmp_arg. The keys a comparison reads must not change while the thread is
 * queued; call ipa_rq_reorder() after changing them.
 */
typedef int (*ipa_cmp_fn)(const struct ipa_thread *a,
                          const struct ipa_thread *b, void *arg);

/*
 * A run queue the runtime creates for the policy, per core (core_rqs) or
 * once per policy instance (global_rqs). @state is the state of the threads
 * it holds: READY or BLOCKED.
 */
struct ipa_rq_desc {
    const char *name;
    enum ipa_state state;
    ipa_cmp_fn cmp;
    void *cmp_arg;
    bool shared; /* other cores may look into it (and steal under trylock) */
    /*
     * Or, instead of cmp, an order by keys: @nr_keys int64_t in the
     * thread's data from byte @key_offset, compared in turn, each lowest
     * first unless bit k of @highest is set; ties FIFO. The runtime
     * compares them itself and keeps the first in the queue, so inserting
     * into a long queue neither calls the policy nor reads the threads it
     * passes. As with cmp, call ipa_rq_reorder() after changing the keys
     * of a queued thread.
     */
    int nr_keys;
    size_t key_offset;
    unsigned highest;
};

/* The thread an event is about; @core: see each callback. */
struct ipa_process_event {
    struct ipa_thread *target;
    int core;
    /* Core of the thread that caused the event (the waker for unblock, the
     * parent for new), or -1 when the event has no such source. */
    int source_core;
};

/* The core an event is about. */
struct ipa_core_event {
    int target;
};

/*
 * An interface function of the policy (Bossa's): a thread's "call" trace
 * operation runs it while the thread runs, with @nr_args int64_t
 * arguments (integers, durations in ns, booleans as 0/1).
 */
struct ipa_iface {
    const char *name;
    int nr_args;
};

/*
 * The policy callback table. Every callback is optional.
 *
 * new_prepare: a thread arrives; return the core it should be placed on
 *   (it must be in its affinity and in this policy's cores). The runtime
 *   then locks that core, calls exit_idle if it is idle, and calls
 * new_place: move the thread (NOT_QUEUED) to READY on e->core.
 * new_end: placement done, core unlocked.
 * tick: periodic tick on a busy core; e->target is its current thread. To
 *   preempt it, move it to READY_TICK (or READY).
 * yield: the current thread yields; move it out of RUNNING.
 * block: the current thread blocks; move it to a BLOCKED state.
 * unblock_prepare / unblock_place / unblock_end: as for new, for a BLOCKED
 *   thread woken up (e->source_core is the waker's core, -1 for a timer).
 * terminate: the current thread exits; move it to TERMINATED.
 * schedule: core e->target has no running thread; elect one by moving a
 *   READY thread queued on it to RUNNING, or leave it idle.
 * newly_idle: schedule elected nothing on a core that was busy; a chance to
 *   steal before schedule is called once more.
 * enter_idle / exit_idle: the core goes idle / leaves idle.
 * balancing_select: periodic load balancing on e->target (idle or not); the
 *   policy walks the scheduling domains itself.
 * core_entry / core_exit: a core comes online / goes offline (hot-plug).
 *   During core_exit the core is already offline (no placement picks it)
 *   and remote locks do not fail; the policy must move every thread on it
 *   elsewhere, the running one included (RUNNING -> READY on another
 *   core). A thread left running on an offline core is a fault.
 * init / fini: once per policy instance; init may fail with a non-zero
 *   return, which stops the run.
 * call: the running thread e->target (on its core e->core, held) calls
 *   interface function ifaces[@index] with @args; it may change the
 *   policy's data, and must leave the thread RUNNING.
 */
struct ipa_policy_ops {
    int abi; /* IPA_RUNTIME_ABI */
    const char *name;

    size_t thread_data_size;
    size_t core_data_size;
    size_t domain_data_size;
    size_t policy_data_size;

    const struct ipa_rq_desc *core_rqs;
    int nr_core_rqs;
    const struct ipa_rq_desc *global_rqs;
    int nr_global_rqs;

    int (*init)(struct ipa_rt *rt);
    void (*fini)(struct ipa_rt *rt);

    int (*new_prepare)(struct ipa_rt *rt, struct ipa_process_event *e);
    void (*new_place)(struct ipa_rt *rt, struct ipa_process_event *e);
    void (*new_end)(struct ipa_rt *rt, struct ipa_process_event *e);
    void (*tick)(struct ipa_rt *rt, struct ipa_process_event *e);
    void (*yield)(struct ipa_rt *rt, struct ipa_process_event *e);
    void (*block)(struct ipa_rt *rt, struct ipa_process_event *e);
    int (*unblock_prepare)(struct ipa_rt *rt, struct ipa_process_event *e);
    void (*unblock_place)(struct ipa_rt *rt, struct ipa_process_event *e);
    void (*unblock_end)(struct ipa_rt *rt, struct ipa_process_event *e);
    void (*terminate)(struct ipa_rt *rt, struct ipa_process_event *e);
    void (*schedule)(struct ipa_rt *rt, struct ipa_core_event *e);
    void (*newly_idle)(struct ipa_rt *rt, struct ipa_core_event *e);
    void (*enter_idle)(struct ipa_rt *rt, struct ipa_core_event *e);
    void (*exit_idle)(struct ipa_rt *rt, struct ipa_core_event *e);
    void (*balancing_select)(struct ipa_rt *rt, struct ipa_core_event *e);
    void (*core_entry)(struct ipa_rt *rt, struct ipa_core_event *e);
    void (*core_exit)(struct ipa_rt *rt, struct ipa_core_event *e);

    const struct ipa_iface *ifaces;
    int nr_ifaces;
    void (*call)(struct ipa_rt *rt, struct ipa_process_event *e, int index,
                 const int64_t *args);
};

/* Defines the entry point ipasim looks up in a policy's shared object. */
#define IPA_POLICY_DEFINE(...)                                                 \
    IPA_API const struct ipa_policy_ops ipa_policy = {                         \
        .abi = IPA_RUNTIME_ABI, __VA_ARGS__}

/* ---- moving threads ---------------------------------------------------- */

/*
 * ipa_change_state - move @t to @state.
 * @core: the core the thread belongs to afterwards (RUNNING: the core it
 *   runs on, which must be its current core; READY/BLOCKED: the core whose
 *   queue it joins; MIGRATING: the destination). -1 keeps its core.
 * @rq: the queue to join, NULL for states that have none (RUNNING,
 *   MIGRATING, TERMINATED, and BLOCKED when the policy keeps no blocked set).
 *   For READY_TICK, the queue the thread will join at the schedule point.
 * The old and new cores' locks must be held (the event's core is; others
 * come from ipa_trylock()). An illegal move stops the run (exit code 1).
 */
IPA_API void ipa_change_state(struct ipa_rt *rt, struct ipa_thread *t,
                              enum ipa_state state, int core,
                              struct ipa_rq *rq);

/* Moves a READY thread to the READY queue @rq of @core in the two legal
 * steps READY -> MIGRATING -> READY. Both cores must be locked. */
IPA_API void ipa_migrate(struct ipa_rt *rt, struct ipa_thread *t, int core,
                         struct ipa_rq *rq);

/*
 * ipa_preempt - preempt the thread running on @core at this instant, as
 * Linux's resched_curr: it leaves RUNNING for READY_TICK (it stays on
 * @core) and joins @rq, a READY queue of @core or a global one, at the
 * schedule point that follows the event, where schedule elects again. So
 * a wake-up (unblock_place, new_place) preempts at the wake-up's time,
 * not at the next tick. Needs @core's lock (the event's core is held;
 * others come from ipa_trylock()). Returns false, changing nothing, when
 * @core runs no thread or its thread already left RUNNING.
 */
IPA_API bool ipa_preempt(struct ipa_rt *rt, int core, struct ipa_rq *rq);

IPA_API const char *ipa_state_name(enum ipa_state state);

/* ---- run queues ---------------------------------------------------------- */

IPA_API struct ipa_rq *ipa_core_rq(struct ipa_rt *rt, int core, int index);
IPA_API struct ipa_rq *ipa_global_rq(struct ipa_rt *rt, int index);
/* First/last in the queue's order, NULL when empty. O(1). */
IPA_API struct ipa_thread *ipa_rq_first(const struct ipa_rq *rq);
IPA_API struct ipa_thread *ipa_rq_last(const struct ipa_rq *rq);
/* Neighbours of @t in order, NULL at the end. O(log n). */
IPA_API struct ipa_thread *ipa_rq_next(const struct ipa_rq *rq,
                                       const struct ipa_thread *t);
IPA_API struct ipa_thread *ipa_rq_prev(const struct ipa_rq *rq,
                                       const struct ipa_thread *t);
IPA_API int ipa_rq_count(const struct ipa_rq *rq);
/* Restores @t's place after the keys its queue orders by changed. */
IPA_API void ipa_rq_reorder(struct ipa_rq *rq, struct ipa_thread *t);
/* The core whose queue this is, -1 for a global queue. */
IPA_API int ipa_rq_core(const struct ipa_rq *rq);

/*
 * Sums the runtime keeps per queue, as Linux keeps a run queue's load.
 * ipa_rq_sum returns the sum over @rq's threads of value(t), wrapping as
 * uint64_t. @value may read only the thread's weight, nice value, group,
 * group size and trace attributes, and constants (not its id): threads
 * equal in all of these form a class, and the runtime calls @value once
 * for a class, on any thread of it, and counts each queue's threads by
 * class. Later calls follow the threads coming and going; a group's size
 * changing (a thread of it arriving or exiting) makes @value be called
 * again for each class, at the next call that needs it. So a sum costs
 * the number of classes in the queue, not of threads. @value must not
 * move threads.
 *
 * @slot (0 to IPA_RQ_SUMS - 1) names one value (with its @arg) for the
 * whole policy instance; using it for another is a policy fault.
 */
#define IPA_RQ_SUMS 2
typedef int64_t (*ipa_thread_value_fn)(struct ipa_rt *rt,
                                        const struct ipa_thread *t,
                                        void *arg);
IPA_API int64_t ipa_rq_sum(struct ipa_rt *rt, struct ipa_rq *rq, int slot,
                           ipa_thread_value_fn value, void *arg);

/* ---- threads ------------------------------------------------------------- */

/* The first member of the runtime's thread record, public so that the
 * reads a policy makes on every event are a load and not a call into the
 * simulator. Only the runtime writes it; a policy reads it through the
 * accessors below. Its layout is part of IPA_RUNTIME_ABI. */
struct ipa_thread_head {
    void *data;        /* the policy's slot */
    struct ipa_rq *rq; /* NULL when in no queue */
    int core;          /* queued on, running on, or last ran on; -1 none */
    enum ipa_state state;
    int weight;
    int group;
    /* cores it may run on: the policy's within its affinity, as bits of
     * machine cores below nr_cores */
    const uint64_t *allowed;
    int nr_cores;
};

static inline const struct ipa_thread_head *
ipa_thread_head(const struct ipa_thread *t)
{
    return (const struct ipa_thread_head *)(const void *)t;
}

IPA_API int ipa_thread_id(const struct ipa_thread *t);
IPA_API const char *ipa_thread_name(const struct ipa_thread *t);
static inline enum ipa_state ipa_thread_state(const struct ipa_thread *t)
{
    return ipa_thread_head(t)->state;
}
/* The core the thread is queued on, runs on, or last ran on; -1 if none. */
static inline int ipa_thread_core(const struct ipa_thread *t)
{
    return ipa_thread_head(t)->core;
}
/* The run queue the thread is in, NULL if none. */
static inline struct ipa_rq *ipa_thread_rq(const struct ipa_thread *t)
{
    return ipa_thread_head(t)->rq;
}
/* Load weight (1024 for nice 0, as in Linux) and nice value. */
static inline int ipa_thread_weight(const struct ipa_thread *t)
{
    return ipa_thread_head(t)->weight;
}
IPA_API int ipa_thread_nice(const struct ipa_thread *t);
/* Group (cgroup/autogroup-like label from the trace): an id, -1 for none;
 * ipa_group_size counts the group's live threads. */
static inline int ipa_thread_group(const struct ipa_thread *t)
{
    return ipa_thread_head(t)->group;
}
IPA_API int ipa_group_size(struct ipa_rt *rt, int group);
/* Whether @t may run on @core: one of the policy's cores, in its affinity. */
static inline bool ipa_thread_allowed(const struct ipa_thread *t, int core)
{
    const struct ipa_thread_head *h = ipa_thread_head(t);
    unsigned c = (unsigned)core; /* a negative core is out of range too */
    return c < (unsigned)h->nr_cores && (h->allowed[c / 64] >> (c % 64) & 1);
}
/* CPU time consumed so far, in ns. */
IPA_API uint64_t ipa_thread_runtime_ns(const struct ipa_thread *t);
/* The policy's slot of ops->thread_data_size bytes, zeroed at creation;
 * 16-byte aligned, and within one cache line when it fits in one. */
static inline void *ipa_thread_data(const struct ipa_thread *t)
{
    return ipa_thread_head(t)->data;
}
/* Free-form trace attributes: resolve a name once (in init), then read.
 * Returns -1 for a name no thread of the trace carries. */
IPA_API int ipa_attr_id(struct ipa_rt *rt, const char *name);
IPA_API int64_t ipa_thread_attr(const struct ipa_thread *t, int attr,
                                int64_t fallback);

/* ---- cores and topology ------------------------------------------------- */

/* The cores of this policy instance (global core ids, ascending). */
IPA_API int ipa_nr_cores(struct ipa_rt *rt);
IPA_API int ipa_core_at(struct ipa_rt *rt, int index);
/* All cores of the machine (ids run from 0 to ipa_machine_cores() - 1). */
IPA_API int ipa_machine_cores(struct ipa_rt *rt);
IPA_API bool ipa_core_online(struct ipa_rt *rt, int core);
IPA_API struct ipa_thread *ipa_core_current(struct ipa_rt *rt, int core);
IPA_API bool ipa_core_idle(struct ipa_rt *rt, int core);
/* The first idle core of this policy with an id >= @from, or -1: finds
 * idle cores without scanning busy ones. */
IPA_API int ipa_next_idle_core(struct ipa_rt *rt, int from);
/* The same idle cores as a bit set (laid out as ipa_waiting_cores()'s),
 * at the same address for the whole run. */
IPA_API const uint64_t *ipa_idle_cores(struct ipa_rt *rt);
/* The cores of this policy whose own READY queues hold a thread, as a
 * bit set (bit c % 64 of word c / 64) of ipa_machine_cores() cores, kept
 * by the runtime as threads come and go: a balancer finds the cores it
 * may pull from without scanning the others. Read it; it changes with
 * every move, at the same address for the whole run. */
IPA_API const uint64_t *ipa_waiting_cores(struct ipa_rt *rt);
/* The first core with an id >= @from in both sets (@b NULL: in @a) of
 * @nr_cores cores, or -1. Inline: a balancer walks a set one core at a
 * time. */
static inline int ipa_cores_next(const uint64_t *a, const uint64_t *b,
                                 int nr_cores, int from)
{
    if (from < 0)
        from = 0;
    for (int w = from / 64; w * 64 < nr_cores; w++) {
        uint64_t bits = a[w] & (b ? b[w] : ~(uint64_t)0);
        if (w == from / 64)
            bits &= ~(uint64_t)0 << (from % 64);
        if (bits)
            return w * 64 + __builtin_ctzll(bits);
    }
    return -1;
}
/* One past the last of a domain's or group's ascending @cores: a walk of
 * its mask from cores[0] to there reads only the words it spans (on 1,024
 * cores, a 16-core group's 1 word instead of 16). A balancer walks
 * ipa_waiting_cores() in a group so:
 *   int end = ipa_span_end(g->cores, g->nr_cores);
 *   for (c = ipa_cores_next(w, g->mask, end, g->cores[0]); c >= 0;
 *        c = ipa_cores_next(w, g->mask, end, c + 1)) */
static inline int ipa_span_end(const int *cores, int nr_cores)
{
    return cores[nr_cores - 1] + 1;
}
/*
 * Cores ordered by a key of their running threads, kept by the runtime as
 * Linux's cpudl keeps CPUs by deadline, so that global EDF finds the core
 * running the latest deadline in O(1) and keeps it in O(log m) per switch
 * instead of scanning the cores.
 * ipa_core_order (call it in init, once): order the policy's cores whose
 *   thread is RUNNING by the int64_t at byte @key_offset of that thread's
 *   data (8-aligned, within thread_data_size), read when it starts
 *   RUNNING; @highest: the largest key first, else the smallest.
 * ipa_core_order_first: the first of those cores (among equal keys the
 *   lowest core id), -1 when none runs a thread. O(1).
 * ipa_core_order_update: call it after changing the key of @core's running
 *   thread (a policy's own data: the runtime cannot see the write).
 */
IPA_API void ipa_core_order(struct ipa_rt *rt, size_t key_offset,
                            bool highest);
IPA_API int ipa_core_order_first(struct ipa_rt *rt);
IPA_API void ipa_core_order_update(struct ipa_rt *rt, int core);
/* When the core last went idle (valid while it is idle). */
IPA_API uint64_t ipa_core_idle_since_ns(struct ipa_rt *rt, int core);
IPA_API void *ipa_core_data(struct ipa_rt *rt, int core);
IPA_API int ipa_core_node(struct ipa_rt *rt, int core);
/* The capacity of the fastest kind of core (Linux's SCHED_CAPACITY_SCALE). */
#define IPA_CAPACITY_SCALE 1024
/* The core's capacity, as Linux's cpu_capacity: IPA_CAPACITY_SCALE for
 * the fastest kind of core; a run lasts its work * 1024 / capacity
 * there. */
IPA_API int ipa_core_capacity(struct ipa_rt *rt, int core);
/* Distance rank between two cores: 0 same core, then SMT, shared caches,
 * NUMA node, and NUMA distances, increasing. */
IPA_API int ipa_distance(struct ipa_rt *rt, int a, int b);
IPA_API int ipa_nr_distances(struct ipa_rt *rt);

/* ---- scheduling domains -------------------------------------------------- */

struct ipa_sched_group {
    int nr_cores;
    const int *cores; /* ascending */
    /* the same cores as a bit set (bit c % 64 of word c / 64), for
     * ipa_cores_next */
    const uint64_t *mask;
};

/*
 * A core's scheduling domain at one level of the hierarchy: level 1 is the
 * smallest, the top level spans all the policy's cores. Its groups
 * partition it; each group is a domain one level down.
 */
struct ipa_sched_domain {
    int level;
    int nr_cores;
    const int *cores;
    int nr_groups;
    const struct ipa_sched_group *groups;
    int local_group; /* index of the group holding the owning core */
    const uint64_t *mask; /* its cores as a bit set, as a group's */
};

IPA_API int ipa_nr_levels(struct ipa_rt *rt);
IPA_API const struct ipa_sched_domain *ipa_core_domain(struct ipa_rt *rt,
                                                       int core, int level);
/* The policy's slot of ops->domain_data_size bytes for (core, level). */
IPA_API void *ipa_domain_data(struct ipa_rt *rt, int core, int level);

/* ---- locking, time, policy data ----------------------------------------- */

/* Best-effort lock of a remote core's queues, as in the kernel: false means
 * give up. The event's own core is always held. */
IPA_API bool ipa_trylock(struct ipa_rt *rt, int core);
IPA_API void ipa_unlock(struct ipa_rt *rt, int core);

IPA_API uint64_t ipa_now_ns(struct ipa_rt *rt);
/* Tick period and balancing interval the simulation runs with. */
IPA_API uint64_t ipa_tick_ns(struct ipa_rt *rt);
IPA_API uint64_t ipa_balance_interval_ns(struct ipa_rt *rt);

/* The first member of the runtime's policy instance record, public for
 * the same reason as struct ipa_thread_head, and under the same rules. */
struct ipa_rt_head {
    void *policy_data;
};

/* ops->policy_data_size bytes for this policy instance, zeroed. */
static inline void *ipa_policy_data(struct ipa_rt *rt)
{
    return ((const struct ipa_rt_head *)(const void *)rt)->policy_data;
}
/* The context an embedder attached the policy with (the DSL interpreter). */
IPA_API void *ipa_policy_ctx(struct ipa_rt *rt);

/* Stops the run with a policy fault (exit code 1), naming the event. */
IPA_API void ipa_fault(struct ipa_rt *rt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

#ifdef __cplusplus
}
#endif

#endif /* IPASIM_RUNTIME_H */
