/*
 * gedf.c - exact global earliest deadline first, the C twin of gedf.ipa.
 *
 * The m cores run the m ready jobs with the earliest deadlines: every
 * waiting job is in one global queue ordered by (deadline, thread id), and
 * a job that arrives or wakes up goes to the first idle core, else to the
 * core running the latest deadline, which it preempts at once
 * (ipa_preempt) when its own deadline is earlier. It decides as gedf.ipa
 * does, event for event (the --logs are byte-identical), so comparing the
 * two shows what the DSL costs. How it mirrors the DSL:
 * - `first(cores filter = { idle })` is the first idle core by id
 *   (ipa_next_idle_core); `max(cores order = { highest running_deadline }
 *   filter = { online })` is the runtime's core order (ipa_core_order,
 *   the busy cores by deadline, equal ones by id), as the DSL keeps it
 *   for this selection; where no busy core's deadline is above an idle
 *   core's 0 both walk the cores in ascending order and keep the first of
 *   equal deadlines (a strict >), an idle core counting 0;
 * - the DSL records the preemption in prepare and makes it in place: so
 *   does this, in the policy's data;
 * - a preempted thread, a tick's and a yield's go back to the global
 *   queue; on core_exit the running thread does too (the DSL requeues it
 *   in its first READY state, which is the global one).
 * Not handled, as in gedf.ipa: CPU affinity narrower than the partition.
 */
#include <stddef.h>

#include <ipasim/runtime.h>

#define DEFAULT_DEADLINE_NS 100000000 /* threads without deadline or period */

/* Per-thread data: the queue's keys, lowest first. */
struct gedf_thread {
    int64_t abs_deadline; /* of the current job */
    int64_t id;           /* ties: the lower thread id first */
};

struct gedf_policy {
    int deadline_attr, period_attr;
    int preempt_core; /* recorded by prepare for place, -1: none */
};

enum { READY_Q }; /* index of the global queue in global_rqs below */

static const struct ipa_rq_desc gedf_rqs[] = {
    [READY_Q] = {.name = "ready",
                 .state = IPA_STATE_READY,
                 .shared = true,
                 .nr_keys = 2,
                 .key_offset = offsetof(struct gedf_thread, abs_deadline)},
};

static struct gedf_thread *data_of(const struct ipa_thread *t)
{
    return ipa_thread_data(t);
}

static struct gedf_policy *policy_of(struct ipa_rt *rt)
{
    return ipa_policy_data(rt);
}

static struct ipa_rq *ready_q(struct ipa_rt *rt)
{
    return ipa_global_rq(rt, READY_Q);
}

static int gedf_init(struct ipa_rt *rt)
{
    struct gedf_policy *p = policy_of(rt);
    p->deadline_attr = ipa_attr_id(rt, "deadline");
    p->period_attr = ipa_attr_id(rt, "period");
    p->preempt_core = -1;
    /* busy cores by deadline, the latest first (Linux's cpudl) */
    ipa_core_order(rt, offsetof(struct gedf_thread, abs_deadline), true);
    return 0;
}

static int64_t relative_deadline(struct ipa_rt *rt, const struct ipa_thread *t)
{
    struct gedf_policy *p = policy_of(rt);
    int64_t d = ipa_thread_attr(t, p->deadline_attr, 0);
    if (d > 0)
        return d;
    int64_t period = ipa_thread_attr(t, p->period_attr, 0);
    return period > 0 ? period : DEFAULT_DEADLINE_NS;
}

/* The deadline of the job @core runs, 0 when it runs none. */
static int64_t running_deadline(struct ipa_rt *rt, int core)
{
    struct ipa_thread *cur = ipa_core_current(rt, core);
    return cur ? data_of(cur)->abs_deadline : 0;
}

/* A new job: its deadline, its core (the first idle one, else the one
 * running the latest deadline), and whether it preempts that core. */
