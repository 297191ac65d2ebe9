/*
 * runtime.c - the runtime API of include/ipasim/runtime.h: what a policy
 * may call. Every call that changes the world checks the policy's right to
 * do it (legal transition, locks held, core allowed) and turns a violation
 * into a policy fault that names the callback, thread, core and time.
 */
#include <stdarg.h>
#include <string.h>

#include "engine/internal.h"
#include "util/common.h"
#include "util/cpuset.h"

static const char *const state_names[] = {
#define STATE_NAME(name) #name,
    IPA_STATES(STATE_NAME)
#undef STATE_NAME
};

const char *ipa_state_name(enum ipa_state state)
{
    if ((unsigned)state >= IPA_STATE_COUNT)
        return "?";
    return state_names[state];
}

/* ---- run queues ---------------------------------------------------------- */

static struct ipa_thread *node_thread(const struct ipa_rb_node *n)
{
    return n ? IPA_CONTAINER_OF(n, struct ipa_thread, rb) : NULL;
}

/* A keyed queue's keys in @t's data (ipa_rq_desc.nr_keys). */
static const int64_t *keys_of(const struct ipa_rq *rq,
                              const struct ipa_thread *t)
{
    return (const int64_t *)(const void *)((const char *)t->pub.data +
                                           rq->desc->key_offset);
}

/* A queue ordered by the policy's cmp (all node keys 0). */
static int rq_cmp(const struct ipa_rb_node *a, const struct ipa_rb_node *b,
                  void *arg)
{
    const struct ipa_rq_desc *d = ((const struct ipa_rq *)arg)->desc;
    return d->cmp(node_thread(a), node_thread(b), d->cmp_arg);
}

/* A keyed queue, among threads of equal first keys: the later keys. */
static int rq_later_keys(const struct ipa_rb_node *a,
                         const struct ipa_rb_node *b, void *arg)
{
    const struct ipa_rq *rq = arg;
    const struct ipa_rq_desc *d = rq->desc;
    const int64_t *ka = keys_of(rq, node_thread(a));
    const int64_t *kb = keys_of(rq, node_thread(b));
    for (int k = 1; k < d->nr_keys; k++)
        if (ka[k] != kb[k])
            return (ka[k] < kb[k]) != ((d->highest >> k & 1) != 0) ? -1 : 1;
    return 0;
}

/* Where @t goes in @rq: its first key as the tree compares keys, lowest
 * first (~k reverses int64_t without overflow, for a highest-first key);
 * 0 for a queue ordered by cmp alone, whose threads then tie on it. */
static void insert(struct ipa_rq *rq, struct ipa_thread *t)
{
    const struct ipa_rq_desc *d = rq->desc;
    int64_t key = 0;
    if (d->nr_keys) {
        key = keys_of(rq, t)[0];
        if (d->highest & 1)
            key = ~key;
    }
    t->rb.key = key;
    ipa_rb_insert(&rq->tree, &t->rb, rq->tie, rq);
}

void ipa_rq_init(struct ipa_rq *rq, const struct ipa_rq_desc *desc, int core)
{
    memset(rq, 0, sizeof *rq);
    ipa_rb_init(&rq->tree);
    rq->desc = desc;
    rq->core = core;
    /* NULL: the first key (or none) decides, equal ones FIFO */
    rq->tie = desc->cmp ? rq_cmp : desc->nr_keys > 1 ? rq_later_keys : NULL;
}

void ipa_rq_fini(struct ipa_rq *rq)
{
    g_free(rq->classes);
    rq->classes = NULL;
}

/* Whether @rq's threads make its core one with threads waiting. */
static bool counts_as_waiting(const struct ipa_rq *rq)
{
    return rq->core >= 0 && rq->desc->state == IPA_STATE_READY;
}

/* @rq, a per-core READY queue, has just emptied: its core still has
 * threads waiting if another of its READY queues holds one. */
