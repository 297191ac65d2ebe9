/*
 * dispatch.c - driving the policy, in the order the Ipanema kernel does.
 *
 * Each callback runs with its event's core locked (other cores only through
 * ipa_trylock) and is followed by a check of what the runtime demands of
 * it: new_place and unblock_place leave the thread READY, block leaves it
 * BLOCKED, terminate TERMINATED. Schedule points run after the event: a
 * core whose current thread left RUNNING, or an idle core that received a
 * READY thread, gets schedule; if that elects nothing on a core that was
 * busy, newly_idle and schedule again; then enter_idle. A thread placed on
 * an idle core gets exit_idle first.
 */
#include <string.h>

#include "engine/internal.h"
#include "util/common.h"
#include "util/cpuset.h"

/* Sets up the callback context: the event's core is held. */
static void enter_cb(struct ipa_sim *sim, const char *name,
                     struct ipa_thread *t, int core)
{
    sim->cb = name;
    sim->cb_thread = t;
    sim->cb_tid = t ? t->tid : -1;
    sim->cb_core = core;
    if (core >= 0) {
        sim->cores[core].locked = true;
        sim->locked[sim->nr_locked++] = core;
    }
}

void ipa_dispatch_leave_cb(struct ipa_sim *sim)
{
    for (int i = 0; i < sim->nr_locked; i++)
        sim->cores[sim->locked[i]].locked = false;
    sim->nr_locked = 0;
    sim->cb = NULL;
    sim->cb_thread = NULL;
    sim->cb_core = -1;
}

typedef void (*process_fn)(struct ipa_rt *, struct ipa_process_event *);
typedef int (*prepare_fn)(struct ipa_rt *, struct ipa_process_event *);
typedef void (*core_fn)(struct ipa_rt *, struct ipa_core_event *);

/* Inlined, as call_core: every event calls the policy through them. */
static inline __attribute__((always_inline)) void
call_process(struct ipa_sim *sim, const char *name, process_fn fn,
             struct ipa_thread *t, int core, int source)
{
    if (!fn)
        return;
    struct ipa_process_event e = {t, core, source};
    enter_cb(sim, name, t, core);
    ipa_policy_enter(sim, t->rt, name);
    fn(t->rt, &e);
    ipa_policy_leave(sim);
    ipa_dispatch_leave_cb(sim);
}

/* @rt: the class of @c's partition the event goes to. */
static inline __attribute__((always_inline)) void
call_core(struct ipa_sim *sim, const char *name, core_fn fn,
          struct ipa_core *c, struct ipa_rt *rt)
{
    if (!fn)
        return;
    struct ipa_core_event e = {c->id};
    enter_cb(sim, name, NULL, c->id);
    ipa_policy_enter(sim, rt, name);
    fn(rt, &e);
    ipa_policy_leave(sim);
    ipa_dispatch_leave_cb(sim);
}

/* A core event every class of @c's partition gets, the highest (@top_rt,
 * whose ops are @top_ops) first. A caller on the hot path keeps them
 * and @stacked (top_rt->lower != NULL) in locals: a partition of one policy
 * then pays a test of a register per event, not loads. */
#define CALL_CLASSES_OF(sim, name, callback, c, top_rt, top_ops, stacked)     \
    do {                                                                       \
        call_core(sim, name, (top_ops)->callback, c, top_rt);                  \
        if (G_UNLIKELY(stacked))                                               \
            for (struct ipa_rt *rt_ = (top_rt)->lower; rt_; rt_ = rt_->lower)  \
                call_core(sim, name, rt_->ops->callback, c, rt_);              \
    } while (0)
#define CALL_CLASSES(sim, name, callback, c)                                   \
    CALL_CLASSES_OF(sim, name, callback, c, (c)->rt, (c)->rt->ops,            \
                    (c)->rt->lower != NULL)

/* After a callback: the state the runtime requires of the thread. */
static void expect_state(struct ipa_sim *sim, const char *name,
                         struct ipa_thread *t, enum ipa_state want)
{
    if (t->pub.state == want)
        return;
    enter_cb(sim, name, t, t->pub.core);
    ipa_fault(t->rt, "%s left thread %d in %s instead of %s%s", name, t->tid,
              ipa_state_name(t->pub.state), ipa_state_name(want),
              t->pub.state == IPA_STATE_NOT_QUEUED ? " (lost thread)" : "");
}

