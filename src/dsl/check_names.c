#include "dsl/check_internal.h"

/* Names and types: declarations, expressions, statements, attribute
 * initialisers and state orders (language.md, check 1). */

const char *ck_kind_name(int k)
{
    static const char *const names[] = {
        "<error>", "void", "int",   "bool",  "time", "core",
        "process", "group", "domain", "set", "event", "pseudo-state"};
    return names[k];
}

const char *ck_type_name(struct type t, char *buf, size_t n)
{
    if (t.k == T_SET)
        g_snprintf(buf, n, "set<%s>", ck_kind_name(t.elem));
    else
        g_snprintf(buf, n, "%s", ck_kind_name(t.k));
    return buf;
}

static bool is_numeric(struct type t)
{
    return t.k == T_INT || t.k == T_TIME || t.k == T_ERR;
}

static bool is_entity(int k)
{
    return k == T_CORE || k == T_PROCESS || k == T_GROUP || k == T_DOMAIN;
}

bool ck_type_ok(struct type want, struct type got)
{
    if (want.k == T_ERR || got.k == T_ERR)
        return true;
    if (is_numeric(want) && is_numeric(got))
        return true;
    return want.k == got.k && (want.k != T_SET || want.elem == got.elem);
}

int ck_ent_of_kind(int k)
{
    switch (k) {
    case T_PROCESS: return ENT_PROCESS;
    case T_CORE: return ENT_CORE;
    case T_DOMAIN: return ENT_DOMAIN;
    case T_GROUP: return ENT_GROUP;
    default: return -1;
    }
}

struct field *ck_find_field(struct checker *ck, int ent, const char *name)
{
    GArray *fs = ck->fields[ent];
    for (unsigned i = 0; i < fs->len; i++) {
        struct field *f = &g_array_index(fs, struct field, i);
        if (!strcmp(f->name, name))
            return f;
    }
    return NULL;
}

void ck_field_names(struct checker *ck, int ent, GPtrArray *out)
{
    GArray *fs = ck->fields[ent];
    for (unsigned i = 0; i < fs->len; i++)
        g_ptr_array_add(out, (gpointer)g_array_index(fs, struct field, i).name);
}

struct type ck_resolve_type(struct checker *ck, const struct ipa_node *t)
{
    switch (t->op) {
    case IPA_TOK_INT_TYPE: return t_int;
    case IPA_TOK_BOOL: return t_bool;
    case IPA_TOK_TIME_TYPE: return t_time;
    case IPA_TOK_VOID: return t_void;
    case IPA_TOK_CORE: return (struct type){T_CORE, 0};
    case IPA_TOK_PROCESS: return (struct type){T_PROCESS, 0};
    case IPA_TOK_GROUP: return (struct type){T_GROUP, 0};
    case IPA_TOK_DOMAIN: return (struct type){T_DOMAIN, 0};
    case IPA_TOK_SET: {
        struct type e = ck_resolve_type(ck, t->a);
        if (e.k == T_SET) {
            err(ck, t->a->span, "sets of sets are not supported");
            return t_err;
        }
        if (e.k == T_VOID) {
            err(ck, t->a->span, "a set cannot hold 'void'");
            return t_err;
        }
        return (struct type){T_SET, e.k};
    }
    default:
        IPA_UNREACHABLE();
    }
}

static const struct {
    int ent;
    const char *name;
    struct type type;
} system_attrs[] = {
    {ENT_PROCESS, "id", {T_INT, 0}},
    {ENT_PROCESS, "weight", {T_INT, 0}},
    {ENT_PROCESS, "nice", {T_INT, 0}},
    {ENT_PROCESS, "runtime", {T_TIME, 0}},
    {ENT_PROCESS, "last_core", {T_CORE, 0}},
    {ENT_PROCESS, "tgroup", {T_INT, 0}},
    {ENT_PROCESS, "group_size", {T_INT, 0}},
    {ENT_CORE, "id", {T_INT, 0}},
    {ENT_CORE, "node", {T_INT, 0}},
    {ENT_CORE, "idle", {T_BOOL, 0}},
    {ENT_CORE, "online", {T_BOOL, 0}},
    {ENT_CORE, "idle_since", {T_TIME, 0}},
    {ENT_CORE, "capacity", {T_INT, 0}},
    {ENT_DOMAIN, "level", {T_INT, 0}},
    {ENT_DOMAIN, "cores", {T_SET, T_CORE}},
};

static void check_system_attr(struct checker *ck, int ent,
                              const struct ipa_node *f, struct type t)
{
    GPtrArray *cands = g_ptr_array_new();
    for (size_t i = 0; i < G_N_ELEMENTS(system_attrs); i++) {
        if (system_attrs[i].ent != ent)
            continue;
        if (!strcmp(system_attrs[i].name, f->name)) {
            struct type want = system_attrs[i].type;
            char buf[32];
            if (t.k != T_ERR &&
                (t.k != want.k || (want.k == T_SET && t.elem != want.elem)))
                err(ck, f->a->span, "system attribute '%s' of %s is of type "
                    "'%s'", f->name, ent_names[ent],
                    ck_type_name(want, buf, sizeof buf));
            goto out;
        }
        g_ptr_array_add(cands, (gpointer)system_attrs[i].name);
    }
    if (ent == ENT_PROCESS) {
        /* any other name reads the trace attribute of that name */
        if (t.k != T_INT && t.k != T_ERR)
            err(ck, f->a->span, "trace attribute '%s' must be of type 'int'",
                f->name);
        goto out;
    }
    if (err(ck, name_span(f), "unknown system attribute '%s' of %s",
            f->name, ent_names[ent]))
        suggest(ck, name_span(f), f->name, cands);
out:
    g_ptr_array_free(cands, TRUE);
}

static void add_field(struct checker *ck, int ent, struct field f)
{
    struct field *old = ck_find_field(ck, ent, f.name);
    if (old) {
        if (err(ck, name_span(f.node), "'%s' is already declared in %s",
                f.name, ent_names[ent]))
            note_pos(ck, name_span(old->node), "previous declaration is here");
        return;
    }
    g_array_append_val(ck->fields[ent], f);
}