static void queue_emptied(struct ipa_rt *rt, const struct ipa_rq *rq)
{
    const struct ipa_rq *rqs = rt->core_rqs[rq->core];
    for (int q = 0; q < rt->ops->nr_core_rqs; q++)
        if (counts_as_waiting(&rqs[q]) && rqs[q].tree.count)
            return;
    ipa_cpuset_clear(rt->waiting_set, rq->core);
}

static inline void rq_insert(struct ipa_rq *rq, struct ipa_thread *t)
{
    insert(rq, t);
    t->pub.rq = rq;
    if (rq->tree.count == 1 && counts_as_waiting(rq))
        ipa_cpuset_set(t->rt->waiting_set, rq->core);
    if (rq->classes)
        ipa_sums_count(rq, t, 1);
}

static inline void rq_remove(struct ipa_rq *rq, struct ipa_thread *t)
{
    ipa_rb_remove(&rq->tree, &t->rb);
    t->pub.rq = NULL;
    if (rq->tree.count == 0 && counts_as_waiting(rq))
        queue_emptied(t->rt, rq);
    if (rq->classes)
        ipa_sums_count(rq, t, -1);
}

struct ipa_thread *ipa_rq_first(const struct ipa_rq *rq)
{
    return node_thread(rq->tree.first);
}

struct ipa_thread *ipa_rq_last(const struct ipa_rq *rq)
{
    return node_thread(rq->tree.last);
}

struct ipa_thread *ipa_rq_next(const struct ipa_rq *rq,
                               const struct ipa_thread *t)
{
    if (t->pub.rq != rq)
        return NULL;
    return node_thread(ipa_rb_next(&t->rb));
}

struct ipa_thread *ipa_rq_prev(const struct ipa_rq *rq,
                               const struct ipa_thread *t)
{
    if (t->pub.rq != rq)
        return NULL;
    return node_thread(ipa_rb_prev(&t->rb));
}

int ipa_rq_count(const struct ipa_rq *rq)
{
    return rq->tree.count;
}

int ipa_rq_core(const struct ipa_rq *rq)
{
    return rq->core;
}

void ipa_rq_reorder(struct ipa_rq *rq, struct ipa_thread *t)
{
    if (t->pub.rq != rq)
        return;
    /* the thread stays in the queue: its counts and sums stand */
    ipa_rb_remove(&rq->tree, &t->rb);
    insert(rq, t);
}

struct ipa_rq *ipa_core_rq(struct ipa_rt *rt, int core, int index)
{
    if (core < 0 || core >= rt->sim->nr_cores || !rt->core_rqs[core])
        ipa_fault(rt, "ipa_core_rq: core %d is not one of this policy's", core);
    if (index < 0 || index >= rt->ops->nr_core_rqs)
        ipa_fault(rt, "ipa_core_rq: no per-core run queue %d", index);
    return &rt->core_rqs[core][index];
}

struct ipa_rq *ipa_global_rq(struct ipa_rt *rt, int index)
{
    if (index < 0 || index >= rt->ops->nr_global_rqs)
        ipa_fault(rt, "ipa_global_rq: no global run queue %d", index);
    return &rt->global_rqs[index];
}

/* ---- faults -------------------------------------------------------------- */

void ipa_fault(struct ipa_rt *rt, const char *fmt, ...)
{
    struct ipa_sim *sim = rt->sim;
    va_list ap;
    va_start(ap, fmt);
    char *what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    GString *msg = g_string_new(NULL);
    g_string_append_printf(msg, "policy fault in %s%s%s: %s\n", rt->name,
                           rt->class_name ? ", class " : "",
                           rt->class_name ? rt->class_name : "", what);
    g_string_append_printf(msg, "  event: %s\n", sim->cb ? sim->cb : "none");
    if (sim->cb_thread)
        g_string_append_printf(msg, "  thread: %d (%s), state %s\n",
                               sim->cb_thread->tid, sim->cb_thread->spec->name,
                               ipa_state_name(sim->cb_thread->pub.state));
    if (sim->cb_core >= 0)
        g_string_append_printf(msg, "  core: %d\n", sim->cb_core);
    g_string_append_printf(msg, "  time: %llu ns",
                           (unsigned long long)sim->now);
    g_free(what);
    ipa_sim_stop(sim, IPA_SIM_FAULT, g_string_free(msg, FALSE));
}

