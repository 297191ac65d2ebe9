/*
 * eval.c - running a compiled program: expressions, statements, sets,
 * moves. This is the interpreter's event path: it allocates nothing (the
 * foreach snapshot buffer only grows to the largest set seen) and looks
 * up no name.
 */
#include "interp/instance.h"

#include <stdarg.h>
#include <string.h>

#include "dsl/lexer.h"
#include "util/common.h"

void ipa_interp_fault(struct inst *in, const struct ipa_node *src,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    int line = 0, col = 0;
    if (src)
        ipa_source_position(src->span.file, src->span.off, &line, &col);
    /* the message is copied by ipa_fault before it jumps away */
    char buf[512];
    g_snprintf(buf, sizeof buf, "%s", what);
    g_free(what);
    ipa_fault(in->rt, "%s:%d:%d: %s", in->p->path, line, col, buf);
}

static G_GNUC_NO_INLINE void too_many_steps(struct inst *in,
                                            const struct xn *x)
{
    ipa_interp_fault(in, x->src, "the event handler ran more than %llu "
                     "steps (--step-limit)",
                     (unsigned long long)in->p->step_limit);
}

static inline __attribute__((always_inline)) void step(struct inst *in,
                                                      const struct xn *x)
{
    if (G_UNLIKELY(++in->steps > in->p->step_limit))
        too_many_steps(in, x);
}

static inline struct ipa_rq *core_rq(struct inst *in, int core, int index)
{
    return ipa_dsl_core_rq(in->rt, in->rqs, in->nr_machine_cores,
                           in->p->nr_rqs, core, index);
}

static struct ipa_thread *thread_of(int64_t v)
{
    return (struct ipa_thread *)(intptr_t)v;
}

static int64_t *thread_slots(struct ipa_thread *t)
{
    return ipa_thread_data(t);
}

/* The entity an access reads (or, @writing, assigns a field of), or a
 * fault naming what was none and what the statement did with it. */
static int64_t object_for(struct inst *in, const struct xn *x, int64_t v,
                          bool writing)
{
    if (G_UNLIKELY(!v)) {
        const char *what = x->src && x->src->kind == IPA_N_MEMBER
                               ? x->src->name
                               : NULL;
        if (what)
            ipa_interp_fault(in, x->src, "%s '%s' of none (test it "
                             "with valid() first)",
                             writing ? "writing" : "reading", what);
        ipa_interp_fault(in, x->src, "using none where a value is needed "
                         "(test it with valid() first)");
    }
    return v;
}

static inline int64_t object(struct inst *in, const struct xn *x, int64_t v)
{
    return object_for(in, x, v, false);
}

typedef int64_t eval_fn(struct inst *in, const struct xn *x);
static eval_fn *const node_eval[XE_COUNT];

/* Constants, locals and the event's target are half the nodes: read them
 * without a call. */
static inline __attribute__((always_inline)) int64_t eval(struct inst *in,
                                                         const struct xn *x)
{
    if (x->op == X_LOCAL)
        return in->fp[x->a];
    if (x->op == X_CONST)
        return x->k;
    if (x->op == X_EV_TARGET)
        return in->ev_target;
    return node_eval[x->eval_as](in, x);
}

/* ---- sets ------------------------------------------------------------------ */

struct cursor {
    const int64_t *arr;
    int n, i;
    struct ipa_rq *rq;
    struct ipa_thread *t;
    int64_t one; /* SET_ONE, RUNNING: the element, 0 when empty */
    const struct xn *map;
    const uint64_t *within; /* SET_WITHIN: arr's cores in this set only */
};

static const struct ipa_dsl_span *attr_span(struct inst *in, int ent, int64_t obj,
                                    int slot)
{
    switch (ent) {
    case IPA_ENT_CORE:
        return &in->core_sets[(obj - 1) * in->p->nr_sets[ent] + slot];
    case IPA_ENT_DOMAIN:
        return &in->dom_sets[(obj - 1) * in->p->nr_sets[ent] + slot];
    default:
        return &in->grp_sets[(obj - 1) * in->p->nr_sets[ent] + slot];
    }
}

static void set_open(struct inst *in, const struct xn *x, struct cursor *c)
{
    memset(c, 0, sizeof *c);
    switch (x->op) {
    case SET_STATE: {
        int core = (int)object(in, x, eval(in, x->x)) - 1;
        if (x->b < 0) {
            c->one = (int64_t)(intptr_t)ipa_core_current(in->rt, core);
        } else {
            c->rq = core_rq(in, core, x->b);
            c->t = ipa_rq_first(c->rq);
        }
        return;
    }
    case SET_CORES:
        c->arr = in->cores_set;
        c->n = in->nr_cores;
        return;
    case SET_ATTR: {
        int64_t obj = object(in, x, eval(in, x->x));
        const struct ipa_dsl_span *s = attr_span(in, x->aux, obj, x->a);
        c->arr = in->doms.pool + s->off;
        c->n = s->n;
        return;
    }
    case SET_MAP:
        set_open(in, x->x, c);
        c->map = x;
        return;
    case SET_WITHIN:
        set_open(in, x->x, c);
        c->within = in->within[x->aux];
        return;
    case SET_CORE_ID: {
        struct cursor all;
        set_open(in, x->x, &all);
        /* as the filter would: y is not evaluated over no core */
        if (all.n)
            c->one = ipa_dsl_find_core(all.arr, all.n, eval(in, x->y) + 1);
        return;
    }
    case SET_ONE:
        c->one = eval(in, x->x);
        return;
    default:
        IPA_UNREACHABLE();
    }
}

