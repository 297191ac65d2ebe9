/*
 * dsl.h - what a policy written in the Ipanema DSL needs beyond runtime.h.
 *
 * C generated from a .ipa file (`ipasim compile`) calls these, and the
 * interpreter runs on the very same functions, so the two modes build the
 * same scheduling domains and take the same locks. A hand-written C
 * policy has no use for them.
 *
 * DSL values are int64_t, and entities are encoded so that 0 is "none":
 * a thread is its struct ipa_thread pointer, a core its id + 1, a domain
 * or a group its index in struct ipa_dsl_domains + 1.
 */
#ifndef IPASIM_DSL_H
#define IPASIM_DSL_H

#include <stdbool.h>
#include <stdint.h>

#include <ipasim/runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the domains builder ------------------------------------------------- */

/* @n values from @off in a pool. */
struct ipa_dsl_span {
    int off, n;
};

/*
 * `domains (core self) to F = { foreach (dist in distances starting_at S)
 * { domain (c | D) to G = { group (c1, c2 | R) to H; } } }`, run on every
 * core of the policy: @start evaluates S (NULL: 1), @in_domain D, @in_group
 * R. Without self in R (@group_reads_self false), R is evaluated once per
 * distance and pair of cores rather than per domain.
 */
struct ipa_dsl_builder {
    void *arg;
    int64_t (*start)(void *arg, int64_t self);
    bool (*in_domain)(void *arg, int64_t self, int dist, int64_t c);
    bool (*in_group)(void *arg, int64_t self, int dist, int64_t c1,
                     int64_t c2);
    bool group_reads_self;
    const char *where; /* "file:line:col" of the builder, for its faults */
};

/* What the builder made. Domains of a core are in level order, groups of
 * a domain in the order of their first core, cores ascending. */
struct ipa_dsl_domains {
    int64_t *pool; /* encoded entities */
    int nr_domains, nr_groups;
    int *level;                         /* [domain]: 1 is the smallest */
    struct ipa_dsl_span *core_domains;  /* [machine core] */
    struct ipa_dsl_span *domain_groups; /* [domain] */
    struct ipa_dsl_span *domain_cores;  /* [domain]: its cores, ascending */
    struct ipa_dsl_span *group_cores;   /* [group] */
};

/* Runs @b on the @nr_cores cores (encoded, ascending) of @rt's policy.
 * A hierarchy that is not valid (a core in two groups, a top domain that
 * misses a core, a group that is not a domain one level down) stops the
 * run with a fault at b->where. Allocates; call it from init. */
IPA_API void ipa_dsl_build_domains(struct ipa_rt *rt, const int64_t *cores,
                                   int nr_cores,
                                   const struct ipa_dsl_builder *b,
                                   struct ipa_dsl_domains *out);
IPA_API void ipa_dsl_domains_free(struct ipa_dsl_domains *d);

/* ---- run queues ----------------------------------------------------------- */

/* Run queue @index of @core from a partition's table of @nr_rqs queues per
 * machine core (NULL for cores not its own), built once in init, so that
 * moves and queue reads make no call; a core outside the table or the
 * partition goes to the runtime, which names the fault (unsigned: a
 * negative core is outside the table too). */
static inline struct ipa_rq *ipa_dsl_core_rq(struct ipa_rt *rt,
                                             struct ipa_rq *const *table,
                                             int nr_machine_cores, int nr_rqs,
                                             int core, int index)
{
    struct ipa_rq *rq = (unsigned)core < (unsigned)nr_machine_cores
                            ? table[core * nr_rqs + index]
                            : NULL;
    return rq ? rq : ipa_core_rq(rt, core, index);
}

/* @core's data from @table, the partition's by machine core, as
 * ipa_dsl_core_rq's queues. */
static inline void *ipa_dsl_core_data(struct ipa_rt *rt, void *const *table,
                                      int nr_machine_cores, int core)
{
    void *d = (unsigned)core < (unsigned)nr_machine_cores ? table[core] : NULL;
    return d ? d : ipa_core_data(rt, core);
}

/* ---- core sets ------------------------------------------------------------ */

/* The policy's cores and the builder's core sets are arrays of encoded
 * cores in ascending order. A selection, an `or` or a foreach that can
 * only act on a core with threads waiting (or an idle one) walks such an
 * array within the runtime's ipa_waiting_cores() (ipa_idle_cores()) set,
 * and one that keeps the core of a given id looks it up, instead of
 * testing every core (see src/lower/program.h, SET_WITHIN and
 * SET_CORE_ID). */

/* The next core of @cores (@n, ascending) from index *@i on that is in
 * @set, *@i moved past it; 0 when none is left. Past cores not in @set it
 * costs the set's words up to the next one and a search of @cores, not a
 * test per core. */