static void declare_state(struct checker *ck, const struct ipa_node *s)
{
    struct state st = {s->name, C_NONE, s->ival != 0, s,
                       s->ival == IPA_STATE_GLOBAL};
    struct type t = {T_NONE, 0};
    switch (s->op) {
    case IPA_TOK_RUNNING: st.cls = C_RUNNING; break;
    case IPA_TOK_READY: st.cls = C_READY; break;
    case IPA_TOK_BLOCKED: st.cls = C_BLOCKED; break;
    case IPA_TOK_TERMINATED: st.cls = C_TERMINATED; break;
    default: IPA_UNREACHABLE();
    }
    if (s->a)
        t = ck_resolve_type(ck, s->a);
    if (t.k != T_NONE && t.k != T_ERR && t.k != T_PROCESS &&
        !(t.k == T_SET && t.elem == T_PROCESS))
        err(ck, s->a->span, "a state holds 'process' or 'set<process>', not "
            "'%s'", ck_kind_name(t.k));
    if (st.cls == C_TERMINATED && s->a)
        err(ck, s->a->span, "a TERMINATED state keeps no reference: leave "
            "out its type");
    if (st.cls == C_RUNNING && t.k == T_SET)
        err(ck, s->a->span, "a RUNNING state holds one 'process': a core "
            "runs one thread at a time");
    if ((st.cls == C_RUNNING || st.cls == C_READY) && t.k == T_NONE)
        err(ck, name_span(s), "a %s state needs a type ('process' or "
            "'set<process>')", class_names[st.cls]);
    if (s->b && t.k != T_SET)
        err(ck, s->b->span, "only a 'set<process>' state can have an order");
    if (st.shared && st.cls == C_TERMINATED)
        err(ck, s->span, "a TERMINATED state cannot be shared");
    else if (s->ival == IPA_STATE_GLOBAL &&
             (st.cls != C_READY || t.k != T_SET))
        err(ck, s->span, "only a READY 'set<process>' state can be global "
            "(one queue that every core elects from)");
    struct field f = {s->name, t, F_STATE, (int)ck->states->len, s};
    if (ck_find_field(ck, ENT_CORE, s->name)) {
        add_field(ck, ENT_CORE, f);
        return;
    }
    g_array_append_val(ck->states, st);
    add_field(ck, ENT_CORE, f);
}

void ck_declare_entity(struct checker *ck, const struct ipa_node *d)
{
    int ent = d->op == IPA_TOK_PROCESS  ? ENT_PROCESS
              : d->op == IPA_TOK_CORE   ? ENT_CORE
              : d->op == IPA_TOK_DOMAIN ? ENT_DOMAIN
                                        : ENT_GROUP;
    if (ck->entity_node[ent]) {
        if (err(ck, d->name_span, "'%s' is declared twice", ent_names[ent]))
            note_pos(ck, ck->entity_node[ent]->name_span,
                     "previous declaration is here");
        return;
    }
    ck->entity_node[ent] = d;
    for (unsigned i = 0; i < ipa_node_count(d); i++) {
        const struct ipa_node *m = ipa_node_at(d, i);
        if (m->kind == IPA_N_STATES) {
            if (ent != ENT_CORE) {
                err(ck, m->span, "states ('processes = {...}') belong in "
                    "'core', not in '%s'", ent_names[ent]);
                continue;
            }
            for (unsigned j = 0; j < ipa_node_count(m); j++)
                declare_state(ck, ipa_node_at(m, j));
            continue;
        }
        if (m->kind == IPA_N_BUILDER) {
            if (ent != ENT_CORE)
                err(ck, m->span, "the domains builder belongs in 'core'");
            else if (ck->builder)
                err(ck, m->span, "'core' has two domains builders");
            else
                ck->builder = m;
            continue;
        }
        struct type t = ck_resolve_type(ck, m->a);
        struct field f = {m->name, t, F_PLAIN, -1, m};
        if (t.k == T_VOID)
            err(ck, m->a->span, "an attribute cannot be 'void'");
        if (ent == ENT_PROCESS && (t.k == T_SET || t.k == T_PROCESS))
            err(ck, m->a->span, "a process attribute is an int, bool, time or "
                "core");
        if (m->op == IPA_TOK_SYSTEM) {
            f.kind = F_SYSTEM;
            if (m->b)
                err(ck, m->b->span, "a system attribute comes from the "
                    "runtime: it has no initialiser");
            check_system_attr(ck, ent, m, t);
        } else if (m->op == IPA_TOK_LAZY) {
            f.kind = F_LAZY;
            if (!m->b)
                err(ck, name_span(m), "lazy attribute '%s' needs an "
                    "expression to compute it", m->name);
        }
        add_field(ck, ent, f);
    }
}

struct val ck_vnone(struct type t)
{
    return (struct val){t, -1, L_NONE, O_NONE, -1, -1, L_NONE, false,
                        IPA_B_VALUE, -1, -1, NULL};
}

struct val ck_check_expr(struct checker *ck, struct ctx *cx,
                         const struct ipa_node *e);
struct val ck_check_value(struct checker *ck, struct ctx *cx,
                          const struct ipa_node *e);

struct val ck_remember(struct checker *ck, const struct ipa_node *e,
                       struct val v)
{
    struct val *copy = g_new(struct val, 1);
    *copy = v;
    g_hash_table_insert(ck->vals, (gpointer)e, copy);
    return v;
}

const struct val *ck_val_of(const struct checker *ck,
                            const struct ipa_node *e)
{
    return g_hash_table_lookup(ck->vals, e);
}

struct local *ck_find_local(struct ctx *cx, const char *name)
{
    if (!cx->locals)
        return NULL;
    for (unsigned i = cx->locals->len; i-- > 0;) {
        struct local *l = &g_array_index(cx->locals, struct local, i);
        if (!strcmp(l->name, name))
            return l;
    }
    return NULL;
}

/* Own core of the event: unqualified states refer to it. */
static bool has_own_core(const struct ctx *cx)
{
    return cx->event >= 0;
}

/* The value of a core field/state reached through a core at @loc. */
static struct val field_val(struct checker *ck, const struct field *f,
                            enum loc loc, struct ipa_span sp, bool core_field)
{
    struct val v = ck_vnone(f->type);
    if (core_field && f->kind == F_LAZY && loc == L_REMOTE)
        ck_note_remote_lazy(ck, f, sp);
    if (!core_field || f->kind != F_STATE)
        return v;
    const struct state *st = &g_array_index(ck->states, struct state, f->state);
    v.state = f->state;
    v.loc = loc;
    if (f->type.k == T_PROCESS) {
        /* a one-thread state names its thread, or none: electing it is
         * electing from the state, as first() of a queue is */
        v.origin = O_STATE;
        v.oclass = st->cls;
        v.sel_state = f->state;
        v.sel_loc = loc;
    }
    if (f->type.k == T_NONE)
        v.t = (struct type){T_NONE, 0};
    if (loc == L_REMOTE && !st->shared && st->cls != C_TERMINATED) {
        if (err(ck, sp, "state '%s' of another core is not shared: only "
                "'shared' states can be read across cores", f->name))
            note_pos(ck, name_span(st->node), "declare it 'shared %s ...'",
                     class_names[st->cls]);
    }
    return v;
}

static struct val bound(struct checker *ck, struct val v, int bind, int ent,
                        const struct field *f)
{
    v.bind = (uint8_t)bind;
    v.bent = (int8_t)ent;
    v.bfield = f ? (int)(f - &g_array_index(ck->fields[ent], struct field, 0))
                 : -1;
    return v;
}

