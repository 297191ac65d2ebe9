#include "dsl/check.h"
#include "dsl/model.h"

#include <stdarg.h>
#include <string.h>

#include "dsl/parser.h"
#include "util/common.h"
#include "util/suggest.h"

/* ---- events -------------------------------------------------------------- */

enum { HK_P, HK_C, HK_B };
enum { TG_PROCESS, TG_CORE };

static const struct {
    const char *name;
    int handler;
    int target;
} events[] = {
#define P HK_P
#define C HK_C
#define B HK_B
#define PROCESS TG_PROCESS
#define CORE TG_CORE
#define EV(name, handler, target) {#name, handler, target},
#include "dsl/events.def"
#undef EV
#undef P
#undef C
#undef B
#undef PROCESS
#undef CORE
};

const char *ipa_event_name(enum ipa_event ev)
{
    return events[ev].name;
}

int ipa_event_lookup(const char *name)
{
    for (int i = 0; i < IPA_EV_COUNT; i++) {
        if (!strcmp(events[i].name, name))
            return i;
    }
    return -1;
}

/* ---- types ----------------------------------------------------------------- */

enum tkind {
    T_ERR, /* already reported: silences follow-up errors */
    T_VOID,
    T_INT,
    T_BOOL,
    T_TIME,
    T_CORE,
    T_PROCESS,
    T_GROUP,
    T_DOMAIN,
    T_SET,
    T_EVENT,
    T_NONE, /* pseudo-state: a move destination, not a value */
};

struct type {
    uint8_t k;
    uint8_t elem; /* T_SET: element kind */
};

static const struct type t_err = {T_ERR, 0}, t_int = {T_INT, 0},
                         t_bool = {T_BOOL, 0}, t_time = {T_TIME, 0},
                         t_void = {T_VOID, 0};

static const char *kind_name(int k)
{
    static const char *const names[] = {
        "<error>", "void", "int",   "bool",  "time", "core",
        "process", "group", "domain", "set", "event", "pseudo-state"};
    return names[k];
}

