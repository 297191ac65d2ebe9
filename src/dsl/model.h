/*
 * model.h - what the checker resolved, for the back ends.
 *
 * The interpreter (and later the C generator) must not redo name look-up:
 * a second resolver would drift from the checker's scoping rules. So a
 * successful check hands over its declarations and, for every expression
 * node, its type and what its name or field denotes.
 */
#ifndef IPA_DSL_MODEL_H
#define IPA_DSL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "dsl/ast.h"
#include "dsl/check.h"

/* Types; same order as the checker's. */
enum ipa_mtype {
    IPA_MT_ERR, IPA_MT_VOID, IPA_MT_INT, IPA_MT_BOOL, IPA_MT_TIME,
    IPA_MT_CORE, IPA_MT_PROCESS, IPA_MT_GROUP, IPA_MT_DOMAIN, IPA_MT_SET,
    IPA_MT_EVENT, IPA_MT_NONE,
};

enum ipa_ment { IPA_ENT_PROCESS, IPA_ENT_CORE, IPA_ENT_DOMAIN, IPA_ENT_GROUP,
                IPA_ENT_COUNT };

enum ipa_mfkind { IPA_F_PLAIN, IPA_F_SYSTEM, IPA_F_LAZY, IPA_F_STATE };

/* State classes, as in the language. */
enum ipa_mclass { IPA_C_RUNNING, IPA_C_READY, IPA_C_BLOCKED,
                  IPA_C_TERMINATED };

struct ipa_mfield {
    const char *name;
    uint8_t type, elem; /* enum ipa_mtype; elem for sets */
    uint8_t kind;       /* enum ipa_mfkind */
    int state;          /* IPA_F_STATE: index in states */
    const struct ipa_node *node; /* FIELD or STATE */
};

struct ipa_mstate {
    const char *name;
    uint8_t cls; /* enum ipa_mclass */
    bool shared;
    bool global; /* one queue for the partition, each core's `ready` */
    uint8_t type, elem; /* PROCESS, SET of PROCESS, or NONE (pseudo-state) */
    const struct ipa_node *node;
};

/* What an IDENT, MEMBER or CALL node denotes. */
enum ipa_mbind {
    IPA_B_VALUE,        /* an ordinary expression: nothing to resolve */
    IPA_B_ELEM_FIELD,   /* field of the innermost selection's element */
    IPA_B_LOCAL,        /* local, parameter or foreach variable: decl */
    IPA_B_EVENT,        /* the event variable */
    IPA_B_ENTITY_FIELD, /* field of the entity an initialiser computes */
    IPA_B_CORE_FIELD,   /* field of the event's core */
    IPA_B_CONST,        /* decl: the CONST node */
    IPA_B_CORES,        /* the set of all the policy's cores */
    IPA_B_EV_TARGET,    /* e.target */
    IPA_B_EV_CORE,      /* e.core */
    IPA_B_EV_SOURCE,    /* e.source */
    IPA_B_SET_SIZE,     /* s.size */
    IPA_B_SET_FIELD,    /* s.f over a set: ent, field */
    IPA_B_FIELD,        /* x.f: ent, field */
    IPA_B_FUNC,         /* call of a declared function: decl is its FUNC */
};

struct ipa_mexpr {
    uint8_t type, elem; /* enum ipa_mtype */
    uint8_t bind;       /* enum ipa_mbind */
    int8_t ent;         /* enum ipa_ment of the field's entity */
    int field;          /* index in fields[ent] */
    int state;          /* the expression denotes this state, else -1 */
    const struct ipa_node *decl;
};

struct ipa_model {
    const struct ipa_ast *ast;
    GArray *fields[IPA_ENT_COUNT]; /* struct ipa_mfield, declaration order */
    GArray *states;                /* struct ipa_mstate */
    const struct ipa_node *entity[IPA_ENT_COUNT];
    const struct ipa_node *builder; /* BUILDER or NULL */
    GPtrArray *consts;              /* CONST nodes, in order */
    int64_t *const_values;          /* their values, --param applied */
    GHashTable *params;   /* const name -> int64_t * (--param values) */
    GPtrArray *funcs;     /* FUNC nodes */
    const struct ipa_node *on[IPA_EV_COUNT];       /* ON or NULL */
    const struct ipa_node *handler[IPA_EV_COUNT];  /* its HANDLER */
    GHashTable *exprs;    /* expression node -> struct ipa_mexpr * */
};

/* ipa_check, and on success the model in *@out (freed with
 * ipa_model_free; it points into @ast, which must outlive it). */
bool ipa_check_model(const struct ipa_ast *ast,
                     const struct ipa_check_options *opts,
                     struct ipa_diag_sink *sink, struct ipa_model **out);
void ipa_model_free(struct ipa_model *m);

/* The resolution of expression node @e (never NULL for a checked tree). */
const struct ipa_mexpr *ipa_model_expr(const struct ipa_model *m,
                                       const struct ipa_node *e);
const struct ipa_mfield *ipa_model_field(const struct ipa_model *m, int ent,
                                         int field);
const struct ipa_mstate *ipa_model_state(const struct ipa_model *m, int i);

/* The fault of `a / b` (@div) or `a % b`, or NULL if there is none: a run
 * faults where C would be undefined, and the checker folds constants the
 * same way. */
static inline const char *ipa_division_fault(bool div, int64_t a, int64_t b)
{
    if (b == 0)
        return div ? "division by zero" : "remainder by zero";
    if (b == -1 && a == INT64_MIN)
        return div ? "division overflow" : "remainder overflow";
    return NULL;
}

#endif