static bool usable_core(struct ipa_sim *sim, struct ipa_thread *t, int core)
{
    /* allowed: one of the policy's cores, so a valid index */
    return ipa_thread_allowed(t, core) && sim->cores[core].online;
}

/* The core a prepare callback chose, or the default when the policy has
 * none: the thread's core, else the source's, else the first allowed. */
static int prepare(struct ipa_sim *sim, const char *name, prepare_fn fn,
                   struct ipa_thread *t, int source)
{
    int core;
    if (fn) {
        struct ipa_process_event e = {t, -1, source};
        enter_cb(sim, name, t, -1);
        ipa_policy_enter(sim, t->rt, name);
        core = fn(t->rt, &e);
        ipa_policy_leave(sim);
        if (!usable_core(sim, t, core))
            ipa_fault(t->rt,
                      "%s chose core %d, which is not an online core of the "
                      "policy in the thread's affinity",
                      name, core);
        ipa_dispatch_leave_cb(sim);
        return core;
    }
    if (usable_core(sim, t, t->pub.core))
        return t->pub.core;
    if (usable_core(sim, t, source))
        return source;
    for (int i = 0; i < t->rt->nr_cores; i++)
        if (usable_core(sim, t, t->rt->cores[i]))
            return t->rt->cores[i];
    enter_cb(sim, name, t, -1);
    ipa_fault(t->rt, "thread %d has no online core to run on", t->tid);
}

static void core_set_idle(struct ipa_sim *sim, struct ipa_core *c, bool idle)
{
    if (c->idle == idle)
        return;
    c->idle = idle;
    if (idle) {
        c->idle_since_ns = sim->now;
        ipa_cpuset_set(c->rt->idle_set, c->id);
        ipa_evq_remove(&sim->evq, &c->tick);
    } else {
        ipa_cpuset_clear(c->rt->idle_set, c->id);
    }
    if (G_UNLIKELY(c->rt->lower))
        ipa_classes_refresh(sim, c);
    ipa_wc_core_idle(c->rt->wc, c->id, idle);
}

/* prepare, exit_idle if needed, place, end: new and unblock alike. */
static void place(struct ipa_sim *sim, struct ipa_thread *t, int source,
                  bool is_new)
{
    const struct ipa_policy_ops *ops = t->rt->ops;
    int core = prepare(sim, is_new ? "new_prepare" : "unblock_prepare",
                       is_new ? ops->new_prepare : ops->unblock_prepare, t,
                       source);
    struct ipa_core *c = &sim->cores[core];
    if (c->idle) {
        CALL_CLASSES(sim, "exit_idle", exit_idle, c);
        core_set_idle(sim, c, false);
    }
    const char *name = is_new ? "new_place" : "unblock_place";
    call_process(sim, name, is_new ? ops->new_place : ops->unblock_place, t,
                 core, source);
    expect_state(sim, name, t, IPA_STATE_READY);
    call_process(sim, is_new ? "new_end" : "unblock_end",
                 is_new ? ops->new_end : ops->unblock_end, t, t->pub.core, source);
}

/* Tells the observers who woke @t: the thread running on the source core
 * (the signaller, the parent). */
static void observe_wakeup(struct ipa_sim *sim, struct ipa_thread *t,
                           bool arrival, int source_core)
{
    const struct ipa_thread *waker =
        source_core >= 0 ? sim->cores[source_core].current : NULL;
    for (int i = 0; i < sim->nr_observers; i++) {
        const struct ipa_sim_observer *o = sim->observers[i];
        if (o->wakeup)
            o->wakeup(o->ctx, sim->now, t->tid, arrival,
                      waker ? waker->tid : -1, waker ? source_core : -1);
    }
}

/* place() for a thread with jobs: its activation releases one. Apart,
 * so that the common path's place() stays a tail call. */