static bool cursor_next(struct inst *in, struct cursor *c, int64_t *out)
{
    int64_t v;
    if (c->rq) {
        if (!c->t)
            return false;
        v = (int64_t)(intptr_t)c->t;
        c->t = ipa_rq_next(c->rq, c->t);
    } else if (c->within) {
        v = ipa_dsl_next_in(c->within, c->arr, c->n, &c->i);
        if (!v)
            return false;
    } else if (c->arr) {
        if (c->i >= c->n)
            return false;
        v = c->arr[c->i++];
    } else {
        if (!c->one)
            return false;
        v = c->one;
        c->one = 0;
    }
    if (c->map) {
        in->fp[c->map->a] = v;
        v = eval(in, c->map->y);
    }
    *out = v;
    return true;
}

/* A core's run queue's size (`ready.size`): the common case, inline. */
static inline int64_t queue_size(struct inst *in, const struct xn *set)
{
    int core = (int)object(in, set, eval(in, set->x)) - 1;
    return ipa_rq_count(core_rq(in, core, set->b));
}

static G_GNUC_NO_INLINE int64_t set_size(struct inst *in,
                                        const struct xn *x)
{
    if (x->op == SET_MAP)
        return set_size(in, x->x);
    if (ipa_xn_queue(x))
        return queue_size(in, x);
    struct cursor c;
    set_open(in, x, &c);
    if (c.arr && !c.within)
        return c.n;
    if (!c.rq && !c.arr)
        return c.one != 0;
    int64_t n = 0, v;
    while (cursor_next(in, &c, &v))
        n++;
    return n;
}

static G_GNUC_NO_INLINE bool set_has(struct inst *in, const struct xn *set,
                                     int64_t v)
{
    if (set->op == SET_STATE && v) {
        int core = (int)object(in, set, eval(in, set->x)) - 1;
        if (set->b < 0)
            return (int64_t)(intptr_t)ipa_core_current(in->rt, core) == v;
        return ipa_thread_rq(thread_of(v)) ==
               core_rq(in, core, set->b);
    }
    struct cursor c;
    set_open(in, set, &c);
    int64_t e;
    while (cursor_next(in, &c, &e))
        if (e == v)
            return true;
    return false;
}

static inline __attribute__((always_inline)) int64_t
fold(int agg, int64_t acc, bool any, int64_t v)
{
    switch (agg) {
    case AGG_SUM: return (int64_t)((uint64_t)acc + (uint64_t)v);
    case AGG_COUNT: return acc + 1;
    case AGG_OR: return acc || v;
    case AGG_AND: return acc && v;
    case AGG_MIN: return !any || v < acc ? v : acc;
    case AGG_MAX: return !any || v > acc ? v : acc;
    default: IPA_UNREACHABLE();
    }
}

static int64_t run_lazy(struct inst *in, int lazy, int64_t self);

static int64_t kept_value(struct ipa_rt *rt, const struct ipa_thread *t,
                          void *arg)
{
    (void)rt;
    const struct kept_sum *k = arg;
    return run_lazy(k->in, k->lazy, (int64_t)(intptr_t)t);
}

/* program.h's KEPT_SUM: the runtime's sum of a queue. */
static int64_t kept_sum(struct inst *in, const struct xn *map)
{
    const struct xn *set = map->x;
    int core = (int)object(in, set, eval(in, set->x)) - 1;
    return ipa_rq_sum(in->rt, core_rq(in, core, set->b), map->aux - 1,
                      kept_value, &in->kept[map->aux - 1]);
}

/* or() and and() stop at the value that decides them, as || and && do:
 * what follows is not evaluated. */
static inline bool decided(int agg, int64_t acc)
{
    return (agg == AGG_OR && acc) || (agg == AGG_AND && !acc);
}

