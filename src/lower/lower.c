/*
 * lower.c - from the checked AST and its model to the lowered program
 * (program.h) that the interpreter runs and the C generator writes. Runs
 * once per load; everything here may allocate and look up names, so that
 * eval.c and the generated C never do.
 */
#include "lower/program.h"

#include <string.h>

#include "dsl/front.h"
#include "util/common.h"

struct cc {
    struct program *p;
    const struct ipa_model *m;
    GHashTable *slots; /* declaration node -> slot + 1 */
    int nr_slots;
    int elem_slot[8]; /* selections being compiled, innermost last */
    int nr_elem;
    int self_slot; /* the entity of an initialiser or lazy attribute */
    int ev;        /* the event being compiled, or -1 */
    /* per entity and field: slot (plain/set), lazy unit, system id */
    int *slot_of[IPA_ENT_COUNT];
};

static struct xn *xnew(struct cc *cc, int op, const struct ipa_node *src)
{
    (void)cc;
    struct xn *x = g_new0(struct xn, 1);
    x->op = (uint8_t)op;
    x->src = src;
    if (src && src->kind != IPA_N_BLOCK) {
        const struct ipa_mexpr *me =
            g_hash_table_lookup(cc->m->exprs, src);
        if (me)
            x->type = me->type;
    }
    return x;
}

static void xpush(struct xn *x, struct xn *child)
{
    x->v = g_renew(struct xn *, x->v, x->nv + 1);
    x->v[x->nv++] = child;
}

static int new_slot(struct cc *cc)
{
    return cc->nr_slots++;
}

static int decl_slot(struct cc *cc, const struct ipa_node *decl)
{
    int s = GPOINTER_TO_INT(g_hash_table_lookup(cc->slots, decl));
    if (s)
        return s - 1;
    s = new_slot(cc);
    g_hash_table_insert(cc->slots, (gpointer)decl, GINT_TO_POINTER(s + 1));
    return s;
}

static const char *const psys_names[] = {"id",        "weight", "nice",
                                         "runtime",   "last_core",
                                         "tgroup",    "group_size"};
static const char *const csys_names[] = {"id",     "node",       "idle",
                                         "online", "idle_since", "capacity"};

static int name_index(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return (int)i;
    return -1;
}

static struct xn *compile_expr(struct cc *cc, const struct ipa_node *e);
static struct xn *compile_set(struct cc *cc, const struct ipa_node *e);

/* Reading field @field of entity @ent from @obj. */
static struct xn *field_read(struct cc *cc, struct xn *obj, int ent, int field,
                             const struct ipa_node *src)
{
    const struct ipa_mfield *f = ipa_model_field(cc->m, ent, field);
    int slot = cc->slot_of[ent][field];
    struct xn *x;
    if (f->kind == IPA_F_LAZY) {
        x = xnew(cc, X_LAZY, src);
        x->a = slot;
    } else if (f->kind == IPA_F_SYSTEM && f->type != IPA_MT_SET) {
        if (ent == IPA_ENT_PROCESS) {
            int id = name_index(psys_names, G_N_ELEMENTS(psys_names),
                                f->name);
            x = xnew(cc, id >= 0 ? X_PSYS : X_PATTR, src);
            x->a = id >= 0 ? id : slot;
        } else if (ent == IPA_ENT_CORE) {
            x = xnew(cc, X_CSYS, src);
            x->a = name_index(csys_names, G_N_ELEMENTS(csys_names), f->name);
        } else {
            x = xnew(cc, X_DLEVEL, src);
        }
    } else if (f->kind == IPA_F_STATE) {
        const struct state_info *st = &cc->p->states[f->state];
        if (st->cls == IPA_C_RUNNING) {
            x = xnew(cc, X_CURRENT, src);
        } else if (f->type == IPA_MT_SET) {
            x = xnew(cc, SET_STATE, src);
            x->a = f->state;
            x->b = st->rq;
        } else {
            x = xnew(cc, X_CSTATE1, src);
            x->a = f->state;
            x->b = st->rq;
        }
    } else if (f->type == IPA_MT_SET) {
        x = xnew(cc, SET_ATTR, src);
        x->aux = ent;
        x->a = slot;
        x->b = f->elem;
    } else {
        static const int ops[] = {X_PFIELD, X_CFIELD, X_DFIELD, X_GFIELD};
        x = xnew(cc, ops[ent], src);
        x->a = slot;
    }
    x->type = f->type;
    x->x = obj;
    x->k = ent;
    return x;
}

static struct xn *local(struct cc *cc, int slot, const struct ipa_node *src)
{
    struct xn *x = xnew(cc, X_LOCAL, src);
    x->a = slot;
    return x;
}

/* The event's core: a core event's target, a thread event's core. */
static struct xn *own_core(struct cc *cc, const struct ipa_node *src)
{
    struct xn *x = xnew(cc, cc->ev >= 0 && cc->ev >= IPA_EV_schedule
                                ? X_EV_TARGET
                                : X_EV_CORE,
                        src);
    x->type = IPA_MT_CORE;
    return x;
}

static struct xn *compile_ident(struct cc *cc, const struct ipa_node *e,
                                const struct ipa_mexpr *me)
{
    switch (me->bind) {
    case IPA_B_ELEM_FIELD:
        return field_read(cc,
                          local(cc, cc->elem_slot[cc->nr_elem - 1], NULL),
                          me->ent, me->field, e);
    case IPA_B_LOCAL:
        return local(cc, decl_slot(cc, me->decl), e);
    case IPA_B_ENTITY_FIELD:
        return field_read(cc, local(cc, cc->self_slot, NULL), me->ent,
                          me->field, e);
    case IPA_B_CORE_FIELD:
        return field_read(cc, own_core(cc, NULL), me->ent, me->field, e);
    case IPA_B_CONST: {
        struct xn *x = xnew(cc, X_CONST, e);
        for (unsigned i = 0; i < cc->m->consts->len; i++)
            if (g_ptr_array_index(cc->m->consts, i) == me->decl)
                x->k = cc->p->const_values[i];
        return x;
    }
    case IPA_B_CORES:
        return xnew(cc, SET_CORES, e);
    default:
        IPA_UNREACHABLE();
    }
}