/* ---- moving threads ------------------------------------------------------ */

/* The states each state may move to, as bits: one test per move. */
#define TO(s) (1u << IPA_STATE_##s)
static const unsigned legal_moves[IPA_STATE_COUNT] = {
    [IPA_STATE_NOT_QUEUED] = TO(READY),
    [IPA_STATE_BLOCKED] = TO(READY),
    [IPA_STATE_READY] = TO(RUNNING) | TO(MIGRATING),
    [IPA_STATE_RUNNING] = TO(READY) | TO(READY_TICK) | TO(BLOCKED) |
                          TO(TERMINATED),
    [IPA_STATE_READY_TICK] = TO(READY),
    [IPA_STATE_MIGRATING] = TO(READY),
    [IPA_STATE_TERMINATED] = 0,
};
#undef TO

static bool legal(enum ipa_state from, enum ipa_state to)
{
    return (unsigned)from < IPA_STATE_COUNT && legal_moves[from] >> to & 1;
}

static void observe_change(struct ipa_sim *sim, const struct ipa_thread *t,
                           enum ipa_state from, enum ipa_state to, int core)
{
    const char *event = sim->cb ? sim->cb : "runtime";
    /* a class moves only its own threads: "fair.schedule" says which */
    if (G_UNLIKELY(t->rt->class_name) && strcmp(event, "runtime"))
        event = ipa_classes_event_name(t->rt, event);
    for (int i = 0; i < sim->nr_observers; i++) {
        const struct ipa_sim_observer *o = sim->observers[i];
        if (o->state_change)
            o->state_change(o->ctx, sim->now, event, core, t->tid, from, to);
    }
}

/* ---- cores ordered by their running thread ------------------------------ */

/* Among equal keys, the lower core id comes first in the order asked
 * for: last in the tree for `highest`, first otherwise. */
static int core_order_cmp(const struct ipa_rb_node *a,
                          const struct ipa_rb_node *b, void *arg)
{
    const struct ipa_core_order *o = arg;
    int ca = IPA_CONTAINER_OF(a, struct ipa_core_order_node, node)->core;
    int cb = IPA_CONTAINER_OF(b, struct ipa_core_order_node, node)->core;
    return o->highest ? cb - ca : ca - cb;
}

static void core_order_add(struct ipa_core_order *o, int core,
                           const struct ipa_thread *t)
{
    struct ipa_core_order_node *n = &o->nodes[core];
    n->node.key = *(const int64_t *)(const void *)((const char *)t->pub.data +
                                                   o->key_offset);
    ipa_rb_insert(&o->tree, &n->node, core_order_cmp, o);
    n->in = true;
}

static void core_order_drop(struct ipa_core_order *o, int core)
{
    struct ipa_core_order_node *n = &o->nodes[core];
    if (!n->in)
        return;
    ipa_rb_remove(&o->tree, &n->node);
    n->in = false;
}

/* What watches moves: the core order of @t's policy, if it keeps one
 * (a core leaves it as its thread leaves RUNNING, joins it as one
 * starts), and the observers. */
static G_GNUC_NO_INLINE void after_move(struct ipa_sim *sim,
                                        const struct ipa_thread *t,
                                        enum ipa_state from,
                                        enum ipa_state to, int core,
                                        const struct ipa_core *old)
{
    struct ipa_core_order *o = t->rt->core_order;
    if (o && from == IPA_STATE_RUNNING)
        core_order_drop(o, old->id);
    if (o && to == IPA_STATE_RUNNING)
        core_order_add(o, core, t);
    if (sim->stacked)
        ipa_classes_after_move(sim, t, from, to, core, old);
    if (sim->nr_observers)
        observe_change(sim, t, from, to, core);
}

/* The bookkeeping of a move, shared by the policy's moves and the
 * runtime's own (READY_TICK completion, arrival); inlined into
 * ipa_change_state, which every policy move takes. */
