/*
 * callbacks.c - a compiled program as a runtime callback table: one
 * instance per partition, the event set-up of each callback, attribute
 * initialisers, and the domains builder run on the partition's cores.
 */
#include "interp/interp.h"

#include <string.h>

#include "interp/instance.h"
#include "util/common.h"

/* Frame slots per instance: calls cannot recurse, so this is only hit by
 * lazy attributes reading each other in a cycle. */
#define STACK_SLOTS 65536

static struct inst *inst_of(struct ipa_rt *rt)
{
    return *(struct inst **)ipa_policy_data(rt);
}

static int64_t enc_core(int core)
{
    return core + 1;
}

static bool in_partition(const struct inst *in, int core)
{
    return core >= 0 && core < in->nr_machine_cores && in->mine[core];
}

static void begin(struct inst *in, int ev)
{
    in->epoch++; /* the world changed since the last event */
    in->ev = ev;
    in->steps = 0;
    in->top = 0;
    ipa_dsl_walks_reset(&in->walks);
    in->depth = 0;
    in->fp = in->stack;
    in->locks.n = 0;
    in->preparing = false;
    in->ev_target = 0;
    in->ev_core = 0;
    in->ev_source = 0;
}

static void begin_process(struct inst *in, int ev,
                          const struct ipa_process_event *e)
{
    begin(in, ev);
    in->ev_target = (int64_t)(intptr_t)e->target;
    if (e->core >= 0) {
        in->ev_core = enc_core(e->core);
        in->locks.held[in->locks.n++] = e->core;
    }
    if (e->source_core >= 0 && in_partition(in, e->source_core))
        in->ev_source = enc_core(e->source_core);
}

static void run_handler(struct inst *in, int ev)
{
    const struct unit *u = &in->p->handlers[ev];
    if (u->body)
        ipa_interp_run(in, u, NULL, 0);
}

static void core_event(struct ipa_rt *rt, int ev, int core)
{
    struct inst *in = inst_of(rt);
    begin(in, ev);
    in->ev_target = enc_core(core);
    in->locks.held[in->locks.n++] = core;
    run_handler(in, ev);
}

/* ---- placement: prepare runs the handler and records the move --------------- */

static int prepare(struct ipa_rt *rt, int ev, struct ipa_process_event *e)
{
    struct inst *in = inst_of(rt);
    begin_process(in, ev, e);
    /* no core is locked yet; unqualified states are the thread's core for
     * a wake-up, the parent's for a new thread */
    int own = ev == IPA_EV_unblock ? ipa_thread_core(e->target) : -1;
    if (own < 0 || !in_partition(in, own))
        own = in->ev_source ? (int)in->ev_source - 1
                            : (int)in->cores_set[0] - 1;
    in->ev_core = enc_core(own);
    in->preparing = true;
    in->placed_core = -1;
    in->preempt_core = -1;
    run_handler(in, ev);
    in->preparing = false;
    if (in->placed_core < 0)
        ipa_interp_fault(in, in->p->handlers[ev].node,
                         "'on %s' placed no thread", ipa_event_name(ev));
    return in->placed_core;
}

static void place(struct ipa_rt *rt, int ev, struct ipa_process_event *e)
{
    struct inst *in = inst_of(rt);
    int state = in->placed_state;
    begin_process(in, ev, e);
    ipa_interp_move(in, e->target, e->core, state,
                    in->p->handlers[ev].node);
    ipa_interp_preempt(in, in->p->handlers[ev].node);
}

static int new_prepare(struct ipa_rt *rt, struct ipa_process_event *e)
{
    struct inst *in = inst_of(rt);
    begin(in, IPA_EV_new);
    int64_t *slots = ipa_thread_data(e->target);
    int64_t self = (int64_t)(intptr_t)e->target;
    const GArray *inits = in->p->inits[IPA_ENT_PROCESS];
    for (unsigned i = 0; i < inits->len; i++) {
        const struct init *it = &g_array_index(inits, struct init, i);
        slots[it->slot] = ipa_interp_run(in, &it->unit, &self, 1);
    }
    return prepare(rt, IPA_EV_new, e);
}