static struct xn *compile_member(struct cc *cc, const struct ipa_node *e,
                                 const struct ipa_mexpr *me)
{
    switch (me->bind) {
    case IPA_B_EV_TARGET:
        return xnew(cc, X_EV_TARGET, e);
    case IPA_B_EV_CORE:
        return cc->ev >= IPA_EV_schedule ? own_core(cc, e)
                                         : xnew(cc, X_EV_CORE, e);
    case IPA_B_EV_SOURCE:
        return xnew(cc, X_EV_SOURCE, e);
    case IPA_B_SET_SIZE: {
        struct xn *x = xnew(cc, X_SIZE, e);
        x->x = compile_set(cc, e->a);
        return x;
    }
    case IPA_B_SET_FIELD: {
        /* s.f: every element's f */
        struct xn *x = xnew(cc, SET_MAP, e);
        x->x = compile_set(cc, e->a);
        x->a = new_slot(cc);
        x->y = field_read(cc, local(cc, x->a, NULL), me->ent, me->field, e);
        return x;
    }
    case IPA_B_FIELD:
        return field_read(cc, compile_expr(cc, e->a), me->ent, me->field, e);
    default:
        IPA_UNREACHABLE();
    }
}

/* A set operand: a set expression, or (in aggregates) a single value. */
static struct xn *compile_set(struct cc *cc, const struct ipa_node *e)
{
    struct xn *x = compile_expr(cc, e);
    if (x->op >= SET_STATE && x->op <= SET_ONE)
        return x;
    struct xn *one = xnew(cc, SET_ONE, e);
    one->x = x;
    return one;
}

/* An aggregate's argument: `current.load` when nothing runs adds
 * nothing, so a field read over an entity becomes a map over {entity}. */
static struct xn *compile_agg_arg(struct cc *cc, const struct ipa_node *e)
{
    const struct ipa_mexpr *me = ipa_model_expr(cc->m, e);
    /* `cores.load` maps the set's elements to a value; `sd.cores`, a
     * set-valued attribute, is a set of its own */
    if (e->kind == IPA_N_MEMBER && me->bind == IPA_B_FIELD &&
        ipa_model_field(cc->m, me->ent, me->field)->type != IPA_MT_SET) {
        struct xn *x = xnew(cc, SET_MAP, e);
        x->x = xnew(cc, SET_ONE, e->a);
        x->x->x = compile_expr(cc, e->a);
        x->a = new_slot(cc);
        x->y = field_read(cc, local(cc, x->a, NULL), me->ent, me->field, e);
        return x;
    }
    return compile_set(cc, e);
}

static struct xn *compile_call(struct cc *cc, const struct ipa_node *e,
                               const struct ipa_mexpr *me)
{
    const char *n = e->name;
    struct xn *x;
    if (me->bind == IPA_B_FUNC) {
        x = xnew(cc, X_CALL, e);
        for (unsigned i = 0; i < cc->m->funcs->len; i++)
            if (g_ptr_array_index(cc->m->funcs, i) == me->decl)
                x->a = (int)i;
        for (unsigned i = 0; i < ipa_node_count(e); i++)
            xpush(x, compile_expr(cc, ipa_node_at(e, i)));
        return x;
    }
    bool select = !strcmp(n, "first") ||
                  ((!strcmp(n, "min") || !strcmp(n, "max")) && (e->b || e->c));
    if (select) {
        x = xnew(cc, X_SELECT, e);
        x->x = compile_set(cc, ipa_node_at(e, 0));
        x->a = new_slot(cc);
        cc->elem_slot[cc->nr_elem++] = x->a;
        if (e->c)
            x->y = compile_expr(cc, e->c);
        for (unsigned i = 0; e->b && i < ipa_node_count(e->b); i++) {
            const struct ipa_node *crit = ipa_node_at(e->b, i);
            if (crit->op == IPA_TOK_HIGHEST)
                x->k |= (int64_t)1 << i;
            xpush(x, compile_expr(cc, crit->a));
        }
        cc->nr_elem--;
        return x;
    }
    static const char *const aggs[] = {"sum", "count", "or", "and", "min",
                                       "max"};
    int agg = name_index(aggs, G_N_ELEMENTS(aggs), n);
    if (agg >= 0) {
        x = xnew(cc, X_AGG, e);
        x->aux = agg;
        for (unsigned i = 0; i < ipa_node_count(e); i++)
            xpush(x, compile_agg_arg(cc, ipa_node_at(e, i)));
        return x;
    }
    if (!strcmp(n, "valid")) {
        x = xnew(cc, X_VALID, e);
        x->x = compile_expr(cc, ipa_node_at(e, 0));
        return x;
    }
    if (!strcmp(n, "now"))
        return xnew(cc, X_NOW, e);
    x = xnew(cc, !strcmp(n, "distance") ? X_DISTANCE : X_ALLOWED, e);
    IPA_ASSERT(!strcmp(n, "distance") || !strcmp(n, "allowed"),
               "a built-in the checker accepts");
    x->x = compile_expr(cc, ipa_node_at(e, 0));
    x->y = compile_expr(cc, ipa_node_at(e, 1));
    return x;
}

static struct xn *compile_expr(struct cc *cc, const struct ipa_node *e)
{
    const struct ipa_mexpr *me = ipa_model_expr(cc->m, e);
    struct xn *x;
    switch (e->kind) {
    case IPA_N_INT_LIT:
    case IPA_N_TIME_LIT:
    case IPA_N_BOOL_LIT:
        x = xnew(cc, X_CONST, e);
        x->k = e->ival;
        return x;
    case IPA_N_IDENT:
        return compile_ident(cc, e, me);
    case IPA_N_MEMBER:
        return compile_member(cc, e, me);
    case IPA_N_CALL:
        return compile_call(cc, e, me);
    case IPA_N_UNARY:
        x = xnew(cc, X_UNARY, e);
        x->aux = e->op;
        x->x = compile_expr(cc, e->a);
        return x;
    case IPA_N_BINARY:
        if (e->op == IPA_TOK_IN) {
            x = xnew(cc, X_IN, e);
            x->x = compile_expr(cc, e->a);
            x->y = compile_set(cc, e->b);
            return x;
        }
        x = xnew(cc, e->op == IPA_TOK_AND  ? X_AND
                     : e->op == IPA_TOK_OR ? X_OR
                                           : X_BINARY,
                 e);
        x->aux = e->op;
        x->x = compile_expr(cc, e->a);
        x->y = compile_expr(cc, e->b);
        return x;
    default:
        IPA_UNREACHABLE();
    }
}

static struct xn *compile_stmt(struct cc *cc, const struct ipa_node *s);

static struct xn *compile_block(struct cc *cc, const struct ipa_node *b)
{
    struct xn *x = xnew(cc, S_BLOCK, b);
    for (unsigned i = 0; i < ipa_node_count(b); i++)
        xpush(x, compile_stmt(cc, ipa_node_at(b, i)));
    return x;
}

/* The destination of a move: state and core. */
static struct xn *compile_move(struct cc *cc, const struct ipa_node *s)
{
    struct xn *x = xnew(cc, S_MOVE, s);
    const struct ipa_mexpr *dst = ipa_model_expr(cc->m, s->b);
    x->x = compile_expr(cc, s->a);
    x->a = dst->state;
    x->y = s->b->kind == IPA_N_MEMBER ? compile_expr(cc, s->b->a)
                                      : own_core(cc, s->b);
    return x;
}