static inline int64_t ipa_dsl_next_in(const uint64_t *set,
                                      const int64_t *cores, int n, int *i)
{
    while (*i < n) {
        /* a dense set costs a test per core, a sparse one a word */
        uint64_t next = (uint64_t)cores[*i] - 1; /* unsigned: shifts */
        if (set[next / 64] >> (next % 64) & 1)
            return cores[(*i)++];
        int c = ipa_cores_next(set, NULL, (int)cores[n - 1], (int)next + 1);
        if (c < 0 || c + 1 > cores[n - 1]) {
            *i = n;
            return 0;
        }
        /* ascending and distinct: core c + 1 is at most c + 1 - cores[*i]
         * places on, exactly there when the run of ids is unbroken */
        int lo = *i, hi = *i + (int)(c + 1 - cores[*i]);
        if (hi > n - 1)
            hi = n - 1;
        while (lo < hi) {
            int mid = lo + (hi - lo + 1) / 2;
            if (cores[mid] > c + 1)
                hi = mid - 1;
            else
                lo = mid;
        }
        if (cores[lo] == c + 1) {
            *i = lo + 1;
            return c + 1;
        }
        *i = lo + 1; /* cores[lo] < c + 1: the next one is past c */
    }
    return 0;
}

/* @core if it is one of @cores (@n, ascending), else 0. Most sets a
 * balancer asks are runs of ids, and most do not hold the core: those
 * two cost a compare each. */
static inline int64_t ipa_dsl_find_core(const int64_t *cores, int n,
                                        int64_t core)
{
    if (n <= 0 || core < cores[0] || core > cores[n - 1])
        return 0;
    if (cores[n - 1] - cores[0] == n - 1)
        return core; /* distinct and ascending: every id in between */
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (cores[mid] == core)
            return core;
        if (cores[mid] < core)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return 0;
}

/* ---- foreach over a run queue --------------------------------------------- */

/*
 * `foreach (p in q)` visits the threads q held when the loop began, in
 * their order then, even if the body moves them. Copying the queue first
 * would cost O(queue) for a loop that stops at its first thread (steal
 * one), so the walk follows the queue itself, and copies what is left only
 * when something else is about to change it: until then, the queue's rest
 * is the copy's. The body may move its own thread out without a copy; if
 * it moves it within the queue (a key written), the walk skips it later.
 * Every change to a queue during a handler goes through
 * ipa_dsl_walks_touch first.
 */
struct ipa_dsl_walk {
    struct ipa_dsl_walk *up; /* the walk this one is nested in */
    struct ipa_rq *rq;
    struct ipa_thread *cur, *next; /* next: cur's successor, taken first */
    struct ipa_thread *skip;       /* a visited thread moved within rq */
    bool started, copied;
    size_t base, at, end; /* the copy: walks->copy[at .. end) */
};

struct ipa_dsl_walks {
    struct ipa_dsl_walk *top;
    struct ipa_thread **copy;
    size_t len, cap;
};

/* Copies the rest of @w's walk (exported: it allocates). */
IPA_API void ipa_dsl_walk_copy(struct ipa_dsl_walks *ws,
                               struct ipa_dsl_walk *w);
IPA_API void ipa_dsl_walks_free(struct ipa_dsl_walks *ws);

/* A handler starts with no walk (one a fault left behind included). */
static inline void ipa_dsl_walks_reset(struct ipa_dsl_walks *ws)
{
    ws->top = NULL;
    ws->len = 0;
}

static inline void ipa_dsl_walk_begin(struct ipa_dsl_walks *ws,
                                      struct ipa_dsl_walk *w,
                                      struct ipa_rq *rq)
{
    w->up = ws->top;
    w->rq = rq;
    w->cur = w->next = w->skip = NULL;
    w->started = w->copied = false;
    w->base = w->at = w->end = ws->len;
    ws->top = w;
#ifdef IPA_DSL_EAGER_WALKS
    /* the semantics spelt out: copy first (the tests compare the two) */
    ipa_dsl_walk_copy(ws, w);
#endif
}

/* The next thread of the walk, NULL at its end. */
static inline struct ipa_thread *ipa_dsl_walk_next(struct ipa_dsl_walks *ws,
                                                   struct ipa_dsl_walk *w)
{
    if (w->copied)
        return w->at < w->end ? (w->cur = ws->copy[w->at++]) : NULL;
    struct ipa_thread *t = w->started ? w->next : ipa_rq_first(w->rq);
    w->started = true;
    while (t && t == w->skip)
        t = ipa_rq_next(w->rq, t);
    if (t)
        w->next = ipa_rq_next(w->rq, t);
    return w->cur = t;
}

/* Ends the innermost walk, @w. Copies are given back with the outermost
 * (an inner walk's copy may lie below an outer one's). */
static inline void ipa_dsl_walk_end(struct ipa_dsl_walks *ws,
                                    struct ipa_dsl_walk *w)
{
    ws->top = w->up;
    if (!ws->top)
        ws->len = 0;
    else if (w->copied && w->end == ws->len)
        ws->len = w->base;
}

/* @t is about to leave queue @from and join queue @to (either NULL; the
 * same queue for a thread that changes its place in it). */