static G_GNUC_NO_INLINE void place_job(struct ipa_sim *sim,
                                       struct ipa_thread *t, int source,
                                       bool is_new)
{
    ipa_jobs_release(sim, t, sim->now);
    place(sim, t, source, is_new);
}

void ipa_dispatch_arrive(struct ipa_sim *sim, struct ipa_thread *t,
                         int source_core)
{
    if (sim->nr_observers)
        observe_wakeup(sim, t, true, source_core);
    t->started = true;
    t->start_ns = sim->now;
    t->wake_ns = sim->now;
    t->latency_pending = true;
    sim->state_count[IPA_STATE_NOT_QUEUED]++;
    if (t->pub.group >= 0) {
        sim->group_live[t->pub.group]++;
        sim->attrs_version++;
    }
    if (G_UNLIKELY(t->has_jobs))
        place_job(sim, t, source_core, true);
    else
        place(sim, t, source_core, true);
}

void ipa_dispatch_wake(struct ipa_sim *sim, struct ipa_thread *t,
                       int source_core)
{
    if (sim->nr_observers)
        observe_wakeup(sim, t, false, source_core);
    t->wait = WAIT_NONE;
    t->nr_wakeups++;
    t->wake_ns = sim->now;
    t->latency_pending = true;
    if (G_UNLIKELY(t->has_jobs))
        place_job(sim, t, source_core, false);
    else
        place(sim, t, source_core, false);
}

void ipa_dispatch_block(struct ipa_sim *sim, struct ipa_thread *t)
{
    if (G_UNLIKELY(t->has_jobs))
        ipa_jobs_end(sim, t);
    call_process(sim, "block", t->rt->ops->block, t, t->pub.core, -1);
    expect_state(sim, "block", t, IPA_STATE_BLOCKED);
}

void ipa_dispatch_terminate(struct ipa_sim *sim, struct ipa_thread *t)
{
    if (G_UNLIKELY(t->has_jobs))
        ipa_jobs_end(sim, t);
    call_process(sim, "terminate", t->rt->ops->terminate, t, t->pub.core, -1);
    expect_state(sim, "terminate", t, IPA_STATE_TERMINATED);
    t->end_ns = sim->now;
    sim->live--;
    sim->last_exit_ns = sim->now;
    if (t->pub.group >= 0) {
        sim->group_live[t->pub.group]--;
        sim->attrs_version++;
    }
}

bool ipa_dispatch_yield(struct ipa_sim *sim, struct ipa_thread *t)
{
    call_process(sim, "yield", t->rt->ops->yield, t, t->pub.core, -1);
    return t->pub.state == IPA_STATE_RUNNING;
}

/* `attach`: the running thread leaves its class, as it would block there
 * (the class's block handler), and arrives in @to, as a new thread of it
 * (its new handler, on data zeroed for it), as Linux's
 * sched_setscheduler dequeues a task from one class and enqueues it in
 * another. The thread waits in its new class's queue to be elected. */
static void attach(struct ipa_sim *sim, struct ipa_thread *t, struct ipa_rt *to)
{
    int core = t->pub.core;
    call_process(sim, "attach", t->rt->ops->block, t, core, -1);
    expect_state(sim, "attach", t, IPA_STATE_BLOCKED);
    sim->cb = "attach";
    ipa_rt_set_state(sim, t, IPA_STATE_NOT_QUEUED, -1, NULL);
    sim->cb = NULL;
    memset(t->pub.data, 0, sim->thread_data_size);
    t->rt = to;
    place(sim, t, core, true);
}

/* An interface function of the thread's policy: it runs on the thread's
 * core, and leaves the thread running. */
static void call_iface(struct ipa_sim *sim, struct ipa_thread *t, int index,
                       const int64_t *args)
{
    struct ipa_rt *rt = t->rt;
    struct ipa_process_event e = {t, t->pub.core, -1};
    enter_cb(sim, "call", t, t->pub.core);
    ipa_policy_enter(sim, rt, "call");
    rt->ops->call(rt, &e, index, args);
    ipa_policy_leave(sim);
    ipa_dispatch_leave_cb(sim);
    if (t->pub.state != IPA_STATE_RUNNING) {
        enter_cb(sim, "call", t, t->pub.core);
        ipa_fault(rt, "interface function '%s' moved its thread %d (to %s)",
                  rt->ops->ifaces[index].name, t->tid,
                  ipa_state_name(t->pub.state));
    }
}