static inline __attribute__((always_inline)) void
set_state(struct ipa_sim *sim, struct ipa_thread *t, enum ipa_state to,
          int core, struct ipa_rq *rq)
{
    enum ipa_state from = t->pub.state;
    struct ipa_core *old = t->pub.core >= 0 ? &sim->cores[t->pub.core] : NULL;

    if (t->pub.rq)
        rq_remove(t->pub.rq, t);
    if (from == IPA_STATE_READY) {
        t->wait_ns += sim->now - t->ready_since_ns;
        ipa_wc_thread_waiting(t->rt->wc, t->tid, t->affinity, false);
    }
    if (from == IPA_STATE_RUNNING) {
        ipa_sim_stop_running(sim, t);
        ipa_sim_resched(sim, old->id);
        if (to != IPA_STATE_READY_TICK)
            old->current = NULL;
    }
    if (from == IPA_STATE_READY_TICK && old->current == t)
        old->current = NULL;

    sim->state_count[from]--;
    sim->state_count[to]++;
    t->pub.state = to;
    t->pub.core = core;

    switch (to) {
    case IPA_STATE_READY:
        rq_insert(rq, t);
        t->ready_since_ns = sim->now;
        ipa_wc_thread_waiting(t->rt->wc, t->tid, t->affinity, true);
        if (core >= 0 && !sim->cores[core].current)
            ipa_sim_resched(sim, core);
        break;
    case IPA_STATE_RUNNING:
        sim->cores[core].current = t;
        t->needs_start = true;
        ipa_sim_resched(sim, core); /* where the thread starts */
        break;
    case IPA_STATE_BLOCKED:
        if (rq)
            rq_insert(rq, t);
        break;
    case IPA_STATE_READY_TICK:
        t->tick_rq = rq;
        break;
    default:
        break;
    }
    if (G_UNLIKELY(sim->move_hooks))
        after_move(sim, t, from, to, core, old);
}

void ipa_rt_set_state(struct ipa_sim *sim, struct ipa_thread *t,
                      enum ipa_state to, int core, struct ipa_rq *rq)
{
    set_state(sim, t, to, core, rq);
}

static bool core_of_rt(struct ipa_rt *rt, int core)
{
    return core >= 0 && core < rt->sim->nr_cores && rt->core_rqs[core];
}

/* The rules of a move, in the order they are checked and documented. */
enum move_rule {
    MOVE_OK,
    MOVE_OTHER_POLICY,
    MOVE_UNKNOWN_STATE,
    MOVE_ILLEGAL,
    MOVE_RQ_OF_OTHER_CORE,
    MOVE_NEEDS_READY_RQ,
    MOVE_NEEDS_BLOCKED_RQ,
    MOVE_TAKES_NO_RQ,
    MOVE_NOT_OUR_CORE,
    MOVE_OFFLINE,
    MOVE_AFFINITY,
    MOVE_NOT_QUEUED_THERE,
    MOVE_CORE_BUSY,
    MOVE_TICK_ELSEWHERE,
    MOVE_LOCK_OFF,
    MOVE_LOCK_ONTO,
};

/* The first rule the move of @t to @to on @core (resolved) in @rq
 * breaks: one chain of tests without a call, as every move takes it. */