static struct xn *compile_stmt(struct cc *cc, const struct ipa_node *s)
{
    struct xn *x;
    switch (s->kind) {
    case IPA_N_BLOCK:
        return compile_block(cc, s);
    case IPA_N_VAR:
        x = xnew(cc, S_VAR, s);
        if (s->b)
            x->x = compile_expr(cc, s->b);
        x->a = decl_slot(cc, s);
        return x;
    case IPA_N_MOVE:
        return compile_move(cc, s);
    case IPA_N_ASSIGN:
    case IPA_N_INCDEC:
        x = xnew(cc, S_ASSIGN, s);
        x->x = compile_expr(cc, s->a);
        if (s->kind == IPA_N_ASSIGN) {
            x->aux = s->op;
            x->y = compile_expr(cc, s->b);
        } else {
            x->aux = s->op == IPA_TOK_INCR ? IPA_TOK_PLUS_ASSIGN
                                           : IPA_TOK_MINUS_ASSIGN;
            x->y = xnew(cc, X_CONST, s);
            x->y->k = 1;
        }
        return x;
    case IPA_N_EXPR_STMT:
        if (s->a->kind == IPA_N_CALL && !strcmp(s->a->name, "preempt")) {
            x = xnew(cc, S_PREEMPT, s);
            x->x = compile_expr(cc, ipa_node_at(s->a, 0));
            return x;
        }
        x = xnew(cc, S_EXPR, s);
        x->x = compile_expr(cc, s->a);
        return x;
    case IPA_N_IF: {
        /* an `else if` chain in a loop: each link is the last one's z */
        struct xn *first = NULL, **at = &first;
        for (;; s = s->c) {
            x = xnew(cc, S_IF, s);
            x->x = compile_expr(cc, s->a);
            x->y = compile_stmt(cc, s->b);
            *at = x;
            at = &x->z;
            if (!ipa_node_else_if(s))
                break;
        }
        if (s->c)
            x->z = compile_stmt(cc, s->c);
        return first;
    }
    case IPA_N_FOREACH:
        x = xnew(cc, S_FOREACH, s);
        x->x = compile_set(cc, s->b);
        x->a = decl_slot(cc, s->a);
        x->y = compile_stmt(cc, s->c);
        return x;
    case IPA_N_BREAK:
        return xnew(cc, S_BREAK, s);
    case IPA_N_CONTINUE:
        return xnew(cc, S_CONTINUE, s);
    case IPA_N_RETURN:
        x = xnew(cc, S_RETURN, s);
        if (s->a)
            x->x = compile_expr(cc, s->a);
        return x;
    default:
        IPA_UNREACHABLE();
    }
}

/* Starts a unit: a fresh frame. */
static void unit_begin(struct cc *cc, int ev)
{
    g_hash_table_remove_all(cc->slots);
    cc->nr_slots = 0;
    cc->nr_elem = 0;
    cc->self_slot = -1;
    cc->ev = ev;
}

static void unit_end(struct cc *cc, struct unit *u, struct xn *body,
                     const struct ipa_node *node)
{
    u->body = body;
    u->nr_slots = cc->nr_slots;
    u->node = node;
}

/* An attribute expression of entity @ent: self is slot 0. */
static void compile_attr_expr(struct cc *cc, struct unit *u,
                              const struct ipa_node *e)
{
    unit_begin(cc, -1);
    cc->self_slot = new_slot(cc);
    u->nr_params = 1;
    unit_end(cc, u, compile_expr(cc, e), e);
}

static void compile_func(struct cc *cc, struct unit *u,
                         const struct ipa_node *f)
{
    unit_begin(cc, -1);
    u->is_try = f->ival == IPA_FUNC_TRY;
    u->nr_params = (int)ipa_node_count(f);
    for (unsigned i = 0; i < ipa_node_count(f); i++) {
        const struct ipa_node *pa = ipa_node_at(f, i);
        int slot = decl_slot(cc, pa);
        if (u->is_try && pa->a->op == IPA_TOK_CORE &&
            u->nr_core_params < (int)G_N_ELEMENTS(u->core_params))
            u->core_params[u->nr_core_params++] = slot;
    }
    unit_end(cc, u, compile_block(cc, f->b), f);
}

static void compile_handler(struct cc *cc, int ev)
{
    const struct ipa_node *on = cc->m->on[ev];
    if (!on)
        return;
    unit_begin(cc, ev);
    /* the event variable is a name for the event, not a slot */
    unit_end(cc, &cc->p->handlers[ev], compile_block(cc, on->a), on);
}