static G_GNUC_NO_INLINE int64_t aggregate(struct inst *in,
                                         const struct xn *x)
{
    int64_t acc = x->aux == AGG_AND;
    bool any = false;
    for (int i = 0; i < x->nv; i++) {
        const struct xn *arg = x->v[i];
        if (x->aux == AGG_COUNT && arg->op != SET_MAP) {
            acc += set_size(in, arg);
            continue;
        }
        int64_t v;
        if (arg->op == SET_MAP && arg->aux != KEPT_SUM_NONE) {
            acc = fold(AGG_SUM, acc, any, kept_sum(in, arg));
            continue;
        }
        if (arg->op == SET_ONE) {
            /* a plain value (`max(x, 1)`): no cursor; none adds nothing */
            v = eval(in, arg->x);
            if (v || !ipa_xn_entity(arg->x)) {
                acc = fold(x->aux, acc, any, v);
                any = true;
                if (decided(x->aux, acc))
                    return acc;
            }
            continue;
        }
        struct cursor c;
        if (arg->op == SET_MAP &&
            (arg->x->op == SET_CORES || arg->x->op == SET_ATTR)) {
            /* `sum(cores.load)`: a map over an array, walked in place
             * without a cursor step per element */
            set_open(in, arg->x, &c);
            for (int j = 0; j < c.n; j++) {
                in->fp[arg->a] = c.arr[j];
                acc = fold(x->aux, acc, any, eval(in, arg->y));
                any = true;
                if (decided(x->aux, acc))
                    return acc;
            }
            continue;
        }
        set_open(in, arg, &c);
        while (cursor_next(in, &c, &v)) {
            acc = fold(x->aux, acc, any, v);
            any = true;
            if (decided(x->aux, acc))
                return acc;
        }
    }
    return acc;
}

/* first/min/max with order and filter: the first element in the set's
 * order among those the order puts first and the filter keeps. */
/* Out of line, as the other cold and large cases below: eval's own
 * frame stays small for the hot, simple nodes. */
static G_GNUC_NO_INLINE int64_t select_one(struct inst *in,
                                          const struct xn *x)
{
    int64_t best = 0, best_keys[IPA_MAX_CRITERIA], keys[IPA_MAX_CRITERIA];
    struct cursor c;
    set_open(in, x->x, &c);
    int64_t v;
    while (cursor_next(in, &c, &v)) {
        step(in, x);
        in->fp[x->a] = v;
        if (x->y && !eval(in, x->y))
            continue;
        if (!x->nv)
            return v;
        bool better = !best;
        for (int k = 0; k < x->nv; k++)
            keys[k] = eval(in, x->v[k]);
        for (int k = 0; best && k < x->nv; k++) {
            if (keys[k] == best_keys[k])
                continue;
            better = x->k >> k & 1 ? keys[k] > best_keys[k]
                                   : keys[k] < best_keys[k];
            break;
        }
        if (better) {
            best = v;
            memcpy(best_keys, keys, sizeof(int64_t) * (size_t)x->nv);
        }
    }
    return best;
}

/* ---- expressions ----------------------------------------------------------- */

/* Inline: a call per operator would be a good part of evaluating it. */
static inline __attribute__((always_inline)) int64_t
arith(struct inst *in, const struct xn *x, int op, int64_t a, int64_t b)
{
    switch (op) {
    case IPA_TOK_PLUS:
    case IPA_TOK_PLUS_ASSIGN:
        return (int64_t)((uint64_t)a + (uint64_t)b);
    case IPA_TOK_MINUS:
    case IPA_TOK_MINUS_ASSIGN:
        return (int64_t)((uint64_t)a - (uint64_t)b);
    case IPA_TOK_STAR:
    case IPA_TOK_STAR_ASSIGN:
        return (int64_t)((uint64_t)a * (uint64_t)b);
    case IPA_TOK_SLASH:
    case IPA_TOK_SLASH_ASSIGN:
    case IPA_TOK_PERCENT:
    case IPA_TOK_PERCENT_ASSIGN: {
        bool div = op == IPA_TOK_SLASH || op == IPA_TOK_SLASH_ASSIGN;
        /* INT64_MIN / -1 traps in C as / 0 does: both fault */
        if (G_UNLIKELY(b == 0 || (b == -1 && a == INT64_MIN)))
            ipa_interp_fault(in, x->src, "%s",
                             ipa_division_fault(div, a, b));
        return div ? a / b : a % b;
    }
    case IPA_TOK_EQ: return a == b;
    case IPA_TOK_NE: return a != b;
    case IPA_TOK_LT: return a < b;
    case IPA_TOK_LE: return a <= b;
    case IPA_TOK_GT: return a > b;
    case IPA_TOK_GE: return a >= b;
    case IPA_TOK_ASSIGN: return b;
    default: IPA_UNREACHABLE();
    }
}

static int64_t psys(struct inst *in, const struct xn *x, struct ipa_thread *t)
{
    switch (x->a) {
    case PS_ID: return ipa_thread_id(t);
    case PS_WEIGHT: return ipa_thread_weight(t);
    case PS_NICE: return ipa_thread_nice(t);
    case PS_RUNTIME: return (int64_t)ipa_thread_runtime_ns(t);
    case PS_LAST_CORE: return ipa_thread_core(t) + 1;
    case PS_TGROUP: return ipa_thread_group(t);
    case PS_GROUP_SIZE: {
        int g = ipa_thread_group(t);
        return g < 0 ? 1 : ipa_group_size(in->rt, g);
    }
    default: IPA_UNREACHABLE();
    }
}

