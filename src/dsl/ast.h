/*
 * ast.h - the DSL's syntax tree.
 *
 * One node shape for every construct: a kind, a span {file, offset, len},
 * an operator or flag (`op`, a token kind or event number), an integer
 * (`ival`), a name, up to four fixed children (a..d) and a child list. The
 * table below says what each kind uses. Nodes live in a struct ipa_ast
 * arena and are freed together.
 */
#ifndef IPA_DSL_AST_H
#define IPA_DSL_AST_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "dsl/diag.h"
#include "dsl/lexer.h"

/* A STATE's qualifier (its ival): `shared` lets other cores read each
 * core's copy; `global` makes one queue that every core sees as its own. */
enum { IPA_STATE_SHARED = 1, IPA_STATE_GLOBAL = 2 };
/* A FUNC's ival: a plain function, `try`, or `interface` (a trace's
 * "call" op runs it). */
enum { IPA_FUNC_TRY = 1, IPA_FUNC_INTERFACE = 2 };

/* N(kind, what it uses). Grep "ORDER NODE" if you change this list. */
#define IPA_NODES(N)                                                           \
    N(PROGRAM, "list: declarations")                                           \
    N(CONST, "a: type, name, b: value")                                        \
    N(ENTITY, "op: PROCESS|CORE|DOMAIN|GROUP, list: FIELD|STATES|BUILDER")     \
    N(FIELD, "op: 0|SYSTEM|LAZY, a: type, name, b: initialiser or NULL")       \
    N(STATES, "list: STATE")                                                   \
    N(STATE, "op: class token, ival: 0|IPA_STATE_SHARED|IPA_STATE_GLOBAL, "    \
             "a: type or NULL, name, b: ORDER")                              \
    N(ORDER, "list: CRIT")                                                     \
    N(CRIT, "op: LOWEST|HIGHEST, a: key expression")                           \
    N(BUILDER, "a: NAME self, b: NAME target field, c: LEVELS")                \
    N(LEVELS, "a: NAME variable, b: start or NULL, c: BDOMAIN")                \
    N(BDOMAIN, "a: NAME core, b: predicate, c: NAME field, d: BGROUP")         \
    N(BGROUP, "a: NAME c1, b: NAME c2, c: relation, d: NAME field")            \
    N(NAME, "name")                                                            \
    N(TYPE, "op: INT_TYPE|BOOL|TIME_TYPE|CORE|PROCESS|GROUP|DOMAIN|VOID|SET, " \
            "a: element TYPE of a set")                                        \
    N(HANDLER, "op: PROCESS_EVENT|CORE_EVENT, a: NAME event variable, "       \
               "list: ON")                                                     \
    N(ON, "name: event, a: BLOCK")                                             \
    N(FUNC, "ival: 0|IPA_FUNC_TRY|IPA_FUNC_INTERFACE, a: return TYPE, name, list: PARAM, b: BLOCK")          \
    N(PARAM, "a: type, name")                                                  \
    N(BLOCK, "list: statements")                                               \
    N(VAR, "a: type, name, b: initialiser or NULL")                            \
    N(MOVE, "a: thread, b: destination state")                                 \
    N(ASSIGN, "op: ASSIGN|PLUS_ASSIGN|..., a: target, b: value")               \
    N(INCDEC, "op: INCR|DECR, a: target")                                      \
    N(EXPR_STMT, "a: call")                                                    \
    N(IF, "a: condition, b: then, c: else or NULL")                            \
    N(FOREACH, "a: NAME variable, b: collection, c: body")                     \
    N(BREAK, "")                                                               \
    N(CONTINUE, "")                                                            \
    N(RETURN, "a: value or NULL")                                              \
    N(INT_LIT, "ival")                                                         \
    N(TIME_LIT, "ival: nanoseconds, op: unit (1 ns, 1000 us, ...)")            \
    N(BOOL_LIT, "ival")                                                        \
    N(IDENT, "name")                                                           \
    N(MEMBER, "a: object, name: field")                                        \
    N(CALL, "name: function, list: arguments, b: ORDER or NULL, "             \
            "c: filter or NULL")                                               \
    N(UNARY, "op: BANG|MINUS, a")                                              \
    N(BINARY, "op, a, b")

enum ipa_node_kind {
#define IPA_NODE_ENUM(kind, doc) IPA_N_##kind,
    IPA_NODES(IPA_NODE_ENUM)
#undef IPA_NODE_ENUM
        IPA_N_COUNT
};

/*
 * How deep the parser lets a policy nest: expressions (a chain `a + b + c`
 * is as deep as it is long, so is `x.f.f.f`), types and statements. Every
 * later pass (checker, interpreter, generator, printer) walks the tree by
 * recursion; this bound keeps their stack use to a few hundred frames.
 */
#define IPA_AST_MAX_NESTING 200
/* The height of any tree the parser accepts stays under this: statements
 * and expressions nest up to IPA_AST_MAX_NESTING each, plus declarations. */
#define IPA_AST_MAX_HEIGHT (4 * IPA_AST_MAX_NESTING)
/* An `else if` does not nest: the passes walk a chain of them in a loop,
 * so only memory bounds its length; this bound keeps any walk that still
 * recurses along it to a few thousand small frames. */
#define IPA_AST_MAX_ELSE_IF 10000

struct ipa_node {
    enum ipa_node_kind kind;
    struct ipa_span span;
    int op;
    int height; /* 1 + the tallest child's, set by the parser */
    int64_t ival;
    const char *name; /* owned by the arena */
    struct ipa_span name_span; /* where the name is written */
    struct ipa_node *a, *b, *c, *d;
    GPtrArray *list; /* of struct ipa_node *, NULL when unused/empty */
};

struct ipa_ast {
    struct ipa_node *root; /* PROGRAM */
    GPtrArray *nodes;      /* every node, freed with the tree */
    GStringChunk *strings;
    GArray *comments; /* struct ipa_comment from the lexer */
};

struct ipa_ast *ipa_ast_new(void);
void ipa_ast_free(struct ipa_ast *ast);
struct ipa_node *ipa_ast_node(struct ipa_ast *ast, enum ipa_node_kind kind,
                              struct ipa_span span);
void ipa_node_push(struct ipa_node *parent, struct ipa_node *child);
/* Whether @n is an `if` whose else branch is an `if` (an `else if`): the
 * next link of a chain, at the same level as @n. */
static inline bool ipa_node_else_if(const struct ipa_node *n)
{
    return n->kind == IPA_N_IF && n->c && n->c->kind == IPA_N_IF;
}
const char *ipa_ast_intern(struct ipa_ast *ast, const char *s, size_t n);

static inline unsigned ipa_node_count(const struct ipa_node *n)
{
    return n && n->list ? n->list->len : 0;
}
static inline struct ipa_node *ipa_node_at(const struct ipa_node *n,
                                           unsigned i)
{
    return (struct ipa_node *)g_ptr_array_index(n->list, i);
}

const char *ipa_node_kind_name(enum ipa_node_kind kind);
/* The height of the tree under @n (a leaf is 1), without recursion, so
 * that a pass can refuse a tree the parser did not bound. */
int ipa_node_height(const struct ipa_node *n);
/* Structural equality ignoring spans (the fmt round-trip test). */
bool ipa_node_equal(const struct ipa_node *a, const struct ipa_node *b);
/* A span from the start of @a to the end of @b. */
struct ipa_span ipa_span_join(struct ipa_span a, struct ipa_span b);

#endif