static inline enum move_rule broken_rule(struct ipa_rt *rt,
                                         const struct ipa_thread *t,
                                         enum ipa_state to, int core,
                                         const struct ipa_rq *rq)
{
    const struct ipa_sim *sim = rt->sim;
    enum ipa_state from = t->pub.state;
    if (t->rt != rt)
        return MOVE_OTHER_POLICY;
    if ((unsigned)to >= IPA_STATE_COUNT)
        return MOVE_UNKNOWN_STATE;
    if (!legal(from, to))
        return MOVE_ILLEGAL;
    if (rq && rq->core >= 0 && rq->core != core)
        return MOVE_RQ_OF_OTHER_CORE;
    switch (to) {
    case IPA_STATE_READY:
    case IPA_STATE_READY_TICK:
        if (!rq || rq->desc->state != IPA_STATE_READY)
            return MOVE_NEEDS_READY_RQ;
        break;
    case IPA_STATE_BLOCKED:
        if (rq && rq->desc->state != IPA_STATE_BLOCKED)
            return MOVE_NEEDS_BLOCKED_RQ;
        break;
    default:
        if (rq)
            return MOVE_TAKES_NO_RQ;
    }
    if (to == IPA_STATE_READY || to == IPA_STATE_RUNNING ||
        to == IPA_STATE_MIGRATING) {
        if (!core_of_rt(rt, core))
            return MOVE_NOT_OUR_CORE;
        const struct ipa_core *c = &sim->cores[core];
        /* core_exit may requeue the running thread on its own core
         * first; the dispatcher checks the queues are empty afterwards */
        bool requeue = sim->hotplugging && from == IPA_STATE_RUNNING &&
                       to == IPA_STATE_READY && t->pub.core == core;
        if (!c->online && !requeue)
            return MOVE_OFFLINE;
        if (!ipa_thread_allowed(t, core))
            return MOVE_AFFINITY;
        /* A thread of a global queue may run anywhere it is allowed; one
         * queued on a core runs there (or migrates first). */
        if (to == IPA_STATE_RUNNING && core != t->pub.core &&
            !(t->pub.rq && t->pub.rq->core < 0))
            return MOVE_NOT_QUEUED_THERE;
        if (to == IPA_STATE_RUNNING && c->current)
            return MOVE_CORE_BUSY;
    }
    if (to == IPA_STATE_READY_TICK && core != t->pub.core)
        return MOVE_TICK_ELSEWHERE;
    /* Leaving a core's queue or the core itself needs that core's lock;
     * joining one needs the destination's. Global queues need none. */
    if (((from == IPA_STATE_READY && t->pub.rq && t->pub.rq->core >= 0) ||
         from == IPA_STATE_RUNNING) &&
        t->pub.core >= 0 && !sim->cores[t->pub.core].locked)
        return MOVE_LOCK_OFF;
    if ((to == IPA_STATE_RUNNING || (rq && rq->core >= 0)) && core >= 0 &&
        !sim->cores[core].locked)
        return MOVE_LOCK_ONTO;
    return MOVE_OK;
}

static G_GNUC_NORETURN G_GNUC_NO_INLINE void
fault_on_move(struct ipa_rt *rt, struct ipa_thread *t, enum ipa_state to,
              int core, const struct ipa_rq *rq, enum move_rule rule)
{
    int tid = t->tid;
    switch (rule) {
    case MOVE_OTHER_POLICY:
        ipa_fault(rt, "thread %d belongs to another policy", tid);
    case MOVE_UNKNOWN_STATE:
        ipa_fault(rt, "thread %d: unknown state %d", tid, (int)to);
    case MOVE_ILLEGAL:
        ipa_fault(rt, "illegal transition %s -> %s of thread %d",
                  ipa_state_name(t->pub.state), ipa_state_name(to), tid);
    case MOVE_RQ_OF_OTHER_CORE:
        ipa_fault(rt, "thread %d: run queue of core %d given for core %d",
                  tid, rq->core, core);
    case MOVE_NEEDS_READY_RQ:
        ipa_fault(rt, "thread %d: %s needs a READY run queue", tid,
                  ipa_state_name(to));
    case MOVE_NEEDS_BLOCKED_RQ:
        ipa_fault(rt, "thread %d: BLOCKED needs a BLOCKED queue or none",
                  tid);
    case MOVE_TAKES_NO_RQ:
        ipa_fault(rt, "thread %d: %s takes no run queue", tid,
                  ipa_state_name(to));
    case MOVE_NOT_OUR_CORE:
        ipa_fault(rt, "thread %d: core %d is not one of this policy's", tid,
                  core);
    case MOVE_OFFLINE:
        ipa_fault(rt, "thread %d: core %d is offline", tid, core);
    case MOVE_AFFINITY:
        ipa_fault(rt, "thread %d: core %d is outside its affinity", tid, core);
    case MOVE_NOT_QUEUED_THERE:
        ipa_fault(rt,
                  "thread %d is queued on core %d but elected on core %d "
                  "(migrate it first)",
                  tid, t->pub.core, core);
    case MOVE_CORE_BUSY:
        ipa_fault(rt, "core %d already runs thread %d", core,
                  rt->sim->cores[core].current->tid);
    case MOVE_TICK_ELSEWHERE:
        ipa_fault(rt, "thread %d: READY_TICK keeps the thread on its core",
                  tid);
    case MOVE_LOCK_OFF:
    case MOVE_LOCK_ONTO:
        ipa_fault(rt,
                  "moving thread %d %s core %d without holding its lock "
                  "(use ipa_trylock)",
                  tid, rule == MOVE_LOCK_OFF ? "off" : "onto",
                  rule == MOVE_LOCK_OFF ? t->pub.core : core);
    case MOVE_OK:
        break;
    }
    IPA_UNREACHABLE();
}