static const char *type_name(struct type t, char *buf, size_t n)
{
    if (t.k == T_SET)
        g_snprintf(buf, n, "set<%s>", kind_name(t.elem));
    else
        g_snprintf(buf, n, "%s", kind_name(t.k));
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

static bool type_ok(struct type want, struct type got)
{
    if (want.k == T_ERR || got.k == T_ERR)
        return true;
    if (is_numeric(want) && is_numeric(got))
        return true;
    return want.k == got.k && (want.k != T_SET || want.elem == got.elem);
}

/* ---- the policy's declarations -------------------------------------------- */

enum ent { ENT_PROCESS, ENT_CORE, ENT_DOMAIN, ENT_GROUP, ENT_COUNT };
static const char *const ent_names[] = {"process", "core", "domain", "group"};

static int ent_of_kind(int k)
{
    switch (k) {
    case T_PROCESS: return ENT_PROCESS;
    case T_CORE: return ENT_CORE;
    case T_DOMAIN: return ENT_DOMAIN;
    case T_GROUP: return ENT_GROUP;
    default: return -1;
    }
}

enum fkind { F_PLAIN, F_SYSTEM, F_LAZY, F_STATE };

struct field {
    const char *name;
    struct type type;
    enum fkind kind;
    int state; /* F_STATE: index in checker.states */
    const struct ipa_node *node;
};

/* State classes, as in runtime.h (C_NOT_QUEUED is the target of new). */
enum sclass { C_NONE = -1, C_RUNNING, C_READY, C_BLOCKED, C_TERMINATED,
              C_NOT_QUEUED };
static const char *const class_names[] = {"RUNNING", "READY", "BLOCKED",
                                          "TERMINATED", "NOT_QUEUED"};

struct state {
    const char *name;
    enum sclass cls;
    bool shared;
    const struct ipa_node *node;
    bool global; /* one queue, no core's: core_exit leaves it */
};

/* Where the core a container belongs to stands for the current event. */
enum loc {
    L_NONE,   /* not a core-bound value */
    L_OWN,    /* the event's core, locked by the runtime */
    L_LOCKED, /* a core parameter of a try function: locked on entry */
    L_REMOTE, /* any other core */
};

enum origin { O_NONE, O_TARGET, O_STATE, O_PARAM, O_UNKNOWN };

/* What the checker knows of an expression's value. */
struct val {
    struct type t;
    int state;      /* denotes this state container, else -1 */
    enum loc loc;   /* core values: which core; states: whose */
    enum origin origin; /* process values: where the thread comes from */
    int oclass;     /* process values: class of the state it is in, or -1 */
    int sel_state;  /* first/min/max over a state: that state, else -1 */
    enum loc sel_loc;
    bool filtered;  /* that selection has a filter */
    /* what a name or field denotes, for the model (dsl/model.h) */
    uint8_t bind;
    int8_t bent;
    int bfield;
    const struct ipa_node *bdecl;
};

struct local {
    const char *name;
    struct val v;
    const struct ipa_node *node;
    bool is_event;
};

struct func {
    const char *name;
    const struct ipa_node *node;
    GPtrArray *callees; /* struct ipa_node * CALL nodes calling funcs */
    int mark;           /* DFS colour */
};

struct checker {
    const struct ipa_ast *ast;
    const struct ipa_source *src;
    struct ipa_diag_sink *sink;
    GHashTable *reported; /* "off:len:msg" already printed */
    GArray *fields[ENT_COUNT]; /* struct field */
    const struct ipa_node *entity_node[ENT_COUNT];
    GArray *states;      /* struct state */
    GHashTable *consts;  /* name -> const node */
    GArray *funcs;       /* struct func */
    const struct ipa_node *on_nodes[IPA_EV_COUNT];
    const struct ipa_node *handler_nodes[IPA_EV_COUNT];
    GHashTable *param_values; /* const name -> int64_t * */
    GHashTable *valid_consts; /* CONST nodes check_consts accepted */
    GHashTable *folded;       /* const name -> struct folded * */
    const struct ipa_node *builder;
    GHashTable *vals; /* expression node -> struct val * */
};

/* The context an expression or statement is checked in. */
struct ctx {
    int event;               /* IPA_EV_*, or -1 */
    struct func *func;       /* enclosing function, or NULL */
    bool in_try;
    int entity;              /* entity initialiser: its fields are in scope */
    GArray *locals;          /* struct local */
    int loop_depth;
    int elem_ent[8];         /* element scopes of selections (innermost last) */
    enum loc elem_loc[8];
    int nr_elem;
};

/* ---- diagnostics ------------------------------------------------------------ */

static bool report_once(struct checker *ck, struct ipa_span sp,
                        const char *msg)
{
    char *key = g_strdup_printf("%u:%u:%s", sp.off, sp.len, msg);
    if (g_hash_table_contains(ck->reported, key)) {
        g_free(key);
        return false;
    }
    g_hash_table_add(ck->reported, key);
    return true;
}

static bool err(struct checker *ck, struct ipa_span sp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reports an error unless the same one was reported at the same spot;
 * returns whether it was reported (so that notes follow only then). */
static bool err(struct checker *ck, struct ipa_span sp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    bool fresh = report_once(ck, sp, msg);
    if (fresh)
        ipa_diag_error(ck->sink, sp, "%s", msg);
    g_free(msg);
    return fresh;
}

static void warn(struct checker *ck, struct ipa_span sp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void warn(struct checker *ck, struct ipa_span sp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (report_once(ck, sp, msg))
        ipa_diag_warning(ck->sink, sp, "%s", msg);
    g_free(msg);
}

static void note_pos(struct checker *ck, struct ipa_span sp, const char *fmt,
                     ...) __attribute__((format(printf, 3, 4)));
static void note_pos(struct checker *ck, struct ipa_span sp, const char *fmt,
                     ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    ipa_diag_note(ck->sink, sp, "%s", msg);
    g_free(msg);
}

static struct ipa_span name_span(const struct ipa_node *n)
{
    return n->name_span.file ? n->name_span : n->span;
}

static void pos(const struct checker *ck, struct ipa_span sp, int *line,
                int *col)
{
    ipa_source_position(ck->src, sp.off, line, col);
}

/* "did you mean 'x'?" among @cands (const char *), if one is close. */
static void suggest(struct checker *ck, struct ipa_span sp, const char *name,
                    GPtrArray *cands)
{
    const char *best = NULL;
    int best_d = 1000;
    size_t len = strlen(name);
    for (unsigned i = 0; i < cands->len; i++) {
        const char *c = g_ptr_array_index(cands, i);
        int d = ipa_edit_distance(name, c);
        if (d < best_d && strcmp(c, name) != 0) {
            best_d = d;
            best = c;
        }
    }
    int limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    if (best && best_d <= limit)
        note_pos(ck, sp, "did you mean '%s'?", best);
}

/* ---- declarations -------------------------------------------------------------- */

static struct field *find_field(struct checker *ck, int ent, const char *name)
{
    GArray *fs = ck->fields[ent];
    for (unsigned i = 0; i < fs->len; i++) {
        struct field *f = &g_array_index(fs, struct field, i);
        if (!strcmp(f->name, name))
            return f;
    }
    return NULL;
}

static void field_names(struct checker *ck, int ent, GPtrArray *out)
{
    GArray *fs = ck->fields[ent];
    for (unsigned i = 0; i < fs->len; i++)
        g_ptr_array_add(out, (gpointer)g_array_index(fs, struct field, i).name);
}

static struct type resolve_type(struct checker *ck, const struct ipa_node *t)
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
        struct type e = resolve_type(ck, t->a);
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
                    type_name(want, buf, sizeof buf));
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
    struct field *old = find_field(ck, ent, f.name);
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
        t = resolve_type(ck, s->a);
    if (t.k != T_NONE && t.k != T_ERR && t.k != T_PROCESS &&
        !(t.k == T_SET && t.elem == T_PROCESS))
        err(ck, s->a->span, "a state holds 'process' or 'set<process>', not "
            "'%s'", kind_name(t.k));
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
    if (find_field(ck, ENT_CORE, s->name)) {
        add_field(ck, ENT_CORE, f);
        return;
    }
    g_array_append_val(ck->states, st);
    add_field(ck, ENT_CORE, f);
}

static void declare_entity(struct checker *ck, const struct ipa_node *d)
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
        struct type t = resolve_type(ck, m->a);
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

/* ---- expressions ----------------------------------------------------------- */

static struct val vnone(struct type t)
{
    return (struct val){t, -1, L_NONE, O_NONE, -1, -1, L_NONE, false,
                        IPA_B_VALUE, -1, -1, NULL};
}

static struct val check_expr(struct checker *ck, struct ctx *cx,
                             const struct ipa_node *e);
static struct val check_value(struct checker *ck, struct ctx *cx,
                              const struct ipa_node *e);

static struct val remember(struct checker *ck, const struct ipa_node *e,
                           struct val v)
{
    struct val *copy = g_new(struct val, 1);
    *copy = v;
    g_hash_table_insert(ck->vals, (gpointer)e, copy);
    return v;
}

static const struct val *val_of(const struct checker *ck,
                                const struct ipa_node *e)
{
    return g_hash_table_lookup(ck->vals, e);
}

static struct local *find_local(struct ctx *cx, const char *name)
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
    struct val v = vnone(f->type);
    if (!core_field || f->kind != F_STATE)
        return v;
    const struct state *st = &g_array_index(ck->states, struct state, f->state);
    v.state = f->state;
    v.loc = loc;
    if (f->type.k == T_PROCESS) {
        v.origin = O_STATE;
        v.oclass = st->cls;
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

static struct val bound_decl(struct val v, int bind,
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
        struct field *f = find_field(ck, ent, e->name);
        if (f)
            return bound(ck, field_val(ck, f, cx->elem_loc[cx->nr_elem - 1],
                                       e->span, ent == ENT_CORE),
                         IPA_B_ELEM_FIELD, ent, f);
    }
    /* 2. locals, parameters and the event */
    struct local *l = find_local(cx, e->name);
    if (l)
        return bound_decl(l->v, l->is_event ? IPA_B_EVENT : IPA_B_LOCAL,
                          l->node);
    /* 3. the entity being initialised */
    if (cx->entity >= 0) {
        struct field *f = find_field(ck, cx->entity, e->name);
        if (f)
            return bound(ck, field_val(ck, f, L_OWN, e->span,
                                       cx->entity == ENT_CORE),
                         IPA_B_ENTITY_FIELD, cx->entity, f);
    }
    /* 4. the event's core: its states and attributes */
    struct field *f = find_field(ck, ENT_CORE, e->name);
    if (f && has_own_core(cx))
        return bound(ck, field_val(ck, f, L_OWN, e->span, true),
                     IPA_B_CORE_FIELD, ENT_CORE, f);
    /* 5. constants, the set of all cores */
    const struct ipa_node *c = g_hash_table_lookup(ck->consts, e->name);
    if (c)
        return bound_decl(vnone(resolve_type(ck, c->a)), IPA_B_CONST, c);
    if (!strcmp(e->name, "cores")) {
        struct val v = vnone((struct type){T_SET, T_CORE});
        v.loc = L_REMOTE;
        v.bind = IPA_B_CORES;
        return v;
    }
    if (f) {
        err(ck, e->span, "'%s' is a %s of a core; name the core here, as in "
            "'c.%s'", e->name, f->kind == F_STATE ? "state" : "attribute",
            e->name);
        return vnone(t_err);
    }
    if (err(ck, e->span, "unknown name '%s'", e->name)) {
        GPtrArray *cands = g_ptr_array_new();
        if (cx->nr_elem > 0)
            field_names(ck, cx->elem_ent[cx->nr_elem - 1], cands);
        for (unsigned i = 0; cx->locals && i < cx->locals->len; i++)
            g_ptr_array_add(cands, (gpointer)g_array_index(
                                       cx->locals, struct local, i).name);
        if (cx->entity >= 0)
            field_names(ck, cx->entity, cands);
        if (has_own_core(cx))
            field_names(ck, ENT_CORE, cands);
        GHashTableIter it;
        gpointer k;
        g_hash_table_iter_init(&it, ck->consts);
        while (g_hash_table_iter_next(&it, &k, NULL))
            g_ptr_array_add(cands, k);
        g_ptr_array_add(cands, (gpointer) "cores");
        suggest(ck, e->span, e->name, cands);
        g_ptr_array_free(cands, TRUE);
    }
    return vnone(t_err);
}

static struct val event_member(struct checker *ck, struct ctx *cx,
                               const struct ipa_node *e)
{
    int tg = events[cx->event].target;
    struct val v = vnone(t_err);
    if (!strcmp(e->name, "target")) {
        if (tg == TG_PROCESS) {
            v = vnone((struct type){T_PROCESS, 0});
            v.origin = O_TARGET;
            v.oclass = cx->event == IPA_EV_new       ? C_NOT_QUEUED
                       : cx->event == IPA_EV_unblock ? C_BLOCKED
                                                     : C_RUNNING;
        } else {
            v = vnone((struct type){T_CORE, 0});
            v.loc = L_OWN;
        }
        v.bind = IPA_B_EV_TARGET;
        return v;
    }
    if (tg == TG_PROCESS && !strcmp(e->name, "core")) {
        v = vnone((struct type){T_CORE, 0});
        v.loc = L_OWN;
        v.bind = IPA_B_EV_CORE;
        return v;
    }
    if (tg == TG_PROCESS && !strcmp(e->name, "source")) {
        v = vnone((struct type){T_CORE, 0});
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

static struct val check_member(struct checker *ck, struct ctx *cx,
                               const struct ipa_node *e)
{
    struct val o = check_expr(ck, cx, e->a);
    char tb[32];
    if (o.t.k == T_ERR)
        return vnone(t_err);
    if (o.t.k == T_EVENT)
        return event_member(ck, cx, e);
    if (o.t.k == T_SET) {
        if (!strcmp(e->name, "size")) {
            struct val v = vnone(t_int);
            v.bind = IPA_B_SET_SIZE;
            return v;
        }
        int ent = ent_of_kind(o.t.elem);
        struct field *f = ent >= 0 ? find_field(ck, ent, e->name) : NULL;
        if (f && f->kind != F_STATE &&
            (f->type.k == T_INT || f->type.k == T_TIME ||
             f->type.k == T_BOOL))
            return bound(ck, vnone((struct type){T_SET, f->type.k}),
                         IPA_B_SET_FIELD, ent, f);
        if (f) {
            err(ck, name_span(e), "only int, time and bool attributes can be "
                "read over a set ('%s' is of type '%s')", e->name,
                type_name(f->type, tb, sizeof tb));
            return vnone(t_err);
        }
        if (err(ck, name_span(e), "unknown field '%s' in '%s'", e->name,
                type_name(o.t, tb, sizeof tb))) {
            GPtrArray *c = g_ptr_array_new();
            g_ptr_array_add(c, (gpointer) "size");
            if (ent >= 0)
                field_names(ck, ent, c);
            suggest(ck, name_span(e), e->name, c);
            g_ptr_array_free(c, TRUE);
        }
        return vnone(t_err);
    }
    int ent = ent_of_kind(o.t.k);
    if (ent < 0) {
        err(ck, name_span(e), "a value of type '%s' has no fields",
            type_name(o.t, tb, sizeof tb));
        return vnone(t_err);
    }
    struct field *f = find_field(ck, ent, e->name);
    if (!f) {
        if (err(ck, name_span(e), "unknown field '%s' in '%s'", e->name,
                ent_names[ent])) {
            GPtrArray *c = g_ptr_array_new();
            field_names(ck, ent, c);
            suggest(ck, name_span(e), e->name, c);
            g_ptr_array_free(c, TRUE);
        }
        return vnone(t_err);
    }
    return bound(ck, field_val(ck, f, o.loc, e->span, ent == ENT_CORE),
                 IPA_B_FIELD, ent, f);
}

static struct func *find_func(struct checker *ck, const char *name)
{
    for (unsigned i = 0; i < ck->funcs->len; i++) {
        struct func *f = &g_array_index(ck->funcs, struct func, i);
        if (!strcmp(f->name, name))
            return f;
    }
    return NULL;
}

static const char *const builtins[] = {"sum",   "count", "or",       "and",
                                       "min",   "max",   "first",    "valid",
                                       "now",   "distance", "allowed",
                                       "preempt"};

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
        return vnone(t_err);
    const struct ipa_node *arg = ipa_node_at(e, 0);
    struct val s = check_expr(ck, cx, arg);
    char tb[32];
    if (s.t.k == T_ERR)
        return vnone(t_err);
    if (s.t.k != T_SET || !is_entity(s.t.elem)) {
        err(ck, arg->span, "'%s' selects from a set of processes, cores, "
            "groups or domains, not from '%s'", e->name,
            type_name(s.t, tb, sizeof tb));
        return vnone(t_err);
    }
    int ent = ent_of_kind(s.t.elem);
    if (cx->nr_elem >= (int)G_N_ELEMENTS(cx->elem_ent)) {
        err(ck, e->span, "selections nested too deeply");
        return vnone(t_err);
    }
    if (e->b && ipa_node_count(e->b) > IPA_MAX_CRITERIA)
        err(ck, e->b->span, "at most %d order criteria", IPA_MAX_CRITERIA);
    cx->elem_ent[cx->nr_elem] = ent;
    cx->elem_loc[cx->nr_elem] = s.t.elem == T_CORE ? L_REMOTE : L_NONE;
    cx->nr_elem++;
    if (e->b) {
        for (unsigned i = 0; i < ipa_node_count(e->b); i++) {
            const struct ipa_node *c = ipa_node_at(e->b, i);
            struct val k = check_expr(ck, cx, c->a);
            if (!is_numeric(k.t) && k.t.k != T_BOOL)
                err(ck, c->a->span, "an ordering key is an int, time or "
                    "bool, not '%s'", type_name(k.t, tb, sizeof tb));
        }
    }
    if (e->c) {
        struct val f = check_expr(ck, cx, e->c);
        if (!type_ok(t_bool, f.t))
            err(ck, e->c->span, "a filter is a 'bool' condition, not '%s'",
                type_name(f.t, tb, sizeof tb));
    }
    cx->nr_elem--;
    struct val v = vnone((struct type){s.t.elem, 0});
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
        return vnone(result);
    for (unsigned i = 0; i < ipa_node_count(e); i++) {
        const struct ipa_node *a = ipa_node_at(e, i);
        struct val v = check_expr(ck, cx, a);
        if (v.t.k == T_ERR)
            continue;
        if (is_count) {
            if (v.t.k != T_SET && v.t.k != T_PROCESS)
                err(ck, a->span, "'count' counts the members of sets and "
                    "states, not '%s'", type_name(v.t, tb, sizeof tb));
            continue;
        }
        int k = v.t.k == T_SET ? v.t.elem : v.t.k;
        if (is_bool ? k != T_BOOL : !(k == T_INT || k == T_TIME)) {
            err(ck, a->span, "'%s' takes %s values or sets of them, not '%s'",
                e->name, is_bool ? "bool" : "int or time",
                type_name(v.t, tb, sizeof tb));
            continue;
        }
        if (k == T_TIME)
            result = t_time;
    }
    return vnone(result);
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
        struct val v = check_value(ck, cx, ipa_node_at(e, 0));
        if (!type_ok((struct type){T_CORE, 0}, v.t))
            err(ck, ipa_node_at(e, 0)->span, "'preempt' takes a core, not "
                "'%s'", type_name(v.t, tb, sizeof tb));
    }
    if (cx->func || (cx->event != IPA_EV_new && cx->event != IPA_EV_unblock))
        err(ck, name_span(e), "'preempt' is allowed only in the handlers "
            "of 'new' and 'unblock' (a placement preempts; 'tick' moves "
            "its target)");
    return vnone(t_void);
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
        return vnone(t_err);
    }
    if (selection)
        return check_selection(ck, cx, e);
    if (!strcmp(n, "min") || !strcmp(n, "max")) {
        /* without an order, min/max of entities has no meaning */
        if (ipa_node_count(e) == 1) {
            struct val s = check_expr(ck, cx, ipa_node_at(e, 0));
            if (s.t.k == T_SET && is_entity(s.t.elem)) {
                err(ck, e->span, "'%s' over '%s' needs an order, as in "
                    "'%s(x order = { highest load })'", n,
                    type_name(s.t, tb, sizeof tb), n);
                return vnone(t_err);
            }
        }
        return check_aggregate(ck, cx, e);
    }
    if (!strcmp(n, "sum") || !strcmp(n, "count") || !strcmp(n, "or") ||
        !strcmp(n, "and"))
        return check_aggregate(ck, cx, e);
    if (!strcmp(n, "valid")) {
        if (want_args(ck, e, 1, 1)) {
            struct val v = check_expr(ck, cx, ipa_node_at(e, 0));
            if (v.t.k != T_ERR && !is_entity(v.t.k))
                err(ck, ipa_node_at(e, 0)->span, "'valid' tests a process, "
                    "core, group or domain, not '%s'",
                    type_name(v.t, tb, sizeof tb));
        }
        return vnone(t_bool);
    }
    if (!strcmp(n, "now")) {
        want_args(ck, e, 0, 0);
        return vnone(t_time);
    }
    if (!strcmp(n, "distance")) {
        if (want_args(ck, e, 2, 2)) {
            for (unsigned i = 0; i < 2; i++) {
                struct val v = check_expr(ck, cx, ipa_node_at(e, i));
                if (!type_ok((struct type){T_CORE, 0}, v.t))
                    err(ck, ipa_node_at(e, i)->span, "'distance' takes two "
                        "cores, not '%s'", type_name(v.t, tb, sizeof tb));
            }
        }
        return vnone(t_int);
    }
    if (!strcmp(n, "allowed")) {
        if (want_args(ck, e, 2, 2)) {
            static const int kinds[2] = {T_PROCESS, T_CORE};
            for (unsigned i = 0; i < 2; i++) {
                struct val v = check_value(ck, cx, ipa_node_at(e, i));
                if (!type_ok((struct type){(uint8_t)kinds[i], 0}, v.t))
                    err(ck, ipa_node_at(e, i)->span, "'allowed' takes a "
                        "process and a core, not '%s'",
                        type_name(v.t, tb, sizeof tb));
            }
        }
        return vnone(t_bool);
    }
    if (!strcmp(n, "preempt"))
        return check_preempt(ck, cx, e);
    struct func *f = find_func(ck, n);
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
            check_expr(ck, cx, ipa_node_at(e, i));
        return vnone(t_err);
    }
    if (cx->func)
        g_ptr_array_add(cx->func->callees, (gpointer)e);
    unsigned want = ipa_node_count(f->node), got = ipa_node_count(e);
    if (want != got)
        err(ck, name_span(e), "'%s' takes %u argument%s, not %u", n, want,
            want == 1 ? "" : "s", got);
    for (unsigned i = 0; i < got; i++) {
        struct val v = check_expr(ck, cx, ipa_node_at(e, i));
        if (i < want) {
            struct type pt = resolve_type(ck, ipa_node_at(f->node, i)->a);
            if (!type_ok(pt, v.t)) {
                char tb2[32];
                err(ck, ipa_node_at(e, i)->span, "argument %u of '%s' is a "
                    "'%s', not '%s'", i + 1, n,
                    type_name(pt, tb, sizeof tb),
                    type_name(v.t, tb2, sizeof tb2));
            }
        }
    }
    if (cx->event < 0 && !cx->func)
        err(ck, name_span(e), "functions cannot be called here");
    return bound_decl(vnone(resolve_type(ck, f->node->a)), IPA_B_FUNC,
                      f->node);
}

