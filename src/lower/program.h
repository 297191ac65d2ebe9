/*
 * program.h - a checked policy lowered for its back ends.
 *
 * lower.c turns the AST and the checker's model into a tree of `struct
 * xn` whose names are already resolved: locals are frame slots, attributes
 * are slots in the entity's storage, states are run-queue indices,
 * functions are indices. The interpreter runs it (src/interp: eval.c,
 * and callbacks.c binds it to the runtime's callback table); the C
 * generator (src/codegen) writes it as C. Nothing on the event path looks
 * up a string.
 *
 * Values are int64_t. Entities are encoded so that 0 is always "none":
 * a process is its struct ipa_thread pointer, a core its id + 1, a domain
 * or group its index in the instance's tables + 1.
 */
#ifndef IPA_LOWER_PROGRAM_H
#define IPA_LOWER_PROGRAM_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include <ipasim/runtime.h>

#include "dsl/check.h"
#include "dsl/model.h"

/* Operations. Expressions yield a value; S_* are statements; SET_* are
 * sets, which only foreach, aggregates, selections, `in` and `.size` use. */
enum xop {
    X_CONST,     /* k */
    X_LOCAL,     /* frame slot a */
    X_EV_TARGET, /* the event's thread, or core */
    X_EV_CORE,
    X_EV_SOURCE,
    X_NOW,
    X_UNARY,  /* aux: token; x */
    X_BINARY, /* aux: token; x, y */
    X_AND,
    X_OR,
    X_PFIELD,  /* thread x: plain slot a */
    X_PSYS,    /* thread x: system attribute a (enum psys) */
    X_PATTR,   /* thread x: trace attribute a (index in attr_ids) */
    X_CFIELD,  /* core x: plain slot a */
    X_CSYS,    /* core x: system attribute a (enum csys) */
    X_CURRENT, /* core x: its running thread */
    X_CSTATE1, /* core x: the thread in `process` state a (rq index b) */
    X_DFIELD,  /* domain x: plain slot a */
    X_DLEVEL,  /* domain x: level */
    X_GFIELD,  /* group x: plain slot a */
    X_LAZY,    /* entity x: lazy unit a */
    X_VALID,   /* x != none */
    X_DISTANCE,
    X_ALLOWED,
    X_IN,     /* thread x in set y */
    X_SIZE,   /* size of set x */
    X_AGG,    /* aux: enum agg; v: args (sets or values) */
    X_SELECT, /* set x, filter y, order keys v (bit k of k: highest), element slot a */
    X_CALL,   /* function a, arguments v */
    X_CORE_ORDER, /* selection x (b = 1) of the core whose running thread's
                   * plain slot a is highest: the runtime's ipa_core_order
                   * answers where that is exact (program.core_order_slot) */
    SET_STATE, /* states a (rq index b, -1: RUNNING) of core x */
    SET_CORES, /* the policy's cores */
    SET_ATTR,  /* entity x (aux: enum ipa_ment): set attribute slot a,
                * of elements of type b (enum ipa_mtype) */
    SET_MAP,   /* elements of set x, each bound to slot a, mapped by y;
                * aux: KEPT_SUM slot + 1 (0: none) */
    SET_WITHIN,  /* the cores of core array x in runtime set aux (WITHIN_*) */
    SET_CORE_ID, /* the core of core array x whose id is y, if any */
    SET_ONE,   /* {x}; {} when x is none (ipa_xn_entity) */
    S_BLOCK,   /* v */
    S_VAR,     /* slot a = x (or zero) */
    S_MOVE,    /* thread x => state a of core y */
    S_ASSIGN,  /* aux: token; lvalue x (X_LOCAL or an X_*FIELD), value y;
                * b: 1 when a lazy attribute may read the field, so the
                * write moves the epoch (program.lazy_reads) */
    S_IF,      /* x ? y : z */
    S_FOREACH, /* slot a over set x: body y */
    S_BREAK,
    S_CONTINUE,
    S_RETURN, /* x or NULL */
    S_EXPR,   /* x */
    S_PREEMPT, /* preempt(x): recorded by prepare, made by place */
};

/* The interpreter's own way to evaluate a binary operator, without a
 * switch on its token (struct xn's eval_as, eval.c's node_eval): values
 * after every xop. Division and remainder, which can fault, stay
 * X_BINARY. XE_MIN2 and XE_MAX2: an X_AGG min or max of two plain
 * values (`max(weight / group_size, 1)`), without the aggregate's loop. */