void ipa_change_state(struct ipa_rt *rt, struct ipa_thread *t,
                      enum ipa_state to, int core, struct ipa_rq *rq)
{
    if (core < 0)
        core = rq && rq->core >= 0 ? rq->core : t->pub.core;
    enum move_rule rule = broken_rule(rt, t, to, core, rq);
    if (G_UNLIKELY(rule != MOVE_OK))
        fault_on_move(rt, t, to, core, rq, rule);
    set_state(rt->sim, t, to, core, rq);
}

void ipa_migrate(struct ipa_rt *rt, struct ipa_thread *t, int core,
                 struct ipa_rq *rq)
{
    ipa_change_state(rt, t, IPA_STATE_MIGRATING, core, NULL);
    ipa_change_state(rt, t, IPA_STATE_READY, core, rq);
}

bool ipa_preempt(struct ipa_rt *rt, int core, struct ipa_rq *rq)
{
    if (!core_of_rt(rt, core))
        ipa_fault(rt, "ipa_preempt: core %d is not one of this policy's",
                  core);
    struct ipa_thread *t = rt->sim->cores[core].current;
    /* another class's thread is that class's to preempt */
    if (!t || t->pub.state != IPA_STATE_RUNNING || t->rt != rt)
        return false;
    ipa_change_state(rt, t, IPA_STATE_READY_TICK, core, rq);
    return true;
}

void ipa_core_order(struct ipa_rt *rt, size_t key_offset, bool highest)
{
    if (rt->core_order)
        ipa_fault(rt, "ipa_core_order: asked twice");
    if (key_offset % sizeof(int64_t) ||
        key_offset + sizeof(int64_t) > rt->ops->thread_data_size)
        ipa_fault(rt, "ipa_core_order: key at byte %zu is not an aligned "
                  "int64_t of the thread data (%zu bytes)",
                  key_offset, rt->ops->thread_data_size);
    struct ipa_core_order *o = g_new0(struct ipa_core_order, 1);
    ipa_rb_init(&o->tree);
    o->key_offset = key_offset;
    o->highest = highest;
    o->nodes = g_new0(struct ipa_core_order_node, rt->sim->nr_cores);
    for (int c = 0; c < rt->sim->nr_cores; c++)
        o->nodes[c].core = c;
    rt->core_order = o;
    rt->sim->move_hooks++;
    for (int i = 0; i < rt->nr_cores; i++) {
        const struct ipa_thread *t = rt->sim->cores[rt->cores[i]].current;
        if (t && t->pub.state == IPA_STATE_RUNNING && t->rt == rt)
            core_order_add(o, rt->cores[i], t);
    }
}

int ipa_core_order_first(struct ipa_rt *rt)
{
    const struct ipa_core_order *o = rt->core_order;
    if (!o)
        ipa_fault(rt, "ipa_core_order_first: no ipa_core_order in init");
    const struct ipa_rb_node *n = o->highest ? o->tree.last : o->tree.first;
    return n ? IPA_CONTAINER_OF(n, struct ipa_core_order_node, node)->core
             : -1;
}

