/*
 * program.c - running a thread's program: its run phases, sleeps, and the
 * channels, barriers and mutexes it synchronises with
 * (docs/trace-format.md gives the semantics). Zero-time operations run in
 * a row while the thread keeps its core; the first operation that needs
 * time, blocks or exits ends the row.
 */
#include <math.h>
#include <stdarg.h>

#include "engine/internal.h"
#include "util/common.h"

static uint64_t next_random(struct ipa_thread *t)
{
    /* xorshift64*: per-thread streams keep runs independent of the order
     * in which threads happen to draw. */
    uint64_t x = t->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    t->rng = x;
    return x * UINT64_C(2685821657736338717);
}

/* Its step, then its duration for the ops that take one. */
static int op_slots(const struct ipa_op *op)
{
    bool timed = op->kind == IPA_OP_RUN || op->kind == IPA_OP_SLEEP ||
                 op->kind == IPA_OP_TIMER;
    return timed ? 2 : 1;
}

int ipa_program_slots(const struct ipa_thread_spec *spec)
{
    int n = 0;
    for (int i = 0; i < spec->nr_ops; i++)
        n += op_slots(&spec->ops[i]);
    return n;
}

void ipa_program_encode(const struct ipa_thread_spec *spec,
                        union ipa_slot *out)
{
    int *slot_of = g_new(int, spec->nr_ops + 1);
    slot_of[0] = 0;
    for (int i = 0; i < spec->nr_ops; i++)
        slot_of[i + 1] = slot_of[i] + op_slots(&spec->ops[i]);
    for (int i = 0; i < spec->nr_ops; i++) {
        const struct ipa_op *op = &spec->ops[i];
        union ipa_slot *s = &out[slot_of[i]];
        s->step = (struct ipa_step){.kind = op->kind,
                                    .dur_kind = op->dur_kind,
                                    .slots = (uint8_t)op_slots(op),
                                    .count = op->count,
                                    .obj = op->obj,
                                    .prob_ppm = op->prob_ppm};
        if (op->kind == IPA_OP_LOOP || op->kind == IPA_OP_END_LOOP)
            s->step.jump = slot_of[op->jump];
        if (s->step.slots == 2)
            s[1].dur = op->dur;
    }
    g_free(slot_of);
}

/* Programs equal op by op (a trace's "count" copies, rt-app instances,
 * generated workloads) are one: with many threads, a program thousands
 * read stays in the cache, where each thread's own copy would be cold at
 * each of its steps. Fields, not bytes: ops have padding. */
static guint program_hash(gconstpointer key)
{
    const struct ipa_thread_spec *s = key;
    uint64_t h = UINT64_C(0xcbf29ce484222325) ^ (uint64_t)s->nr_ops;
    for (int i = 0; i < s->nr_ops; i++) {
        const struct ipa_op *op = &s->ops[i];
        const uint64_t fields[] = {
            op->dur.a_ns, op->dur.b_ns,
            (uint64_t)op->kind | (uint64_t)op->dur_kind << 8 |
                (uint64_t)(uint32_t)op->obj << 32,
            (uint64_t)op->count | (uint64_t)op->prob_ppm << 32};
        for (size_t f = 0; f < G_N_ELEMENTS(fields); f++)
            h = (h ^ fields[f]) * UINT64_C(0x100000001b3);
    }
    return (guint)(h ^ h >> 32);
}

static gboolean program_equal(gconstpointer a, gconstpointer b)
{
    const struct ipa_thread_spec *x = a, *y = b;
    if (x->nr_ops != y->nr_ops)
        return FALSE;
    for (int i = 0; i < x->nr_ops; i++) {
        const struct ipa_op *p = &x->ops[i], *q = &y->ops[i];
        if (p->dur.a_ns != q->dur.a_ns || p->dur.b_ns != q->dur.b_ns ||
            p->kind != q->kind || p->dur_kind != q->dur_kind ||
            p->count != q->count || p->obj != q->obj ||
            p->prob_ppm != q->prob_ppm)
            return FALSE;
    }
    return TRUE;
}

GHashTable *ipa_program_table_new(void)
{
    return g_hash_table_new(program_hash, program_equal);
}

/* @step's duration, drawn. */
static inline uint64_t sample(struct ipa_thread *t, const union ipa_slot *step)
{
    const struct ipa_step *op = &step->step;
    const struct ipa_dur *d = &step[1].dur;
    switch ((enum ipa_dur_kind)op->dur_kind) {
    case IPA_DUR_FIXED:
        return d->a_ns;
    case IPA_DUR_UNIFORM:
        return d->a_ns + next_random(t) % (d->b_ns - d->a_ns + 1);
    case IPA_DUR_EXP: {
        double u = (double)(next_random(t) >> 11) * 0x1.0p-53;
        double v = -(double)d->a_ns * log1p(-u);
        return v > 1e18 ? UINT64_C(1000000000000000000) : (uint64_t)v;
    }
    }
    IPA_UNREACHABLE();
}