/* Slots for every attribute, states as run queues, and their orders. */
static void lay_out(struct cc *cc)
{
    struct program *p = cc->p;
    const struct ipa_model *m = cc->m;
    int nr_lazies = 0;
    for (int ent = 0; ent < IPA_ENT_COUNT; ent++)
        for (unsigned i = 0; i < m->fields[ent]->len; i++)
            nr_lazies += ipa_model_field(m, ent, (int)i)->kind == IPA_F_LAZY;
    p->lazies = g_new0(struct unit, nr_lazies + 1);
    p->lazy_ent = g_new0(int, nr_lazies + 1);
    p->lazy_index = g_new0(int, nr_lazies + 1);
    p->attr_names = g_ptr_array_new();
    for (int ent = 0; ent < IPA_ENT_COUNT; ent++) {
        p->inits[ent] = g_array_new(FALSE, TRUE, sizeof(struct init));
        cc->slot_of[ent] = g_new0(int, m->fields[ent]->len + 1);
        for (unsigned i = 0; i < m->fields[ent]->len; i++) {
            const struct ipa_mfield *f = ipa_model_field(m, ent, (int)i);
            int *slot = &cc->slot_of[ent][i];
            if (f->kind == IPA_F_LAZY) {
                p->lazy_ent[p->nr_lazies] = ent;
                p->lazy_index[p->nr_lazies] = p->nr_lazy_of[ent]++;
                *slot = p->nr_lazies++;
            }
            else if (f->type == IPA_MT_SET &&
                     (f->kind == IPA_F_PLAIN || f->kind == IPA_F_SYSTEM))
                *slot = p->nr_sets[ent]++; /* a domain's cores: builder's */
            else if (f->kind == IPA_F_PLAIN)
                *slot = p->nr_plain[ent]++;
            else if (f->kind == IPA_F_SYSTEM && ent == IPA_ENT_PROCESS &&
                     name_index(psys_names, G_N_ELEMENTS(psys_names),
                                f->name) < 0) {
                *slot = (int)p->attr_names->len;
                g_ptr_array_add(p->attr_names, (gpointer)f->name);
            }
        }
    }
    p->nr_states = (int)m->states->len;
    p->first_ready = -1;
    p->states = g_new0(struct state_info, p->nr_states + 1);
    p->rq_descs = g_new0(struct ipa_rq_desc, p->nr_states + 1);
    for (int i = 0; i < p->nr_states; i++) {
        const struct ipa_mstate *ms = ipa_model_state(m, i);
        struct state_info *st = &p->states[i];
        st->name = ms->name;
        st->cls = ms->cls;
        st->rq = -1;
        st->single = ms->type == IPA_MT_PROCESS;
        st->global = ms->global;
        p->has_global |= ms->global;
        bool queue = (ms->cls == IPA_C_READY || ms->cls == IPA_C_BLOCKED) &&
                     ms->type != IPA_MT_NONE;
        if (!queue)
            continue;
        st->rq = p->nr_rqs++;
        if (ms->cls == IPA_C_READY && p->first_ready < 0)
            p->first_ready = i;
        struct ipa_rq_desc *d = &p->rq_descs[st->rq];
        d->name = ms->name;
        d->state = ms->cls == IPA_C_READY ? IPA_STATE_READY
                                          : IPA_STATE_BLOCKED;
        d->shared = ms->shared;
        const struct ipa_node *order = ms->node->b;
        if (!order || !ipa_node_count(order))
            continue;
        struct order *o = g_new0(struct order, 1);
        o->nr_keys = (int)ipa_node_count(order);
        o->keys = g_new0(struct unit, o->nr_keys);
        o->slot = g_new(int, o->nr_keys);
        st->order = o;
        /* the queue is keyed by the thread's cached keys, after its plain
         * attributes (thread_data_size), which the runtime compares */
        d->nr_keys = o->nr_keys;
        d->key_offset =
            sizeof(int64_t) * (size_t)p->nr_plain[IPA_ENT_PROCESS];
        for (int k = 0; k < o->nr_keys; k++)
            if (ipa_node_at(order, (unsigned)k)->op == IPA_TOK_HIGHEST)
                d->highest |= 1u << k;
        if (o->nr_keys > p->max_keys)
            p->max_keys = o->nr_keys;
    }
}

static void compile_attrs(struct cc *cc)
{
    struct program *p = cc->p;
    const struct ipa_model *m = cc->m;
    for (int ent = 0; ent < IPA_ENT_COUNT; ent++) {
        for (unsigned i = 0; i < m->fields[ent]->len; i++) {
            const struct ipa_mfield *f = ipa_model_field(m, ent, (int)i);
            const struct ipa_node *init = f->node->b;
            if (f->kind == IPA_F_LAZY) {
                compile_attr_expr(cc, &p->lazies[cc->slot_of[ent][i]], init);
            } else if (f->kind == IPA_F_PLAIN && init &&
                       f->type != IPA_MT_SET) {
                struct init in = {cc->slot_of[ent][i], {0}};
                compile_attr_expr(cc, &in.unit, init);
                g_array_append_val(p->inits[ent], in);
            }
        }
    }
    for (int i = 0; i < p->nr_states; i++) {
        struct order *o = p->states[i].order;
        const struct ipa_node *order = ipa_model_state(m, i)->node->b;
        for (int k = 0; o && k < o->nr_keys; k++) {
            const struct ipa_node *crit = ipa_node_at(order, (unsigned)k);
            /* keys read the queued thread as a selection's element */
            unit_begin(cc, -1);
            cc->elem_slot[cc->nr_elem++] = new_slot(cc);
            o->keys[k].nr_params = 1;
            unit_end(cc, &o->keys[k], compile_expr(cc, crit->a), crit->a);
        }
    }
}

bool ipa_xn_find(const struct xn *x,
                 bool (*visit)(const struct xn *x, void *arg), void *arg)
{
    /* along z in a loop: an `else if` chain may be long */
    for (; x; x = x->z) {
        if (visit(x, arg))
            return true;
        for (int i = 0; i < x->nv; i++)
            if (ipa_xn_find(x->v[i], visit, arg))
                return true;
        if (ipa_xn_find(x->x, visit, arg) || ipa_xn_find(x->y, visit, arg))
            return true;
    }
    return false;
}

static bool reads(const struct xn *x, void *slot)
{
    return x->op == X_LOCAL && x->a == *(const int *)slot;
}

bool ipa_xn_reads_slot(const struct xn *x, int slot)
{
    return ipa_xn_find(x, reads, &slot);
}

static int set_field_slot(struct cc *cc, int ent, const char *name)
{
    for (unsigned i = 0; i < cc->m->fields[ent]->len; i++)
        if (!strcmp(ipa_model_field(cc->m, ent, (int)i)->name, name))
            return cc->slot_of[ent][i];
    IPA_UNREACHABLE();
}

static void compile_builder(struct cc *cc)
{
    const struct ipa_node *b = cc->m->builder;
    if (!b)
        return;
    struct program *p = cc->p;
    const struct ipa_node *lv = b->c, *d = lv->c, *g = d->d;
    p->builder = g_malloc0(sizeof *p->builder);
    p->builder->core_field = set_field_slot(cc, IPA_ENT_CORE, b->b->name);
    p->builder->domain_field = set_field_slot(cc, IPA_ENT_DOMAIN,
                                              d->c->name);
    p->builder->group_field = set_field_slot(cc, IPA_ENT_GROUP, g->d->name);
    p->builder->domain_cores_field = -1;
    for (unsigned i = 0; i < cc->m->fields[IPA_ENT_DOMAIN]->len; i++) {
        const struct ipa_mfield *f =
            ipa_model_field(cc->m, IPA_ENT_DOMAIN, (int)i);
        if (f->kind == IPA_F_SYSTEM && f->type == IPA_MT_SET)
            p->builder->domain_cores_field = cc->slot_of[IPA_ENT_DOMAIN][i];
    }
    unit_begin(cc, -1);
    p->builder->self_slot = decl_slot(cc, b->a);
    if (lv->b)
        unit_end(cc, &p->builder->start, compile_expr(cc, lv->b), lv->b);
    /* domain and group predicates share one frame layout */
    unit_begin(cc, -1);
    p->builder->self_slot = decl_slot(cc, b->a);
    p->builder->dist_slot = decl_slot(cc, lv->a);
    p->builder->c_slot = decl_slot(cc, d->a);
    p->builder->c1_slot = decl_slot(cc, g->a);
    p->builder->c2_slot = decl_slot(cc, g->b);
    struct xn *dom = compile_expr(cc, d->b);
    struct xn *grp = compile_expr(cc, g->c);
    unit_end(cc, &p->builder->domain, dom, d->b);
    unit_end(cc, &p->builder->group, grp, g->c);
    p->group_reads_domain = ipa_xn_reads_slot(grp, p->builder->self_slot) ||
                            ipa_xn_reads_slot(grp, p->builder->c_slot);
}