struct val ck_bound_decl(struct val v, int bind,
                         const struct ipa_node *decl)
{
    v.bind = (uint8_t)bind;
    v.bdecl = decl;
    return v;
}

static struct val check_ident(struct checker *ck, struct ctx *cx,
                              const struct ipa_node *e)
{
    /* 1. element scope of a selection, entity of an initialiser */
    if (cx->nr_elem > 0) {
        int ent = cx->elem_ent[cx->nr_elem - 1];
        struct field *f = ck_find_field(ck, ent, e->name);
        if (f)
            return bound(ck, field_val(ck, f, cx->elem_loc[cx->nr_elem - 1],
                                       e->span, ent == ENT_CORE),
                         IPA_B_ELEM_FIELD, ent, f);
    }
    /* 2. locals, parameters and the event */
    struct local *l = ck_find_local(cx, e->name);
    if (l)
        return ck_bound_decl(l->v, l->is_event ? IPA_B_EVENT : IPA_B_LOCAL,
                             l->node);
    /* 3. the entity being initialised */
    if (cx->entity >= 0) {
        struct field *f = ck_find_field(ck, cx->entity, e->name);
        if (f && cx->entity == ENT_CORE && ck->init_lazy >= 0)
            ck_note_lazy_read(ck, f);
        if (f)
            return bound(ck, field_val(ck, f, L_OWN, e->span,
                                       cx->entity == ENT_CORE),
                         IPA_B_ENTITY_FIELD, cx->entity, f);
    }
    /* 4. the event's core: its states and attributes */
    struct field *f = ck_find_field(ck, ENT_CORE, e->name);
    if (f && has_own_core(cx))
        return bound(ck, field_val(ck, f, L_OWN, e->span, true),
                     IPA_B_CORE_FIELD, ENT_CORE, f);
    /* 5. constants, the set of all cores */
    const struct ipa_node *c = g_hash_table_lookup(ck->consts, e->name);
    if (c)
        return ck_bound_decl(ck_vnone(ck_resolve_type(ck, c->a)), IPA_B_CONST, c);
    if (!strcmp(e->name, "cores")) {
        struct val v = ck_vnone((struct type){T_SET, T_CORE});
        v.loc = L_REMOTE;
        v.bind = IPA_B_CORES;
        return v;
    }
    if (f) {
        err(ck, e->span, "'%s' is a %s of a core; name the core here, as in "
            "'c.%s'", e->name, f->kind == F_STATE ? "state" : "attribute",
            e->name);
        return ck_vnone(t_err);
    }
    if (err(ck, e->span, "unknown name '%s'", e->name)) {
        GPtrArray *cands = g_ptr_array_new();
        if (cx->nr_elem > 0)
            ck_field_names(ck, cx->elem_ent[cx->nr_elem - 1], cands);
        for (unsigned i = 0; cx->locals && i < cx->locals->len; i++)
            g_ptr_array_add(cands, (gpointer)g_array_index(
                                       cx->locals, struct local, i).name);
        if (cx->entity >= 0)
            ck_field_names(ck, cx->entity, cands);
        if (has_own_core(cx))
            ck_field_names(ck, ENT_CORE, cands);
        GHashTableIter it;
        gpointer k;
        g_hash_table_iter_init(&it, ck->consts);
        while (g_hash_table_iter_next(&it, &k, NULL))
            g_ptr_array_add(cands, k);
        g_ptr_array_add(cands, (gpointer) "cores");
        suggest(ck, e->span, e->name, cands);
        g_ptr_array_free(cands, TRUE);
    }
    return ck_vnone(t_err);
}

static struct val event_member(struct checker *ck, struct ctx *cx,
                               const struct ipa_node *e)
{
    int tg = events[cx->event].target;
    struct val v = ck_vnone(t_err);
    if (!strcmp(e->name, "target")) {
        if (tg == TG_PROCESS) {
            v = ck_vnone((struct type){T_PROCESS, 0});
            v.origin = O_TARGET;
            v.oclass = cx->event == IPA_EV_new       ? C_NOT_QUEUED
                       : cx->event == IPA_EV_unblock ? C_BLOCKED
                                                     : C_RUNNING;
        } else {
            v = ck_vnone((struct type){T_CORE, 0});
            v.loc = L_OWN;
        }
        v.bind = IPA_B_EV_TARGET;
        return v;
    }
    if (tg == TG_PROCESS && !strcmp(e->name, "core")) {
        v = ck_vnone((struct type){T_CORE, 0});
        v.loc = L_OWN;
        v.bind = IPA_B_EV_CORE;
        return v;
    }
    if (tg == TG_PROCESS && !strcmp(e->name, "source")) {
        v = ck_vnone((struct type){T_CORE, 0});
        v.loc = L_REMOTE;
        v.bind = IPA_B_EV_SOURCE;
        return v;
    }
    if (err(ck, name_span(e), "'%s' events have no field '%s'; they have %s",
            events[cx->event].name, e->name,
            tg == TG_PROCESS ? "'target', 'core' and 'source'" : "'target'")) {
        GPtrArray *c = g_ptr_array_new();
        g_ptr_array_add(c, (gpointer) "target");
        if (tg == TG_PROCESS) {
            g_ptr_array_add(c, (gpointer) "core");
            g_ptr_array_add(c, (gpointer) "source");
        }
        suggest(ck, name_span(e), e->name, c);
        g_ptr_array_free(c, TRUE);
    }
    return v;
}

/* A state that holds one thread (`READY process next;`): a set of zero
 * or one thread wherever a set of threads is read. */
static bool is_slot(const struct val *v)
{
    return v->t.k == T_PROCESS && v->state >= 0;
}