static bool happens(struct ipa_thread *t, const struct ipa_step *op)
{
    return op->prob_ppm >= 1000000 || next_random(t) % 1000000 < op->prob_ppm;
}

G_GNUC_NORETURN static void trace_error(struct ipa_sim *sim,
                                        struct ipa_thread *t, const char *fmt,
                                        ...) G_GNUC_PRINTF(3, 4);

static void trace_error(struct ipa_sim *sim, struct ipa_thread *t,
                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char *msg = g_strdup_printf("%s: thread %d (%s) at %llu ns: %s",
                                sim->trace->path ? sim->trace->path : "trace",
                                t->tid, t->spec->name,
                                (unsigned long long)sim->now, what);
    g_free(what);
    ipa_sim_stop(sim, IPA_SIM_TRACE_ERROR, msg);
}

/*
 * Work (a run's nanoseconds at nominal speed) becomes time on the
 * thread's core at num/den times its length: 1024 / the core's capacity,
 * times the NUMA slowdown off the thread's home node. What is left of a
 * preempted run stays in work units, so that it lasts the right time on
 * whichever core resumes it (docs/topologies.md, "Core capacity").
 */
static inline void speed(struct ipa_sim *sim, const struct ipa_thread *t,
                         uint64_t *num, uint64_t *den)
{
    int core = t->pub.core;
    uint64_t pct = sim->config.numa_slowdown_pct == 100 ||
                           sim->topo->node[core] == t->home_node
                       ? 100
                       : sim->config.numa_slowdown_pct;
    *num = IPA_CAPACITY_SCALE * pct;
    *den = (uint64_t)sim->topo->capacity[core] * 100;
}

static inline void arm_run_end(struct ipa_sim *sim, struct ipa_thread *t)
{
    uint64_t wall = t->run_left_ns, num, den;
    /* 128-bit division is a library call: not for the common case */
    if (!sim->nominal_speed) {
        speed(sim, t, &num, &den);
        /* rounded up: a run never ends before its work is done */
        wall = (uint64_t)(((unsigned __int128)t->run_left_ns * num + den -
                           1) / den);
    }
    t->timer.kind = EV_RUN_END;
    ipa_evq_push(&sim->evq, &t->timer, t->work_since_ns + wall);
}

void ipa_sim_stop_running(struct ipa_sim *sim, struct ipa_thread *t)
{
    struct ipa_core *c = &sim->cores[t->pub.core];
    t->runtime_ns += sim->now - t->run_since_ns;
    c->busy_ns += sim->now - c->busy_since_ns;
    if (ipa_event_queued(&t->timer)) {
        uint64_t done = 0, num, den;
        if (sim->now > t->work_since_ns) {
            done = sim->now - t->work_since_ns;
            /* rounded down: work is never counted done before it is */
            if (!sim->nominal_speed) {
                speed(sim, t, &num, &den);
                done = (uint64_t)((unsigned __int128)done * den / num);
            }
        }
        t->run_left_ns -= done < t->run_left_ns ? done : t->run_left_ns;
        ipa_evq_remove(&sim->evq, &t->timer);
    }
}

void ipa_program_start(struct ipa_sim *sim, struct ipa_thread *t)
{
    if (t->run_left_ns)
        arm_run_end(sim, t);
    else
        ipa_program_advance(sim, t);
}

/* Wait queues of channels, barriers and mutexes: intrusive FIFOs. */
static void enqueue(struct ipa_thread **head, struct ipa_thread **tail,
                    struct ipa_thread *t)
{
    t->wait_next = NULL;
    if (*tail)
        (*tail)->wait_next = t;
    else
        *head = t;
    *tail = t;
}

static struct ipa_thread *dequeue(struct ipa_thread **head,
                                  struct ipa_thread **tail)
{
    struct ipa_thread *t = *head;
    if (t) {
        *head = t->wait_next;
        if (!*head)
            *tail = NULL;
        t->wait_next = NULL;
    }
    return t;
}

static void block_on(struct ipa_sim *sim, struct ipa_thread *t,
                     enum wait_kind kind, int obj)
{
    t->wait = kind;
    t->wait_obj = obj;
    ipa_dispatch_block(sim, t);
}

/* Executes one zero-time or blocking op; returns false when the thread
 * stops running through it (blocked, yielded away, exited) or needs time. */