/* ---- values that only fixed inputs decide --------------------------------- */

/* What reads_fixed() lets an expression of a thread read besides constants
 * and the thread's fixed system attributes (weight, nice, tgroup). */
struct fixed_inputs {
    /* kept sums: group_size, which the runtime follows; not id, which
     * the threads of a class (runtime.h's ipa_rq_sum) do not share */
    bool kept_sum;
    bool *fields;    /* order keys: plain thread fields, marked when read;
                      * NULL: none */
};

/* Whether @x reads nothing else; locals in @slots hold such values (slot
 * 0 is the thread). */
static bool reads_fixed(const struct program *p, const struct xn *x,
                        const struct fixed_inputs *in, uint64_t slots,
                        int depth)
{
    switch (x->op) {
    case X_CONST:
        return true;
    case X_LOCAL:
        return x->a < 64 && (slots >> x->a & 1);
    case X_PFIELD:
        if (!in->fields || !reads_fixed(p, x->x, in, slots, depth))
            return false;
        in->fields[x->a] = true;
        return true;
    case X_UNARY:
    case X_VALID:
    case X_PATTR:
        return reads_fixed(p, x->x, in, slots, depth);
    case X_BINARY:
    case X_AND:
    case X_OR:
        return reads_fixed(p, x->x, in, slots, depth) &&
               reads_fixed(p, x->y, in, slots, depth);
    case X_PSYS:
        /* runtime and last_core change as the thread runs and moves */
        return (x->a == PS_WEIGHT || x->a == PS_NICE || x->a == PS_TGROUP ||
                (x->a == PS_ID && !in->kept_sum) ||
                (x->a == PS_GROUP_SIZE && in->kept_sum)) &&
               reads_fixed(p, x->x, in, slots, depth);
    case X_LAZY:
        /* lazy attributes may read each other in a cycle (a fault when
         * run): the bound ends the walk */
        return depth < 16 && p->lazy_ent[x->a] == IPA_ENT_PROCESS &&
               reads_fixed(p, x->x, in, slots, depth) &&
               reads_fixed(p, p->lazies[x->a].body, in, 1, depth + 1);
    case X_AGG:
        for (int i = 0; i < x->nv; i++) {
            const struct xn *arg = x->v[i];
            if (arg->op == SET_ONE) {
                if (!reads_fixed(p, arg->x, in, slots, depth))
                    return false;
            } else if (arg->op != SET_MAP || arg->x->op != SET_ONE ||
                       arg->a >= 64 ||
                       !reads_fixed(p, arg->x->x, in, slots, depth) ||
                       !reads_fixed(p, arg->y, in, slots | 1ull << arg->a,
                                    depth)) {
                return false;
            }
        }
        return true;
    default:
        return false;
    }
}

/* ---- sums the runtime keeps (program.h's KEPT_SUM) ---------------------- */

/* The kept-sum slot + 1 for sum argument @arg (a SET_MAP), or
 * KEPT_SUM_NONE. */
static int kept_sum_slot(struct program *p, const struct xn *arg)
{
    if (arg->x->op != SET_STATE || arg->x->b < 0 ||
        arg->y->op != X_LAZY || arg->y->x->op != X_LOCAL ||
        arg->y->x->a != arg->a)
        return KEPT_SUM_NONE;
    int lazy = arg->y->a;
    /* what ipa_rq_sum lets a value read */
    const struct fixed_inputs in = {.kept_sum = true};
    if (p->lazy_ent[lazy] != IPA_ENT_PROCESS ||
        !reads_fixed(p, p->lazies[lazy].body, &in, 1, 0))
        return KEPT_SUM_NONE;
    for (int s = 0; s < p->nr_kept; s++)
        if (p->kept_lazy[s] == lazy)
            return s + 1;
    if (p->nr_kept == IPA_RQ_SUMS)
        return KEPT_SUM_NONE; /* summed by walking the queue */
    p->kept_lazy[p->nr_kept++] = lazy;
    return p->nr_kept;
}

static void mark_kept_sums(struct program *p, struct xn *x)
{
    /* only a map's aux is free: SET_ATTR's names its entity */
    if (x->op == X_AGG && x->aux == AGG_SUM)
        for (int i = 0; i < x->nv; i++)
            if (x->v[i]->op == SET_MAP)
                x->v[i]->aux = kept_sum_slot(p, x->v[i]);
}

/* ---- core walks the runtime shortens (program.h's SET_WITHIN) ---------- */

static bool core_array(const struct xn *set)
{
    return set->op == SET_CORES ||
           (set->op == SET_ATTR && set->b == IPA_MT_CORE);
}

static bool calls(const struct xn *x, void *arg)
{
    (void)arg;
    return x->op == X_CALL;
}

/* Whether @x, read for element @slot, can neither fault nor do anything
 * else: then not evaluating it for a core that is skipped changes
 * nothing. Only what a loop body declares before its test need be. */
static bool harmless(const struct xn *x, int slot)
{
    switch (x->op) {
    case X_CONST:
    case X_LOCAL:
        return true;
    case X_CSYS:
        return x->x->op == X_LOCAL && x->x->a == slot;
    case X_SIZE:
        return ipa_xn_queue(x->x) && x->x->x->op == X_LOCAL &&
               x->x->x->a == slot;
    default:
        return false;
    }
}

/* The condition of foreach @s's body when that body is one `if` without
 * `else`, after harmless declarations: the body does nothing for an
 * element that fails it. NULL for other bodies. */
static const struct xn *body_condition(const struct xn *s)
{
    const struct xn *body = s->y;
    if (body->op == S_BLOCK) {
        if (!body->nv)
            return NULL;
        for (int i = 0; i + 1 < body->nv; i++)
            if (body->v[i]->op != S_VAR ||
                (body->v[i]->x && !harmless(body->v[i]->x, s->a)))
                return NULL;
        body = body->v[body->nv - 1];
    }
    return body->op == S_IF && !body->z ? body->x : NULL;
}

/* What local @x holds when foreach @loop's condition runs: the
 * initialiser of the body's declaration of it, else @x itself. */
static const struct xn *declared_value(const struct xn *loop,
                                       const struct xn *x)
{
    if (!loop || x->op != X_LOCAL || loop->y->op != S_BLOCK)
        return x;
    for (int i = 0; i + 1 < loop->y->nv; i++)
        if (loop->y->v[i]->a == x->a && loop->y->v[i]->x)
            return loop->y->v[i]->x;
    return x;
}