bool ipa_dispatch_call(struct ipa_sim *sim, struct ipa_thread *t, int call)
{
    struct ipa_rt *to = ipa_classes_attach_target(sim, call);
    if (to) {
        if (to != t->rt)
            attach(sim, t, to);
        return t->pub.state == IPA_STATE_RUNNING;
    }
    const struct ipa_call *c =
        &g_array_index(sim->trace->calls, struct ipa_call, call);
    int iface = t->rt->call_iface[call];
    if (!iface || !t->rt->ops->call) {
        /* checked before the run against the class the thread started
         * in: it has attached to another since */
        ipa_sim_stop(sim, IPA_SIM_TRACE_ERROR,
                     g_strdup_printf(
                         "thread %d (%s) calls '%s', which its class '%s' "
                         "(%s) does not declare, at %llu ns",
                         t->tid, t->spec->name,
                         (const char *)g_ptr_array_index(sim->trace->call_names,
                                                         c->name),
                         t->rt->class_name ? t->rt->class_name : "",
                         t->rt->name, (unsigned long long)sim->now));
    }
    call_iface(sim, t, iface - 1, c->args);
    return true;
}

void ipa_dispatch_tick(struct ipa_sim *sim, struct ipa_core *c)
{
    struct ipa_thread *t = c->current;
    if (!t || t->pub.state != IPA_STATE_RUNNING)
        return;
    ipa_evq_push_lane(&sim->evq, LANE_TICKS, &c->tick, sim->now + sim->tick_ns);
    /* Work that ends at this very instant ends before the tick: a tick
     * must not preempt a thread whose run phase is already done. */
    if (ipa_event_queued(&t->timer) && t->timer.kind == EV_RUN_END &&
        t->timer.time_ns == sim->now) {
        ipa_evq_remove(&sim->evq, &t->timer);
        ipa_program_advance(sim, t);
        if (c->current != t || t->pub.state != IPA_STATE_RUNNING)
            return;
    }
    call_process(sim, "tick", t->rt->ops->tick, t, c->id, -1);
    if (G_UNLIKELY(t->rt->share_first) && c->current == t &&
        t->pub.state == IPA_STATE_RUNNING)
        ipa_classes_share_tick(sim, c, t);
}

void ipa_dispatch_balance(struct ipa_sim *sim, struct ipa_core *c)
{
    ipa_evq_push_lane(&sim->evq, LANE_BALANCING, &c->balance,
                      sim->now + sim->config.balance_ns);
    CALL_CLASSES(sim, "balancing_select", balancing_select, c);
}

/* After core_exit: nothing of @rt's is left to run on offline core @c. */
static void check_offline(struct ipa_sim *sim, struct ipa_core *c,
                          struct ipa_rt *rt)
{
    const struct ipa_policy_ops *ops = rt->ops;
    if (c->current && c->current->pub.state == IPA_STATE_RUNNING &&
        c->current->rt == rt) {
        enter_cb(sim, "core_exit", c->current, c->id);
        ipa_fault(rt, "%s thread %d running on offline core %d",
                  ops->core_exit ? "core_exit left"
                                 : "the policy has no core_exit to move",
                  c->current->tid, c->id);
    }
    /* a thread queued ready on an offline core would never run */
    const struct ipa_rq *rqs = rt->core_rqs[c->id];
    for (int q = 0; q < ops->nr_core_rqs; q++) {
        if (ops->core_rqs[q].state != IPA_STATE_READY ||
            !ipa_rq_count(&rqs[q]))
            continue;
        enter_cb(sim, "core_exit", NULL, c->id);
        ipa_fault(rt, "%s %d thread(s) queued in '%s' on offline core %d",
                  ops->core_exit ? "core_exit left"
                                 : "the policy has no core_exit to move",
                  ipa_rq_count(&rqs[q]), ops->core_rqs[q].name, c->id);
    }
}