static struct val check_binary(struct checker *ck, struct ctx *cx,
                               const struct ipa_node *e)
{
    struct val a = check_expr(ck, cx, e->a);
    struct val b = check_expr(ck, cx, e->b);
    char ta[32], tb[32];
    const char *op = ipa_tok_text(e->op);
    struct ipa_span osp = e->name_span;
    if (a.t.k == T_ERR || b.t.k == T_ERR) {
        bool logical = e->op == IPA_TOK_AND || e->op == IPA_TOK_OR ||
                       ipa_binary_prec(e->op) == IPA_PREC_COMPARE ||
                       ipa_binary_prec(e->op) == IPA_PREC_EQUAL;
        return vnone(logical ? t_bool : t_err);
    }
    switch (e->op) {
    case IPA_TOK_AND:
    case IPA_TOK_OR:
        if (a.t.k != T_BOOL || b.t.k != T_BOOL)
            err(ck, osp, "'%s' needs two 'bool' operands, not '%s' and '%s'",
                op, type_name(a.t, ta, sizeof ta),
                type_name(b.t, tb, sizeof tb));
        return vnone(t_bool);
    case IPA_TOK_EQ:
    case IPA_TOK_NE:
        if (!(type_ok(a.t, b.t) && a.t.k != T_SET && a.t.k != T_NONE &&
              a.t.k != T_EVENT))
            err(ck, osp, "cannot compare '%s' with '%s'",
                type_name(a.t, ta, sizeof ta), type_name(b.t, tb, sizeof tb));
        return vnone(t_bool);
    case IPA_TOK_LT:
    case IPA_TOK_LE:
    case IPA_TOK_GT:
    case IPA_TOK_GE:
        if (!is_numeric(a.t) || !is_numeric(b.t))
            err(ck, osp, "'%s' compares numbers, not '%s' and '%s'", op,
                type_name(a.t, ta, sizeof ta), type_name(b.t, tb, sizeof tb));
        return vnone(t_bool);
    case IPA_TOK_IN:
        if (!is_entity(a.t.k))
            err(ck, e->a->span, "'in' tests a process, core, group or "
                "domain, not '%s'", type_name(a.t, ta, sizeof ta));
        else if (b.t.k == T_PROCESS && b.state >= 0 && a.t.k == T_PROCESS)
            ; /* a RUNNING or `process` state */
        else if (b.t.k != T_SET || b.t.elem != a.t.k)
            err(ck, e->b->span, "'in' needs a set of %ss (or a state) on "
                "its right, not '%s'", kind_name(a.t.k),
                type_name(b.t, tb, sizeof tb));
        return vnone(t_bool);
    default:
        if (!is_numeric(a.t) || !is_numeric(b.t)) {
            err(ck, osp, "'%s' needs numbers, not '%s' and '%s'", op,
                type_name(a.t, ta, sizeof ta), type_name(b.t, tb, sizeof tb));
            return vnone(t_err);
        }
        return vnone(a.t.k == T_TIME || b.t.k == T_TIME ? t_time : t_int);
    }
}

static struct val check_expr_raw(struct checker *ck, struct ctx *cx,
                                 const struct ipa_node *e)
{
    char tb[32];
    switch (e->kind) {
    case IPA_N_INT_LIT:
        return vnone(t_int);
    case IPA_N_TIME_LIT:
        return vnone(t_time);
    case IPA_N_BOOL_LIT:
        return vnone(t_bool);
    case IPA_N_IDENT:
        return check_ident(ck, cx, e);
    case IPA_N_MEMBER:
        return check_member(ck, cx, e);
    case IPA_N_CALL:
        return check_call(ck, cx, e);
    case IPA_N_UNARY: {
        struct val v = check_expr(ck, cx, e->a);
        if (e->op == IPA_TOK_BANG) {
            if (!type_ok(t_bool, v.t))
                err(ck, e->span, "'!' needs a 'bool', not '%s'",
                    type_name(v.t, tb, sizeof tb));
            return vnone(t_bool);
        }
        if (!is_numeric(v.t)) {
            err(ck, e->span, "'-' needs a number, not '%s'",
                type_name(v.t, tb, sizeof tb));
            return vnone(t_err);
        }
        return vnone(v.t);
    }
    case IPA_N_BINARY:
        return check_binary(ck, cx, e);
    default:
        IPA_UNREACHABLE();
    }
}

static struct val check_expr(struct checker *ck, struct ctx *cx,
                             const struct ipa_node *e)
{
    struct val v = check_expr_raw(ck, cx, e);
    if (v.t.k == T_NONE && e->kind != IPA_N_IDENT && e->kind != IPA_N_MEMBER)
        v.t = t_err;
    return remember(ck, e, v);
}