static struct val check_member(struct checker *ck, struct ctx *cx,
                               const struct ipa_node *e)
{
    struct val o = ck_check_expr(ck, cx, e->a);
    char tb[32];
    if (o.t.k == T_ERR)
        return ck_vnone(t_err);
    if (o.t.k == T_EVENT)
        return event_member(ck, cx, e);
    if (is_slot(&o) && !strcmp(e->name, "size")) {
        struct val v = ck_vnone(t_int);
        v.bind = IPA_B_SET_SIZE;
        return v;
    }
    if (o.t.k == T_SET) {
        if (!strcmp(e->name, "size")) {
            struct val v = ck_vnone(t_int);
            v.bind = IPA_B_SET_SIZE;
            return v;
        }
        int ent = ck_ent_of_kind(o.t.elem);
        struct field *f = ent >= 0 ? ck_find_field(ck, ent, e->name) : NULL;
        if (f && f->kind != F_STATE &&
            (f->type.k == T_INT || f->type.k == T_TIME ||
             f->type.k == T_BOOL)) {
            if (ent == ENT_CORE && f->kind == F_LAZY)
                ck_note_remote_lazy(ck, f, e->span);
            return bound(ck, ck_vnone((struct type){T_SET, f->type.k}),
                         IPA_B_SET_FIELD, ent, f);
        }
        if (f) {
            err(ck, name_span(e), "only int, time and bool attributes can be "
                "read over a set ('%s' is of type '%s')", e->name,
                ck_type_name(f->type, tb, sizeof tb));
            return ck_vnone(t_err);
        }
        if (err(ck, name_span(e), "unknown field '%s' in '%s'", e->name,
                ck_type_name(o.t, tb, sizeof tb))) {
            GPtrArray *c = g_ptr_array_new();
            g_ptr_array_add(c, (gpointer) "size");
            if (ent >= 0)
                ck_field_names(ck, ent, c);
            suggest(ck, name_span(e), e->name, c);
            g_ptr_array_free(c, TRUE);
        }
        return ck_vnone(t_err);
    }
    int ent = ck_ent_of_kind(o.t.k);
    if (ent < 0) {
        err(ck, name_span(e), "a value of type '%s' has no fields",
            ck_type_name(o.t, tb, sizeof tb));
        return ck_vnone(t_err);
    }
    struct field *f = ck_find_field(ck, ent, e->name);
    if (!f) {
        if (err(ck, name_span(e), "unknown field '%s' in '%s'", e->name,
                ent_names[ent])) {
            GPtrArray *c = g_ptr_array_new();
            ck_field_names(ck, ent, c);
            suggest(ck, name_span(e), e->name, c);
            g_ptr_array_free(c, TRUE);
        }
        return ck_vnone(t_err);
    }
    return bound(ck, field_val(ck, f, o.loc, e->span, ent == ENT_CORE),
                 IPA_B_FIELD, ent, f);
}

struct func *ck_find_func(struct checker *ck, const char *name)
{
    for (unsigned i = 0; i < ck->funcs->len; i++) {
        struct func *f = &g_array_index(ck->funcs, struct func, i);
        if (!strcmp(f->name, name))
            return f;
    }
    return NULL;
}

static bool want_args(struct checker *ck, const struct ipa_node *e, unsigned lo,
                      unsigned hi)
{
    unsigned n = ipa_node_count(e);
    if (n >= lo && n <= hi)
        return true;
    if (lo == hi)
        err(ck, name_span(e), "'%s' takes %u argument%s, not %u", e->name, lo,
            lo == 1 ? "" : "s", n);
    else
        err(ck, name_span(e), "'%s' takes at least %u argument%s", e->name,
            lo, lo == 1 ? "" : "s");
    return false;
}

/* first/min/max with an order or a filter: pick one element of a set. */
static struct val check_selection(struct checker *ck, struct ctx *cx,
                                  const struct ipa_node *e)
{
    if (!want_args(ck, e, 1, 1))
        return ck_vnone(t_err);
    const struct ipa_node *arg = ipa_node_at(e, 0);
    struct val s = ck_check_expr(ck, cx, arg);
    char tb[32];
    if (s.t.k == T_ERR)
        return ck_vnone(t_err);
    if (is_slot(&s))
        s.t = (struct type){T_SET, T_PROCESS};
    if (s.t.k != T_SET || !is_entity(s.t.elem)) {
        err(ck, arg->span, "'%s' selects from a set of processes, cores, "
            "groups or domains, not from '%s'", e->name,
            ck_type_name(s.t, tb, sizeof tb));
        return ck_vnone(t_err);
    }
    int ent = ck_ent_of_kind(s.t.elem);
    if (cx->nr_elem >= (int)G_N_ELEMENTS(cx->elem_ent)) {
        err(ck, e->span, "selections nested too deeply");
        return ck_vnone(t_err);
    }
    if (e->b && ipa_node_count(e->b) > IPA_MAX_CRITERIA)
        err(ck, e->b->span, "at most %d order criteria", IPA_MAX_CRITERIA);
    cx->elem_ent[cx->nr_elem] = ent;
    cx->elem_loc[cx->nr_elem] = s.t.elem == T_CORE ? L_REMOTE : L_NONE;
    cx->nr_elem++;
    if (e->b) {
        for (unsigned i = 0; i < ipa_node_count(e->b); i++) {
            const struct ipa_node *c = ipa_node_at(e->b, i);
            struct val k = ck_check_expr(ck, cx, c->a);
            if (!is_numeric(k.t) && k.t.k != T_BOOL)
                err(ck, c->a->span, "an ordering key is an int, time or "
                    "bool, not '%s'", ck_type_name(k.t, tb, sizeof tb));
        }
    }
    if (e->c) {
        struct val f = ck_check_expr(ck, cx, e->c);
        if (!ck_type_ok(t_bool, f.t))
            err(ck, e->c->span, "a filter is a 'bool' condition, not '%s'",
                ck_type_name(f.t, tb, sizeof tb));
    }
    cx->nr_elem--;
    struct val v = ck_vnone((struct type){s.t.elem, 0});
    if (s.t.elem == T_PROCESS) {
        v.origin = s.state >= 0 ? O_STATE : O_UNKNOWN;
        if (s.state >= 0) {
            v.oclass = g_array_index(ck->states, struct state, s.state).cls;
            v.sel_state = s.state;
            v.sel_loc = s.loc;
            v.loc = s.loc;
        }
        v.filtered = e->c != NULL;
    } else if (s.t.elem == T_CORE) {
        v.loc = L_REMOTE;
    }
    return v;
}

/* sum/count/or/and/min/max over values and sets of values. */
static struct val check_aggregate(struct checker *ck, struct ctx *cx,
                                  const struct ipa_node *e)
{
    bool is_count = !strcmp(e->name, "count");
    bool is_bool = !strcmp(e->name, "or") || !strcmp(e->name, "and");
    struct type result = is_bool ? t_bool : t_int;
    char tb[32];
    if (!want_args(ck, e, 1, 64))
        return ck_vnone(result);
    for (unsigned i = 0; i < ipa_node_count(e); i++) {
        const struct ipa_node *a = ipa_node_at(e, i);
        struct val v = ck_check_expr(ck, cx, a);
        if (v.t.k == T_ERR)
            continue;
        if (is_count) {
            if (v.t.k != T_SET && v.t.k != T_PROCESS)
                err(ck, a->span, "'count' counts the members of sets and "
                    "states, not '%s'", ck_type_name(v.t, tb, sizeof tb));
            continue;
        }
        int k = v.t.k == T_SET ? v.t.elem : v.t.k;
        if (is_bool ? k != T_BOOL : !(k == T_INT || k == T_TIME)) {
            err(ck, a->span, "'%s' takes %s values or sets of them, not '%s'",
                e->name, is_bool ? "bool" : "int or time",
                ck_type_name(v.t, tb, sizeof tb));
            continue;
        }
        if (k == T_TIME)
            result = t_time;
    }
    return ck_vnone(result);
}

/* preempt(c): a placement preempts core c's running thread (Bossa's
 * unblock.preemptive). Only new and unblock place a thread, and their
 * body runs before any core is locked: the runtime makes the recorded
 * preemption with the placement, under the chosen core's lock or a
 * try-lock of c, so the checker needs only the event and the type. */