static bool step(struct ipa_sim *sim, struct ipa_thread *t)
{
    if (t->pc >= t->nr_slots) {
        ipa_dispatch_terminate(sim, t);
        return false;
    }
    const union ipa_slot *slot = &t->program[t->pc];
    const struct ipa_step *op = &slot->step;
    t->pc += op->slots;
    if (op->prob_ppm < 1000000 && !happens(t, op)) {
        if (op->kind == IPA_OP_LOOP)
            t->pc = op->jump + 1;
        return true;
    }
    int self = t->pub.core;
    switch ((enum ipa_op_kind)op->kind) {
    case IPA_OP_RUN:
        t->run_left_ns = sample(t, slot);
        if (!t->run_left_ns)
            return true;
        if (G_UNLIKELY(t->has_jobs)) {
            if (t->job_flags & JOB_SKIP) { /* the job was dropped */
                t->run_left_ns = 0;
                return true;
            }
            t->job_flags |= JOB_WORKED;
        }
        t->work_since_ns = t->work_since_ns > sim->now ? t->work_since_ns
                                                       : sim->now;
        arm_run_end(sim, t);
        return false;
    case IPA_OP_SLEEP: {
        uint64_t d = sample(t, slot);
        if (!d)
            return true;
        block_on(sim, t, WAIT_SLEEP, 0);
        t->timer.kind = EV_WAKE;
        ipa_evq_push(&sim->evq, &t->timer, sim->now + d);
        sim->timers++;
        return false;
    }
    case IPA_OP_TIMER: {
        /* rt-app's timer: periods count from the thread's arrival; after
         * an overrun a relative timer restarts from now, an absolute one
         * keeps its boundaries and catches up. */
        if (!t->timer_set) {
            t->timer_next_ns = t->start_ns;
            t->timer_set = true;
        }
        t->timer_next_ns += slot[1].dur.a_ns;
        if (t->timer_next_ns <= sim->now) {
            if (!op->count)
                t->timer_next_ns = sim->now;
            /* an overrun period's end is the next job's release */
            if (G_UNLIKELY(t->has_jobs)) {
                ipa_jobs_end(sim, t);
                ipa_jobs_release(sim, t, t->timer_next_ns);
            }
            return true;
        }
        block_on(sim, t, WAIT_SLEEP, 0);
        t->timer.kind = EV_WAKE;
        ipa_evq_push(&sim->evq, &t->timer, t->timer_next_ns);
        sim->timers++;
        return false;
    }
    case IPA_OP_WAIT: {
        struct channel *ch = &sim->channels[op->obj];
        if (ch->tokens > 0) {
            ch->tokens--;
            return true;
        }
        enqueue(&ch->head, &ch->tail, t);
        block_on(sim, t, WAIT_CHANNEL, op->obj);
        return false;
    }
    case IPA_OP_SIGNAL: {
        struct channel *ch = &sim->channels[op->obj];
        /* Waiters take tokens first, the rest is banked at once. */
        uint32_t left = op->count;
        struct ipa_thread *w;
        while (left && (w = dequeue(&ch->head, &ch->tail))) {
            ipa_dispatch_wake(sim, w, self);
            left--;
        }
        ch->tokens += left;
        return true;
    }
    case IPA_OP_BROADCAST: {
        struct channel *ch = &sim->channels[op->obj];
        struct ipa_thread *w;
        while ((w = dequeue(&ch->head, &ch->tail)))
            ipa_dispatch_wake(sim, w, self);
        return true;
    }
    case IPA_OP_BARRIER: {
        struct barrier *b = &sim->barriers[op->obj];
        if (++b->arrived < b->parties) {
            enqueue(&b->head, &b->tail, t);
            block_on(sim, t, WAIT_BARRIER, op->obj);
            return false;
        }
        b->arrived = 0;
        struct ipa_thread *w;
        while ((w = dequeue(&b->head, &b->tail)))
            ipa_dispatch_wake(sim, w, self);
        return true;
    }
    case IPA_OP_LOCK: {
        struct mutex *m = &sim->mutexes[op->obj];
        if (!m->owner) {
            m->owner = t;
            return true;
        }
        if (m->owner == t)
            trace_error(sim, t, "locks mutex '%s', which it already holds",
                        (char *)g_ptr_array_index(sim->trace->mutexes,
                                                  op->obj));
        enqueue(&m->head, &m->tail, t);
        block_on(sim, t, WAIT_MUTEX, op->obj);
        return false;
    }
    case IPA_OP_UNLOCK: {
        struct mutex *m = &sim->mutexes[op->obj];
        if (m->owner != t)
            trace_error(sim, t, "unlocks mutex '%s', which it does not hold",
                        (char *)g_ptr_array_index(sim->trace->mutexes,
                                                  op->obj));
        m->owner = dequeue(&m->head, &m->tail);
        if (m->owner)
            ipa_dispatch_wake(sim, m->owner, self);
        return true;
    }
    case IPA_OP_SPAWN: {
        const struct ipa_thread_spec *tpl =
            g_ptr_array_index(sim->trace->templates, op->obj);
        /* the loader's limit, held while the run adds threads */
        if (sim->live >= IPA_MAX_THREADS)
            trace_error(sim, t,
                        "spawns '%s' while %d threads are alive (the limit "
                        "is %d threads alive at once)",
                        tpl->name, sim->live, IPA_MAX_THREADS);
        struct ipa_thread *child = ipa_sim_new_thread(sim, tpl);
        ipa_dispatch_arrive(sim, child, self);
        return true;
    }
    case IPA_OP_YIELD:
        return ipa_dispatch_yield(sim, t);
    case IPA_OP_CALL:
        return ipa_dispatch_call(sim, t, op->obj);
    case IPA_OP_EXIT:
        t->pc = t->nr_slots;
        ipa_dispatch_terminate(sim, t);
        return false;
    case IPA_OP_LOOP:
        ipa_thread_loop_left(t)[t->loop_sp++] = op->count;
        return true;
    case IPA_OP_END_LOOP:
        if (--ipa_thread_loop_left(t)[t->loop_sp - 1] > 0)
            t->pc = op->jump + 1;
        else
            t->loop_sp--;
        return true;
    case IPA_OP_COUNT:
        break;
    }
    IPA_UNREACHABLE();
}