/* A value (not a pseudo-state, not the event itself). */
static struct val check_value(struct checker *ck, struct ctx *cx,
                              const struct ipa_node *e)
{
    struct val v = check_expr(ck, cx, e);
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

/* ---- statements ------------------------------------------------------------ */

static void check_stmt(struct checker *ck, struct ctx *cx,
                       const struct ipa_node *s);

static void push_local(struct ctx *cx, const char *name, struct val v,
                       const struct ipa_node *n)
{
    struct local l = {name, v, n, false};
    g_array_append_val(cx->locals, l);
}

static const char *state_name(const struct checker *ck, int i)
{
    return g_array_index(ck->states, struct state, i).name;
}

static enum sclass state_class(const struct checker *ck, int i)
{
    return g_array_index(ck->states, struct state, i).cls;
}

static bool is_balancing(int ev)
{
    return ev == IPA_EV_balancing_select || ev == IPA_EV_newly_idle;
}

/* stmt -> thread '=>' state: the transition rules of each event, and which
 * cores' containers the move touches. */
static void check_move(struct checker *ck, struct ctx *cx,
                       const struct ipa_node *s)
{
    struct val sv = check_value(ck, cx, s->a);
    struct val dv = check_expr(ck, cx, s->b);
    char tb[32];
    struct ipa_span arrow = s->name_span;
    if (sv.t.k != T_PROCESS && sv.t.k != T_ERR) {
        err(ck, s->a->span, "only a process can be moved, not '%s'",
            type_name(sv.t, tb, sizeof tb));
        return;
    }
    if (dv.state < 0) {
        if (dv.t.k != T_ERR)
            err(ck, s->b->span, "the right of '=>' must name a state, such "
                "as 'ready' or 'c.ready'");
        return;
    }
    if (sv.t.k == T_ERR)
        return;
    enum sclass dc = state_class(ck, dv.state);
    const char *dn = state_name(ck, dv.state);
    bool target = sv.origin == O_TARGET;
    int ev = cx->event;
    if (cx->func) {
        if (!cx->in_try) {
            err(ck, arrow, "only 'try' functions may move threads: they lock "
                "the cores they touch");
            return;
        }
        if (sv.origin == O_PARAM) {
            err(ck, s->a->span, "a function cannot move a thread it was "
                "given; take it from a state ('foreach (p in c.ready)')");
            return;
        }
        if (sv.oclass != C_READY || dc != C_READY) {
            err(ck, arrow, "a 'try' function may only move READY threads "
                "between READY states (stealing)");
            return;
        }
        if (sv.loc != L_LOCKED || dv.loc != L_LOCKED)
            err(ck, arrow, "a 'try' function moves threads only between the "
                "cores it was given as parameters (the cores it locks)");
        return;
    }
    if (ev < 0)
        return;
    const char *en = events[ev].name;
    switch (ev) {
    case IPA_EV_new:
    case IPA_EV_unblock:
    case IPA_EV_tick:
    case IPA_EV_yield:
    case IPA_EV_block:
    case IPA_EV_terminate: {
        enum sclass want = ev == IPA_EV_block       ? C_BLOCKED
                           : ev == IPA_EV_terminate ? C_TERMINATED
                                                    : C_READY;
        if (!target) {
            err(ck, s->a->span, "'%s' may move only its target (e.target)",
                en);
            return;
        }
        if (dc != want) {
            if (err(ck, s->b->span, "'%s' must move its target to a %s "
                    "state; '%s' is %s", en, class_names[want], dn,
                    class_names[dc]))
                note_pos(ck, arrow, "the runtime allows %s -> %s here",
                         class_names[sv.oclass], class_names[want]);
            return;
        }
        if (dv.loc == L_REMOTE && ev != IPA_EV_new && ev != IPA_EV_unblock)
            err(ck, s->b->span, "'%s' may move its target only to a state "
                "of its own core; choosing a core is for 'new' and "
                "'unblock'", en);
        return;
    }
    case IPA_EV_schedule:
        if (dc != C_RUNNING) {
            err(ck, s->b->span, "'schedule' elects a thread by moving it to "
                "a RUNNING state; '%s' is %s", dn, class_names[dc]);
            return;
        }
        if (sv.oclass != C_READY) {
            err(ck, s->a->span, "'schedule' elects a READY thread; this one "
                "is %s", sv.oclass >= 0 ? class_names[sv.oclass]
                                        : "in an unknown state");
            return;
        }
        if (sv.loc != L_OWN || dv.loc != L_OWN)
            err(ck, arrow, "'schedule' elects a thread queued on its own core "
                "('first(ready) => current')");
        return;
    case IPA_EV_balancing_select:
    case IPA_EV_newly_idle:
        if (sv.oclass != C_READY || dc != C_READY) {
            err(ck, arrow, "'%s' may only move READY threads between READY "
                "states", en);
            return;
        }
        if (dv.loc == L_REMOTE)
            err(ck, s->b->span, "'%s' may move threads only into its own "
                "core's states; pushing to another core needs a 'try' "
                "function", en);
        return;
    case IPA_EV_core_exit:
        if (!(sv.oclass == C_READY && dc == C_READY)) {
            err(ck, arrow, "'core_exit' moves the core's READY threads to "
                "READY states of other cores (blocked threads stay: their "
                "wake-up places them)");
            return;
        }
        if (sv.loc != L_OWN)
            err(ck, s->a->span, "'core_exit' may only move threads of the "
                "exiting core");
        return;
    default:
        err(ck, arrow, "'%s' may not move threads", en);
        return;
    }
}

/* Where a thread comes from when it is taken from another core: only try
 * functions and balancing handlers may do that (best effort). */
static void check_steal(struct checker *ck, struct ctx *cx,
                        const struct ipa_node *s)
{
    const struct val *sv = val_of(ck, s->a);
    if (!sv || sv->origin != O_STATE || sv->loc != L_REMOTE)
        return;
    if (cx->func || is_balancing(cx->event) ||
        cx->event == IPA_EV_schedule)
        return; /* schedule: reported by check_move */
    if (cx->event >= 0 && events[cx->event].target == TG_PROCESS &&
        cx->event != IPA_EV_schedule)
        return; /* reported as "may move only its target" */
    err(ck, s->a->span, "a thread of another core can be taken only in a "
        "'try' function or a balancing handler (they lock it first)");
}

static struct type check_lvalue(struct checker *ck, struct ctx *cx,
                                 const struct ipa_node *e)
{
    if (e->kind == IPA_N_IDENT) {
        struct local *l = find_local(cx, e->name);
        if (l) {
            if (l->is_event) {
                err(ck, e->span, "the event variable cannot be assigned");
                return t_err;
            }
            return remember(ck, e, bound_decl(l->v, IPA_B_LOCAL, l->node)).t;
        }
        if (g_hash_table_lookup(ck->consts, e->name)) {
            err(ck, e->span, "'%s' is a constant (set it with --param)",
                e->name);
            return t_err;
        }
    }
    if (e->kind != IPA_N_IDENT && e->kind != IPA_N_MEMBER) {
        err(ck, e->span, "this expression cannot be assigned to");
        check_expr(ck, cx, e);
        return t_err;
    }
    struct val v = check_expr(ck, cx, e);
    if (v.t.k == T_ERR)
        return t_err;
    /* find the field written */
    const struct field *f = NULL;
    enum loc owner = L_OWN;
    if (e->kind == IPA_N_MEMBER) {
        const struct val *o = val_of(ck, e->a);
        int ent = o ? ent_of_kind(o->t.k) : -1;
        if (ent >= 0)
            f = find_field(ck, ent, e->name);
        if (o && o->t.k == T_CORE)
            owner = o->loc;
        if (!f) {
            err(ck, e->span, "'%s' cannot be assigned to",
                e->name ? e->name : "this");
            return t_err;
        }
    } else {
        f = find_field(ck, cx->entity >= 0 ? cx->entity : ENT_CORE, e->name);
        if (!f)
            f = find_field(ck, ENT_CORE, e->name);
    }
    if (f && f->kind == F_STATE) {
        err(ck, e->span, "'%s' is a state: threads enter it with '=>'",
            f->name);
        return t_err;
    }
    if (f && f->kind == F_LAZY) {
        err(ck, e->span, "'%s' is lazy: it is computed when read and cannot "
            "be assigned", f->name);
        return t_err;
    }
    if (f && f->kind == F_SYSTEM) {
        err(ck, e->span, "'%s' is a system attribute, maintained by the "
            "runtime: it cannot be assigned", f->name);
        return t_err;
    }
    if (f && f->type.k == T_SET)
        err(ck, e->span, "set attribute '%s' is filled by the domains "
            "builder and cannot be assigned", f->name);
    bool core_field = e->kind == IPA_N_MEMBER
                          ? (val_of(ck, e->a) &&
                             val_of(ck, e->a)->t.k == T_CORE)
                          : (f && cx->entity < 0 && !find_local(cx, e->name));
    if (f && core_field &&
        (cx->event == IPA_EV_new || cx->event == IPA_EV_unblock)) {
        err(ck, e->span, "'%s' runs before its core is chosen and locked: "
            "it may change only the target's attributes",
            events[cx->event].name);
        return t_err;
    }
    if (f && owner == L_REMOTE)
        err(ck, e->span, "cannot write attribute '%s' of another core: a "
            "handler locks only its own core", f->name);
    const struct val *obj = e->kind == IPA_N_MEMBER ? val_of(ck, e->a) : NULL;
    if (f && obj && obj->t.k == T_PROCESS && obj->loc == L_REMOTE)
        err(ck, e->span, "cannot write attribute '%s' of a thread queued on "
            "another core: that core's lock is not held here (write it in a "
            "'try' function that locks the core)", f->name);
    return v.t;
}

static void check_block(struct checker *ck, struct ctx *cx,
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
        check_block(ck, cx, s);
        return;
    case IPA_N_VAR: {
        struct type t = resolve_type(ck, s->a);
        struct val v = vnone(t);
        if (t.k == T_VOID)
            err(ck, s->a->span, "a variable cannot be 'void'");
        if (t.k == T_CORE)
            v.loc = L_REMOTE;
        if (t.k == T_PROCESS)
            v.origin = O_UNKNOWN;
        if (s->b) {
            struct val iv = check_value(ck, cx, s->b);
            if (!type_ok(t, iv.t))
                err(ck, s->b->span, "cannot initialise '%s' of type '%s' "
                    "with a value of type '%s'", s->name, type_name(t, ta, sizeof ta),
                    type_name(iv.t, tb, sizeof tb));
            else if (iv.t.k == t.k) {
                v = iv;
                v.t = t;
                v.state = -1;
            }
        }
        push_local(cx, s->name, v, s);
        return;
    }
    case IPA_N_MOVE:
        check_move(ck, cx, s);
        check_steal(ck, cx, s);
        return;
    case IPA_N_ASSIGN: {
        struct type lt = check_lvalue(ck, cx, s->a);
        struct val rv = check_value(ck, cx, s->b);
        if (s->op != IPA_TOK_ASSIGN) {
            if (!is_numeric(lt) || !is_numeric(rv.t))
                err(ck, s->name_span, "'%s' needs numbers, not '%s' and '%s'",
                    ipa_tok_text(s->op), type_name(lt, ta, sizeof ta),
                    type_name(rv.t, tb, sizeof tb));
        } else if (!type_ok(lt, rv.t)) {
            err(ck, s->b->span, "cannot assign a value of type '%s' to "
                "one of type '%s'",
                type_name(rv.t, tb, sizeof tb), type_name(lt, ta, sizeof ta));
        }
        return;
    }
    case IPA_N_INCDEC: {
        struct type lt = check_lvalue(ck, cx, s->a);
        if (!is_numeric(lt))
            err(ck, s->a->span, "'%s' needs a number, not '%s'",
                ipa_tok_text(s->op), type_name(lt, ta, sizeof ta));
        return;
    }
    case IPA_N_EXPR_STMT: {
        const struct ipa_node *c = s->a;
        check_expr(ck, cx, c);
        if (c->kind == IPA_N_CALL && !find_func(ck, c->name)) {
            for (size_t i = 0; i < G_N_ELEMENTS(builtins); i++) {
                if (!strcmp(builtins[i], c->name) &&
                    strcmp(c->name, "preempt"))
                    err(ck, c->span, "the value of '%s' is unused", c->name);
            }
        }
        return;
    }
    case IPA_N_IF: {
        struct val c = check_value(ck, cx, s->a);
        if (!type_ok(t_bool, c.t))
            err(ck, s->a->span, "a condition must be a 'bool', not '%s'",
                type_name(c.t, ta, sizeof ta));
        unsigned mark = cx->locals->len;
        check_stmt(ck, cx, s->b);
        g_array_set_size(cx->locals, mark);
        if (s->c) {
            check_stmt(ck, cx, s->c);
            g_array_set_size(cx->locals, mark);
        }
        return;
    }
    case IPA_N_FOREACH: {
        struct val c = check_value(ck, cx, s->b);
        struct val v = vnone(t_err);
        if (c.t.k == T_SET) {
            v = vnone((struct type){c.t.elem, 0});
            if (c.t.elem == T_PROCESS) {
                v.origin = c.state >= 0 ? O_STATE : O_UNKNOWN;
                if (c.state >= 0) {
                    v.oclass = state_class(ck, c.state);
                    v.loc = c.loc;
                }
            } else if (c.t.elem == T_CORE) {
                v.loc = L_REMOTE;
            }
        } else if (c.t.k != T_ERR) {
            err(ck, s->b->span, "'foreach' walks a set (a finite "
                "collection), not '%s'", type_name(c.t, ta, sizeof ta));
        }
        unsigned mark = cx->locals->len;
        push_local(cx, s->a->name, v, s->a);
        cx->loop_depth++;
        check_stmt(ck, cx, s->c);
        cx->loop_depth--;
        g_array_set_size(cx->locals, mark);
        return;
    }
    case IPA_N_BREAK:
    case IPA_N_CONTINUE:
        if (!cx->loop_depth)
            err(ck, s->span, "'%s' outside a 'foreach'",
                s->kind == IPA_N_BREAK ? "break" : "continue");
        return;
    case IPA_N_RETURN: {
        struct type want = cx->func ? resolve_type(ck, cx->func->node->a)
                                    : t_void;
        if (s->a) {
            struct val v = check_value(ck, cx, s->a);
            if (want.k == T_VOID)
                err(ck, s->a->span, "%s returns no value",
                    cx->func ? "a 'void' function" : "an event handler");
            else if (!type_ok(want, v.t))
                err(ck, s->a->span, "returning a '%s' from a function of "
                    "type '%s'", type_name(v.t, tb, sizeof tb),
                    type_name(want, ta, sizeof ta));
        } else if (want.k != T_VOID) {
            err(ck, s->span, "a '%s' function must return a value",
                type_name(want, ta, sizeof ta));
        }
        return;
    }
    default:
        IPA_UNREACHABLE();
    }
}

/* ---- paths: no lost thread, work-conserving election ---------------------- */

/* One control-flow path through a handler, as far as the checks care. */
struct pst {
    uint8_t tmoves;  /* target moves: 0, 1, 2 (two or more) */
    uint8_t ended;   /* returned */
    uint8_t brk;     /* left the loop body (break/continue) */
    uint8_t nelect;  /* elections */
    uint8_t elected; /* elected from a state known to be non-empty */
    uint32_t empty, nonempty, tried; /* bit i: state i */
    struct ipa_span first_move;
    struct ipa_span why; /* last branch taken */
    int why_kind;        /* 0 none, 1 condition true, 2 false, 3 no loop */
    struct ipa_span end; /* the return statement */
};

struct walk {
    struct checker *ck;
    int event;
    int in_loop;
    bool overflow;
};

static bool pst_same(const struct pst *a, const struct pst *b)
{
    return a->tmoves == b->tmoves && a->ended == b->ended &&
           a->brk == b->brk && a->nelect == b->nelect &&
           a->elected == b->elected && a->empty == b->empty &&
           a->nonempty == b->nonempty && a->tried == b->tried;
}

static void pst_add(struct walk *w, GArray *set, const struct pst *p)
{
    for (unsigned i = 0; i < set->len; i++) {
        if (pst_same(&g_array_index(set, struct pst, i), p))
            return;
    }
    if (set->len >= 1024) {
        w->overflow = true;
        return;
    }
    g_array_append_val(set, *p);
}

static GArray *pst_set(void)
{
    return g_array_new(FALSE, FALSE, sizeof(struct pst));
}

static uint32_t bit(int i)
{
    return i >= 0 && i < 32 ? 1u << i : 0;
}

/* Whether @c decides that a READY state of the own core is empty: returns
 * +1 if true means non-empty (false: empty), -1 if true means empty. */