void ipa_core_order_update(struct ipa_rt *rt, int core)
{
    struct ipa_core_order *o = rt->core_order;
    if (!o)
        ipa_fault(rt, "ipa_core_order_update: no ipa_core_order in init");
    if (!core_of_rt(rt, core))
        ipa_fault(rt, "ipa_core_order_update: core %d is not one of this "
                  "policy's", core);
    const struct ipa_thread *t = rt->sim->cores[core].current;
    core_order_drop(o, core);
    if (t && t->pub.state == IPA_STATE_RUNNING && t->rt == rt)
        core_order_add(o, core, t);
}

/* ---- threads ------------------------------------------------------------- */

int ipa_thread_id(const struct ipa_thread *t)
{
    return t->tid;
}

const char *ipa_thread_name(const struct ipa_thread *t)
{
    return t->spec->name;
}

int ipa_thread_nice(const struct ipa_thread *t)
{
    return t->nice;
}

int ipa_group_size(struct ipa_rt *rt, int group)
{
    if (group < 0 || group >= (int)rt->sim->trace->groups->len)
        return 0;
    return rt->sim->group_live[group];
}

uint64_t ipa_thread_runtime_ns(const struct ipa_thread *t)
{
    uint64_t r = t->runtime_ns;
    /* an elected thread that has not started yet has no slice running */
    if (t->pub.state == IPA_STATE_RUNNING && !t->needs_start)
        r += t->rt->sim->now - t->run_since_ns;
    return r;
}

int ipa_attr_id(struct ipa_rt *rt, const char *name)
{
    GPtrArray *attrs = rt->sim->trace->attrs;
    for (guint i = 0; i < attrs->len; i++)
        if (strcmp(g_ptr_array_index(attrs, i), name) == 0)
            return (int)i;
    return -1;
}

int64_t ipa_thread_attr(const struct ipa_thread *t, int attr, int64_t fallback)
{
    const struct ipa_thread_spec *s = t->spec;
    for (int i = 0; i < s->nr_attrs; i++)
        if (s->attr_ids[i] == attr)
            return s->attr_values[i];
    return fallback;
}

/* ---- cores and topology ------------------------------------------------- */

static struct ipa_core *core_of(struct ipa_rt *rt, int core)
{
    if (core < 0 || core >= rt->sim->nr_cores)
        ipa_fault(rt, "no core %d (the machine has %d)", core,
                  rt->sim->nr_cores);
    return &rt->sim->cores[core];
}

int ipa_nr_cores(struct ipa_rt *rt)
{
    return rt->nr_cores;
}

int ipa_core_at(struct ipa_rt *rt, int index)
{
    if (index < 0 || index >= rt->nr_cores)
        ipa_fault(rt, "ipa_core_at: index %d out of 0..%d", index,
                  rt->nr_cores - 1);
    return rt->cores[index];
}

int ipa_machine_cores(struct ipa_rt *rt)
{
    return rt->sim->nr_cores;
}

bool ipa_core_online(struct ipa_rt *rt, int core)
{
    return core_of(rt, core)->online;
}

/* A policy composed of classes sees only its own threads run: another
 * class's thread is none of its data (classes.c). */
struct ipa_thread *ipa_core_current(struct ipa_rt *rt, int core)
{
    struct ipa_thread *t = core_of(rt, core)->current;
    return t && t->pub.state == IPA_STATE_RUNNING && t->rt == rt ? t : NULL;
}

/* A class sees a core running a lower class's thread as idle: it may
 * take it at once (classes.c). */
bool ipa_core_idle(struct ipa_rt *rt, int core)
{
    const struct ipa_core *c = core_of(rt, core);
    if (G_LIKELY(!rt->lower) || c->idle)
        return c->idle;
    return ipa_cpuset_test(rt->idle_set, core);
}