/* Up to 8 threads that started running or were woken at this instant,
 * @t first: those a zero-time loop goes round. Once, at the stop; into
 * @out, as the stop jumps out and would leak an allocation. */
static void name_looping_threads(struct ipa_sim *sim, struct ipa_thread *t,
                                 char *out, size_t size)
{
    size_t len = (size_t)g_snprintf(out, size, "thread %d (%s)", t->tid,
                                    t->spec->name);
    int named = 1, more = 0;
    for (guint i = 0; i < sim->threads->len; i++) {
        const struct ipa_thread *o = g_ptr_array_index(sim->threads, i);
        if (o == t || !o->started ||
            (o->run_since_ns != sim->now && o->wake_ns != sim->now))
            continue;
        if (named++ < 8 && len < size)
            len += (size_t)g_snprintf(out + len, size - len,
                                      ", thread %d (%s)", o->tid,
                                      o->spec->name);
        else
            more++;
    }
    if (more && len < size)
        g_snprintf(out + len, size - len, " and %d more", more);
}

/* Threads ran event_ops_limit operations in one event, so without
 * simulated time advancing: a zero-time loop (a yield loop, a signal/wait
 * ping-pong with no run), which no event count or --until would end. */
G_GNUC_NORETURN static void zero_time_loop(struct ipa_sim *sim,
                                           struct ipa_thread *t)
{
    uint64_t ops = sim->event_ops - 1;
    char who[1024];
    name_looping_threads(sim, t, who, sizeof who);
    if (sim->config.max_events && ops >= sim->config.max_events)
        ipa_sim_stop(
            sim, IPA_SIM_MAX_EVENTS,
            g_strdup_printf("stopped after %llu events, the last running %llu "
                            "operations at %llu ns that took no time "
                            "(--max-events), by %s",
                            (unsigned long long)sim->nr_events,
                            (unsigned long long)ops,
                            (unsigned long long)sim->now, who));
    trace_error(sim, t,
                "zero-time loop: %llu operations ran in one event, without "
                "simulated time advancing (--spin-limit), by %s",
                (unsigned long long)ops, who);
}

void ipa_program_advance(struct ipa_sim *sim, struct ipa_thread *t)
{
    t->run_left_ns = 0;
    do {
        /* every operation, the hot path's only cost of the limit */
        if (++sim->event_ops > sim->event_ops_limit)
            zero_time_loop(sim, t);
        /* stops at a wake-up it caused that preempted it, too */
    } while (step(sim, t) && t->pub.state == IPA_STATE_RUNNING);
}

char *ipa_program_blocked_on(const struct ipa_sim *sim,
                             const struct ipa_thread *t)
{
    const struct ipa_trace *tr = sim->trace;
    switch (t->wait) {
    case WAIT_SLEEP:
        return g_strdup("sleep");
    case WAIT_CHANNEL:
        return g_strdup_printf("channel '%s'", (char *)g_ptr_array_index(
                                                   tr->channels, t->wait_obj));
    case WAIT_BARRIER:
        return g_strdup_printf(
            "barrier '%s' (%d of %d arrived)",
            (char *)g_ptr_array_index(tr->barriers, t->wait_obj),
            sim->barriers[t->wait_obj].arrived,
            sim->barriers[t->wait_obj].parties);
    case WAIT_MUTEX:
        return g_strdup_printf(
            "mutex '%s'", (char *)g_ptr_array_index(tr->mutexes, t->wait_obj));
    case WAIT_NONE:
        break;
    }
    return NULL;
}