void ipa_dispatch_hotplug(struct ipa_sim *sim, struct ipa_core *c,
                          bool online)
{
    if (c->online == online || !c->rt)
        return;
    for (int i = 0; i < sim->nr_observers; i++)
        if (sim->observers[i]->hotplug)
            sim->observers[i]->hotplug(sim->observers[i]->ctx, sim->now, c->id,
                                       online);
    if (!online) {
        /* The core stops, as under stop_machine in the kernel: it is
         * offline (no placement may pick it) before the policy moves its
         * threads elsewhere, the running one included, and no lock it
         * takes meanwhile fails. */
        core_set_idle(sim, c, false);
        c->online = false;
        ipa_evq_remove(&sim->evq, &c->tick);
        ipa_evq_remove(&sim->evq, &c->balance);
        sim->hotplugging = true;
        CALL_CLASSES(sim, "core_exit", core_exit, c);
        sim->hotplugging = false;
        for (struct ipa_rt *rt = c->rt; rt; rt = rt->lower)
            check_offline(sim, c, rt);
        return;
    }
    c->online = true;
    core_set_idle(sim, c, true);
    CALL_CLASSES(sim, "core_entry", core_entry, c);
    ipa_evq_push_lane(&sim->evq, LANE_BALANCING, &c->balance,
                      sim->now + sim->config.balance_ns);
    ipa_sim_resched(sim, c->id);
}

/* ipa_dispatch_account_start, inlined into every start of a run (the
 * engine's hot path) and shared with the replay of recordings. */
static inline uint64_t account_start(struct ipa_sim *sim, struct ipa_core *c,
                                     struct ipa_thread *t)
{
    t->needs_start = false;
    t->run_since_ns = sim->now;
    c->busy_since_ns = sim->now;
    uint64_t cost = 0;
    if (c->last_thread != t) {
        cost += sim->config.cs_cost_ns;
        c->nr_switches++;
        t->nr_switches++;
    }
    if (t->last_ran_core >= 0 && t->last_ran_core != c->id) {
        cost += sim->config.migration_cost_ns;
        t->nr_migrations++;
        t->rt->migrations_by_distance[ipa_topo_distance(
            sim->topo, t->last_ran_core, c->id)]++;
    }
    if (t->last_ran_core < 0)
        t->home_node = sim->topo->node[c->id];
    t->last_ran_core = c->id;
    c->last_thread = t;
    if (t->latency_pending) {
        uint64_t lat = sim->now - t->wake_ns;
        t->latency_pending = false;
        t->latency_sum_ns += lat;
        if (lat > t->latency_max_ns)
            t->latency_max_ns = lat;
        ipa_hist_add(&sim->latency, lat);
        ipa_hist_add(&sim->group_latency[t->pub.group + 1], lat);
    }
    return cost;
}

uint64_t ipa_dispatch_account_start(struct ipa_sim *sim, struct ipa_core *c,
                                    struct ipa_thread *t)
{
    return account_start(sim, c, t);
}

void ipa_dispatch_core_idle(struct ipa_sim *sim, struct ipa_core *c, bool idle)
{
    core_set_idle(sim, c, idle);
}

void ipa_dispatch_observe_wakeup(struct ipa_sim *sim, struct ipa_thread *t,
                                 bool arrival, int source_core)
{
    observe_wakeup(sim, t, arrival, source_core);
}

/* The thread starts on its core: costs, accounting, then its program. */
static void start_running(struct ipa_sim *sim, struct ipa_core *c,
                          struct ipa_thread *t)
{
    uint64_t cost = account_start(sim, c, t);
    t->work_since_ns = sim->now + cost;
    if (!ipa_event_queued(&c->tick))
        ipa_evq_push_lane(&sim->evq, LANE_TICKS, &c->tick,
                          (sim->now / sim->tick_ns + 1) * sim->tick_ns);
    ipa_program_start(sim, t);
}

/* The classes of @top's partition in order until one elects a thread on
 * @c; a share group's members in order of least virtual time on @c
 * (classes.c). */