static int release(struct ipa_rt *rt, struct ipa_thread *t)
{
    struct gedf_thread *d = data_of(t);
    struct gedf_policy *p = policy_of(rt);
    d->abs_deadline = (int64_t)ipa_now_ns(rt) + relative_deadline(rt, t);
    d->id = ipa_thread_id(t);
    p->preempt_core = -1;
    int core = ipa_next_idle_core(rt, 0);
    if (core >= 0)
        return core;
    /* no core idle: the runtime's order has the latest deadline, unless
     * none is above an idle core's 0, where the DSL walks the cores */
    core = ipa_core_order_first(rt);
    int64_t latest = core >= 0 ? running_deadline(rt, core) : 0;
    if (latest > 0) {
        if (latest > d->abs_deadline)
            p->preempt_core = core;
        return core;
    }
    core = -1;
    for (int i = 0; i < ipa_nr_cores(rt); i++) {
        int c = ipa_core_at(rt, i);
        if (!ipa_core_online(rt, c))
            continue;
        int64_t r = running_deadline(rt, c);
        if (core < 0 || r > latest) {
            core = c;
            latest = r;
        }
    }
    if (core >= 0 && latest > d->abs_deadline)
        p->preempt_core = core;
    return core;
}

static int gedf_new_prepare(struct ipa_rt *rt, struct ipa_process_event *e)
{
    return release(rt, e->target);
}

static int gedf_unblock_prepare(struct ipa_rt *rt, struct ipa_process_event *e)
{
    return release(rt, e->target);
}

static void gedf_place(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_READY, e->core, ready_q(rt));
    struct gedf_policy *p = policy_of(rt);
    if (p->preempt_core >= 0)
        ipa_preempt(rt, p->preempt_core, ready_q(rt));
}

static void gedf_tick(struct ipa_rt *rt, struct ipa_process_event *e)
{
    struct gedf_thread *d = data_of(e->target);
    /* overrun: the job gets its next deadline */
    if ((int64_t)ipa_now_ns(rt) >= d->abs_deadline) {
        d->abs_deadline += relative_deadline(rt, e->target);
        ipa_core_order_update(rt, e->core);
    }
    struct ipa_thread *head = ipa_rq_first(ready_q(rt));
    if (head && data_of(head)->abs_deadline < d->abs_deadline)
        ipa_change_state(rt, e->target, IPA_STATE_READY_TICK, e->core,
                         ready_q(rt));
}

static void gedf_yield(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_READY, e->core, ready_q(rt));
}

static void gedf_block(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_BLOCKED, e->core, NULL);
}

static void gedf_terminate(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_TERMINATED, e->core, NULL);
}

static void gedf_schedule(struct ipa_rt *rt, struct ipa_core_event *e)
{
    struct ipa_thread *t = ipa_rq_first(ready_q(rt));
    if (t)
        ipa_change_state(rt, t, IPA_STATE_RUNNING, e->target, NULL);
}

static void gedf_core_exit(struct ipa_rt *rt, struct ipa_core_event *e)
{
    struct ipa_thread *cur = ipa_core_current(rt, e->target);
    if (cur)
        ipa_change_state(rt, cur, IPA_STATE_READY, e->target, ready_q(rt));
}

IPA_POLICY_DEFINE(.name = "gedf",
                  .thread_data_size = sizeof(struct gedf_thread),
                  .policy_data_size = sizeof(struct gedf_policy),
                  .global_rqs = gedf_rqs, .nr_global_rqs = 1,
                  .init = gedf_init, .new_prepare = gedf_new_prepare,
                  .new_place = gedf_place,
                  .unblock_prepare = gedf_unblock_prepare,
                  .unblock_place = gedf_place, .tick = gedf_tick,
                  .yield = gedf_yield, .block = gedf_block,
                  .terminate = gedf_terminate, .schedule = gedf_schedule,
                  .core_exit = gedf_core_exit);