static int64_t csys(struct inst *in, const struct xn *x, int core)
{
    switch (x->a) {
    case CS_ID: return core;
    case CS_NODE: return ipa_core_node(in->rt, core);
    case CS_CAPACITY: return ipa_core_capacity(in->rt, core);
    case CS_IDLE: return ipa_core_idle(in->rt, core);
    case CS_ONLINE: return ipa_core_online(in->rt, core);
    case CS_IDLE_SINCE:
        return ipa_core_idle(in->rt, core)
                   ? (int64_t)ipa_core_idle_since_ns(in->rt, core)
                   : (int64_t)ipa_now_ns(in->rt);
    default: IPA_UNREACHABLE();
    }
}

/* Where a plain attribute lives, by entity. */
static inline int64_t *pfield(const struct xn *x, int64_t obj)
{
    return &thread_slots(thread_of(obj))[x->a];
}

static inline int64_t *cfield(struct inst *in, const struct xn *x,
                              int64_t obj)
{
    int64_t *d = ipa_dsl_core_data(in->rt, in->core_data,
                                   in->nr_machine_cores, (int)obj - 1);
    return &d[x->a];
}

static inline int64_t *dfield(struct inst *in, const struct xn *x,
                              int64_t obj)
{
    return &in->dom_data[(obj - 1) * in->p->nr_plain[IPA_ENT_DOMAIN] + x->a];
}

static inline int64_t *gfield(struct inst *in, const struct xn *x,
                              int64_t obj)
{
    return &in->grp_data[(obj - 1) * in->p->nr_plain[IPA_ENT_GROUP] + x->a];
}

static int64_t *slot_addr(struct inst *in, const struct xn *x, int64_t obj)
{
    switch (x->op) {
    case X_PFIELD: return pfield(x, obj);
    case X_CFIELD: return cfield(in, x, obj);
    case X_DFIELD: return dfield(in, x, obj);
    case X_GFIELD: return gfield(in, x, obj);
    default: IPA_UNREACHABLE();
    }
}

/* Calls cannot recurse: only lazy attributes that read each other in a
 * cycle nest without end, so they alone count towards the limit. */
static int64_t run_lazy(struct inst *in, int lazy, int64_t self)
{
    const struct unit *u = &in->p->lazies[lazy];
    if (!in->p->count_depth)
        return ipa_interp_run(in, u, &self, 1);
    if (G_UNLIKELY(in->depth >= IPA_INTERP_MAX_DEPTH))
        ipa_interp_fault(in, u->node, "lazy attributes nested more than "
                         G_STRINGIFY(IPA_INTERP_MAX_DEPTH)
                         " deep (one that reads itself?)");
    in->depth++;
    int64_t v = ipa_interp_run(in, u, &self, 1);
    in->depth--;
    return v;
}

/* A thread's lazy attribute is read about once per event where it is
 * read at all (a core's load sums its threads'): computed every time.
 * Those of cores, domains and groups are cached for the epoch. */
static G_GNUC_NO_INLINE int64_t lazy(struct inst *in, const struct xn *x,
                                     int64_t self)
{
    const struct program *p = in->p;
    int ent = p->lazy_ent[x->a];
    if (ent == IPA_ENT_PROCESS)
        return run_lazy(in, x->a, self);
    struct lazy_cache *c = in->lazy_cache[ent] +
                           (self - 1) * p->nr_lazy_of[ent] +
                           p->lazy_index[x->a];
    if (c->epoch != in->epoch) {
        c->value = run_lazy(in, x->a, self);
        c->epoch = in->epoch;
    }
    return c->value;
}

static G_GNUC_NO_INLINE int64_t call(struct inst *in, const struct xn *x)
{
    int64_t args[IPA_MAX_PARAMS];
    for (int i = 0; i < x->nv; i++)
        args[i] = eval(in, x->v[i]);
    return ipa_interp_run(in, &in->p->funcs[x->a], args, x->nv);
}

/* One function per kind of expression node, called through node_eval:
 * each inlined eval() is an indirect call of its own, which a processor
 * predicts far better than one shared switch, and a simple node's
 * function saves no registers. */
static int64_t ev_ev_core(struct inst *in, const struct xn *x)
{
    (void)x;
    return in->ev_core;
}

static int64_t ev_ev_source(struct inst *in, const struct xn *x)
{
    (void)x;
    return in->ev_source;
}

static int64_t ev_now(struct inst *in, const struct xn *x)
{
    (void)x;
    return (int64_t)ipa_now_ns(in->rt);
}

static int64_t ev_unary(struct inst *in, const struct xn *x)
{
    int64_t v = eval(in, x->x);
    return x->aux == IPA_TOK_BANG ? !v : (int64_t)(0 - (uint64_t)v);
}