/* Whether @x's first test, false, makes @x false for core @slot: `c.idle`
 * (WITHIN_IDLE) or `q.size > 0`, `>= 1`, `!= 0` of a READY queue
 * (WITHIN_WAITING). Lazy attributes are followed (their self is slot 0),
 * to a bound as they may be cyclic; so are the locals that foreach body
 * @loop (or NULL) declares. Only the first of an `&&` counts: the ones
 * after it are not evaluated when it fails, and those before it might
 * fault on a core that the walk would skip. */
static bool first_test_in(const struct program *p, const struct xn *x,
                          int slot, const struct xn *loop, int within,
                          int depth)
{
    while (x->op == X_AND)
        x = x->x;
    if (x->op == X_LAZY)
        return depth < 16 && x->x->op == X_LOCAL && x->x->a == slot &&
               p->lazy_ent[x->a] == IPA_ENT_CORE &&
               first_test_in(p, p->lazies[x->a].body, 0, NULL, within,
                             depth + 1);
    if (within == WITHIN_IDLE)
        return x->op == X_CSYS && x->a == CS_IDLE && x->x->op == X_LOCAL &&
               x->x->a == slot;
    if (x->op != X_BINARY || x->y->op != X_CONST ||
        !(x->aux == IPA_TOK_GT ? x->y->k >= 0
          : x->aux == IPA_TOK_GE ? x->y->k >= 1
          : x->aux == IPA_TOK_NE && x->y->k == 0))
        return false;
    const struct xn *size = declared_value(loop, x->x);
    if (size->op != X_SIZE)
        return false;
    const struct xn *q = size->x;
    /* a global queue is no core's: ipa_waiting_cores() does not count it */
    return ipa_xn_queue(q) && !p->states[q->a].global &&
           p->rq_descs[q->b].state == IPA_STATE_READY &&
           q->x->op == X_LOCAL && q->x->a == slot;
}

/* Wraps core array *@set in the runtime set that @test's first test
 * limits it to, if any. */
static void walk_within(const struct program *p, struct xn **set,
                        const struct xn *test, int slot,
                        const struct xn *loop)
{
    if (!test || !core_array(*set))
        return;
    for (int w = 0; w < WITHIN_COUNT; w++)
        if (first_test_in(p, test, slot, loop, w, 0)) {
            struct xn *within = g_new0(struct xn, 1);
            within->op = SET_WITHIN;
            within->aux = w;
            within->type = (*set)->type;
            within->src = (*set)->src;
            within->x = *set;
            *set = within;
            return;
        }
}

/* The y of a filter `id == y` on element @slot, or NULL. */
static struct xn *id_filter(struct xn *f, int slot)
{
    if (!f || f->op != X_BINARY || f->aux != IPA_TOK_EQ)
        return NULL;
    for (int side = 0; side < 2; side++) {
        struct xn *id = side ? f->y : f->x, *y = side ? f->x : f->y;
        if (id->op == X_CSYS && id->a == CS_ID && id->x->op == X_LOCAL &&
            id->x->a == slot && !ipa_xn_reads_slot(y, slot) &&
            !ipa_xn_find(y, calls, NULL))
            return y;
    }
    return NULL;
}

static struct xn *xcopy(const struct xn *x)
{
    struct xn *first = NULL, **at = &first;
    for (; x; x = x->z) { /* along z in a loop, as ipa_xn_find */
        struct xn *c = g_memdup2(x, sizeof *x);
        c->x = xcopy(x->x);
        c->y = xcopy(x->y);
        c->z = NULL;
        c->v = x->nv ? g_new(struct xn *, x->nv) : NULL;
        for (int i = 0; i < x->nv; i++)
            c->v[i] = xcopy(x->v[i]);
        *at = c;
        at = &c->z;
    }
    return first;
}

/* The thread slot A when @x is `max(cores order = { highest k })`,
 * optionally `filter = { online }`, and k a core's lazy attribute
 * `sum(current.A)`, for a plain A: the core running the highest A, an
 * idle one counting 0. -1 otherwise. */
static int core_order_slot(const struct program *p, const struct xn *x)
{
    if (x->op != X_SELECT || x->b || x->x->op != SET_CORES || x->nv != 1 ||
        x->k != 1)
        return -1;
    if (x->y && !(x->y->op == X_CSYS && x->y->a == CS_ONLINE &&
                  x->y->x->op == X_LOCAL && x->y->x->a == x->a))
        return -1;
    const struct xn *key = x->v[0];
    if (key->op != X_LAZY || key->x->op != X_LOCAL || key->x->a != x->a ||
        p->lazy_ent[key->a] != IPA_ENT_CORE)
        return -1;
    const struct xn *sum = p->lazies[key->a].body;
    if (sum->op != X_AGG || sum->aux != AGG_SUM || sum->nv != 1 ||
        sum->v[0]->op != SET_MAP)
        return -1;
    const struct xn *map = sum->v[0];
    if (map->x->op != SET_ONE || map->x->x->op != X_CURRENT ||
        map->x->x->x->op != X_LOCAL || map->x->x->x->a != 0 ||
        map->y->op != X_PFIELD || map->y->x->op != X_LOCAL ||
        map->y->x->a != map->a)
        return -1;
    return map->y->a;
}

/* Global EDF's "which core runs the latest deadline", per placement, is
 * a selection over every core: the runtime keeps the busy cores ordered
 * by that key instead (ipa_core_order, as Linux's cpudl), and eval.c and
 * the generated C ask it where its answer is the selection's. One key
 * per program. */
static void mark_core_orders(struct program *p, struct xn *x)
{
    int slot = core_order_slot(p, x);
    if (slot < 0 || (p->core_order_slot >= 0 && p->core_order_slot != slot))
        return;
    p->core_order_slot = slot;
    struct xn *select = g_memdup2(x, sizeof *x);
    select->b = 1; /* wrapped: not again */
    memset(x, 0, sizeof *x);
    x->op = X_CORE_ORDER;
    x->type = select->type;
    x->src = select->src;
    x->a = slot;
    x->x = select;
}

static void mark_core_walks(struct program *p, struct xn *x)
{
    if (x->op == X_SELECT && core_array(x->x) && x->y) {
        struct xn *id = id_filter(x->y, x->a);
        if (id) {
            /* y is evaluated once, as the filter's copy of it is */
            struct xn *one = g_new0(struct xn, 1);
            one->op = SET_CORE_ID;
            one->type = x->x->type;
            one->src = x->x->src;
            one->x = x->x;
            one->y = xcopy(id);
            x->x = one;
        } else {
            walk_within(p, &x->x, x->y, x->a, NULL);
        }
    }
    if (x->op == S_FOREACH)
        walk_within(p, &x->x, body_condition(x), x->a, x);
    if (x->op == X_AGG && x->aux == AGG_OR)
        for (int i = 0; i < x->nv; i++)
            if (x->v[i]->op == SET_MAP)
                walk_within(p, &x->v[i]->x, x->v[i]->y, x->v[i]->a, NULL);
}

