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
    in->depth = 0;
    in->fp = in->stack;
    in->nr_held = 0;
    in->preparing = false;
    in->target = NULL;
    in->target_core = 0;
    in->ev_core = 0;
    in->ev_source = 0;
}

static void begin_process(struct inst *in, int ev,
                          const struct ipa_process_event *e)
{
    begin(in, ev);
    in->target = e->target;
    if (e->core >= 0) {
        in->ev_core = enc_core(e->core);
        in->held[in->nr_held++] = e->core;
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
    in->target_core = enc_core(core);
    in->held[in->nr_held++] = core;
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
        in->held[in->nr_held++] = e->target;
        ipa_interp_move(in, cur, e->target, ready,
                        in->p->handlers[IPA_EV_core_exit].node);
    }
    core_event(rt, IPA_EV_core_exit, e->target);
}

/* ---- the domains builder --------------------------------------------------------- */

static struct span pool_add(struct inst *in, const int64_t *v, int n)
{
    struct span s = {(int)in->pool->len, n};
    g_array_append_vals(in->pool, v, (guint)n);
    return s;
}

struct build {
    struct inst *in;
    const struct program *p;
    GArray *dom_level, *dom_sets, *grp_sets; /* int, span, span */
    /* without self or c in it, the group relation depends on dist only:
     * computed once per distance, with whether it is an equivalence on
     * all the cores (then it is on every domain) */
    bool *rel;    /* [dist][i][j] */
    int8_t *equiv; /* [dist]: -1 unknown, 0, 1 */
};

static bool pred(struct build *b, const struct unit *u, int64_t self,
                 int dist, int64_t c, int64_t c1, int64_t c2)
{
    int64_t args[5] = {0};
    args[b->p->builder->self_slot] = self;
    args[b->p->builder->dist_slot] = dist;
    args[b->p->builder->c_slot] = c;
    args[b->p->builder->c1_slot] = c1;
    args[b->p->builder->c2_slot] = c2;
    return ipa_interp_run(b->in, u, args, 5) != 0;
}

static bool related(struct build *b, int64_t self, int dist, int i, int j)
{
    struct inst *in = b->in;
    int n = in->nr_cores;
    if (b->p->group_reads_domain)
        return pred(b, &b->p->builder->group, self, dist, 0,
                    in->cores_set[i], in->cores_set[j]);
    bool *rel = &b->rel[(size_t)dist * n * n];
    if (b->equiv[dist] < 0) {
        for (int x = 0; x < n; x++)
            for (int y = 0; y < n; y++)
                rel[x * n + y] = pred(b, &b->p->builder->group, self, dist,
                                      0, in->cores_set[x],
                                      in->cores_set[y]);
        /* an equivalence iff "related" is "same first related core" */
        int *first = g_new(int, n);
        for (int x = 0; x < n; x++) {
            first[x] = -1;
            for (int y = 0; y < n && first[x] < 0; y++)
                if (rel[x * n + y])
                    first[x] = y;
        }
        bool eq = true;
        for (int x = 0; x < n && eq; x++)
            for (int y = 0; y < n && eq; y++)
                eq = rel[x * n + y] == (first[x] >= 0 && first[x] == first[y]);
        g_free(first);
        b->equiv[dist] = eq;
    }
    return rel[i * n + j];
}

static void build_fault(struct build *b, const char *fmt, int64_t self,
                        int level)
{
    ipa_interp_fault(b->in, b->p->builder->domain.node,
                     "invalid scheduling domains: %s (core %d, level %d)",
                     fmt, (int)self - 1, level);
}

/* One domain of @self: @members (indices in cores_set) split into groups. */
static int64_t make_domain(struct build *b, int64_t self, int dist,
                           int level, const int *members, int n,
                           int *group_of, int64_t *tmp)
{
    struct inst *in = b->in;
    int d = (int)b->dom_level->len;
    g_array_append_val(b->dom_level, level);
    for (int i = 0; i < in->nr_cores; i++)
        group_of[i] = -1;
    int nr_groups = 0;
    int64_t *groups = g_new(int64_t, n);
    for (int i = 0; i < n; i++) {
        int c1 = members[i];
        if (group_of[c1] >= 0)
            continue;
        int cnt = 0;
        for (int j = 0; j < n; j++) {
            int c2 = members[j];
            if (!related(b, self, dist, c1, c2))
                continue;
            if (group_of[c2] >= 0)
                build_fault(b, "a core is in two groups of one domain (the "
                            "group relation is not an equivalence)",
                            self, level);
            group_of[c2] = nr_groups;
            tmp[cnt++] = in->cores_set[c2];
        }
        if (group_of[c1] < 0)
            build_fault(b, "a core is in no group of its domain", self,
                        level);
        struct span s = pool_add(in, tmp, cnt);
        int gi = (int)b->grp_sets->len;
        g_array_append_val(b->grp_sets, s);
        groups[nr_groups++] = gi + 1;
    }
    /* groups are the classes of an equivalence: related iff together */
    bool known = !b->p->group_reads_domain && b->equiv[dist] == 1;
    for (int i = 0; i < n && !known; i++)
        for (int j = 0; j < n; j++)
            if (related(b, self, dist, members[i], members[j]) !=
                (group_of[members[i]] == group_of[members[j]]))
                build_fault(b, "the group relation is not an equivalence "
                            "(cores related across groups)", self, level);
    struct span s = pool_add(in, groups, nr_groups);
    g_array_append_val(b->dom_sets, s);
    g_free(groups);
    return d + 1;
}