static int cond_fact(const struct checker *ck, const struct ipa_node *c,
                     int *state)
{
    if (c->kind == IPA_N_UNARY && c->op == IPA_TOK_BANG)
        return -cond_fact(ck, c->a, state);
    if (c->kind == IPA_N_CALL && !strcmp(c->name, "valid") &&
        ipa_node_count(c) == 1) {
        const struct val *v = val_of(ck, ipa_node_at(c, 0));
        if (v && v->sel_state >= 0 && !v->filtered && v->sel_loc == L_OWN) {
            *state = v->sel_state;
            return 1;
        }
        return 0;
    }
    if (c->kind != IPA_N_BINARY || c->b->kind != IPA_N_INT_LIT)
        return 0;
    const struct ipa_node *l = c->a;
    const struct val *sv = NULL;
    if (l->kind == IPA_N_MEMBER && !strcmp(l->name, "size"))
        sv = val_of(ck, l->a);
    else if (l->kind == IPA_N_CALL && !strcmp(l->name, "count") &&
             ipa_node_count(l) == 1)
        sv = val_of(ck, ipa_node_at(l, 0));
    if (!sv || sv->state < 0 || sv->loc != L_OWN)
        return 0;
    *state = sv->state;
    int64_t k = c->b->ival;
    switch (c->op) {
    case IPA_TOK_GT: return k == 0 ? 1 : 0;
    case IPA_TOK_GE: return k == 1 ? 1 : 0;
    case IPA_TOK_NE: return k == 0 ? 1 : 0;
    case IPA_TOK_EQ: return k == 0 ? -1 : 0;
    case IPA_TOK_LT: return k == 1 ? -1 : 0;
    case IPA_TOK_LE: return k == 0 ? -1 : 0;
    default: return 0;
    }
}

static GArray *walk_stmt(struct walk *w, const struct ipa_node *s, GArray *in);

static GArray *walk_list(struct walk *w, const struct ipa_node *b, GArray *in)
{
    GArray *cur = in;
    for (unsigned i = 0; i < ipa_node_count(b); i++) {
        GArray *next = walk_stmt(w, ipa_node_at(b, i), cur);
        if (next != cur && cur != in)
            g_array_free(cur, TRUE);
        cur = next;
    }
    return cur;
}

static void walk_move(struct walk *w, const struct ipa_node *s, GArray *set)
{
    struct checker *ck = w->ck;
    const struct val *sv = val_of(ck, s->a);
    const struct val *dv = val_of(ck, s->b);
    if (!sv || !dv)
        return;
    if (sv->t.k == T_ERR || dv->t.k == T_ERR || dv->state < 0) {
        /* already reported: count it as the move it meant to be, so that
         * no "lost thread" or "idle core" error follows from it */
        for (unsigned i = 0; i < set->len; i++) {
            struct pst *p = &g_array_index(set, struct pst, i);
            if (!p->tmoves)
                p->tmoves = 1;
            p->elected = 1;
        }
        return;
    }
    bool target = sv->origin == O_TARGET;
    bool election = w->event == IPA_EV_schedule &&
                    state_class(ck, dv->state) == C_RUNNING;
    if (target && w->in_loop)
        err(ck, s->span, "the target is moved inside a 'foreach': it could "
            "be moved more than once");
    for (unsigned i = 0; i < set->len; i++) {
        struct pst *p = &g_array_index(set, struct pst, i);
        if (p->ended || p->brk)
            continue;
        if (target) {
            if (p->tmoves >= 1) {
                int l, c;
                pos(ck, p->first_move, &l, &c);
                if (err(ck, s->span, "the target is moved twice on this "
                        "path (first moved at %d:%d)", l, c))
                    note_pos(ck, p->first_move, "first moved here");
            } else {
                p->first_move = s->span;
            }
            if (p->tmoves < 2)
                p->tmoves++;
        }
        if (election) {
            if (p->nelect >= 1)
                err(ck, s->span, "'schedule' elects twice on this path: a "
                    "core runs one thread at a time");
            if (p->nelect < 2)
                p->nelect++;
            if (sv->sel_state >= 0 && !sv->filtered && sv->sel_loc == L_OWN) {
                p->tried |= bit(sv->sel_state);
                if (p->nonempty & bit(sv->sel_state))
                    p->elected = 1;
            }
        }
    }
}

static GArray *walk_stmt(struct walk *w, const struct ipa_node *s, GArray *in)
{
    GArray *out;
    switch (s->kind) {
    case IPA_N_BLOCK:
        return walk_list(w, s, in);
    case IPA_N_MOVE:
        walk_move(w, s, in);
        return in;
    case IPA_N_RETURN:
    case IPA_N_BREAK:
    case IPA_N_CONTINUE:
        for (unsigned i = 0; i < in->len; i++) {
            struct pst *p = &g_array_index(in, struct pst, i);
            if (p->ended || p->brk)
                continue;
            if (s->kind == IPA_N_RETURN) {
                p->ended = 1;
                p->end = s->span;
            } else {
                p->brk = 1;
            }
        }
        return in;
    case IPA_N_IF: {
        int st = -1;
        int fact = cond_fact(w->ck, s->a, &st);
        GArray *t = pst_set(), *f = pst_set();
        out = pst_set();
        for (unsigned i = 0; i < in->len; i++) {
            struct pst p = g_array_index(in, struct pst, i);
            if (p.ended || p.brk) {
                pst_add(w, out, &p);
                continue;
            }
            struct pst pt = p, pf = p;
            pt.why = pf.why = s->a->span;
            pt.why_kind = 1;
            pf.why_kind = 2;
            bool t_ok = true, f_ok = true;
            if (fact) {
                uint32_t b = bit(st);
                struct pst *ne = fact > 0 ? &pt : &pf;
                struct pst *em = fact > 0 ? &pf : &pt;
                bool *ne_ok = fact > 0 ? &t_ok : &f_ok;
                bool *em_ok = fact > 0 ? &f_ok : &t_ok;
                if (ne->empty & b)
                    *ne_ok = false;
                ne->nonempty |= b;
                if (em->nonempty & b)
                    *em_ok = false;
                em->empty |= b;
            }
            if (t_ok)
                pst_add(w, t, &pt);
            if (f_ok)
                pst_add(w, f, &pf);
        }
        GArray *t2 = walk_stmt(w, s->b, t);
        GArray *f2 = s->c ? walk_stmt(w, s->c, f) : f;
        for (unsigned i = 0; i < t2->len; i++)
            pst_add(w, out, &g_array_index(t2, struct pst, i));
        for (unsigned i = 0; i < f2->len; i++)
            pst_add(w, out, &g_array_index(f2, struct pst, i));
        if (t2 != t)
            g_array_free(t2, TRUE);
        if (f2 != f)
            g_array_free(f2, TRUE);
        g_array_free(t, TRUE);
        g_array_free(f, TRUE);
        return out;
    }
    case IPA_N_FOREACH: {
        out = pst_set();
        GArray *body = pst_set();
        for (unsigned i = 0; i < in->len; i++) {
            struct pst p = g_array_index(in, struct pst, i);
            if (!p.ended && !p.brk) {
                pst_add(w, body, &p);
                p.why = s->span;
                p.why_kind = 3;
            }
            pst_add(w, out, &p);
        }
        w->in_loop++;
        GArray *b2 = walk_stmt(w, s->c, body);
        w->in_loop--;
        for (unsigned i = 0; i < b2->len; i++) {
            struct pst p = g_array_index(b2, struct pst, i);
            p.brk = 0;
            pst_add(w, out, &p);
        }
        if (b2 != body)
            g_array_free(b2, TRUE);
        g_array_free(body, TRUE);
        return out;
    }
    default:
        return in;
    }
}

static void note_why(struct checker *ck, const struct pst *p)
{
    switch (p->why_kind) {
    case 1:
        note_pos(ck, p->why, "on the path where this condition is true");
        break;
    case 2:
        note_pos(ck, p->why, "on the path where this condition is false");
        break;
    case 3:
        note_pos(ck, p->why, "on the path where this loop runs no "
                 "iteration");
        break;
    default:
        break;
    }
}

static bool must_move_target(int ev)
{
    return ev == IPA_EV_new || ev == IPA_EV_yield || ev == IPA_EV_block ||
           ev == IPA_EV_unblock || ev == IPA_EV_terminate;
}

static void check_paths(struct checker *ck, int ev, const struct ipa_node *on)
{
    struct walk w = {ck, ev, 0, false};
    GArray *in = pst_set();
    struct pst start;
    memset(&start, 0, sizeof start);
    g_array_append_val(in, start);
    GArray *out = walk_stmt(&w, on->a, in);
    const struct ipa_node *body = on->a;
    struct ipa_span close = {ck->src, body->span.off + body->span.len - 1, 1};
    uint32_t ready_mask = 0;
    for (unsigned i = 0; i < ck->states->len && i < 32; i++) {
        if (state_class(ck, (int)i) == C_READY)
            ready_mask |= bit((int)i);
    }
    for (unsigned i = 0; i < out->len; i++) {
        const struct pst *p = &g_array_index(out, struct pst, i);
        struct ipa_span at = p->ended ? p->end : close;
        if (must_move_target(ev) && p->tmoves == 0) {
            if (err(ck, at, "'%s' must move its target, but this path ends "
                    "without moving it (the thread would be lost)",
                    events[ev].name))
                note_why(ck, p);
        }
        if (ev == IPA_EV_schedule && !p->elected) {
            uint32_t missing = ready_mask & ~(p->empty | p->tried);
            if (missing && p->nelect == 0 && ready_mask & ~p->empty) {
                int st = 0;
                while (!(missing & bit(st)))
                    st++;
                if (err(ck, at, "'schedule' may leave the core idle while "
                        "'%s' holds threads (not work-conserving)",
                        state_name(ck, st)))
                    note_why(ck, p);
            } else if (missing && p->nelect) {
                int st = 0;
                while (!(missing & bit(st)))
                    st++;
                if (err(ck, at, "'schedule' may elect nothing while '%s' "
                        "holds threads: elect with an unfiltered selection "
                        "('first(%s)') or test the state first",
                        state_name(ck, st), state_name(ck, st)))
                    note_why(ck, p);
            }
        }
    }
    if (w.overflow)
        warn(ck, on->name_span, "too many paths: the path checks of '%s' are "
             "incomplete", events[ev].name);
    if (out != in)
        g_array_free(out, TRUE);
    g_array_free(in, TRUE);
}

/* ---- functions, handlers, entities, the builder ----------------------------- */

static bool always_returns(const struct ipa_node *s)
{
    switch (s->kind) {
    case IPA_N_RETURN:
        return true;
    case IPA_N_BLOCK:
        for (unsigned i = 0; i < ipa_node_count(s); i++) {
            if (always_returns(ipa_node_at(s, i)))
                return true;
        }
        return false;
    case IPA_N_IF:
        return s->c && always_returns(s->b) && always_returns(s->c);
    default:
        return false;
    }
}

/* An interface function (Bossa's): a trace's "call" op runs it for the
 * calling thread, its first parameter, with the call's arguments, which
 * are numbers. Its body is checked as any function's: it may write that
 * thread's attributes, and moves no thread. */
static void check_interface(struct checker *ck, const struct ipa_node *n,
                            struct type rt)
{
    if (rt.k != T_VOID && rt.k != T_ERR)
        err(ck, n->a->span, "an interface function returns nothing to the "
            "trace that calls it: declare it 'interface void'");
    unsigned nr = ipa_node_count(n);
    struct type first = nr ? resolve_type(ck, ipa_node_at(n, 0)->a) : t_err;
    if (!nr || (first.k != T_PROCESS && first.k != T_ERR)) {
        err(ck, nr ? ipa_node_at(n, 0)->a->span : name_span(n),
            "an interface function's first parameter is the calling "
            "thread: 'process'");
        return;
    }
    for (unsigned i = 1; i < nr; i++) {
        const struct ipa_node *pa = ipa_node_at(n, i);
        struct type t = resolve_type(ck, pa->a);
        if (t.k != T_INT && t.k != T_TIME && t.k != T_BOOL && t.k != T_ERR)
            err(ck, pa->a->span, "a trace passes numbers to an interface "
                "function: parameter '%s' must be int, time or bool",
                pa->name);
    }
}