enum { XE_ADD = S_PREEMPT + 1, XE_SUB, XE_MUL, XE_EQ, XE_NE, XE_LT, XE_LE,
       XE_GT, XE_GE, XE_MIN2, XE_MAX2, XE_COUNT };

enum psys { PS_ID, PS_WEIGHT, PS_NICE, PS_RUNTIME, PS_LAST_CORE, PS_TGROUP,
            PS_GROUP_SIZE };
enum csys { CS_ID, CS_NODE, CS_IDLE, CS_ONLINE, CS_IDLE_SINCE, CS_CAPACITY };
enum agg { AGG_SUM, AGG_COUNT, AGG_OR, AGG_AND, AGG_MIN, AGG_MAX };

/* Core arrays (SET_CORES, a SET_ATTR of cores: ascending) that a
 * selection, an `or` or a foreach walks only in part, in the same order:
 * - SET_WITHIN: its filter (the `or`'s value, the condition of the one
 *   `if` that is the foreach's body) is false for a core outside one of
 *   the runtime's core sets, as its first test is `c.idle` (WITHIN_IDLE)
 *   or `q.size > 0` of one of the core's READY queues (WITHIN_WAITING);
 *   so only that set's cores are walked, and as the first test decides
 *   alone for the others, nothing is skipped that could have faulted;
 * - SET_CORE_ID: its filter is `id == y`, y reading neither the element
 *   nor anything a call could change; so only that core is looked up.
 * The filter still runs on what is walked. */
enum within { WITHIN_WAITING, WITHIN_IDLE, WITHIN_COUNT };

/* A sum's argument `q.a` over a core's queue q, where a is a thread lazy
 * attribute that reads only what ipa_rq_sum allows (weight, nice, group,
 * group size, trace attributes, constants): the runtime keeps the sum
 * (SET_MAP's aux is the slot + 1; program.kept_lazy says which attribute
 * each slot sums). It is the same sum: the values are the ones evaluating
 * the attribute would give, computed in queue order when recomputed. */
#define KEPT_SUM_NONE 0

/* Lazy attributes nested this deep read each other in a cycle (or form
 * a chain longer than a policy has any need of): past it a run faults
 * instead of overflowing the C stack, which reads nest on. */
#define IPA_INTERP_MAX_DEPTH 4096

struct xn {
    uint8_t op;   /* enum xop */
    uint8_t type; /* enum ipa_mtype of the value */
    uint8_t eval_as; /* the interpreter's node function: op, or an XE_* */
    int aux;
    int a, b;
    int64_t k;
    struct xn *x, *y, *z;
    struct xn **v; /* NULL-free array of nv */
    int nv;
    const struct ipa_node *src; /* where, for faults */
};

/* Whether @op reads an entity's plain attribute; which entity's. */
static inline bool ipa_xn_field(int op)
{
    return op == X_PFIELD || op == X_CFIELD || op == X_DFIELD ||
           op == X_GFIELD;
}

static inline int ipa_xn_field_entity(int op)
{
    return op == X_PFIELD   ? IPA_ENT_PROCESS
           : op == X_CFIELD ? IPA_ENT_CORE
           : op == X_DFIELD ? IPA_ENT_DOMAIN
                            : IPA_ENT_GROUP;
}

/* Whether set @x is one of a core's run queues (a READY or BLOCKED state
 * with a queue; RUNNING is the running thread alone). */
static inline bool ipa_xn_queue(const struct xn *x)
{
    return x->op == SET_STATE && x->b >= 0;
}

/* Whether @x's value may be none (0): an entity. A number or a bool that
 * is 0 is a value like any other (`min(0, x)` is 0, `and(false, x)`
 * false), so SET_ONE drops only a none. */
static inline bool ipa_xn_entity(const struct xn *x)
{
    return x->type == IPA_MT_CORE || x->type == IPA_MT_PROCESS ||
           x->type == IPA_MT_GROUP || x->type == IPA_MT_DOMAIN ||
           x->type == IPA_MT_NONE;
}

/* A body run with its own frame: handler, function, lazy attribute,
 * initialiser, order key, builder predicate. Slot 0.. are parameters
 * (self for attributes and keys). */
struct unit {
    struct xn *body; /* statement, or expression for attributes and keys */
    int nr_slots;
    int nr_params;
    bool is_try;
    int core_params[8]; /* try: slots of core parameters to lock */
    int nr_core_params;
    const struct ipa_node *node;
};

/* A state's `order = {...}`: the units computing its keys, which the
 * thread caches and the runtime compares (rq_descs: nr_keys, key_offset,
 * highest). */