static void build_domains(struct inst *in)
{
    const struct program *p = in->p;
    int n = in->nr_cores;
    int nd = ipa_nr_distances(in->rt);
    struct build b = {in, p, g_array_new(FALSE, FALSE, sizeof(int)),
                      g_array_new(FALSE, FALSE, sizeof(struct span)),
                      g_array_new(FALSE, FALSE, sizeof(struct span)),
                      NULL, NULL};
    if (!p->group_reads_domain) {
        b.rel = g_new0(bool, (size_t)(nd + 1) * n * n);
        b.equiv = g_new(int8_t, nd + 1);
        memset(b.equiv, -1, (size_t)nd + 1);
    }
    int *members = g_new(int, n), *prev = g_new(int, n);
    int *group_of = g_new(int, n);
    int64_t *tmp = g_new(int64_t, n), *doms = g_new(int64_t, nd + 1);
    for (int si = 0; si < n; si++) {
        int64_t self = in->cores_set[si];
        int start = 1;
        if (p->builder->start.body)
            start = (int)ipa_interp_run(in, &p->builder->start, &self, 1);
        int nr_prev = 0, level = 0, nr_doms = 0;
        for (int dist = start > 0 ? start : 0; dist < nd; dist++) {
            int cnt = 0;
            for (int ci = 0; ci < n; ci++)
                if (pred(&b, &p->builder->domain, self, dist,
                         in->cores_set[ci], 0, 0))
                    members[cnt++] = ci;
            if (cnt == 0 || (cnt == nr_prev &&
                             !memcmp(members, prev, sizeof(int) * cnt)))
                continue; /* a level that adds no core */
            level++;
            doms[nr_doms++] = make_domain(&b, self, dist, level, members,
                                          cnt, group_of, tmp);
            /* each group is a domain one level down: self's group is
             * self's previous domain */
            if (nr_prev) {
                int mine = group_of[si];
                int in_group = 0;
                for (int k = 0; k < cnt; k++)
                    in_group += group_of[members[k]] == mine;
                bool same = in_group == nr_prev;
                for (int k = 0; same && k < nr_prev; k++)
                    same = group_of[prev[k]] == mine;
                if (!same)
                    build_fault(&b, "the core's group is not its domain one "
                                "level down", self, level);
            }
            memcpy(prev, members, sizeof(int) * cnt);
            nr_prev = cnt;
        }
        /* one core: no level to balance */
        if (nr_prev != n && n > 1)
            build_fault(&b, "the top domain does not hold every core", self,
                        level);
        struct span s = pool_add(in, doms, nr_doms);
        in->core_sets[((int)self - 1) * p->nr_sets[IPA_ENT_CORE] +
                      p->builder->core_field] = s;
    }
    in->nr_domains = (int)b.dom_level->len;
    in->dom_level = (int *)(void *)g_array_free(b.dom_level, FALSE);
    in->nr_groups = (int)b.grp_sets->len;
    /* every domain and group has one slot per set attribute; the builder
     * fills the one it names */
    int nds = p->nr_sets[IPA_ENT_DOMAIN], ngs = p->nr_sets[IPA_ENT_GROUP];
    in->dom_sets = g_new0(struct span, (size_t)in->nr_domains * nds + 1);
    for (int d = 0; d < in->nr_domains; d++)
        in->dom_sets[d * nds + p->builder->domain_field] =
            g_array_index(b.dom_sets, struct span, d);
    in->grp_sets = g_new0(struct span, (size_t)in->nr_groups * ngs + 1);
    for (int g = 0; g < in->nr_groups; g++)
        in->grp_sets[g * ngs + p->builder->group_field] =
            g_array_index(b.grp_sets, struct span, g);
    g_array_free(b.dom_sets, TRUE);
    g_array_free(b.grp_sets, TRUE);
    g_free(b.rel);
    g_free(b.equiv);
    g_free(members);
    g_free(prev);
    g_free(group_of);
    g_free(tmp);
    g_free(doms);
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
    g_free(in->core_sets);
    g_free(in->dom_data);
    g_free(in->dom_level);
    g_free(in->dom_sets);
    g_free(in->grp_data);
    g_free(in->grp_sets);
    g_array_free(in->pool, TRUE);
    g_array_free(in->scratch, TRUE);
    for (int ent = 0; ent < IPA_ENT_COUNT; ent++)
        g_free(in->lazy_cache[ent]);
    g_free(in->stack);
    g_free(in);
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
    in->stack_size = STACK_SLOTS;
    in->stack = g_new0(int64_t, STACK_SLOTS);
    in->scratch = g_array_sized_new(FALSE, FALSE, sizeof(int64_t), 1024);
    in->pool = g_array_new(FALSE, FALSE, sizeof(int64_t));
    in->attr_ids = g_new0(int, p->attr_names->len + 1);
    for (unsigned i = 0; i < p->attr_names->len; i++)
        in->attr_ids[i] = ipa_attr_id(rt, g_ptr_array_index(p->attr_names, i));
    in->nr_cores = ipa_nr_cores(rt);
    in->cores_set = g_new(int64_t, in->nr_cores);
    in->nr_machine_cores = ipa_machine_cores(rt);
    in->mine = g_new0(bool, in->nr_machine_cores);
    for (int i = 0; i < in->nr_cores; i++) {
        in->cores_set[i] = enc_core(ipa_core_at(rt, i));
        in->mine[ipa_core_at(rt, i)] = true;
    }
    in->core_sets = g_new0(struct span, (size_t)ipa_machine_cores(rt) *
                                                p->nr_sets[IPA_ENT_CORE] +
                                            1);
    begin(in, -1);
    if (p->builder)
        build_domains(in);
    in->dom_data = g_new0(int64_t, (size_t)in->nr_domains *
                                           p->nr_plain[IPA_ENT_DOMAIN] +
                                       1);
    in->grp_data = g_new0(int64_t, (size_t)in->nr_groups *
                                           p->nr_plain[IPA_ENT_GROUP] +
                                       1);
    int counts[IPA_ENT_COUNT] = {0, ipa_machine_cores(rt), in->nr_domains,
                                 in->nr_groups};
    for (int ent = IPA_ENT_CORE; ent < IPA_ENT_COUNT; ent++)
        if (p->nr_lazy_of[ent])
            in->lazy_cache[ent] = g_new0(struct lazy_cache,
                                         (size_t)counts[ent] *
                                             p->nr_lazy_of[ent]);
    in->epoch = 1;
    /* groups first: a domain's initialiser may read its groups */
    for (int g = 0; g < in->nr_groups; g++)
        run_inits(in, IPA_ENT_GROUP, g + 1,
                  &in->grp_data[g * p->nr_plain[IPA_ENT_GROUP]]);
    for (int d = 0; d < in->nr_domains; d++)
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
    for (int i = 0; i < p->nr_states; i++) {
        struct order *ord = p->states[i].order;
        if (ord && p->states[i].rq >= 0) {
            p->rq_descs[p->states[i].rq].cmp = ipa_interp_order_cmp;
            p->rq_descs[p->states[i].rq].cmp_arg = ord;
        }
    }
    o->core_rqs = p->rq_descs;
    o->nr_core_rqs = p->nr_rqs;
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
    *ops = o;
    *ctx = p;
    return true;
}

int ipa_interp_order_cmp(const struct ipa_thread *a, const struct ipa_thread *b,
                         void *arg)
{
    const struct order *o = arg;
    int base = o->prog->nr_plain[IPA_ENT_PROCESS];
    const int64_t *ka = (const int64_t *)ipa_thread_data(a) + base;
    const int64_t *kb = (const int64_t *)ipa_thread_data(b) + base;
    for (int k = 0; k < o->nr_keys; k++) {
        if (ka[k] == kb[k])
            continue;
        return (ka[k] < kb[k]) != o->highest[k] ? -1 : 1;
    }
    return 0;
}

void ipa_interp_free(void *ctx)
{
    struct program *p = ctx;
    if (!p)
        return;
    for (unsigned i = 0; i < p->instances->len; i++)
        inst_free(g_ptr_array_index(p->instances, i));
    g_ptr_array_free(p->instances, TRUE);
    ipa_program_free(p);
}