static int64_t ev_binary(struct inst *in, const struct xn *x)
{
    /* left to right, as generated C evaluates it */
    int64_t a = eval(in, x->x);
    int64_t b = eval(in, x->y);
    return arith(in, x, x->aux, a, b);
}

/* The operators that cannot fault, one function each (program.h's XE_*):
 * left to right too. */
#define EV_OPERATOR(name, result)                                            \
    static int64_t name(struct inst *in, const struct xn *x)                 \
    {                                                                        \
        int64_t a = eval(in, x->x);                                          \
        int64_t b = eval(in, x->y);                                          \
        return result;                                                       \
    }
EV_OPERATOR(ev_add, (int64_t)((uint64_t)a + (uint64_t)b))
EV_OPERATOR(ev_sub, (int64_t)((uint64_t)a - (uint64_t)b))
EV_OPERATOR(ev_mul, (int64_t)((uint64_t)a * (uint64_t)b))
EV_OPERATOR(ev_eq, a == b)
EV_OPERATOR(ev_ne, a != b)
EV_OPERATOR(ev_lt, a < b)
EV_OPERATOR(ev_le, a <= b)
EV_OPERATOR(ev_gt, a > b)
EV_OPERATOR(ev_ge, a >= b)
#undef EV_OPERATOR

/* min and max of two plain values: the first unless the second is
 * strictly beyond it, as aggregate() folds them, left to right */
static int64_t ev_min2(struct inst *in, const struct xn *x)
{
    int64_t a = eval(in, x->v[0]->x);
    int64_t b = eval(in, x->v[1]->x);
    return b < a ? b : a;
}

static int64_t ev_max2(struct inst *in, const struct xn *x)
{
    int64_t a = eval(in, x->v[0]->x);
    int64_t b = eval(in, x->v[1]->x);
    return b > a ? b : a;
}

static int64_t ev_and(struct inst *in, const struct xn *x)
{
    return eval(in, x->x) && eval(in, x->y);
}

static int64_t ev_or(struct inst *in, const struct xn *x)
{
    return eval(in, x->x) || eval(in, x->y);
}

static int64_t ev_pfield(struct inst *in, const struct xn *x)
{
    return *pfield(x, object(in, x, eval(in, x->x)));
}

static int64_t ev_cfield(struct inst *in, const struct xn *x)
{
    return *cfield(in, x, object(in, x, eval(in, x->x)));
}

static int64_t ev_dfield(struct inst *in, const struct xn *x)
{
    return *dfield(in, x, object(in, x, eval(in, x->x)));
}

static int64_t ev_gfield(struct inst *in, const struct xn *x)
{
    return *gfield(in, x, object(in, x, eval(in, x->x)));
}

static int64_t ev_psys(struct inst *in, const struct xn *x)
{
    return psys(in, x, thread_of(object(in, x, eval(in, x->x))));
}

static int64_t ev_pattr(struct inst *in, const struct xn *x)
{
    struct ipa_thread *t = thread_of(object(in, x, eval(in, x->x)));
    int id = in->attr_ids[x->a];
    return id < 0 ? 0 : ipa_thread_attr(t, id, 0);
}

static int64_t ev_csys(struct inst *in, const struct xn *x)
{
    return csys(in, x, (int)object(in, x, eval(in, x->x)) - 1);
}

static int64_t ev_current(struct inst *in, const struct xn *x)
{
    int core = (int)object(in, x, eval(in, x->x)) - 1;
    return (int64_t)(intptr_t)ipa_core_current(in->rt, core);
}

/* In a placement's prepare no move has been made yet, so every online
 * core is idle or running a thread: the runtime's first busy core is then
 * the selection's answer when its key is above an idle core's 0 (equal
 * keys go to the lower core id in both). Elsewhere, or when it is not,
 * the selection walks the cores. */
static int64_t ev_core_order(struct inst *in, const struct xn *x)
{
    if (in->preparing) {
        int core = ipa_core_order_first(in->rt);
        if (core >= 0 &&
            thread_slots(ipa_core_current(in->rt, core))[x->a] > 0)
            return core + 1;
    }
    return eval(in, x->x);
}

static int64_t ev_cstate1(struct inst *in, const struct xn *x)
{
    int core = (int)object(in, x, eval(in, x->x)) - 1;
    if (x->b < 0)
        return 0;
    return (int64_t)(intptr_t)ipa_rq_first(core_rq(in, core, x->b));
}

static int64_t ev_dlevel(struct inst *in, const struct xn *x)
{
    return in->doms.level[object(in, x, eval(in, x->x)) - 1];
}

static int64_t ev_lazy(struct inst *in, const struct xn *x)
{
    return lazy(in, x, object(in, x, eval(in, x->x)));
}

static int64_t ev_valid(struct inst *in, const struct xn *x)
{
    return eval(in, x->x) != 0;
}