static void new_place(struct ipa_rt *rt, struct ipa_process_event *e)
{
    place(rt, IPA_EV_new, e);
}

static int unblock_prepare(struct ipa_rt *rt, struct ipa_process_event *e)
{
    return prepare(rt, IPA_EV_unblock, e);
}

static void unblock_place(struct ipa_rt *rt, struct ipa_process_event *e)
{
    place(rt, IPA_EV_unblock, e);
}

/* ---- the other events ----------------------------------------------------------- */

#define PROCESS_CB(name)                                                       \
    static void name(struct ipa_rt *rt, struct ipa_process_event *e)           \
    {                                                                          \
        struct inst *in = inst_of(rt);                                         \
        begin_process(in, IPA_EV_##name, e);                                   \
        run_handler(in, IPA_EV_##name);                                        \
    }
PROCESS_CB(tick)
PROCESS_CB(yield)
PROCESS_CB(block)
PROCESS_CB(terminate)

#define CORE_CB(name)                                                          \
    static void name(struct ipa_rt *rt, struct ipa_core_event *e)              \
    {                                                                          \
        core_event(rt, IPA_EV_##name, e->target);                              \
    }
CORE_CB(schedule)
CORE_CB(newly_idle)
CORE_CB(enter_idle)
CORE_CB(exit_idle)
CORE_CB(balancing_select)
CORE_CB(core_entry)

/* A trace's "call": the interface function, its first argument the
 * calling thread. */
static void call(struct ipa_rt *rt, struct ipa_process_event *e, int index,
                 const int64_t *args)
{
    struct inst *in = inst_of(rt);
    begin_process(in, IPA_EV_tick, e);
    const struct unit *u = &in->p->funcs[in->p->iface_funcs[index]];
    int64_t a[IPA_MAX_PARAMS];
    a[0] = (int64_t)(intptr_t)e->target;
    for (int i = 1; i < u->nr_params; i++)
        a[i] = args[i - 1];
    ipa_interp_run(in, u, a, u->nr_params);
}

/* The language hands core_exit a core whose running thread is already
 * back in its first READY state, so that one loop over the queue moves
 * every thread away. */
static void core_exit(struct ipa_rt *rt, struct ipa_core_event *e)
{
    struct inst *in = inst_of(rt);
    struct ipa_thread *cur = ipa_core_current(rt, e->target);
    int ready = -1;
    for (int i = 0; i < in->p->nr_states && ready < 0; i++)
        if (in->p->states[i].cls == IPA_C_READY && in->p->states[i].rq >= 0)
            ready = i;
    if (cur && ready >= 0) {
        begin(in, IPA_EV_core_exit);
        in->locks.held[in->locks.n++] = e->target;
        ipa_interp_move(in, cur, e->target, ready,
                        in->p->handlers[IPA_EV_core_exit].node);
    }
    core_event(rt, IPA_EV_core_exit, e->target);
}

/* ---- the domains builder --------------------------------------------------------- */

static int64_t builder_start(void *arg, int64_t self)
{
    struct inst *in = arg;
    return ipa_interp_run(in, &in->p->builder->start, &self, 1);
}

static bool pred(struct inst *in, const struct unit *u, int64_t self,
                 int dist, int64_t c, int64_t c1, int64_t c2)
{
    int64_t args[5] = {0};
    args[in->p->builder->self_slot] = self;
    args[in->p->builder->dist_slot] = dist;
    args[in->p->builder->c_slot] = c;
    args[in->p->builder->c1_slot] = c1;
    args[in->p->builder->c2_slot] = c2;
    return ipa_interp_run(in, u, args, 5) != 0;
}

static bool builder_in_domain(void *arg, int64_t self, int dist, int64_t c)
{
    struct inst *in = arg;
    return pred(in, &in->p->builder->domain, self, dist, c, 0, 0);
}

static bool builder_in_group(void *arg, int64_t self, int dist, int64_t c1,
                             int64_t c2)
{
    struct inst *in = arg;
    return pred(in, &in->p->builder->group, self, dist, 0, c1, c2);
}

/* Runs the builder (include/ipasim/dsl.h) and lays its sets out as the
 * set attributes it names. */
static void build_domains(struct inst *in)
{
    const struct program *p = in->p;
    int line = 0, col = 0;
    const struct ipa_node *at = p->builder->domain.node;
    ipa_source_position(at->span.file, at->span.off, &line, &col);
    char *where = g_strdup_printf("%s:%d:%d", p->path, line, col);
    struct ipa_dsl_builder b = {in, p->builder->start.body ? builder_start
                                                           : NULL,
                                builder_in_domain, builder_in_group,
                                p->group_reads_domain, where};
    /* a fault in the builder jumps away: free `where` with the instance */
    in->builder_where = where;
    ipa_dsl_build_domains(in->rt, in->cores_set, in->nr_cores, &b, &in->doms);
    const struct ipa_dsl_domains *d = &in->doms;
    for (int i = 0; i < in->nr_cores; i++) {
        int core = (int)in->cores_set[i] - 1;
        in->core_sets[core * p->nr_sets[IPA_ENT_CORE] +
                      p->builder->core_field] = d->core_domains[core];
    }
    /* every domain and group has one slot per set attribute; the builder
     * fills the one it names */
    int nds = p->nr_sets[IPA_ENT_DOMAIN], ngs = p->nr_sets[IPA_ENT_GROUP];
    in->dom_sets = g_new0(struct ipa_dsl_span,
                          (size_t)in->doms.nr_domains * nds + 1);
    for (int i = 0; i < in->doms.nr_domains; i++) {
        in->dom_sets[i * nds + p->builder->domain_field] =
            d->domain_groups[i];
        if (p->builder->domain_cores_field >= 0)
            in->dom_sets[i * nds + p->builder->domain_cores_field] =
                d->domain_cores[i];
    }
    in->grp_sets = g_new0(struct ipa_dsl_span,
                          (size_t)in->doms.nr_groups * ngs + 1);
    for (int g = 0; g < in->doms.nr_groups; g++)
        in->grp_sets[g * ngs + p->builder->group_field] = d->group_cores[g];
}

/* ---- init and fini --------------------------------------------------------------- */

static void run_inits(struct inst *in, int ent, int64_t self, int64_t *slots)
{
    const GArray *inits = in->p->inits[ent];
    for (unsigned i = 0; i < inits->len; i++) {
        const struct init *it = &g_array_index(inits, struct init, i);
        slots[it->slot] = ipa_interp_run(in, &it->unit, &self, 1);
    }
}

static void inst_free(struct inst *in)
{
    g_free(in->attr_ids);
    g_free(in->cores_set);
    g_free(in->mine);
    g_free(in->rqs);
    g_free(in->core_data);
    g_free(in->core_sets);
    g_free(in->dom_data);
    ipa_dsl_domains_free(&in->doms);
    ipa_dsl_walks_free(&in->walks);
    g_free(in->builder_where);
    g_free(in->dom_sets);
    g_free(in->grp_data);
    g_free(in->grp_sets);
    g_array_free(in->scratch, TRUE);
    for (int ent = 0; ent < IPA_ENT_COUNT; ent++)
        g_free(in->lazy_cache[ent]);
    g_free(in->stack);
    g_free(in);
}

/* Queue @q of @core: the core's own, or the one a global state's
 * queues all are. */
static struct ipa_rq *state_rq(struct ipa_rt *rt, const struct program *p,
                               int core, int q)
{
    for (int i = 0; i < p->nr_states; i++)
        if (p->states[i].rq == q && p->states[i].global)
            return ipa_global_rq(rt, q);
    return ipa_core_rq(rt, core, q);
}

static int init(struct ipa_rt *rt)
{
    struct program *p = ipa_policy_ctx(rt);
    struct inst *in = g_new0(struct inst, 1);
    /* owned by the program: a fault skips fini */
    g_ptr_array_add(p->instances, in);
    *(struct inst **)ipa_policy_data(rt) = in;
    in->p = p;
    in->rt = rt;
    for (int i = 0; i < p->nr_kept; i++)
        in->kept[i] = (struct kept_sum){in, p->kept_lazy[i]};
    in->stack_size = STACK_SLOTS;
    in->stack = g_new0(int64_t, STACK_SLOTS);
    in->scratch = g_array_sized_new(FALSE, FALSE, sizeof(int64_t), 1024);
    in->attr_ids = g_new0(int, p->attr_names->len + 1);
    for (unsigned i = 0; i < p->attr_names->len; i++)
        in->attr_ids[i] = ipa_attr_id(rt, g_ptr_array_index(p->attr_names, i));
    in->nr_cores = ipa_nr_cores(rt);
    in->within[WITHIN_WAITING] = ipa_waiting_cores(rt);
    in->within[WITHIN_IDLE] = ipa_idle_cores(rt);
    in->cores_set = g_new(int64_t, in->nr_cores);
    in->nr_machine_cores = ipa_machine_cores(rt);
    in->mine = g_new0(bool, in->nr_machine_cores);
    in->rqs = g_new0(struct ipa_rq *,
                     (size_t)in->nr_machine_cores * p->nr_rqs + 1);
    in->core_data = g_new0(void *, in->nr_machine_cores);
    for (int i = 0; i < in->nr_cores; i++) {
        int core = ipa_core_at(rt, i);
        in->cores_set[i] = enc_core(core);
        in->mine[core] = true;
        in->core_data[core] = ipa_core_data(rt, core);
        for (int q = 0; q < p->nr_rqs; q++)
            in->rqs[core * p->nr_rqs + q] = state_rq(rt, p, core, q);
    }
    in->core_sets = g_new0(struct ipa_dsl_span, (size_t)ipa_machine_cores(rt) *
                                                p->nr_sets[IPA_ENT_CORE] +
                                            1);
    if (p->core_order_slot >= 0)
        ipa_core_order(rt, sizeof(int64_t) * (size_t)p->core_order_slot, true);
    begin(in, -1);
    if (p->builder)
        build_domains(in);
    in->dom_data = g_new0(int64_t, (size_t)in->doms.nr_domains *
                                           p->nr_plain[IPA_ENT_DOMAIN] +
                                       1);
    in->grp_data = g_new0(int64_t, (size_t)in->doms.nr_groups *
                                           p->nr_plain[IPA_ENT_GROUP] +
                                       1);
    int counts[IPA_ENT_COUNT] = {0, ipa_machine_cores(rt), in->doms.nr_domains,
                                 in->doms.nr_groups};
    for (int ent = IPA_ENT_CORE; ent < IPA_ENT_COUNT; ent++)
        if (p->nr_lazy_of[ent])
            in->lazy_cache[ent] = g_new0(struct lazy_cache,
                                         (size_t)counts[ent] *
                                             p->nr_lazy_of[ent]);
    in->epoch = 1;
    /* groups first: a domain's initialiser may read its groups */
    for (int g = 0; g < in->doms.nr_groups; g++)
        run_inits(in, IPA_ENT_GROUP, g + 1,
                  &in->grp_data[g * p->nr_plain[IPA_ENT_GROUP]]);
    for (int d = 0; d < in->doms.nr_domains; d++)
        run_inits(in, IPA_ENT_DOMAIN, d + 1,
                  &in->dom_data[d * p->nr_plain[IPA_ENT_DOMAIN]]);
    for (int i = 0; i < in->nr_cores; i++) {
        int core = (int)in->cores_set[i] - 1;
        run_inits(in, IPA_ENT_CORE, enc_core(core),
                  ipa_core_data(rt, core));
    }
    return 0;
}

static void fini(struct ipa_rt *rt)
{
    struct inst *in = inst_of(rt);
    g_ptr_array_remove(in->p->instances, in);
    inst_free(in);
}

/* ---- loading ------------------------------------------------------------------------ */

/* The interface functions, in declaration order, as the ops table has
 * them (the C generator lists them so too). */
static void interfaces(struct program *p)
{
    p->ifaces = g_new0(struct ipa_iface, p->nr_funcs + 1);
    p->iface_funcs = g_new0(int, p->nr_funcs + 1);
    int n = 0;
    for (int i = 0; i < p->nr_funcs; i++) {
        const struct ipa_node *f = p->funcs[i].node;
        if (f->ival != IPA_FUNC_INTERFACE)
            continue;
        p->ifaces[n] = (struct ipa_iface){f->name, p->funcs[i].nr_params - 1};
        p->iface_funcs[n++] = i;
    }
    p->ops.ifaces = p->ifaces;
    p->ops.nr_ifaces = n;
    p->ops.call = n ? call : NULL;
}

bool ipa_interp_load(const char *path, const struct ipa_interp_options *opts,
                     const struct ipa_policy_ops **ops, void **ctx,
                     GError **error)
{
    struct ipa_check_options copts = {opts ? opts->params : NULL,
                                      opts ? opts->nr_params : 0};
    struct program *p = ipa_program_compile(path, &copts, error);
    if (!p)
        return false;
    p->step_limit = opts && opts->step_limit ? opts->step_limit
                                             : IPA_INTERP_STEP_LIMIT;
    p->instances = g_ptr_array_new();
    struct ipa_policy_ops *o = &p->ops;
    o->abi = IPA_RUNTIME_ABI;
    o->name = p->path;
    /* attributes, order-key cache, current state (eval.c) */
    o->thread_data_size =
        sizeof(int64_t) *
        (size_t)(p->nr_plain[IPA_ENT_PROCESS] + p->max_keys + 1);
    o->core_data_size = sizeof(int64_t) * (size_t)p->nr_plain[IPA_ENT_CORE];
    o->policy_data_size = sizeof(struct inst *);
    o->core_rqs = p->rq_descs;
    o->nr_core_rqs = p->nr_rqs;
    /* one instance of every queue besides the per-core ones: a global
     * state uses its own, the others stay empty (one table for both,
     * as the generated C has) */
    if (p->has_global) {
        o->global_rqs = p->rq_descs;
        o->nr_global_rqs = p->nr_rqs;
    }
    o->init = init;
    o->fini = fini;
    o->new_prepare = new_prepare;
    o->new_place = new_place;
    o->unblock_prepare = unblock_prepare;
    o->unblock_place = unblock_place;
#define SET(name) o->name = p->handlers[IPA_EV_##name].body ? name : NULL
    SET(tick);
    SET(yield);
    SET(block);
    SET(terminate);
    SET(schedule);
    SET(newly_idle);
    SET(enter_idle);
    SET(exit_idle);
    SET(balancing_select);
    SET(core_entry);
    SET(core_exit);
#undef SET
    interfaces(p);
    *ops = o;
    *ctx = p;
    return true;
}

void ipa_interp_free(void *ctx)
{
    struct program *p = ctx;
    if (!p)
        return;
    for (unsigned i = 0; i < p->instances->len; i++)
        inst_free(g_ptr_array_index(p->instances, i));
    g_ptr_array_free(p->instances, TRUE);
    g_free(p->ifaces);
    g_free(p->iface_funcs);
    ipa_program_free(p);
}