static G_GNUC_NO_INLINE void schedule_stacked(struct ipa_sim *sim,
                                              struct ipa_core *c,
                                              struct ipa_rt *top)
{
    struct ipa_rt *rt = top;
    while (rt && !c->current) {
        struct ipa_rt *first = rt->share_first;
        if (!first) {
            call_core(sim, "schedule", rt->ops->schedule, c, rt);
            rt = rt->lower;
            continue;
        }
        uint64_t asked = 0, bit = 0;
        struct ipa_rt *m;
        while (!c->current &&
               (m = ipa_classes_share_next(first, c->id, asked, &bit))) {
            asked |= bit;
            call_core(sim, "schedule", m->ops->schedule, c, m);
        }
        while (rt && rt->share_first == first)
            rt = rt->lower;
    }
}

/* The classes of @c's partition in order until one elects a thread (one
 * call for a partition of one policy). */
static inline void schedule_classes(struct ipa_sim *sim, struct ipa_core *c,
                                    struct ipa_rt *top,
                                    const struct ipa_policy_ops *ops,
                                    bool stacked)
{
    if (G_UNLIKELY(stacked))
        schedule_stacked(sim, c, top);
    else
        call_core(sim, "schedule", ops->schedule, c, top);
}

/* A higher class's thread waits for @c: the lower class running there
 * puts its thread back in its queue through its yield handler, as
 * Linux's put_prev_task does (classes.c). */
static G_GNUC_NO_INLINE void preempt_lower_class(struct ipa_sim *sim,
                                                struct ipa_core *c)
{
    struct ipa_thread *t = c->current;
    call_process(sim, "class_preempt", t->rt->ops->yield, t, c->id, -1);
    expect_state(sim, "class_preempt", t, IPA_STATE_READY);
}

/* One core's schedule point; loops until the core runs a thread that has
 * started, or is idle. */
static void schedule_point(struct ipa_sim *sim, struct ipa_core *c)
{
    struct ipa_rt *top = c->rt;
    const struct ipa_policy_ops *ops = top->ops;
    const bool stacked = top->lower != NULL;
    for (;;) {
        struct ipa_thread *t = c->current;
        if (t && t->pub.state == IPA_STATE_READY_TICK) {
            sim->cb = "runtime";
            ipa_rt_set_state(sim, t, IPA_STATE_READY, t->pub.core, t->tick_rq);
            sim->cb = NULL;
            continue;
        }
        if (t) {
            IPA_ASSERT(t->pub.state == IPA_STATE_RUNNING, "current not running");
            if (G_UNLIKELY(stacked) && c->class_preempt &&
                ipa_classes_should_preempt(c)) {
                preempt_lower_class(sim, c);
                continue;
            }
            if (!t->needs_start)
                return;
            if (c->idle) { /* elected from another core's event */
                CALL_CLASSES_OF(sim, "exit_idle", exit_idle, c, top, ops,
                                stacked);
                core_set_idle(sim, c, false);
            }
            start_running(sim, c, t);
            continue;
        }
        if (G_UNLIKELY(stacked))
            c->class_preempt = false;
        if (!c->online)
            return;
        bool was_idle = c->idle;
        if (was_idle) {
            CALL_CLASSES_OF(sim, "exit_idle", exit_idle, c, top, ops, stacked);
            core_set_idle(sim, c, false);
        }
        schedule_classes(sim, c, top, ops, stacked);
        if (c->current)
            continue;
        if (!was_idle) {
            CALL_CLASSES_OF(sim, "newly_idle", newly_idle, c, top, ops,
                            stacked);
            schedule_classes(sim, c, top, ops, stacked);
            if (c->current)
                continue;
        }
        CALL_CLASSES_OF(sim, "enter_idle", enter_idle, c, top, ops, stacked);
        core_set_idle(sim, c, true);
        return;
    }
}

void ipa_dispatch_resched(struct ipa_sim *sim)
{
    /* A ring with room for every core: a core's flag stays set while it is
     * queued or processed, so it is never in the ring twice. */
    while (sim->nr_resched) {
        struct ipa_core *c = &sim->cores[sim->resched[sim->resched_head]];
        /* a wrap, not a %: a division costs tens of cycles */
        if (++sim->resched_head == sim->nr_cores)
            sim->resched_head = 0;
        sim->nr_resched--;
        schedule_point(sim, c);
        c->resched = false;
    }
}