/* ---- which writes can change order keys (program.h's rekey_after) ------ */

static void find_rekey_fields(struct program *p)
{
    int n = p->nr_plain[IPA_ENT_PROCESS];
    p->rekey_after = g_new0(bool, n + 1);
    /* group_size changes while the thread is queued, unseen by its keys;
     * so does whatever else the keys could read */
    const struct fixed_inputs in = {.fields = p->rekey_after};
    for (int i = 0; i < p->nr_states; i++) {
        const struct order *o = p->states[i].order;
        for (int k = 0; o && k < o->nr_keys; k++) {
            if (!reads_fixed(p, o->keys[k].body, &in, 1, 0)) {
                for (int f = 0; f < n; f++)
                    p->rekey_after[f] = true;
                return;
            }
        }
    }
}

/* Calls @mark on every node of @x, parents first. */
static void mark_tree(struct program *p, struct xn *x,
                      void (*mark)(struct program *p, struct xn *x))
{
    for (; x; x = x->z) { /* along z in a loop, as ipa_xn_find */
        mark(p, x);
        for (int i = 0; i < x->nv; i++)
            mark_tree(p, x->v[i], mark);
        mark_tree(p, x->x, mark);
        mark_tree(p, x->y, mark);
    }
}

/* Calls @mark on every node of every unit. */
static void mark_everywhere(struct program *p,
                            void (*mark)(struct program *p, struct xn *x))
{
    for (int ev = 0; ev < IPA_EV_COUNT; ev++)
        mark_tree(p, p->handlers[ev].body, mark);
    for (int i = 0; i < p->nr_funcs; i++)
        mark_tree(p, p->funcs[i].body, mark);
    for (int i = 0; i < p->nr_lazies; i++)
        mark_tree(p, p->lazies[i].body, mark);
    for (int ent = 0; ent < IPA_ENT_COUNT; ent++)
        for (guint i = 0; i < p->inits[ent]->len; i++)
            mark_tree(p,
                      g_array_index(p->inits[ent], struct init, i).unit.body,
                      mark);
    for (int i = 0; i < p->nr_states; i++)
        for (int k = 0; p->states[i].order && k < p->states[i].order->nr_keys;
             k++)
            mark_tree(p, p->states[i].order->keys[k].body, mark);
    if (p->builder) {
        mark_tree(p, p->builder->start.body, mark);
        mark_tree(p, p->builder->domain.body, mark);
        mark_tree(p, p->builder->group.body, mark);
    }
}

/* Most order keys are a plain attribute of the queued thread (its
 * element slot, 0): the interpreter reads those directly. */
static void find_key_slots(struct program *p)
{
    for (int i = 0; i < p->nr_states; i++) {
        struct order *o = p->states[i].order;
        for (int k = 0; o && k < o->nr_keys; k++) {
            const struct xn *b = o->keys[k].body;
            o->slot[k] = b->op == X_PFIELD && b->x->op == X_LOCAL &&
                                 b->x->a == 0
                             ? b->a
                             : -1;
        }
    }
}

/* The lazy attributes a lazy attribute reads (it calls no function: the
 * checker), marked in a row of [nr_lazies]. */
static bool note_lazy_read(const struct xn *x, void *row)
{
    if (x->op == X_LAZY)
        ((bool *)row)[x->a] = true;
    return false;
}

/* Depth-first from lazy @l (color 0 unseen, 1 on the path, 2 done): true
 * when it comes back to a lazy on the path. */
static bool lazy_cycle_from(const struct program *p, const bool *edges,
                            uint8_t *color, int l)
{
    color[l] = 1;
    for (int k = 0; k < p->nr_lazies; k++) {
        if (!edges[(size_t)l * (size_t)p->nr_lazies + (size_t)k])
            continue;
        if (color[k] == 1 ||
            (color[k] == 0 && lazy_cycle_from(p, edges, color, k)))
            return true;
    }
    color[l] = 2;
    return false;
}

/* Calls cannot recurse and lazy attributes call nothing (the checker),
 * so reads can nest without end only through lazy attributes that read
 * themselves, directly or through others. Without such a cycle, nesting
 * is at most one level per lazy attribute, and it is counted only when
 * that could reach IPA_INTERP_MAX_DEPTH. */
static void find_lazy_cycles(struct program *p)
{
    int n = p->nr_lazies;
    bool *edges = g_new0(bool, (size_t)n * (size_t)n + 1);
    for (int l = 0; l < n; l++)
        ipa_xn_find(p->lazies[l].body, note_lazy_read,
                    &edges[(size_t)l * (size_t)n]);
    uint8_t *color = g_new0(uint8_t, n + 1);
    bool cycle = false;
    for (int l = 0; l < n && !cycle; l++)
        cycle = color[l] == 0 && lazy_cycle_from(p, edges, color, l);
    p->count_depth = cycle || n >= IPA_INTERP_MAX_DEPTH;
    g_free(color);
    g_free(edges);
}

/* ---- how the interpreter evaluates each node (eval_as) ------------------ */

static void mark_eval_as(struct program *p, struct xn *x)
{
    (void)p;
    x->eval_as = x->op;
    /* none counts for nothing in an aggregate: only values that cannot
     * be none take the short way */
    if (x->op == X_AGG && (x->aux == AGG_MIN || x->aux == AGG_MAX) &&
        x->nv == 2 && x->v[0]->op == SET_ONE && x->v[1]->op == SET_ONE &&
        !ipa_xn_entity(x->v[0]->x) && !ipa_xn_entity(x->v[1]->x)) {
        x->eval_as = x->aux == AGG_MIN ? XE_MIN2 : XE_MAX2;
        return;
    }
    if (x->op != X_BINARY)
        return;
    switch (x->aux) {
    case IPA_TOK_PLUS: x->eval_as = XE_ADD; break;
    case IPA_TOK_MINUS: x->eval_as = XE_SUB; break;
    case IPA_TOK_STAR: x->eval_as = XE_MUL; break;
    case IPA_TOK_EQ: x->eval_as = XE_EQ; break;
    case IPA_TOK_NE: x->eval_as = XE_NE; break;
    case IPA_TOK_LT: x->eval_as = XE_LT; break;
    case IPA_TOK_LE: x->eval_as = XE_LE; break;
    case IPA_TOK_GT: x->eval_as = XE_GT; break;
    case IPA_TOK_GE: x->eval_as = XE_GE; break;
    default: break;
    }
}

/* ---- which writes move the epoch (S_ASSIGN's b) ----------------------- */

static bool note_field_read(const struct xn *x, void *arg)
{
    struct program *p = arg;
    if (ipa_xn_field(x->op))
        p->lazy_reads[ipa_xn_field_entity(x->op)][x->a] = true;
    return false;
}