static int64_t ev_distance(struct inst *in, const struct xn *x)
{
    int a = (int)object(in, x, eval(in, x->x)) - 1;
    int b = (int)object(in, x, eval(in, x->y)) - 1;
    return ipa_distance(in->rt, a, b);
}

static int64_t ev_allowed(struct inst *in, const struct xn *x)
{
    struct ipa_thread *t = thread_of(object(in, x, eval(in, x->x)));
    int core = (int)object(in, x, eval(in, x->y)) - 1;
    return ipa_thread_allowed(t, core);
}

static int64_t ev_in(struct inst *in, const struct xn *x)
{
    int64_t v = eval(in, x->x);
    return v && set_has(in, x->y, v);
}

static int64_t ev_size(struct inst *in, const struct xn *x)
{
    return ipa_xn_queue(x->x) ? queue_size(in, x->x) : set_size(in, x->x);
}

/* Constants, locals and the target are read by eval() itself. */
static eval_fn *const node_eval[XE_COUNT] = {
    [X_EV_CORE] = ev_ev_core,
    [X_EV_SOURCE] = ev_ev_source,
    [X_NOW] = ev_now,
    [X_UNARY] = ev_unary,
    [X_BINARY] = ev_binary,
    [X_AND] = ev_and,
    [X_OR] = ev_or,
    [X_PFIELD] = ev_pfield,
    [X_CFIELD] = ev_cfield,
    [X_DFIELD] = ev_dfield,
    [X_GFIELD] = ev_gfield,
    [X_PSYS] = ev_psys,
    [X_PATTR] = ev_pattr,
    [X_CSYS] = ev_csys,
    [X_CURRENT] = ev_current,
    [X_CSTATE1] = ev_cstate1,
    [X_DLEVEL] = ev_dlevel,
    [X_LAZY] = ev_lazy,
    [X_VALID] = ev_valid,
    [X_DISTANCE] = ev_distance,
    [X_ALLOWED] = ev_allowed,
    [X_IN] = ev_in,
    [X_SIZE] = ev_size,
    [X_AGG] = aggregate,
    [X_SELECT] = select_one,
    [X_CALL] = call,
    [X_CORE_ORDER] = ev_core_order,
    [XE_ADD] = ev_add,
    [XE_SUB] = ev_sub,
    [XE_MUL] = ev_mul,
    [XE_EQ] = ev_eq,
    [XE_NE] = ev_ne,
    [XE_LT] = ev_lt,
    [XE_LE] = ev_le,
    [XE_GT] = ev_gt,
    [XE_GE] = ev_ge,
    [XE_MIN2] = ev_min2,
    [XE_MAX2] = ev_max2,
};

/* ---- locks and moves --------------------------------------------------------- */

static void release(struct inst *in, int taken)
{
    ipa_dsl_release(in->rt, &in->locks, taken);
}

/* A state's class is the runtime move's class (ipa_dsl_change). */
G_STATIC_ASSERT(IPA_C_RUNNING == (int)IPA_DSL_RUNNING &&
                IPA_C_READY == (int)IPA_DSL_READY &&
                IPA_C_BLOCKED == (int)IPA_DSL_BLOCKED &&
                IPA_C_TERMINATED == (int)IPA_DSL_TERMINATED);

/* Thread data: plain attributes, the order-key cache, the state the
 * interpreter last moved the thread into (index + 1). */
static int state_slot(const struct inst *in)
{
    return in->p->nr_plain[IPA_ENT_PROCESS] + in->p->max_keys;
}

/* Caches the thread's order keys for @o's queue (program.h); whether
 * they changed. */
static bool set_keys(struct inst *in, struct ipa_thread *t,
                     const struct order *o)
{
    int64_t self = (int64_t)(intptr_t)t;
    int64_t *keys = thread_slots(t) + in->p->nr_plain[IPA_ENT_PROCESS];
    bool changed = false;
    for (int k = 0; k < o->nr_keys; k++) {
        int64_t v = o->slot[k] >= 0
                        ? thread_slots(t)[o->slot[k]]
                        : ipa_interp_run(in, &o->keys[k], &self, 1);
        changed = changed || v != keys[k];
        keys[k] = v;
    }
    return changed;
}

static void move_thread(struct inst *in, struct ipa_thread *t, int core,
                        int state, const struct ipa_node *src, bool preempt)
{
    const struct state_info *st = &in->p->states[state];
    int taken = 0;
    if (ipa_dsl_offline(in->rt, t, core, st->cls))
        ipa_interp_fault(in, src, "core %d is offline: thread %d moved to "
                         "'%s' there would never run", core, ipa_thread_id(t),
                         st->name);
    if (!ipa_dsl_lock_move(in->rt, &in->locks, t, core, &taken))
        return; /* best effort, as a kernel trylock */
    struct ipa_rq *rq = st->rq >= 0 ? core_rq(in, core, st->rq)
                                    : NULL;
    if (st->single && rq && ipa_rq_count(rq) > 0)
        ipa_interp_fault(in, src, "state '%s' of core %d holds one thread "
                         "and is not empty", st->name, core);
    if (st->order)
        set_keys(in, t, st->order);
    thread_slots(t)[state_slot(in)] = state + 1;
    in->epoch++;
    ipa_dsl_change(in->rt, &in->walks, t, (enum ipa_dsl_class)st->cls, core, rq,
                   preempt);
    release(in, taken);
}