int ipa_next_idle_core(struct ipa_rt *rt, int from)
{
    if (from >= rt->sim->nr_cores)
        return -1;
    return ipa_cpuset_next(rt->idle_set, rt->sim->words, from);
}

const uint64_t *ipa_idle_cores(struct ipa_rt *rt)
{
    return rt->idle_set;
}

const uint64_t *ipa_waiting_cores(struct ipa_rt *rt)
{
    return rt->waiting_set;
}

uint64_t ipa_core_idle_since_ns(struct ipa_rt *rt, int core)
{
    return core_of(rt, core)->idle_since_ns;
}

void *ipa_core_data(struct ipa_rt *rt, int core)
{
    core_of(rt, core);
    if (!rt->core_data[core])
        ipa_fault(rt, "ipa_core_data: core %d is not one of this policy's",
                  core);
    return rt->core_data[core];
}

int ipa_core_node(struct ipa_rt *rt, int core)
{
    core_of(rt, core);
    return rt->sim->topo->node[core];
}

int ipa_core_capacity(struct ipa_rt *rt, int core)
{
    core_of(rt, core);
    return rt->sim->topo->capacity[core];
}

int ipa_distance(struct ipa_rt *rt, int a, int b)
{
    core_of(rt, a);
    core_of(rt, b);
    return ipa_topo_distance(rt->sim->topo, a, b);
}

int ipa_nr_distances(struct ipa_rt *rt)
{
    return rt->sim->topo->nr_distances;
}

/* ---- scheduling domains -------------------------------------------------- */

int ipa_nr_levels(struct ipa_rt *rt)
{
    return rt->hier->nr_levels;
}

static void check_domain(struct ipa_rt *rt, int core, int level)
{
    if (!core_of_rt(rt, core))
        ipa_fault(rt, "core %d is not one of this policy's", core);
    if (level < 1 || level > rt->hier->nr_levels)
        ipa_fault(rt, "no domain level %d (levels are 1..%d)", level,
                  rt->hier->nr_levels);
}

const struct ipa_sched_domain *ipa_core_domain(struct ipa_rt *rt, int core,
                                               int level)
{
    check_domain(rt, core, level);
    return ipa_hier_domain(rt->hier, core, level);
}

void *ipa_domain_data(struct ipa_rt *rt, int core, int level)
{
    check_domain(rt, core, level);
    size_t slot = (size_t)rt->hier->core_index[core] *
                      (size_t)rt->hier->nr_levels +
                  (size_t)(level - 1);
    return rt->domain_data + slot * rt->ops->domain_data_size;
}

/* ---- locking, time, policy data ----------------------------------------- */

bool ipa_trylock(struct ipa_rt *rt, int core)
{
    struct ipa_sim *sim = rt->sim;
    struct ipa_core *c = core_of(rt, core);
    if (c->locked)
        return true;
    if (!rt->core_rqs[core])
        ipa_fault(rt, "ipa_trylock: core %d is not one of this policy's", core);
    if (sim->config.trylock_fail_ppm && !sim->hotplugging) {
        /* xorshift64: injected contention, reproducible from the seed */
        uint64_t x = sim->lock_rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        sim->lock_rng = x;
        if (x % 1000000 < sim->config.trylock_fail_ppm)
            return false;
    }
    c->locked = true;
    sim->locked[sim->nr_locked++] = core;
    return true;
}

void ipa_unlock(struct ipa_rt *rt, int core)
{
    struct ipa_sim *sim = rt->sim;
    if (core == sim->cb_core)
        return; /* the event's own core stays held until the event ends */
    core_of(rt, core)->locked = false;
}

uint64_t ipa_now_ns(struct ipa_rt *rt)
{
    return rt->sim->now;
}

uint64_t ipa_tick_ns(struct ipa_rt *rt)
{
    return rt->sim->tick_ns;
}

uint64_t ipa_balance_interval_ns(struct ipa_rt *rt)
{
    return rt->sim->config.balance_ns;
}

void *ipa_policy_ctx(struct ipa_rt *rt)
{
    return rt->ctx;
}