static struct val check_preempt(struct checker *ck, struct ctx *cx,
                                const struct ipa_node *e)
{
    char tb[32];
    if (want_args(ck, e, 1, 1)) {
        struct val v = ck_check_value(ck, cx, ipa_node_at(e, 0));
        if (!ck_type_ok((struct type){T_CORE, 0}, v.t))
            err(ck, ipa_node_at(e, 0)->span, "'preempt' takes a core, not "
                "'%s'", ck_type_name(v.t, tb, sizeof tb));
    }
    if (cx->func || (cx->event != IPA_EV_new && cx->event != IPA_EV_unblock))
        err(ck, name_span(e), "'preempt' is allowed only in the handlers "
            "of 'new' and 'unblock' (a placement preempts; 'tick' moves "
            "its target)");
    return ck_vnone(t_void);
}

static struct val check_call(struct checker *ck, struct ctx *cx,
                             const struct ipa_node *e)
{
    const char *n = e->name;
    char tb[32];
    bool selection = !strcmp(n, "first") || ((!strcmp(n, "min") ||
                                              !strcmp(n, "max")) &&
                                             (e->b || e->c));
    if ((e->b || e->c) && !selection) {
        err(ck, e->b ? e->b->span : e->c->span, "'order' and 'filter' go "
            "with 'first', 'min' and 'max' only");
        return ck_vnone(t_err);
    }
    if (selection)
        return check_selection(ck, cx, e);
    if (!strcmp(n, "min") || !strcmp(n, "max")) {
        /* without an order, min/max of entities has no meaning */
        if (ipa_node_count(e) == 1) {
            struct val s = ck_check_expr(ck, cx, ipa_node_at(e, 0));
            if (s.t.k == T_SET && is_entity(s.t.elem)) {
                err(ck, e->span, "'%s' over '%s' needs an order, as in "
                    "'%s(x order = { highest load })'", n,
                    ck_type_name(s.t, tb, sizeof tb), n);
                return ck_vnone(t_err);
            }
        }
        return check_aggregate(ck, cx, e);
    }
    if (!strcmp(n, "sum") || !strcmp(n, "count") || !strcmp(n, "or") ||
        !strcmp(n, "and"))
        return check_aggregate(ck, cx, e);
    if (!strcmp(n, "valid")) {
        if (want_args(ck, e, 1, 1)) {
            struct val v = ck_check_expr(ck, cx, ipa_node_at(e, 0));
            if (v.t.k != T_ERR && !is_entity(v.t.k))
                err(ck, ipa_node_at(e, 0)->span, "'valid' tests a process, "
                    "core, group or domain, not '%s'",
                    ck_type_name(v.t, tb, sizeof tb));
        }
        return ck_vnone(t_bool);
    }
    if (!strcmp(n, "now")) {
        want_args(ck, e, 0, 0);
        return ck_vnone(t_time);
    }
    if (!strcmp(n, "distance")) {
        if (want_args(ck, e, 2, 2)) {
            for (unsigned i = 0; i < 2; i++) {
                struct val v = ck_check_expr(ck, cx, ipa_node_at(e, i));
                if (!ck_type_ok((struct type){T_CORE, 0}, v.t))
                    err(ck, ipa_node_at(e, i)->span, "'distance' takes two "
                        "cores, not '%s'", ck_type_name(v.t, tb, sizeof tb));
            }
        }
        return ck_vnone(t_int);
    }
    if (!strcmp(n, "allowed")) {
        if (want_args(ck, e, 2, 2)) {
            static const int kinds[2] = {T_PROCESS, T_CORE};
            for (unsigned i = 0; i < 2; i++) {
                struct val v = ck_check_value(ck, cx, ipa_node_at(e, i));
                if (!ck_type_ok((struct type){(uint8_t)kinds[i], 0}, v.t))
                    err(ck, ipa_node_at(e, i)->span, "'allowed' takes a "
                        "process and a core, not '%s'",
                        ck_type_name(v.t, tb, sizeof tb));
            }
        }
        return ck_vnone(t_bool);
    }
    if (!strcmp(n, "preempt"))
        return check_preempt(ck, cx, e);
    struct func *f = ck_find_func(ck, n);
    if (!f) {
        if (err(ck, name_span(e), "unknown function '%s'", n)) {
            GPtrArray *c = g_ptr_array_new();
            for (size_t i = 0; i < G_N_ELEMENTS(builtins); i++)
                g_ptr_array_add(c, (gpointer)builtins[i]);
            for (unsigned i = 0; i < ck->funcs->len; i++)
                g_ptr_array_add(c, (gpointer)g_array_index(
                                       ck->funcs, struct func, i).name);
            suggest(ck, name_span(e), n, c);
            g_ptr_array_free(c, TRUE);
        }
        for (unsigned i = 0; i < ipa_node_count(e); i++)
            ck_check_expr(ck, cx, ipa_node_at(e, i));
        return ck_vnone(t_err);
    }
    if (cx->func) {
        g_ptr_array_add(cx->func->callees, (gpointer)e);
    } else if (cx->event >= 0) {
        struct site site = {e, cx->event};
        g_array_append_val(ck->handler_calls, site);
    }
    unsigned want = ipa_node_count(f->node), got = ipa_node_count(e);
    if (want != got)
        err(ck, name_span(e), "'%s' takes %u argument%s, not %u", n, want,
            want == 1 ? "" : "s", got);
    for (unsigned i = 0; i < got; i++) {
        struct val v = ck_check_expr(ck, cx, ipa_node_at(e, i));
        if (i < want) {
            struct type pt = ck_resolve_type(ck, ipa_node_at(f->node, i)->a);
            if (!ck_type_ok(pt, v.t)) {
                char tb2[32];
                err(ck, ipa_node_at(e, i)->span, "argument %u of '%s' is a "
                    "'%s', not '%s'", i + 1, n,
                    ck_type_name(pt, tb, sizeof tb),
                    ck_type_name(v.t, tb2, sizeof tb2));
            }
        }
    }
    if (cx->event < 0 && !cx->func)
        err(ck, name_span(e), "functions cannot be called here");
    return ck_bound_decl(ck_vnone(ck_resolve_type(ck, f->node->a)), IPA_B_FUNC,
                         f->node);
}