void ipa_interp_move(struct inst *in, struct ipa_thread *t, int core,
                     int state, const struct ipa_node *src)
{
    move_thread(in, t, core, state, src, in->ev == IPA_EV_tick);
}

void ipa_interp_preempt(struct inst *in, const struct ipa_node *src)
{
    int core = in->preempt_core;
    if (core < 0 || in->p->first_ready < 0)
        return;
    struct ipa_thread *cur = ipa_core_current(in->rt, core);
    if (cur && ipa_thread_state(cur) == IPA_STATE_RUNNING)
        move_thread(in, cur, core, in->p->first_ready, src, true);
}

/* After a thread attribute changed: a queued thread takes its new place
 * (the thread's data remembers which state it was moved into). */
static void rekey(struct inst *in, struct ipa_thread *t)
{
    struct ipa_rq *rq = ipa_thread_rq(t);
    int64_t state = thread_slots(t)[state_slot(in)];
    if (!rq || !state)
        return;
    /* keys that did not change keep the thread's place among equals */
    const struct order *o = in->p->states[state - 1].order;
    if (o && set_keys(in, t, o))
        ipa_dsl_reorder(&in->walks, rq, t);
}

/* ---- statements -------------------------------------------------------------- */

enum flow { F_NEXT, F_BREAK, F_CONTINUE, F_RETURN };

static void exec_move(struct inst *in, const struct xn *s);
static void exec_preempt(struct inst *in, const struct xn *s);
static void exec_assign(struct inst *in, const struct xn *s);
static enum flow exec_compound(struct inst *in, const struct xn *s);

/* The statements that always go on to the next, run where exec() is
 * inlined (a block's loop, an if's branch) without a call: most
 * statements are these. */
static inline __attribute__((always_inline)) bool exec_simple(struct inst *in,
                                                             const struct xn *s)
{
    switch (s->op) {
    case S_VAR:
        in->fp[s->a] = s->x ? eval(in, s->x) : 0;
        return true;
    case S_MOVE:
        exec_move(in, s);
        return true;
    case S_ASSIGN:
        exec_assign(in, s);
        return true;
    case S_EXPR:
        eval(in, s->x);
        return true;
    case S_PREEMPT:
        exec_preempt(in, s);
        return true;
    default:
        return false;
    }
}

static inline __attribute__((always_inline)) enum flow
exec(struct inst *in, const struct xn *s)
{
    return exec_simple(in, s) ? F_NEXT : exec_compound(in, s);
}

/* Runs a foreach body for one element; false to leave the loop. */
static bool loop_body(struct inst *in, const struct xn *s, int64_t v,
                      enum flow *f)
{
    step(in, s);
    in->fp[s->a] = v;
    *f = exec(in, s->y);
    if (*f == F_BREAK || *f == F_RETURN) {
        if (*f == F_BREAK)
            *f = F_NEXT;
        return false;
    }
    *f = F_NEXT;
    return true;
}

static G_GNUC_NO_INLINE enum flow exec_foreach(struct inst *in,
                                               const struct xn *s)
{
    enum flow f = F_NEXT;
    struct cursor c;
    set_open(in, s->x, &c);
    if (c.rq && !c.map) {
        /* a run queue: walked in place until something changes it (dsl.h) */
        struct ipa_dsl_walk w;
        struct ipa_thread *t;
        ipa_dsl_walk_begin(&in->walks, &w, c.rq);
        while ((t = ipa_dsl_walk_next(&in->walks, &w)) &&
               loop_body(in, s, (int64_t)(intptr_t)t, &f))
            ;
        ipa_dsl_walk_end(&in->walks, &w);
        return f;
    }
    if (c.arr && !c.map) {
        /* cores and builder sets never change: walk them in place (a
         * runtime set is read as the walk goes, as codegen.c's is) */
        int64_t v;
        if (c.within)
            while ((v = ipa_dsl_next_in(c.within, c.arr, c.n, &c.i)) &&
                   loop_body(in, s, v, &f))
                ;
        else
            for (int i = 0; i < c.n && loop_body(in, s, c.arr[i], &f); i++)
                ;
        return f;
    }
    /* walk a snapshot: the body may move the set's threads */
    guint base = in->scratch->len;
    int64_t v;
    while (cursor_next(in, &c, &v))
        g_array_append_val(in->scratch, v);
    guint end = in->scratch->len;
    for (guint i = base; i < end; i++)
        if (!loop_body(in, s, g_array_index(in->scratch, int64_t, i), &f))
            break;
    g_array_set_size(in->scratch, base);
    return f;
}