/* A queue read in an order its keys give: what the keys read changes
 * the value too, through the rekey that follows a write. */
static void note_queue_order(struct program *p, int state)
{
    const struct order *o = p->states[state].order;
    for (int k = 0; o && k < o->nr_keys; k++)
        ipa_xn_find(o->keys[k].body, note_field_read, p);
}

/* Marks what lazy attribute body @x reads. A queue's size, and a sum,
 * count, min or max over it, are the same in any order; anything else
 * may see the order (first, a tie in a selection, where a short-cut
 * `or` stops). Lazy attributes call nothing (the checker). */
static void note_lazy_reads(struct program *p, const struct xn *x)
{
    if (!x)
        return;
    note_field_read(x, p);
    if (x->op == SET_STATE)
        note_queue_order(p, x->a);
    bool in_any_order = x->op == X_AGG && x->aux != AGG_OR && x->aux != AGG_AND;
    if (x->op == X_SIZE && x->x->op == SET_STATE) {
        note_lazy_reads(p, x->x->x);
        return;
    }
    for (int i = 0; i < x->nv; i++) {
        const struct xn *v = x->v[i];
        const struct xn *set = v->op == SET_MAP ? v->x : v;
        if (in_any_order && set->op == SET_STATE) {
            note_lazy_reads(p, set->x);
            if (v != set)
                note_lazy_reads(p, v->y);
        } else {
            note_lazy_reads(p, v);
        }
    }
    note_lazy_reads(p, x->x);
    note_lazy_reads(p, x->y);
    note_lazy_reads(p, x->z);
}

static void mark_epoch_write(struct program *p, struct xn *x)
{
    if (x->op == S_ASSIGN && ipa_xn_field(x->x->op))
        x->b = p->lazy_reads[ipa_xn_field_entity(x->x->op)][x->x->a];
}

/* Lazy caches hold while the epoch stays: a write of a field that no
 * lazy attribute reads cannot make one stale, so it leaves the epoch
 * alone (moves and events still move it). */
static void find_epoch_writes(struct program *p)
{
    for (int ent = 0; ent < IPA_ENT_COUNT; ent++)
        p->lazy_reads[ent] = g_new0(bool, p->nr_plain[ent] + 1);
    for (int l = 0; l < p->nr_lazies; l++)
        note_lazy_reads(p, p->lazies[l].body);
    mark_everywhere(p, mark_epoch_write);
}

struct program *ipa_program_compile(const char *path,
                                    const struct ipa_check_options *opts,
                                    GError **error)
{
    struct ipa_source *src = ipa_source_load(path, error);
    if (!src)
        return NULL;
    struct ipa_diag_sink sink;
    ipa_diag_sink_init(&sink, stderr);
    struct ipa_ast *ast = ipa_front_parse(src, &sink);
    struct ipa_model *m = NULL;
    if (!sink.errors)
        ipa_check_model(ast, opts, &sink, &m);
    if (!m) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                    "policy '%s' fails its checks (%d error%s above)", path,
                    sink.errors, sink.errors == 1 ? "" : "s");
        ipa_ast_free(ast);
        ipa_source_free(src);
        return NULL;
    }
    struct program *p = g_new0(struct program, 1);
    p->path = g_strdup(path);
    p->src = src;
    p->ast = ast;
    p->model = m;
    p->const_values = g_memdup2(m->const_values,
                                sizeof(int64_t) * (m->consts->len + 1));
    struct cc cc = {.p = p, .m = m};
    cc.slots = g_hash_table_new(g_direct_hash, g_direct_equal);
    lay_out(&cc);
    compile_attrs(&cc);
    compile_builder(&cc);
    p->nr_funcs = (int)m->funcs->len;
    p->funcs = g_new0(struct unit, p->nr_funcs + 1);
    for (int i = 0; i < p->nr_funcs; i++)
        compile_func(&cc, &p->funcs[i], g_ptr_array_index(m->funcs, i));
    for (int ev = 0; ev < IPA_EV_COUNT; ev++)
        compile_handler(&cc, ev);
    mark_everywhere(p, mark_kept_sums);
    p->core_order_slot = -1;
    mark_everywhere(p, mark_core_orders);
    mark_everywhere(p, mark_core_walks);
    find_rekey_fields(p);
    find_lazy_cycles(p);
    find_epoch_writes(p);
    mark_everywhere(p, mark_eval_as);
    find_key_slots(p);
    g_hash_table_destroy(cc.slots);
    for (int ent = 0; ent < IPA_ENT_COUNT; ent++)
        g_free(cc.slot_of[ent]);
    return p;
}

static void xfree(struct xn *x)
{
    while (x) { /* along z in a loop, as ipa_xn_find */
        struct xn *next = x->z;
        xfree(x->x);
        xfree(x->y);
        for (int i = 0; i < x->nv; i++)
            xfree(x->v[i]);
        g_free(x->v);
        g_free(x);
        x = next;
    }
}

void ipa_program_free(struct program *p)
{
    if (!p)
        return;
    for (int ev = 0; ev < IPA_EV_COUNT; ev++)
        xfree(p->handlers[ev].body);
    for (int i = 0; i < p->nr_funcs; i++)
        xfree(p->funcs[i].body);
    for (int i = 0; i < p->nr_lazies; i++)
        xfree(p->lazies[i].body);
    for (int ent = 0; ent < IPA_ENT_COUNT; ent++) {
        for (unsigned i = 0; p->inits[ent] && i < p->inits[ent]->len; i++)
            xfree(g_array_index(p->inits[ent], struct init, i).unit.body);
        if (p->inits[ent])
            g_array_free(p->inits[ent], TRUE);
    }
    for (int i = 0; i < p->nr_states; i++) {
        struct order *o = p->states[i].order;
        if (!o)
            continue;
        for (int k = 0; k < o->nr_keys; k++)
            xfree(o->keys[k].body);
        g_free(o->keys);
        g_free(o->slot);
        g_free(o);
    }
    if (p->builder) {
        xfree(p->builder->start.body);
        xfree(p->builder->domain.body);
        xfree(p->builder->group.body);
        g_free(p->builder);
    }
    if (p->attr_names)
        g_ptr_array_free(p->attr_names, TRUE);
    g_free(p->states);
    g_free(p->rq_descs);
    g_free(p->funcs);
    g_free(p->lazies);
    g_free(p->lazy_ent);
    g_free(p->rekey_after);
    for (int ent = 0; ent < IPA_ENT_COUNT; ent++)
        g_free(p->lazy_reads[ent]);
    g_free(p->lazy_index);
    g_free(p->const_values);
    g_free(p->path);
    ipa_model_free(p->model);
    ipa_ast_free(p->ast);
    ipa_source_free(p->src);
    g_free(p);
}
