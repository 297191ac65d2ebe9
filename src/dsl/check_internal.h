/*
 * check_internal.h - what the checker's passes share.
 *
 * ipa_check() is one pass over the tree, cut by concern into files:
 *   check.c              the driver (declarations, functions, handlers)
 *   check_names.c        names and types: declarations, expressions,
 *                        statements, attribute initialisers, state orders
 *   check_consts.c       constants and --param: checked, then folded
 *   check_moves.c        state transitions per event and ownership: which
 *                        core's states and attributes a handler may read,
 *                        write or move threads into, through functions too
 *   check_paths.c        paths: no lost thread, work-conserving election
 *   check_termination.c  termination: an acyclic call graph
 *   check_builder.c      the domains builder's hierarchy
 *   model.c              the checked model the back ends read (model.h)
 * Functions one file gives another are prefixed ck_; the diagnostics
 * helpers below are inline, for every pass reports.
 */
#ifndef IPA_DSL_CHECK_INTERNAL_H
#define IPA_DSL_CHECK_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "dsl/check.h"
#include "dsl/model.h"
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

enum ent { ENT_PROCESS, ENT_CORE, ENT_DOMAIN, ENT_GROUP, ENT_COUNT };
static const char *const ent_names[] = {"process", "core", "domain", "group"};

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
    bool moves;         /* moves threads, itself or through a callee */
    uint32_t writes;    /* bit i: writes attributes of its thread param i */
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
    GArray *handler_calls; /* struct site: handlers' calls of functions */
    /* Core lazy attributes read for another core read that core's
     * states: those must be shared (check_remote_lazies). */
    int init_lazy;      /* the core lazy being checked, or -1 */
    int *lazy_unshared; /* per core field: a non-shared state it reads */
    GArray *lazy_edges; /* struct lazy_edge: core lazies reading others */
    GArray *remote_lazies; /* struct remote_lazy: reads for other cores */
};

struct lazy_edge {
    int from, to;
};

struct remote_lazy {
    struct ipa_span sp;
    int field;
};

/* A call of a declared function from a handler. */
struct site {
    const struct ipa_node *call;
    int event;
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

static const char *const builtins[] = {"sum",   "count", "or",       "and",
                                       "min",   "max",   "first",    "valid",
                                       "now",   "distance", "allowed",
                                       "preempt"};

/* A constant's value, folded once. */
struct folded {
    bool busy, ok;
    int64_t value;
    const char *param; /* the --param it depends on, or NULL */
};

/* ---- diagnostics ------------------------------------------------------------ */

static inline bool report_once(struct checker *ck, struct ipa_span sp,
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

static inline bool err(struct checker *ck, struct ipa_span sp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reports an error unless the same one was reported at the same spot;
 * returns whether it was reported (so that notes follow only then). */
static inline bool err(struct checker *ck, struct ipa_span sp, const char *fmt, ...)
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

static inline void warn(struct checker *ck, struct ipa_span sp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline void warn(struct checker *ck, struct ipa_span sp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (report_once(ck, sp, msg))
        ipa_diag_warning(ck->sink, sp, "%s", msg);
    g_free(msg);
}

static inline void note_pos(struct checker *ck, struct ipa_span sp, const char *fmt,
                            ...) __attribute__((format(printf, 3, 4)));
static inline void note_pos(struct checker *ck, struct ipa_span sp, const char *fmt,
                            ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    ipa_diag_note(ck->sink, sp, "%s", msg);
    g_free(msg);
}

static inline struct ipa_span name_span(const struct ipa_node *n)
{
    return n->name_span.file ? n->name_span : n->span;
}

static inline void pos(const struct checker *ck, struct ipa_span sp, int *line,
                       int *col)
{
    ipa_source_position(ck->src, sp.off, line, col);
}

/* "did you mean 'x'?" among @cands (const char *), if one is close. */
static inline void suggest(struct checker *ck, struct ipa_span sp, const char *name,
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

/* ---- what each pass gives the others ------------------------------------- */

void ck_check_builder(struct checker *ck);

void ck_check_consts(struct checker *ck);

void ck_check_params(struct checker *ck,
                     const struct ipa_check_options *opts);

void ck_fold_consts(struct checker *ck);

void ck_check_calls(struct checker *ck);

void ck_check_core_exit(struct checker *ck, const struct ipa_node *on);

struct type ck_check_lvalue(struct checker *ck, struct ctx *cx,
                             const struct ipa_node *e);

void ck_check_move(struct checker *ck, struct ctx *cx,
                   const struct ipa_node *s);

void ck_check_remote_lazies(struct checker *ck);

void ck_check_steal(struct checker *ck, struct ctx *cx,
                    const struct ipa_node *s);

int ck_core_field_index(const struct checker *ck, const struct field *f);

void ck_note_lazy_read(struct checker *ck, const struct field *f);

void ck_note_remote_lazy(struct checker *ck, const struct field *f,
                         struct ipa_span sp);

enum sclass ck_state_class(const struct checker *ck, int i);

const char *ck_state_name(const struct checker *ck, int i);

bool ck_always_returns(const struct ipa_node *s);

struct val ck_bound_decl(struct val v, int bind,
                         const struct ipa_node *decl);

void ck_check_block(struct checker *ck, struct ctx *cx,
                    const struct ipa_node *b);

void ck_check_entity_inits(struct checker *ck, int ent);

struct val ck_check_expr(struct checker *ck, struct ctx *cx,
                         const struct ipa_node *e);

void ck_check_state_orders(struct checker *ck);

struct val ck_check_value(struct checker *ck, struct ctx *cx,
                          const struct ipa_node *e);

void ck_declare_entity(struct checker *ck, const struct ipa_node *d);

int ck_ent_of_kind(int k);

void ck_field_names(struct checker *ck, int ent, GPtrArray *out);

struct field *ck_find_field(struct checker *ck, int ent, const char *name);

struct func *ck_find_func(struct checker *ck, const char *name);

struct local *ck_find_local(struct ctx *cx, const char *name);

const char *ck_kind_name(int k);

void ck_push_local(struct ctx *cx, const char *name, struct val v,
                   const struct ipa_node *n);

struct val ck_remember(struct checker *ck, const struct ipa_node *e,
                       struct val v);

struct type ck_resolve_type(struct checker *ck, const struct ipa_node *t);

const char *ck_type_name(struct type t, char *buf, size_t n);

bool ck_type_ok(struct type want, struct type got);

const struct val *ck_val_of(const struct checker *ck,
                            const struct ipa_node *e);

struct val ck_vnone(struct type t);

void ck_check_paths(struct checker *ck, int ev, const struct ipa_node *on);

bool ck_find_cycle(struct checker *ck, struct func *f, GPtrArray *stack);

struct ipa_model *ck_export_model(struct checker *ck);

#endif