/* A running thread whose core-order key changed: its core takes its new
 * place in the runtime's order. */
static void running_rekey(struct inst *in, struct ipa_thread *t)
{
    if (ipa_thread_state(t) == IPA_STATE_RUNNING)
        ipa_core_order_update(in->rt, ipa_thread_core(t));
}

static G_GNUC_NO_INLINE void exec_assign(struct inst *in, const struct xn *s)
{
    const struct xn *lv = s->x;
    int64_t value = eval(in, s->y);
    if (lv->op == X_LOCAL) {
        in->fp[lv->a] = arith(in, s, s->aux, in->fp[lv->a], value);
        return;
    }
    int64_t obj = object_for(in, lv, eval(in, lv->x), true);
    int64_t *p = slot_addr(in, lv, obj);
    *p = arith(in, s, s->aux, *p, value);
    if (s->b)
        in->epoch++;
    if (lv->op == X_PFIELD && in->p->rekey_after[lv->a])
        rekey(in, thread_of(obj));
    if (lv->op == X_PFIELD && lv->a == in->p->core_order_slot)
        running_rekey(in, thread_of(obj));
}

static G_GNUC_NO_INLINE void exec_move(struct inst *in, const struct xn *s)
{
    int64_t t = eval(in, s->x);
    if (!t)
        return; /* moving none does nothing */
    int core = (int)object(in, s->y, eval(in, s->y)) - 1;
    if (in->preparing) {
        /* placement: prepare names the core, place moves */
        in->placed_core = core;
        in->placed_state = s->a;
        return;
    }
    ipa_interp_move(in, thread_of(t), core, s->a, s->src);
}

/* preempt(c) runs only in prepare (the checker): place preempts, once
 * the chosen core is locked. Preempting none does nothing. */
static G_GNUC_NO_INLINE void exec_preempt(struct inst *in, const struct xn *s)
{
    int64_t c = eval(in, s->x);
    if (c)
        in->preempt_core = (int)c - 1;
}

/* The other statements. Their bodies are calls of their own, so that
 * this, entered for most statements, saves few registers. Not a step:
 * without loops a handler is finite, so loop iterations and selection
 * candidates bound it, and counting every statement cost the interpreter
 * 4% of its time. */
static enum flow exec_compound(struct inst *in, const struct xn *s)
{
    switch (s->op) {
    case S_BLOCK:
        for (int i = 0; i < s->nv; i++) {
            enum flow f = exec(in, s->v[i]);
            if (f != F_NEXT)
                return f;
        }
        return F_NEXT;
    case S_IF:
        /* an `else if` chain in a loop: its length costs no stack */
        while (!eval(in, s->x)) {
            s = s->z;
            if (!s)
                return F_NEXT;
            if (s->op != S_IF)
                return exec(in, s);
        }
        return exec(in, s->y);
    case S_FOREACH:
        return exec_foreach(in, s);
    case S_BREAK: return F_BREAK;
    case S_CONTINUE: return F_CONTINUE;
    case S_RETURN:
        in->ret = s->x ? eval(in, s->x) : 0;
        return F_RETURN;
    default:
        IPA_UNREACHABLE();
    }
}

/* A try function locks its core parameters first; if one lock fails,
 * the call quietly does nothing. */
static bool lock_params(struct inst *in, const struct unit *u, int *taken)
{
    for (int i = 0; i < u->nr_core_params; i++) {
        int64_t c = in->fp[u->core_params[i]];
        if (!c || !ipa_dsl_hold(in->rt, &in->locks, (int)c - 1, taken))
            return false;
    }
    return true;
}

int64_t ipa_interp_run(struct inst *in, const struct unit *u,
                       const int64_t *args, int nr_args)
{
    int base = in->top;
    if (G_UNLIKELY(base + u->nr_slots > in->stack_size))
        ipa_interp_fault(in, u->node, "lazy attributes nested more than "
                         G_STRINGIFY(IPA_INTERP_MAX_DEPTH)
                         " deep (one that reads itself?)");
    int64_t *saved = in->fp;
    in->fp = in->stack + base;
    /* most units are attributes and keys of a slot or two: no libc call
     * (src/interp/CMakeLists.txt keeps GCC from making these loops one) */
    for (int i = 0; i < nr_args; i++)
        in->fp[i] = args[i];
    for (int i = nr_args; i < u->nr_slots; i++)
        in->fp[i] = 0;
    in->top = base + u->nr_slots;
    int64_t r = 0;
    if (u->body->op < S_BLOCK) {
        r = eval(in, u->body);
    } else {
        int taken = 0;
        if (!u->is_try || lock_params(in, u, &taken)) {
            in->ret = 0;
            if (exec(in, u->body) == F_RETURN)
                r = in->ret;
        }
        release(in, taken);
    }
    in->fp = saved;
    in->top = base;
    return r;
}