static struct val check_binary(struct checker *ck, struct ctx *cx,
                               const struct ipa_node *e)
{
    struct val a = ck_check_expr(ck, cx, e->a);
    struct val b = ck_check_expr(ck, cx, e->b);
    char ta[32], tb[32];
    const char *op = ipa_tok_text(e->op);
    struct ipa_span osp = e->name_span;
    if (a.t.k == T_ERR || b.t.k == T_ERR) {
        bool logical = e->op == IPA_TOK_AND || e->op == IPA_TOK_OR ||
                       ipa_binary_prec(e->op) == IPA_PREC_COMPARE ||
                       ipa_binary_prec(e->op) == IPA_PREC_EQUAL;
        return ck_vnone(logical ? t_bool : t_err);
    }
    switch (e->op) {
    case IPA_TOK_AND:
    case IPA_TOK_OR:
        if (a.t.k != T_BOOL || b.t.k != T_BOOL)
            err(ck, osp, "'%s' needs two 'bool' operands, not '%s' and '%s'",
                op, ck_type_name(a.t, ta, sizeof ta),
                ck_type_name(b.t, tb, sizeof tb));
        return ck_vnone(t_bool);
    case IPA_TOK_EQ:
    case IPA_TOK_NE:
        if (!(ck_type_ok(a.t, b.t) && a.t.k != T_SET && a.t.k != T_NONE &&
              a.t.k != T_EVENT))
            err(ck, osp, "cannot compare '%s' with '%s'",
                ck_type_name(a.t, ta, sizeof ta), ck_type_name(b.t, tb, sizeof tb));
        return ck_vnone(t_bool);
    case IPA_TOK_LT:
    case IPA_TOK_LE:
    case IPA_TOK_GT:
    case IPA_TOK_GE:
        if (!is_numeric(a.t) || !is_numeric(b.t))
            err(ck, osp, "'%s' compares numbers, not '%s' and '%s'", op,
                ck_type_name(a.t, ta, sizeof ta), ck_type_name(b.t, tb, sizeof tb));
        return ck_vnone(t_bool);
    case IPA_TOK_IN:
        if (!is_entity(a.t.k))
            err(ck, e->a->span, "'in' tests a process, core, group or "
                "domain, not '%s'", ck_type_name(a.t, ta, sizeof ta));
        else if (b.t.k == T_PROCESS && b.state >= 0 && a.t.k == T_PROCESS)
            ; /* a RUNNING or `process` state */
        else if (b.t.k != T_SET || b.t.elem != a.t.k)
            err(ck, e->b->span, "'in' needs a set of %ss (or a state) on "
                "its right, not '%s'", ck_kind_name(a.t.k),
                ck_type_name(b.t, tb, sizeof tb));
        return ck_vnone(t_bool);
    default:
        if (!is_numeric(a.t) || !is_numeric(b.t)) {
            err(ck, osp, "'%s' needs numbers, not '%s' and '%s'", op,
                ck_type_name(a.t, ta, sizeof ta), ck_type_name(b.t, tb, sizeof tb));
            return ck_vnone(t_err);
        }
        return ck_vnone(a.t.k == T_TIME || b.t.k == T_TIME ? t_time : t_int);
    }
}

static struct val check_expr_raw(struct checker *ck, struct ctx *cx,
                                 const struct ipa_node *e)
{
    char tb[32];
    switch (e->kind) {
    case IPA_N_INT_LIT:
        return ck_vnone(t_int);
    case IPA_N_TIME_LIT:
        return ck_vnone(t_time);
    case IPA_N_BOOL_LIT:
        return ck_vnone(t_bool);
    case IPA_N_IDENT:
        return check_ident(ck, cx, e);
    case IPA_N_MEMBER:
        return check_member(ck, cx, e);
    case IPA_N_CALL:
        return check_call(ck, cx, e);
    case IPA_N_UNARY: {
        struct val v = ck_check_expr(ck, cx, e->a);
        if (e->op == IPA_TOK_BANG) {
            if (!ck_type_ok(t_bool, v.t))
                err(ck, e->span, "'!' needs a 'bool', not '%s'",
                    ck_type_name(v.t, tb, sizeof tb));
            return ck_vnone(t_bool);
        }
        if (!is_numeric(v.t)) {
            err(ck, e->span, "'-' needs a number, not '%s'",
                ck_type_name(v.t, tb, sizeof tb));
            return ck_vnone(t_err);
        }
        return ck_vnone(v.t);
    }
    case IPA_N_BINARY:
        return check_binary(ck, cx, e);
    default:
        IPA_UNREACHABLE();
    }
}

/* In `tick`, `yield`, `block` and `terminate` the event's core runs the
 * target: its RUNNING state is the target, as Bossa writes it (`running
 * => active` at a clock tick). */
static struct val running_is_target(const struct checker *ck,
                                    const struct ctx *cx, struct val v)
{
    int ev = cx->event;
    if (!cx->func && (ev == IPA_EV_tick || ev == IPA_EV_yield ||
                      ev == IPA_EV_block || ev == IPA_EV_terminate) &&
        v.t.k == T_PROCESS && v.state >= 0 && v.loc == L_OWN &&
        ck_state_class(ck, v.state) == C_RUNNING)
        v.origin = O_TARGET;
    return v;
}

struct val ck_check_expr(struct checker *ck, struct ctx *cx,
                         const struct ipa_node *e)
{
    struct val v = check_expr_raw(ck, cx, e);
    if (v.t.k == T_NONE && e->kind != IPA_N_IDENT && e->kind != IPA_N_MEMBER)
        v.t = t_err;
    /* A core nothing vouches for (a function's result, a thread's
     * last_core, a core attribute) may be any core: the rules for other
     * cores apply to it. */
    if (v.t.k == T_CORE && v.loc == L_NONE)
        v.loc = L_REMOTE;
    /* Likewise a thread nothing vouches for may be queued on any core. */
    if (v.t.k == T_PROCESS && v.loc == L_NONE &&
        (v.origin == O_NONE || v.origin == O_UNKNOWN)) {
        v.origin = O_UNKNOWN;
        v.loc = L_REMOTE;
    }
    return ck_remember(ck, e, running_is_target(ck, cx, v));
}

/* A value (not a pseudo-state, not the event itself). */
struct val ck_check_value(struct checker *ck, struct ctx *cx,
                          const struct ipa_node *e)
{
    struct val v = ck_check_expr(ck, cx, e);
    if (v.t.k == T_NONE) {
        err(ck, e->span, "'%s' is a pseudo-state that keeps no thread: it "
            "can only be moved to", e->kind == IPA_N_IDENT ? e->name
                                                           : e->name);
        v.t = t_err;
    } else if (v.t.k == T_EVENT) {
        err(ck, e->span, "the event itself is not a value; use its fields "
            "('target')");
        v.t = t_err;
    }
    return v;
}

static void check_stmt(struct checker *ck, struct ctx *cx,
                       const struct ipa_node *s);

void ck_push_local(struct ctx *cx, const char *name, struct val v,
                   const struct ipa_node *n)
{
    struct local l = {name, v, n, false};
    g_array_append_val(cx->locals, l);
}

/* What a local may hold after two paths meet: what the paths agree on,
 * and for the rest the most a value could be (any core, a thread of
 * unknown provenance). */