static inline void ipa_dsl_walks_touch(struct ipa_dsl_walks *ws,
                                       const struct ipa_thread *t,
                                       const struct ipa_rq *from,
                                       const struct ipa_rq *to)
{
    for (struct ipa_dsl_walk *w = ws->top; w; w = w->up) {
        if (w->copied || (from != w->rq && to != w->rq))
            continue;
        if (t == w->cur) {
            if (to != w->rq)
                continue; /* its own thread leaves: the rest is intact */
            if (!w->skip || w->skip == t) {
                w->skip = (struct ipa_thread *)t;
                continue;
            }
        }
        ipa_dsl_walk_copy(ws, w);
    }
}

/* ---- locks and moves ----------------------------------------------------- */

/* The cores whose lock one event holds: its own, then those it took. */
#define IPA_DSL_MAX_LOCKS 16
struct ipa_dsl_locks {
    int held[IPA_DSL_MAX_LOCKS];
    int n;
};

/* Inline: a policy calls these on every move. */

/* Takes @core's lock unless the event holds it already; false when the
 * trylock fails (give up, as the kernel does). *@taken counts the locks
 * to give back with ipa_dsl_release. */
static inline bool ipa_dsl_hold(struct ipa_rt *rt, struct ipa_dsl_locks *l,
                                int core, int *taken)
{
    for (int i = 0; i < l->n; i++)
        if (l->held[i] == core)
            return true;
    if (l->n >= IPA_DSL_MAX_LOCKS || !ipa_trylock(rt, core))
        return false;
    l->held[l->n++] = core;
    (*taken)++;
    return true;
}

static inline void ipa_dsl_release(struct ipa_rt *rt,
                                   struct ipa_dsl_locks *l, int taken)
{
    while (taken-- > 0)
        ipa_unlock(rt, l->held[--l->n]);
}

/* The class of a DSL state (RUNNING, READY, BLOCKED, TERMINATED). */
enum ipa_dsl_class { IPA_DSL_RUNNING, IPA_DSL_READY, IPA_DSL_BLOCKED,
                     IPA_DSL_TERMINATED };

/* Whether moving @t into a state of class @cls on @core would queue it
 * on an offline core (the runtime's fault; the policy names the move).
 * The core_exit requeue of a core's own running thread is no such move. */
static inline bool ipa_dsl_offline(struct ipa_rt *rt, struct ipa_thread *t,
                                   int core, int cls)
{
    return cls == IPA_DSL_READY && !ipa_core_online(rt, core) &&
           !(ipa_thread_state(t) == IPA_STATE_RUNNING &&
             ipa_thread_core(t) == core);
}

/* Takes the locks a move of @t to @core needs (@core's, and the old
 * core's for a queued thread); false, with nothing held, when one fails. */
static inline bool ipa_dsl_lock_move(struct ipa_rt *rt,
                                     struct ipa_dsl_locks *l,
                                     struct ipa_thread *t, int core,
                                     int *taken)
{
    int from = ipa_thread_core(t);
    /* A thread of a global queue is no core's: leaving it needs no lock. */
    const struct ipa_rq *rq = ipa_thread_rq(t);
    bool queued_on_core = ipa_thread_state(t) == IPA_STATE_READY &&
                          from >= 0 && rq && ipa_rq_core(rq) >= 0;
    if (!ipa_dsl_hold(rt, l, core, taken) ||
        (queued_on_core && !ipa_dsl_hold(rt, l, from, taken))) {
        ipa_dsl_release(rt, l, *taken);
        *taken = 0;
        return false;
    }
    return true;
}

/* The runtime transition that puts @t into a state of class @cls on
 * @core, in queue @rq (NULL for none): READY from RUNNING is READY_TICK
 * in a tick, a queued thread migrates. @walks see it first. */
static inline void ipa_dsl_change(struct ipa_rt *rt,
                                  struct ipa_dsl_walks *walks,
                                  struct ipa_thread *t,
                                  enum ipa_dsl_class cls, int core,
                                  struct ipa_rq *rq, bool in_tick)
{
    ipa_dsl_walks_touch(walks, t, ipa_thread_rq(t), rq);
    enum ipa_state cur = ipa_thread_state(t);
    switch (cls) {
    case IPA_DSL_RUNNING:
        ipa_change_state(rt, t, IPA_STATE_RUNNING, core, NULL);
        break;
    case IPA_DSL_READY:
        if (cur == IPA_STATE_RUNNING)
            ipa_change_state(rt, t,
                             in_tick ? IPA_STATE_READY_TICK : IPA_STATE_READY,
                             core, rq);
        else if (cur == IPA_STATE_READY)
            ipa_migrate(rt, t, core, rq);
        else
            ipa_change_state(rt, t, IPA_STATE_READY, core, rq);
        break;
    case IPA_DSL_BLOCKED:
        ipa_change_state(rt, t, IPA_STATE_BLOCKED, core, rq);
        break;
    default:
        ipa_change_state(rt, t, IPA_STATE_TERMINATED, core, NULL);
        break;
    }
}

/* A queued thread whose order keys changed takes its new place. */
static inline void ipa_dsl_reorder(struct ipa_dsl_walks *walks,
                                   struct ipa_rq *rq, struct ipa_thread *t)
{
    ipa_dsl_walks_touch(walks, t, rq, rq);
    ipa_rq_reorder(rq, t);
}

#ifdef __cplusplus
}
#endif

#endif /* IPASIM_DSL_H */