static void check_func(struct checker *ck, struct func *f)
{
    const struct ipa_node *n = f->node;
    struct ctx cx = {.event = -1, .func = f,
                     .in_try = n->ival == IPA_FUNC_TRY, .entity = -1};
    cx.locals = g_array_new(FALSE, FALSE, sizeof(struct local));
    struct type rt = resolve_type(ck, n->a);
    if (ipa_node_count(n) > IPA_MAX_PARAMS)
        err(ck, name_span(n), "a function takes at most %d parameters",
            IPA_MAX_PARAMS);
    if (cx.in_try && rt.k != T_VOID)
        err(ck, n->a->span, "a 'try' function may fail quietly, so it "
            "returns nothing: declare it 'try void'");
    for (unsigned i = 0; i < ipa_node_count(n); i++) {
        const struct ipa_node *pa = ipa_node_at(n, i);
        struct type t = resolve_type(ck, pa->a);
        struct val v = vnone(t);
        if (t.k == T_VOID)
            err(ck, pa->a->span, "a parameter cannot be 'void'");
        if (t.k == T_CORE)
            v.loc = cx.in_try ? L_LOCKED : L_REMOTE;
        if (t.k == T_PROCESS)
            v.origin = O_PARAM;
        for (unsigned j = 0; j < i; j++) {
            if (!strcmp(ipa_node_at(n, j)->name, pa->name))
                err(ck, name_span(pa), "parameter '%s' is declared twice",
                    pa->name);
        }
        push_local(&cx, pa->name, v, pa);
    }
    if (n->ival == IPA_FUNC_INTERFACE)
        check_interface(ck, n, rt);
    check_block(ck, &cx, n->b);
    if (rt.k != T_VOID && rt.k != T_ERR && !always_returns(n->b))
        err(ck, name_span(n), "function '%s' may end without returning a "
            "value", n->name);
    g_array_free(cx.locals, TRUE);
}

/* A move of the variable @var somewhere in @s. */
static bool moves_var(const struct ipa_node *s, const char *var)
{
    if (!s)
        return false;
    if (s->kind == IPA_N_MOVE)
        return s->a->kind == IPA_N_IDENT && !strcmp(s->a->name, var);
    for (unsigned i = 0; i < ipa_node_count(s); i++)
        if (moves_var(ipa_node_at(s, i), var))
            return true;
    return (s->kind != IPA_N_FOREACH && moves_var(s->a, var)) ||
           moves_var(s->b, var) || moves_var(s->c, var);
}

/* A `foreach (p in S)` over the own core's state @state whose body moves
 * p, somewhere in @s. */
static bool empties_state(const struct checker *ck, const struct ipa_node *s,
                          int state)
{
    if (!s)
        return false;
    if (s->kind == IPA_N_FOREACH) {
        const struct val *v = val_of(ck, s->b);
        if (v && v->state == state && v->loc == L_OWN &&
            moves_var(s->c, s->a->name))
            return true;
    }
    if (s->kind == IPA_N_BLOCK)
        for (unsigned i = 0; i < ipa_node_count(s); i++)
            if (empties_state(ck, ipa_node_at(s, i), state))
                return true;
    return (s->kind == IPA_N_IF || s->kind == IPA_N_FOREACH) &&
           (empties_state(ck, s->b, state) || empties_state(ck, s->c, state));
}

/* core_exit gets its running thread requeued in the first READY state;
 * every READY state must then be walked and its threads moved away. */
static void check_core_exit(struct checker *ck, const struct ipa_node *on)
{
    for (unsigned i = 0; i < ck->states->len; i++) {
        const struct state *st = &g_array_index(ck->states, struct state, i);
        if (st->cls != C_READY || st->global ||
            empties_state(ck, on->a, (int)i))
            continue;
        if (err(ck, name_span(on), "'core_exit' must move the threads of "
                "'%s' to other cores: a thread left on an offline core never "
                "runs", st->name))
            note_pos(ck, name_span(on), "walk it: 'foreach (p in %s) { p "
                     "=> c.%s; }' (the running thread is already back in the "
                     "first READY state)", st->name, st->name);
    }
}

static void check_on(struct checker *ck, const struct ipa_node *h,
                     const struct ipa_node *on)
{
    int ev = ipa_event_lookup(on->name);
    bool core_handler = h->op == IPA_TOK_CORE_EVENT;
    if (ev < 0) {
        if (err(ck, name_span(on), "unknown event '%s'", on->name)) {
            GPtrArray *c = g_ptr_array_new();
            for (int i = 0; i < IPA_EV_COUNT; i++)
                g_ptr_array_add(c, (gpointer)events[i].name);
            suggest(ck, name_span(on), on->name, c);
            g_ptr_array_free(c, TRUE);
        }
        return;
    }
    if (events[ev].handler != HK_B &&
        (events[ev].handler == HK_C) != core_handler) {
        err(ck, name_span(on), "'%s' is a %s event: handle it in 'handler "
            "(%s e)'", on->name,
            events[ev].handler == HK_C ? "core" : "process",
            events[ev].handler == HK_C ? "core_event" : "process_event");
        return;
    }
    if (ck->on_nodes[ev]) {
        if (err(ck, name_span(on), "event '%s' is handled twice", on->name))
            note_pos(ck, name_span(ck->on_nodes[ev]), "first handled here");
        return;
    }
    ck->on_nodes[ev] = on;
    ck->handler_nodes[ev] = h;
    struct ctx cx = {.event = ev, .entity = -1};
    cx.locals = g_array_new(FALSE, FALSE, sizeof(struct local));
    struct local e = {h->a->name, vnone((struct type){T_EVENT, 0}), h->a,
                      true};
    g_array_append_val(cx.locals, e);
    check_block(ck, &cx, on->a);
    g_array_free(cx.locals, TRUE);
    check_paths(ck, ev, on);
    if (ev == IPA_EV_core_exit)
        check_core_exit(ck, on);
}

/* Attribute initialisers: lazy ones are computed when read, plain ones
 * when the entity is created; both see the entity's own fields. */
static void check_entity_inits(struct checker *ck, int ent)
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
        struct val v = check_value(ck, &cx, m->b);
        struct type t = resolve_type(ck, m->a);
        if (!type_ok(t, v.t))
            err(ck, m->b->span, "attribute '%s' is a '%s', but its "
                "initialiser is a '%s'", m->name, type_name(t, ta, sizeof ta),
                type_name(v.t, tb, sizeof tb));
        g_array_free(cx.locals, TRUE);
    }
}

/* A state's order keys read the queued thread's attributes. */
static void check_state_orders(struct checker *ck)
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
            struct val k = check_value(ck, &cx, key);
            if (!is_numeric(k.t) && k.t.k != T_BOOL)
                err(ck, key->span, "an ordering key is an int, time or "
                    "bool, not '%s'", type_name(k.t, tb, sizeof tb));
            g_array_free(cx.locals, TRUE);
        }
    }
}

/* distance(x, y) <= dist + k (or < dist + k + 1): returns true and sets
 * @k when @e has that shape over the variables @x and @y (either order). */
static bool distance_bound(const struct ipa_node *e, const char *x,
                           const char *y, const char *dist, int64_t *k)
{
    if (e->kind != IPA_N_BINARY ||
        (e->op != IPA_TOK_LE && e->op != IPA_TOK_LT))
        return false;
    const struct ipa_node *c = e->a, *r = e->b;
    if (c->kind != IPA_N_CALL || strcmp(c->name, "distance") != 0 ||
        ipa_node_count(c) != 2 || c->b || c->c)
        return false;
    const struct ipa_node *a0 = ipa_node_at(c, 0), *a1 = ipa_node_at(c, 1);
    if (a0->kind != IPA_N_IDENT || a1->kind != IPA_N_IDENT)
        return false;
    if (!((!strcmp(a0->name, x) && !strcmp(a1->name, y)) ||
          (!strcmp(a0->name, y) && !strcmp(a1->name, x))))
        return false;
    int64_t off;
    if (r->kind == IPA_N_IDENT && !strcmp(r->name, dist))
        off = 0;
    else if (r->kind == IPA_N_BINARY &&
             (r->op == IPA_TOK_PLUS || r->op == IPA_TOK_MINUS) &&
             r->a->kind == IPA_N_IDENT && !strcmp(r->a->name, dist) &&
             r->b->kind == IPA_N_INT_LIT)
        off = r->op == IPA_TOK_PLUS ? r->b->ival : -r->b->ival;
    else
        return false;
    *k = e->op == IPA_TOK_LT ? off - 1 : off;
    return true;
}

/* "dist", "dist + 2", "dist - 1" */
static char *dist_plus(const char *dist, int64_t k)
{
    if (k == 0)
        return g_strdup(dist);
    return g_strdup_printf("%s %c %" G_GINT64_FORMAT, dist, k > 0 ? '+' : '-',
                           k > 0 ? k : -k);
}

static void builder_field(struct checker *ck, int ent,
                          const struct ipa_node *name, int elem)
{
    struct field *f = find_field(ck, ent, name->name);
    if (!f) {
        if (err(ck, name->span, "'%s' has no attribute '%s' to hold the %s",
                ent_names[ent], name->name,
                elem == T_DOMAIN ? "domains" : elem == T_GROUP ? "groups"
                                                                : "cores")) {
            GPtrArray *c = g_ptr_array_new();
            field_names(ck, ent, c);
            suggest(ck, name->span, name->name, c);
            g_ptr_array_free(c, TRUE);
            note_pos(ck, name->span, "declare it in '%s' as 'set<%s> %s;'",
                     ent_names[ent], kind_name(elem), name->name);
        }
        return;
    }
    if (f->type.k != T_SET || f->type.elem != elem || f->kind != F_PLAIN)
        err(ck, name->span, "'%s' of %s must be declared 'set<%s>'",
            name->name, ent_names[ent], kind_name(elem));
}