static struct val join_val(struct val a, const struct val *b)
{
    if (a.loc != b->loc)
        a.loc = L_REMOTE;
    if (a.origin != b->origin)
        a.origin = O_UNKNOWN;
    if (a.oclass != b->oclass)
        a.oclass = -1;
    if (a.sel_state != b->sel_state || a.sel_loc != b->sel_loc) {
        a.sel_state = -1;
        a.sel_loc = L_NONE;
    }
    a.filtered |= b->filtered;
    return a;
}

static bool val_same(const struct val *a, const struct val *b)
{
    return a->loc == b->loc && a->origin == b->origin &&
           a->oclass == b->oclass && a->sel_state == b->sel_state &&
           a->sel_loc == b->sel_loc && a->filtered == b->filtered;
}

/* The locals' values at a point, to check a branch or a loop body from
 * it and join what each path left. */
static GArray *locals_save(const struct ctx *cx)
{
    GArray *a = g_array_sized_new(FALSE, FALSE, sizeof(struct local),
                                  cx->locals->len);
    g_array_append_vals(a, cx->locals->data, cx->locals->len);
    return a;
}

/* Joins @saved (the same locals, or a prefix of them) into the current
 * values; whether one changed. */
static bool locals_join(struct ctx *cx, const GArray *saved)
{
    bool changed = false;
    for (unsigned i = 0; i < saved->len && i < cx->locals->len; i++) {
        struct local *l = &g_array_index(cx->locals, struct local, i);
        struct val j = join_val(l->v,
                                &g_array_index(saved, struct local, i).v);
        changed |= !val_same(&j, &l->v);
        l->v = j;
    }
    return changed;
}

static void locals_restore(struct ctx *cx, const GArray *saved)
{
    g_array_set_size(cx->locals, saved->len);
    if (saved->len) /* an empty GArray's data may be NULL */
        memcpy(cx->locals->data, saved->data,
               saved->len * sizeof(struct local));
}

/* Joins the current locals into *@acc (a copy of them when NULL). */
static void locals_accumulate(struct ctx *cx, GArray **acc)
{
    GArray *now = locals_save(cx);
    if (*acc) {
        locals_restore(cx, *acc);
        locals_join(cx, now);
        g_array_free(*acc, TRUE);
        *acc = locals_save(cx);
        locals_restore(cx, now);
        g_array_free(now, TRUE);
    } else {
        *acc = now;
    }
}

/* A local is declared once in its function or handler: a second
 * declaration would hide the first for the rest of the block. */
static void declare_local(struct checker *ck, struct ctx *cx, const char *name,
                          struct val v, const struct ipa_node *n)
{
    const struct local *old = ck_find_local(cx, name);
    if (old && err(ck, name_span(n), "'%s' is already declared here%s", name,
                   old->is_event ? " (it names the event)" : ""))
        note_pos(ck, name_span(old->node), "previous declaration is here");
    ck_push_local(cx, name, v, n);
}

void ck_check_block(struct checker *ck, struct ctx *cx,
                    const struct ipa_node *b)
{
    unsigned mark = cx->locals->len;
    for (unsigned i = 0; i < ipa_node_count(b); i++)
        check_stmt(ck, cx, ipa_node_at(b, i));
    g_array_set_size(cx->locals, mark);
}

static void check_stmt(struct checker *ck, struct ctx *cx,
                       const struct ipa_node *s)
{
    char ta[32], tb[32];
    switch (s->kind) {
    case IPA_N_BLOCK:
        ck_check_block(ck, cx, s);
        return;
    case IPA_N_VAR: {
        struct type t = ck_resolve_type(ck, s->a);
        struct val v = ck_vnone(t);
        if (t.k == T_VOID)
            err(ck, s->a->span, "a variable cannot be 'void'");
        else if (t.k == T_SET)
            err(ck, s->a->span, "a variable cannot hold a set: name the set "
                "where it is walked or selected from (a state, 'cores', a set "
                "attribute)");
        if (t.k == T_CORE)
            v.loc = L_REMOTE;
        if (t.k == T_PROCESS)
            v.origin = O_UNKNOWN;
        if (s->b) {
            struct val iv = ck_check_value(ck, cx, s->b);
            if (!ck_type_ok(t, iv.t))
                err(ck, s->b->span, "cannot initialise '%s' of type '%s' "
                    "with a value of type '%s'", s->name, ck_type_name(t, ta, sizeof ta),
                    ck_type_name(iv.t, tb, sizeof tb));
            else if (iv.t.k == t.k) {
                v = iv;
                v.t = t;
                v.state = -1;
            }
        }
        declare_local(ck, cx, s->name, v, s);
        return;
    }
    case IPA_N_MOVE:
        ck_check_move(ck, cx, s);
        ck_check_steal(ck, cx, s);
        return;
    case IPA_N_ASSIGN: {
        struct type lt = ck_check_lvalue(ck, cx, s->a);
        struct val rv = ck_check_value(ck, cx, s->b);
        struct local *l = s->a->kind == IPA_N_IDENT
                              ? ck_find_local(cx, s->a->name)
                              : NULL;
        if (l && !l->is_event && s->op == IPA_TOK_ASSIGN &&
            ck_type_ok(lt, rv.t)) {
            struct val nv = rv;
            nv.state = -1;
            l->v = join_val(l->v, &nv);
        }
        if (s->op != IPA_TOK_ASSIGN) {
            if (!is_numeric(lt) || !is_numeric(rv.t))
                err(ck, s->name_span, "'%s' needs numbers, not '%s' and '%s'",
                    ipa_tok_text(s->op), ck_type_name(lt, ta, sizeof ta),
                    ck_type_name(rv.t, tb, sizeof tb));
        } else if (!ck_type_ok(lt, rv.t)) {
            err(ck, s->b->span, "cannot assign a value of type '%s' to "
                "one of type '%s'",
                ck_type_name(rv.t, tb, sizeof tb), ck_type_name(lt, ta, sizeof ta));
        }
        return;
    }
    case IPA_N_INCDEC: {
        struct type lt = ck_check_lvalue(ck, cx, s->a);
        if (!is_numeric(lt))
            err(ck, s->a->span, "'%s' needs a number, not '%s'",
                ipa_tok_text(s->op), ck_type_name(lt, ta, sizeof ta));
        return;
    }
    case IPA_N_EXPR_STMT: {
        const struct ipa_node *c = s->a;
        ck_check_expr(ck, cx, c);
        if (c->kind == IPA_N_CALL && !ck_find_func(ck, c->name)) {
            for (size_t i = 0; i < G_N_ELEMENTS(builtins); i++) {
                if (!strcmp(builtins[i], c->name) &&
                    strcmp(c->name, "preempt"))
                    err(ck, c->span, "the value of '%s' is unused", c->name);
            }
        }
        return;
    }
    case IPA_N_IF: {
        /* each branch of an `else if` chain (walked in a loop) starts
         * from the locals before the chain; after it, they are the join
         * of what the branches leave */
        GArray *before = locals_save(cx), *joined = NULL;
        const struct ipa_node *link = s;
        for (;; link = link->c) {
            struct val c = ck_check_value(ck, cx, link->a);
            if (!ck_type_ok(t_bool, c.t))
                err(ck, link->a->span, "a condition must be a 'bool', not "
                    "'%s'", ck_type_name(c.t, ta, sizeof ta));
            check_stmt(ck, cx, link->b);
            g_array_set_size(cx->locals, before->len);
            locals_accumulate(cx, &joined);
            locals_restore(cx, before);
            if (!ipa_node_else_if(link))
                break;
        }
        if (link->c) {
            check_stmt(ck, cx, link->c);
            g_array_set_size(cx->locals, before->len);
        }
        locals_join(cx, joined);
        g_array_free(joined, TRUE);
        g_array_free(before, TRUE);
        return;
    }
    case IPA_N_FOREACH: {
        struct val c = ck_check_value(ck, cx, s->b);
        struct val v = ck_vnone(t_err);
        if (c.t.k == T_SET) {
            v = ck_vnone((struct type){c.t.elem, 0});
            if (c.t.elem == T_PROCESS) {
                v.origin = c.state >= 0 ? O_STATE : O_UNKNOWN;
                if (c.state >= 0) {
                    v.oclass = ck_state_class(ck, c.state);
                    v.loc = c.loc;
                }
            } else if (c.t.elem == T_CORE) {
                v.loc = L_REMOTE;
            }
        } else if (c.t.k != T_ERR) {
            err(ck, s->b->span, "'foreach' walks a set (a finite "
                "collection), not '%s'", ck_type_name(c.t, ta, sizeof ta));
        }
        /* the body runs zero or more times: check it again from what an
         * iteration leaves until the locals settle (each join only
         * widens, so a few rounds do) */
        unsigned mark = cx->locals->len;
        GArray *entry = locals_save(cx);
        cx->loop_depth++;
        for (int round = 0; round < 8; round++) {
            declare_local(ck, cx, s->a->name, v, s->a);
            check_stmt(ck, cx, s->c);
            g_array_set_size(cx->locals, mark);
            GArray *after = locals_save(cx);
            locals_restore(cx, entry);
            bool widened = locals_join(cx, after);
            g_array_free(after, TRUE);
            if (!widened)
                break;
            g_array_free(entry, TRUE);
            entry = locals_save(cx);
        }
        cx->loop_depth--;
        g_array_free(entry, TRUE);
        return;
    }
    case IPA_N_BREAK:
    case IPA_N_CONTINUE:
        if (!cx->loop_depth)
            err(ck, s->span, "'%s' outside a 'foreach'",
                s->kind == IPA_N_BREAK ? "break" : "continue");
        return;
    case IPA_N_RETURN: {
        struct type want = cx->func ? ck_resolve_type(ck, cx->func->node->a)
                                    : t_void;
        if (s->a) {
            struct val v = ck_check_value(ck, cx, s->a);
            if (want.k == T_VOID)
                err(ck, s->a->span, "%s returns no value",
                    cx->func ? "a 'void' function" : "an event handler");
            else if (!ck_type_ok(want, v.t))
                err(ck, s->a->span, "returning a '%s' from a function of "
                    "type '%s'", ck_type_name(v.t, tb, sizeof tb),
                    ck_type_name(want, ta, sizeof ta));
        } else if (want.k != T_VOID) {
            err(ck, s->span, "a '%s' function must return a value",
                ck_type_name(want, ta, sizeof ta));
        }
        return;
    }
    default:
        IPA_UNREACHABLE();
    }
}