struct order {
    int nr_keys;
    struct unit *keys; /* [nr_keys], self = the thread */
    /* [nr_keys]: the thread's plain slot a key reads and nothing else
     * (`lowest vruntime`), read without running its unit; -1 otherwise */
    int *slot;
};

struct state_info {
    const char *name;
    uint8_t cls;  /* enum ipa_mclass */
    int rq;       /* per-core run queue index, -1: none (RUNNING, pseudo) */
    bool global;  /* one queue for the partition: rq names a global queue */
    bool single;  /* a `process` state: one thread at most */
    struct order *order;
};

/* Plain attributes with initialisers, per entity. */
struct init {
    int slot;
    struct unit unit;
};

struct program {
    char *path;
    struct ipa_model *model;
    struct ipa_ast *ast;
    struct ipa_source *src;

    struct unit handlers[IPA_EV_COUNT]; /* body NULL: not handled */
    struct unit *funcs;
    int nr_funcs;
    /* the interface functions (ops.ifaces) and the funcs index of each,
     * made by the interpreter's loader (callbacks.c) */
    struct ipa_iface *ifaces;
    int *iface_funcs;
    struct unit *lazies; /* one per lazy attribute of any entity */
    int nr_lazies;
    /* a lazy attribute's entity and its index among that entity's lazy
     * attributes (the per-event cache in instance.h) */
    int *lazy_ent, *lazy_index;
    int nr_lazy_of[IPA_ENT_COUNT];
    GArray *inits[IPA_ENT_COUNT]; /* struct init */

    int nr_plain[IPA_ENT_COUNT]; /* scalar slots */
    int nr_sets[IPA_ENT_COUNT];  /* set-valued attribute slots */
    int max_keys;                /* key cache slots after the plain ones */

    struct state_info *states;
    int nr_states;
    struct ipa_rq_desc *rq_descs;
    int nr_rqs;
    bool has_global; /* a state is global: rq_descs are global queues too */
    int first_ready; /* the first READY state with a queue, -1: none */

    /* trace attributes read as `system int x` */
    GPtrArray *attr_names;

    /* the domains builder, compiled: NULL without one */
    struct {
        int core_field;   /* set slot of the core's domain set */
        int domain_field; /* set slot of the domain's group set */
        int group_field;  /* set slot of the group's core set */
        int domain_cores_field; /* of the domain's `system set<core>
                                 * cores`, -1 when not declared */
        struct unit start;  /* first distance (body NULL: 1) */
        struct unit domain; /* slots: self, dist, c */
        struct unit group;  /* slots: self, dist, c, c1, c2 */
        int self_slot, dist_slot, c_slot, c1_slot, c2_slot;
    } *builder;

    bool group_reads_domain; /* the group relation reads self or c */

    /* a lazy attribute may read itself, through others: reads count
     * their nesting, to fault past IPA_INTERP_MAX_DEPTH */
    bool count_depth;

    /* the thread plain slot by which the runtime orders busy cores
     * (ipa_core_order) for X_CORE_ORDER, -1: none */
    int core_order_slot;
    int kept_lazy[IPA_RQ_SUMS]; /* lazy attribute each kept sum adds up */
    int nr_kept;
    /* [process plain slot]: writing it may change a queued thread's order
     * keys, so the thread is rekeyed after (all of them when the keys read
     * more than the thread's own fields and fixed attributes) */
    bool *rekey_after;
    /* [entity][plain slot]: a cached lazy attribute may read it, directly
     * or through a queue's order; writing any other leaves the caches
     * valid (S_ASSIGN's b) */
    bool *lazy_reads[IPA_ENT_COUNT];

    int64_t *const_values; /* by CONST index in the model */
    uint64_t step_limit;
    struct ipa_policy_ops ops;
    GPtrArray *instances; /* struct inst *, one per partition it runs */
};

/* Calls @visit on @x and on every node below it, parents first, until
 * @visit returns true; whether it did. */
bool ipa_xn_find(const struct xn *x,
                 bool (*visit)(const struct xn *x, void *arg), void *arg);
/* Whether @x or a node below it reads local @slot. */
bool ipa_xn_reads_slot(const struct xn *x, int slot);

/* Builds the program; false with diagnostics (parse/check) on stderr or a
 * GError for unreadable files. */
struct program *ipa_program_compile(const char *path,
                                    const struct ipa_check_options *opts,
                                    GError **error);
void ipa_program_free(struct program *prog);

#endif