static void check_builder(struct checker *ck)
{
    const struct ipa_node *b = ck->builder;
    if (!b)
        return;
    char ta[32];
    const struct ipa_node *lv = b->c, *d = lv->c, *g = d->d;
    builder_field(ck, ENT_CORE, b->b, T_DOMAIN);
    if (!ck->entity_node[ENT_DOMAIN])
        err(ck, d->span, "the builder makes domains, but no 'domain = "
            "{...}' is declared");
    else
        builder_field(ck, ENT_DOMAIN, d->c, T_GROUP);
    if (!ck->entity_node[ENT_GROUP])
        err(ck, g->span, "the builder makes groups, but no 'group = {...}' "
            "is declared");
    else
        builder_field(ck, ENT_GROUP, g->d, T_CORE);

    struct ctx cx = {.event = -1, .entity = -1};
    cx.locals = g_array_new(FALSE, FALSE, sizeof(struct local));
    struct val core = vnone((struct type){T_CORE, 0});
    core.loc = L_REMOTE;
    push_local(&cx, b->a->name, core, b->a);
    int64_t start = 1;
    if (lv->b) {
        struct val v = check_value(ck, &cx, lv->b);
        if (!type_ok(t_int, v.t))
            err(ck, lv->b->span, "'starting_at' takes an int, not '%s'",
                type_name(v.t, ta, sizeof ta));
        if (lv->b->kind == IPA_N_INT_LIT)
            start = lv->b->ival;
    }
    push_local(&cx, lv->a->name, vnone(t_int), lv->a);
    unsigned mark = cx.locals->len;
    push_local(&cx, d->a->name, core, d->a);
    struct val pv = check_value(ck, &cx, d->b);
    if (!type_ok(t_bool, pv.t))
        err(ck, d->b->span, "a domain predicate is a 'bool', not '%s'",
            type_name(pv.t, ta, sizeof ta));
    g_array_set_size(cx.locals, mark);
    push_local(&cx, g->a->name, core, g->a);
    push_local(&cx, g->b->name, core, g->b);
    struct val gv = check_value(ck, &cx, g->c);
    if (!type_ok(t_bool, gv.t))
        err(ck, g->c->span, "a group relation is a 'bool', not '%s'",
            type_name(gv.t, ta, sizeof ta));
    g_array_free(cx.locals, TRUE);

    /* The three hierarchy rules, when the predicates have the talk's
     * shape: domain = cores within dist + kd of self, groups = classes of
     * cores within dist + kg of each other. Distance ranks nest (cores
     * within rank r of a core form a class), so groups never overlap. */
    int64_t kd, kg;
    if (!distance_bound(d->b, d->a->name, b->a->name, lv->a->name, &kd) ||
        !distance_bound(g->c, g->a->name, g->b->name, lv->a->name, &kg)) {
        warn(ck, b->span, "cannot check this hierarchy statically: it is "
             "checked when the policy is loaded on a topology");
        return;
    }
    if (kd < 0) {
        char *bound = dist_plus(lv->a->name, kd);
        err(ck, d->b->span, "the top domain does not hold all cores: at the "
            "last level, cores farther than '%s' are left out", bound);
        g_free(bound);
        return;
    }
    if (kg != kd - 1) {
        char *bound = dist_plus(lv->a->name, kd - 1);
        if (err(ck, g->c->span, "each group must be a domain one level "
                "down: the relation must be 'distance(%s, %s) <= %s'",
                g->a->name, g->b->name, bound))
            note_pos(ck, d->b->span, "the domains are built with this "
                     "predicate");
        g_free(bound);
    }
    if (start + kg < 0 && kd >= 0 && kg == kd - 1)
        err(ck, lv->b ? lv->b->span : lv->span, "at the first level the "
            "groups hold no core: start at %" G_GINT64_FORMAT " or later",
            -kg);
}

/* Constant expressions: literals, other constants, arithmetic. */
static bool is_constant(struct checker *ck, const struct ipa_node *e,
                        int depth)
{
    if (depth > 32)
        return false;
    switch (e->kind) {
    case IPA_N_INT_LIT:
    case IPA_N_TIME_LIT:
    case IPA_N_BOOL_LIT:
        return true;
    case IPA_N_IDENT: {
        const struct ipa_node *c = g_hash_table_lookup(ck->consts, e->name);
        return c && is_constant(ck, c->b, depth + 1);
    }
    case IPA_N_UNARY:
        return is_constant(ck, e->a, depth + 1);
    case IPA_N_BINARY:
        return is_constant(ck, e->a, depth + 1) &&
               is_constant(ck, e->b, depth + 1);
    default:
        return false;
    }
}

static void check_consts(struct checker *ck)
{
    char ta[32], tb[32];
    const struct ipa_node *root = ck->ast->root;
    for (unsigned i = 0; i < ipa_node_count(root); i++) {
        const struct ipa_node *c = ipa_node_at(root, i);
        if (c->kind != IPA_N_CONST)
            continue;
        struct type t = resolve_type(ck, c->a);
        if (t.k != T_INT && t.k != T_TIME && t.k != T_BOOL)
            err(ck, c->a->span, "a constant is an int, time or bool");
        if (!is_constant(ck, c->b, 0)) {
            err(ck, c->b->span, "the value of constant '%s' must be computed "
                "from literals and other constants (a cycle, or a name that "
                "is not a constant)", c->name);
            continue;
        }
        struct ctx cx = {.event = -1, .entity = -1};
        cx.locals = g_array_new(FALSE, FALSE, sizeof(struct local));
        struct val v = check_value(ck, &cx, c->b);
        if (!type_ok(t, v.t))
            err(ck, c->b->span, "constant '%s' is a '%s', but its value is a "
                "'%s'", c->name, type_name(t, ta, sizeof ta),
                type_name(v.t, tb, sizeof tb));
        else
            g_hash_table_add(ck->valid_consts, (gpointer)c);
        g_array_free(cx.locals, TRUE);
    }
}

/* --param NAME=VALUE: the constant must exist and the value parse as its
 * type (int: an integer; time: an integer with a unit, never a bare one;
 * bool: true/false). */
static void check_params(struct checker *ck,
                         const struct ipa_check_options *opts)
{
    struct ipa_span top = {ck->src, 0, 0};
    for (int i = 0; opts && i < opts->nr_params; i++) {
        const char *p = opts->params[i];
        const char *eq = strchr(p, '=');
        char *name = g_strndup(p, eq ? (size_t)(eq - p) : strlen(p));
        const char *value = eq ? eq + 1 : "";
        const struct ipa_node *c = g_hash_table_lookup(ck->consts, name);
        if (!c) {
            if (err(ck, top, "--param %s: the policy has no constant '%s'",
                    name, name)) {
                GPtrArray *cands = g_ptr_array_new();
                GHashTableIter it;
                gpointer k;
                g_hash_table_iter_init(&it, ck->consts);
                while (g_hash_table_iter_next(&it, &k, NULL))
                    g_ptr_array_add(cands, k);
                suggest(ck, top, name, cands);
                g_ptr_array_free(cands, TRUE);
            }
            g_free(name);
            continue;
        }
        struct type t = resolve_type(ck, c->a);
        bool ok = false;
        int64_t parsed = 0;
        if (t.k == T_BOOL) {
            ok = !strcmp(value, "true") || !strcmp(value, "false");
            parsed = !strcmp(value, "true");
        } else {
            struct ipa_source *vs = ipa_source_new("--param", value,
                                                   strlen(value));
            /* lex the value with a sink that only counts */
            FILE *devnull = fopen("/dev/null", "w");
            struct ipa_diag_sink counter;
            ipa_diag_sink_init(&counter, devnull);
            struct ipa_lexer lx;
            ipa_lex_init(&lx, vs, &counter, NULL);
            struct ipa_token tk = ipa_lex_next(&lx);
            struct ipa_token end = ipa_lex_next(&lx);
            /* A bare number for a time would silently be nanoseconds:
             * quantum=30 meant as 30ms preempts at every tick. */
            ok = devnull && end.kind == IPA_TOK_EOF && !counter.errors &&
                 tk.kind == (t.k == T_TIME ? IPA_TOK_TIME : IPA_TOK_INT);
            parsed = tk.value;
            if (devnull)
                fclose(devnull);
            ipa_source_free(vs);
        }
        if (!ok && t.k == T_TIME && strspn(value, "0123456789") == strlen(value) &&
            *value)
            err(ck, name_span(c),
                "--param %s=%s: a time needs a unit (ns, us, ms, s): "
                "%s=%sms, say",
                name, value, name, value);
        else if (!ok)
            err(ck, name_span(c), "--param %s=%s: '%s' is not a valid %s%s",
                name, value, value, kind_name(t.k),
                t.k == T_TIME ? " (an integer with a unit: ns, us, ms, s)"
                              : "");
        else
            g_hash_table_insert(ck->param_values, (gpointer)c->name,
                                g_memdup2(&parsed, sizeof parsed));
        g_free(name);
    }
}

/* ---- constant folding ---------------------------------------------------- */

/* A constant's value, folded once. */
struct folded {
    bool busy, ok;
    int64_t value;
    const char *param; /* the --param it depends on, or NULL */
};

static bool fold_const(struct checker *ck, const struct ipa_node *c,
                       struct folded **out);

/* What the interpreter computes for @e, with what would fault a run (a
 * division by zero, an overflow) reported as an error of constant @c at
 * the same spot a run's fault names. */
static bool fold(struct checker *ck, const struct ipa_node *c,
                 const struct ipa_node *e, int64_t *v, const char **param)
{
    int64_t a, b = 0;
    const char *fault = NULL;
    switch (e->kind) {
    case IPA_N_INT_LIT:
    case IPA_N_TIME_LIT:
    case IPA_N_BOOL_LIT:
        *v = e->ival;
        return true;
    case IPA_N_IDENT: {
        struct folded *f;
        if (!fold_const(ck, g_hash_table_lookup(ck->consts, e->name), &f))
            return false;
        *v = f->value;
        if (!*param)
            *param = f->param;
        return true;
    }
    case IPA_N_UNARY:
        if (!fold(ck, c, e->a, &a, param))
            return false;
        if (e->op == IPA_TOK_BANG)
            *v = !a;
        else if (__builtin_sub_overflow((int64_t)0, a, v))
            fault = "integer overflow";
        break;
    case IPA_N_BINARY:
        if (!fold(ck, c, e->a, &a, param) || !fold(ck, c, e->b, &b, param))
            return false;
        switch (e->op) {
        case IPA_TOK_PLUS:
            if (__builtin_add_overflow(a, b, v))
                fault = "integer overflow";
            break;
        case IPA_TOK_MINUS:
            if (__builtin_sub_overflow(a, b, v))
                fault = "integer overflow";
            break;
        case IPA_TOK_STAR:
            if (__builtin_mul_overflow(a, b, v))
                fault = "integer overflow";
            break;
        case IPA_TOK_SLASH:
        case IPA_TOK_PERCENT:
            fault = ipa_division_fault(e->op == IPA_TOK_SLASH, a, b);
            if (!fault)
                *v = e->op == IPA_TOK_SLASH ? a / b : a % b;
            break;
        case IPA_TOK_EQ: *v = a == b; break;
        case IPA_TOK_NE: *v = a != b; break;
        case IPA_TOK_LT: *v = a < b; break;
        case IPA_TOK_LE: *v = a <= b; break;
        case IPA_TOK_GT: *v = a > b; break;
        case IPA_TOK_GE: *v = a >= b; break;
        case IPA_TOK_AND: *v = a && b; break;
        case IPA_TOK_OR: *v = a || b; break;
        default: IPA_UNREACHABLE();
        }
        break;
    default:
        IPA_UNREACHABLE();
    }
    if (!fault)
        return true;
    if (*param)
        err(ck, e->span, "%s in constant '%s' with --param %s=%" G_GINT64_FORMAT,
            fault, c->name, *param,
            *(const int64_t *)g_hash_table_lookup(ck->param_values, *param));
    else
        err(ck, e->span, "%s in constant '%s'", fault, c->name);
    return false;
}

/* Folds constant @c once (a --param sets it instead); false if it failed
 * here or in check_consts. */
static bool fold_const(struct checker *ck, const struct ipa_node *c,
                       struct folded **out)
{
    struct folded *f = g_hash_table_lookup(ck->folded, c->name);
    if (f) {
        *out = f;
        return f->ok && !f->busy;
    }
    f = g_new0(struct folded, 1);
    g_hash_table_insert(ck->folded, (gpointer)c->name, f);
    *out = f;
    const int64_t *over = g_hash_table_lookup(ck->param_values, c->name);
    if (over) {
        f->ok = true;
        f->value = *over;
        f->param = c->name;
        return true;
    }
    if (!ck->valid_consts || !g_hash_table_contains(ck->valid_consts, c))
        return false;
    f->busy = true;
    f->ok = fold(ck, c, c->b, &f->value, &f->param);
    f->busy = false;
    return f->ok;
}

static void fold_consts(struct checker *ck)
{
    const struct ipa_node *root = ck->ast->root;
    for (unsigned i = 0; i < ipa_node_count(root); i++) {
        const struct ipa_node *c = ipa_node_at(root, i);
        struct folded *f;
        if (c->kind == IPA_N_CONST)
            fold_const(ck, c, &f);
    }
}