bool ck_always_returns(const struct ipa_node *s)
{
    switch (s->kind) {
    case IPA_N_RETURN:
        return true;
    case IPA_N_BLOCK:
        for (unsigned i = 0; i < ipa_node_count(s); i++) {
            if (ck_always_returns(ipa_node_at(s, i)))
                return true;
        }
        return false;
    case IPA_N_IF:
        for (; ipa_node_else_if(s); s = s->c)
            if (!ck_always_returns(s->b))
                return false;
        return s->c && ck_always_returns(s->b) && ck_always_returns(s->c);
    default:
        return false;
    }
}

/* Attribute initialisers: lazy ones are computed when read, plain ones
 * when the entity is created; both see the entity's own fields. */
void ck_check_entity_inits(struct checker *ck, int ent)
{
    const struct ipa_node *d = ck->entity_node[ent];
    if (!d)
        return;
    char ta[32], tb[32];
    for (unsigned i = 0; i < ipa_node_count(d); i++) {
        const struct ipa_node *m = ipa_node_at(d, i);
        if (m->kind != IPA_N_FIELD || !m->b || m->op == IPA_TOK_SYSTEM)
            continue;
        struct ctx cx = {.event = -1, .entity = ent};
        cx.locals = g_array_new(FALSE, FALSE, sizeof(struct local));
        const struct field *lazy = ent == ENT_CORE && m->op == IPA_TOK_LAZY
                                       ? ck_find_field(ck, ENT_CORE, m->name)
                                       : NULL;
        ck->init_lazy = lazy && lazy->node == m ? ck_core_field_index(ck, lazy)
                                                : -1;
        struct val v = ck_check_value(ck, &cx, m->b);
        ck->init_lazy = -1;
        struct type t = ck_resolve_type(ck, m->a);
        if (!ck_type_ok(t, v.t))
            err(ck, m->b->span, "attribute '%s' is a '%s', but its "
                "initialiser is a '%s'", m->name, ck_type_name(t, ta, sizeof ta),
                ck_type_name(v.t, tb, sizeof tb));
        g_array_free(cx.locals, TRUE);
    }
}

/* A state's order keys read the queued thread's attributes. */
void ck_check_state_orders(struct checker *ck)
{
    char tb[32];
    for (unsigned i = 0; i < ck->states->len; i++) {
        const struct ipa_node *order =
            g_array_index(ck->states, struct state, i).node->b;
        /* the runtime keeps a queue's order in a bit per criterion */
        if (order && ipa_node_count(order) > IPA_MAX_CRITERIA)
            err(ck, order->span, "at most %d order criteria",
                IPA_MAX_CRITERIA);
        for (unsigned j = 0; order && j < ipa_node_count(order); j++) {
            const struct ipa_node *key = ipa_node_at(order, j)->a;
            struct ctx cx = {.event = -1, .entity = -1, .nr_elem = 1};
            cx.elem_ent[0] = ENT_PROCESS;
            cx.elem_loc[0] = L_NONE;
            cx.locals = g_array_new(FALSE, FALSE, sizeof(struct local));
            struct val k = ck_check_value(ck, &cx, key);
            if (!is_numeric(k.t) && k.t.k != T_BOOL)
                err(ck, key->span, "an ordering key is an int, time or "
                    "bool, not '%s'", ck_type_name(k.t, tb, sizeof tb));
            g_array_free(cx.locals, TRUE);
        }
    }
}