/* The call graph must be acyclic, so that every handler terminates. */
static bool find_cycle(struct checker *ck, struct func *f, GPtrArray *stack)
{
    f->mark = 1;
    for (unsigned i = 0; i < f->callees->len; i++) {
        const struct ipa_node *call = g_ptr_array_index(f->callees, i);
        struct func *g = find_func(ck, call->name);
        if (!g)
            continue;
        if (g->mark == 1) {
            GString *chain = g_string_new(g->name);
            bool on = false;
            for (unsigned j = 0; j < stack->len; j++) {
                struct func *s = g_ptr_array_index(stack, j);
                if (s == g)
                    on = true;
                if (on && s != g)
                    g_string_append_printf(chain, " -> %s", s->name);
            }
            g_string_append_printf(chain, " -> %s", g->name);
            err(ck, name_span(call), "recursive call: %s (calls must not "
                "form a cycle, so that every event handler terminates)",
                chain->str);
            g_string_free(chain, TRUE);
            continue;
        }
        if (g->mark == 0) {
            g_ptr_array_add(stack, g);
            find_cycle(ck, g, stack);
            g_ptr_array_remove_index(stack, stack->len - 1);
        }
    }
    f->mark = 2;
    return false;
}

static void check_required(struct checker *ck)
{
    struct ipa_span top = {ck->src, 0, 0};
    const struct ipa_node *core = ck->entity_node[ENT_CORE];
    if (!core) {
        err(ck, top, "the policy declares no 'core = {...}' with its states");
        return;
    }
    int running = 0, ready = 0;
    for (unsigned i = 0; i < ck->states->len; i++) {
        enum sclass c = state_class(ck, (int)i);
        running += c == C_RUNNING;
        ready += c == C_READY;
    }
    if (running != 1)
        err(ck, core->name_span, "'core' must declare exactly one RUNNING "
            "state (it has %d)", running);
    if (ready == 0)
        err(ck, core->name_span, "'core' must declare a READY state");
    static const int needed[] = {IPA_EV_new, IPA_EV_yield, IPA_EV_block,
                                 IPA_EV_unblock, IPA_EV_terminate,
                                 IPA_EV_schedule};
    for (size_t i = 0; i < G_N_ELEMENTS(needed); i++) {
        if (!ck->on_nodes[needed[i]])
            err(ck, top, "the policy has no 'on %s' handler: %s",
                events[needed[i]].name,
                needed[i] == IPA_EV_schedule
                    ? "no thread would ever run"
                    : "threads reaching that event would be lost");
    }
}

G_STATIC_ASSERT((int)IPA_MT_NONE == (int)T_NONE);
G_STATIC_ASSERT((int)IPA_ENT_GROUP == (int)ENT_GROUP);
G_STATIC_ASSERT((int)IPA_C_TERMINATED == (int)C_TERMINATED);

/* Hands the checker's resolution over to the back ends. */
static struct ipa_model *export_model(struct checker *ck)
{
    struct ipa_model *m = g_new0(struct ipa_model, 1);
    m->ast = ck->ast;
    for (int ent = 0; ent < ENT_COUNT; ent++) {
        m->fields[ent] = g_array_new(FALSE, FALSE, sizeof(struct ipa_mfield));
        for (unsigned i = 0; i < ck->fields[ent]->len; i++) {
            const struct field *f =
                &g_array_index(ck->fields[ent], struct field, i);
            struct ipa_mfield mf = {f->name, f->type.k, f->type.elem,
                                    (uint8_t)f->kind, f->state, f->node};
            g_array_append_val(m->fields[ent], mf);
        }
        m->entity[ent] = ck->entity_node[ent];
    }
    m->states = g_array_new(FALSE, FALSE, sizeof(struct ipa_mstate));
    for (unsigned i = 0; i < ck->states->len; i++) {
        const struct state *st = &g_array_index(ck->states, struct state, i);
        struct type t = st->node->a ? resolve_type(ck, st->node->a)
                                    : (struct type){T_NONE, 0};
        struct ipa_mstate ms = {st->name, (uint8_t)st->cls, st->shared,
                                st->node->ival == IPA_STATE_GLOBAL, t.k,
                                t.elem, st->node};
        g_array_append_val(m->states, ms);
    }
    m->builder = ck->builder;
    m->consts = g_ptr_array_new();
    m->funcs = g_ptr_array_new();
    const struct ipa_node *root = ck->ast->root;
    for (unsigned i = 0; i < ipa_node_count(root); i++) {
        const struct ipa_node *d = ipa_node_at(root, i);
        if (d->kind == IPA_N_CONST)
            g_ptr_array_add(m->consts, (gpointer)d);
        else if (d->kind == IPA_N_FUNC)
            g_ptr_array_add(m->funcs, (gpointer)d);
    }
    m->const_values = g_new0(int64_t, m->consts->len + 1);
    for (unsigned i = 0; i < m->consts->len; i++) {
        const struct ipa_node *c = g_ptr_array_index(m->consts, i);
        const struct folded *f = g_hash_table_lookup(ck->folded, c->name);
        m->const_values[i] = f->value;
    }
    m->params = ck->param_values;
    ck->param_values = NULL;
    memcpy(m->on, ck->on_nodes, sizeof m->on);
    memcpy(m->handler, ck->handler_nodes, sizeof m->handler);
    m->exprs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                     g_free);
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, ck->vals);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const struct val *cv = v;
        struct ipa_mexpr *me = g_new(struct ipa_mexpr, 1);
        *me = (struct ipa_mexpr){cv->t.k, cv->t.elem, cv->bind, cv->bent,
                                 cv->bfield, cv->state, cv->bdecl};
        g_hash_table_insert(m->exprs, k, me);
    }
    return m;
}

void ipa_model_free(struct ipa_model *m)
{
    if (!m)
        return;
    for (int ent = 0; ent < IPA_ENT_COUNT; ent++)
        g_array_free(m->fields[ent], TRUE);
    g_array_free(m->states, TRUE);
    g_ptr_array_free(m->consts, TRUE);
    g_free(m->const_values);
    g_ptr_array_free(m->funcs, TRUE);
    g_hash_table_destroy(m->params);
    g_hash_table_destroy(m->exprs);
    g_free(m);
}

const struct ipa_mexpr *ipa_model_expr(const struct ipa_model *m,
                                       const struct ipa_node *e)
{
    const struct ipa_mexpr *x = g_hash_table_lookup(m->exprs, e);
    IPA_ASSERT(x, "expression node the checker did not see");
    return x;
}

const struct ipa_mfield *ipa_model_field(const struct ipa_model *m, int ent,
                                         int field)
{
    return &g_array_index(m->fields[ent], struct ipa_mfield, field);
}

const struct ipa_mstate *ipa_model_state(const struct ipa_model *m, int i)
{
    return &g_array_index(m->states, struct ipa_mstate, i);
}

bool ipa_check(const struct ipa_ast *ast, const struct ipa_check_options *opts,
               struct ipa_diag_sink *sink)
{
    return ipa_check_model(ast, opts, sink, NULL);
}

bool ipa_check_model(const struct ipa_ast *ast,
                     const struct ipa_check_options *opts,
                     struct ipa_diag_sink *sink, struct ipa_model **out)
{
    struct checker ck = {0};
    int errors0 = sink->errors;
    ck.ast = ast;
    ck.src = ast->root->span.file;
    ck.sink = sink;
    ck.reported = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (int i = 0; i < ENT_COUNT; i++)
        ck.fields[i] = g_array_new(FALSE, FALSE, sizeof(struct field));
    ck.states = g_array_new(FALSE, FALSE, sizeof(struct state));
    ck.consts = g_hash_table_new(g_str_hash, g_str_equal);
    ck.funcs = g_array_new(FALSE, FALSE, sizeof(struct func));
    ck.vals = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                    g_free);
    ck.param_values = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                            g_free);
    ck.valid_consts = g_hash_table_new(g_direct_hash, g_direct_equal);
    ck.folded = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    const struct ipa_node *root = ast->root;
    /* the parser bounds nesting; a tree built otherwise could overflow
     * the stack of every recursive pass from here on */
    if (ipa_node_height(root) > IPA_AST_MAX_HEIGHT) {
        err(&ck, (struct ipa_span){ck.src, 0, 0},
            "the policy nests more than %d levels deep", IPA_AST_MAX_HEIGHT);
        goto out;
    }

    /* declarations first: handlers may use what is declared after them */
    for (unsigned i = 0; i < ipa_node_count(root); i++) {
        const struct ipa_node *d = ipa_node_at(root, i);
        switch (d->kind) {
        case IPA_N_ENTITY:
            declare_entity(&ck, d);
            break;
        case IPA_N_CONST:
            if (g_hash_table_contains(ck.consts, d->name))
                err(&ck, name_span(d), "constant '%s' is declared twice",
                    d->name);
            else
                g_hash_table_insert(ck.consts, (gpointer)d->name,
                                    (gpointer)d);
            break;
        case IPA_N_FUNC: {
            if (find_func(&ck, d->name)) {
                err(&ck, name_span(d), "function '%s' is declared twice",
                    d->name);
                break;
            }
            bool builtin = false;
            for (size_t j = 0; j < G_N_ELEMENTS(builtins); j++)
                builtin |= !strcmp(builtins[j], d->name);
            if (builtin) {
                err(&ck, name_span(d), "'%s' is a built-in function",
                    d->name);
                break;
            }
            struct func f = {d->name, d, g_ptr_array_new(), 0};
            g_array_append_val(ck.funcs, f);
            break;
        }
        default:
            break;
        }
    }
    if (ck.states->len > 32)
        err(&ck, ck.entity_node[ENT_CORE]->name_span,
            "a core may declare at most 32 states");
    check_consts(&ck);
    check_params(&ck, opts);
    fold_consts(&ck);
    for (int ent = 0; ent < ENT_COUNT; ent++)
        check_entity_inits(&ck, ent);
    check_state_orders(&ck);
    check_builder(&ck);
    for (unsigned i = 0; i < ck.funcs->len; i++)
        check_func(&ck, &g_array_index(ck.funcs, struct func, i));
    for (unsigned i = 0; i < ipa_node_count(root); i++) {
        const struct ipa_node *h = ipa_node_at(root, i);
        /* without a core, every state name would be an error of its own */
        if (h->kind != IPA_N_HANDLER || !ck.entity_node[ENT_CORE])
            continue;
        for (unsigned j = 0; j < ipa_node_count(h); j++)
            check_on(&ck, h, ipa_node_at(h, j));
    }
    GPtrArray *stack = g_ptr_array_new();
    for (unsigned i = 0; i < ck.funcs->len; i++) {
        struct func *f = &g_array_index(ck.funcs, struct func, i);
        if (f->mark == 0) {
            g_ptr_array_add(stack, f);
            find_cycle(&ck, f, stack);
            g_ptr_array_set_size(stack, 0);
        }
    }
    g_ptr_array_free(stack, TRUE);
    check_required(&ck);
out:;
    bool passed = sink->errors == errors0;
    if (out)
        *out = passed ? export_model(&ck) : NULL;

    for (unsigned i = 0; i < ck.funcs->len; i++)
        g_ptr_array_free(g_array_index(ck.funcs, struct func, i).callees,
                         TRUE);
    g_array_free(ck.funcs, TRUE);
    for (int i = 0; i < ENT_COUNT; i++)
        g_array_free(ck.fields[i], TRUE);
    g_array_free(ck.states, TRUE);
    g_hash_table_destroy(ck.consts);
    g_hash_table_destroy(ck.vals);
    g_hash_table_destroy(ck.reported);
    if (ck.param_values)
        g_hash_table_destroy(ck.param_values);
    g_hash_table_destroy(ck.valid_consts);
    g_hash_table_destroy(ck.folded);
    return passed;
}
