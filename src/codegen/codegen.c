/*
 * codegen.c - writes a compiled DSL program (lower/program.h) as C.
 *
 * Each unit of the program (handler, function, lazy attribute, order key,
 * initialiser, builder predicate) becomes one static C function whose
 * frame slots are C locals; each node becomes the C that eval.c's case
 * for it runs, with the same faults at the same file:line:col. Sets are
 * loops written in place. Where an expression needs a loop (aggregates,
 * selections, `in`, sizes) it is a GNU statement expression, which gcc
 * and clang take at -std=c11 without a warning. The interpreter's step
 * budget is not carried over: a compiled policy runs under the C guard.
 */
#include "codegen/codegen.h"

#include <inttypes.h>
#include <string.h>

#include "dsl/lexer.h"
#include "lower/program.h"
#include "util/common.h"

/* A move in the new and unblock handlers, which run only in prepare,
 * records itself for place(); in the other handlers it is made at once; a
 * function, which either may call, asks which at run time. */
enum move_mode { MOVES_ASK, MOVES_MAKE, MOVES_RECORD };

struct gen {
    const struct program *p;
    GString *out;
    const char *c_name;
    int indent;
    int tmp;               /* temporaries' numbering */
    const char *unit_walk; /* the outermost queue walk open here, if any */
    char **slot;           /* the current unit's locals, by slot */
    bool *sure;            /* ... that never hold none where they are read */
    bool *runtime_kept;    /* ... a parameter whose runtime is read once */
    int nr_slots;
    bool returns;          /* the unit returns a value */
    bool target_local;     /* a handler: e.target is read from ev_target_ */
    enum move_mode moves;  /* how the current unit's moves are made */
    GError **error;
    bool failed;
    /* names, by slot or index */
    char **field[IPA_ENT_COUNT]; /* plain attribute slot -> C field */
    char **lazy;                 /* lazy unit -> C function */
    char **func;                 /* function -> C function */
    bool *moved_to; /* [state]: some move names it; place() has its case */
    bool preempts;  /* some handler calls preempt(c): place() makes it */
    /* [lazy]: its slot among its entity's cached lazies, -1: not cached;
     * an entity's cache holds only those, so a scan of cores reads one
     * line per few cores */
    int *cache_slot;
    int nr_cached_of[IPA_ENT_COUNT];
};

static const char *const c_keywords[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do",
    "double", "else", "enum", "extern", "float", "for", "goto", "if",
    "inline", "int", "long", "register", "restrict", "return", "short",
    "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
    "unsigned", "void", "volatile", "while", "bool", "true", "false", "I",
    "main", "self"};

/* A DSL name as a C identifier that no C keyword or generated name uses. */
static char *c_ident(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(c_keywords); i++)
        if (!strcmp(name, c_keywords[i]))
            return g_strconcat(name, "_", NULL);
    return g_strdup(name);
}

static void c_string(GString *s, const char *str)
{
    g_string_append_c(s, '"');
    for (const char *c = str; *c; c++) {
        if (*c == '"' || *c == '\\')
            g_string_append_printf(s, "\\%c", *c);
        else if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
            g_string_append_printf(s, "\\%03o", (unsigned char)*c);
        else
            g_string_append_c(s, *c);
    }
    g_string_append_c(s, '"');
}

static void fail(struct gen *g, const char *what)
{
    if (!g->failed)
        g_set_error(g->error, IPA_ERROR, IPA_ERROR_POLICY,
                    "policy '%s': the C generator cannot express %s",
                    g->p->path, what);
    g->failed = true;
}

static void pos(const struct ipa_node *src, int *line, int *col)
{
    *line = *col = 0;
    if (src)
        ipa_source_position(src->span.file, src->span.off, line, col);
}

/* "line, col" of a node, for the generated fault calls. */
static char *at(const struct ipa_node *src)
{
    int line, col;
    pos(src, &line, &col);
    return g_strdup_printf("%d, %d", line, col);
}

static void line(struct gen *g, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void line(struct gen *g, const char *fmt, ...)
{
    for (int i = 0; i < g->indent; i++)
        g_string_append(g->out, "    ");
    va_list ap;
    va_start(ap, fmt);
    g_string_append_vprintf(g->out, fmt, ap);
    va_end(ap);
    g_string_append_c(g->out, '\n');
}

static int out_lines(const struct gen *g)
{
    int n = 1;
    for (gsize i = 0; i < g->out->len; i++)
        n += g->out->str[i] == '\n';
    return n;
}

/* Points the compiler at the policy's line for what follows. */
static void line_marker(struct gen *g, const struct ipa_node *src)
{
    int l, c;
    pos(src, &l, &c);
    if (l <= 0)
        return;
    g_string_append_printf(g->out, "#line %d ", l);
    c_string(g->out, g->p->path);
    g_string_append_c(g->out, '\n');
}

/* ... and back at the generated file. */
static void line_reset(struct gen *g)
{
    g_string_append_printf(g->out, "#line %d ", out_lines(g) + 1);
    c_string(g->out, g->c_name);
    g_string_append_c(g->out, '\n');
}

/* ---- expressions -------------------------------------------------------- */

static char *expr(struct gen *g, const struct xn *x);

static char *tmp_name(struct gen *g, const char *what)
{
    return g_strdup_printf("%s%d_", what, g->tmp++);
}

static bool is_call(const struct xn *x, void *arg)
{
    (void)arg;
    return x->op == X_CALL;
}

static bool reads_source(const struct xn *x, void *arg)
{
    (void)arg;
    return x->op == X_EV_SOURCE;
}

static bool has_call(const struct xn *x)
{
    return ipa_xn_find(x, is_call, NULL);
}

/* Whether @n never evaluates to none: the event's target, a set's
 * element bound by a loop or selection the unit does not assign to. */
static bool sure(const struct gen *g, const struct xn *n)
{
    return n->op == X_EV_TARGET || (n->op == X_CONST && n->k) ||
           (n->op == X_LOCAL && n->a < g->nr_slots && g->sure[n->a]);
}

/* The entity @v (the value of @n), or a fault naming what was none and,
 * @writing, that the statement assigned a field of it (eval.c's
 * object_for()). */
static char *need_for(struct gen *g, const struct xn *x, const struct xn *n,
                      const char *v, bool writing)
{
    if (n && sure(g, n))
        return g_strdup(v);
    const char *what = x->src && x->src->kind == IPA_N_MEMBER
                           ? x->src->name
                           : NULL;
    char *where = at(x->src);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "%s(I, %s, %s, ", writing ? "need_write" : "need",
                           v, where);
    if (what)
        c_string(s, what);
    else
        g_string_append(s, "NULL");
    g_string_append_c(s, ')');
    g_free(where);
    return g_string_free(s, FALSE);
}

static char *need(struct gen *g, const struct xn *x, const struct xn *n,
                  const char *v)
{
    return need_for(g, x, n, v, false);
}

/* need() of the entity operand x->x (@writing: a field of it is assigned). */
static char *object_for(struct gen *g, const struct xn *x, bool writing)
{
    char *v = expr(g, x->x);
    char *r = need_for(g, x, x->x, v, writing);
    g_free(v);
    return r;
}

static char *object(struct gen *g, const struct xn *x)
{
    return object_for(g, x, false);
}

static char *constant(int64_t k)
{
    if (k == INT64_MIN)
        return g_strdup("INT64_MIN");
    if (k >= INT32_MIN && k <= INT32_MAX)
        return g_strdup_printf(k < 0 ? "(%" PRId64 ")" : "%" PRId64, k);
    return g_strdup_printf("INT64_C(%" PRId64 ")", k);
}

/* Binary operators, with the interpreter's wrapping arithmetic. */
static char *binary(struct gen *g, const struct xn *x, int op, const char *a,
                    const char *b)
{
    const char *fn = NULL, *infix = NULL;
    switch (op) {
    case IPA_TOK_PLUS: case IPA_TOK_PLUS_ASSIGN: fn = "add"; break;
    case IPA_TOK_MINUS: case IPA_TOK_MINUS_ASSIGN: fn = "sub"; break;
    case IPA_TOK_STAR: case IPA_TOK_STAR_ASSIGN: fn = "mul"; break;
    case IPA_TOK_SLASH: case IPA_TOK_SLASH_ASSIGN: fn = "divide"; break;
    case IPA_TOK_PERCENT: case IPA_TOK_PERCENT_ASSIGN: fn = "modulo"; break;
    case IPA_TOK_EQ: infix = "=="; break;
    case IPA_TOK_NE: infix = "!="; break;
    case IPA_TOK_LT: infix = "<"; break;
    case IPA_TOK_LE: infix = "<="; break;
    case IPA_TOK_GT: infix = ">"; break;
    case IPA_TOK_GE: infix = ">="; break;
    case IPA_TOK_ASSIGN: return g_strdup(b);
    default: fail(g, "an operator"); return g_strdup("0");
    }
    if (infix)
        return g_strdup_printf("(int64_t)(%s %s %s)", a, infix, b);
    const struct xn *by = x->y;
    bool safe = by && by->op == X_CONST && by->k != 0 && by->k != -1;
    if (safe && !strcmp(fn, "divide"))
        return g_strdup_printf("(%s / %s)", a, b); /* cannot fault or trap */
    if (safe && !strcmp(fn, "modulo"))
        return g_strdup_printf("(%s %% %s)", a, b);
    if (!strcmp(fn, "divide") || !strcmp(fn, "modulo")) {
        char *where = at(x->src);
        char *r = g_strdup_printf("%s(I, %s, %s, %s)", fn, a, b, where);
        g_free(where);
        return r;
    }
    return g_strdup_printf("%s(%s, %s)", fn, a, b);
}

/* Wraps @value_of_a_b (which reads a and b) so that a is evaluated
 * before b when b may have effects: C leaves the order of operands open. */
static char *ordered2(struct gen *g, const struct xn *xa, const struct xn *xb,
                      char *a, char *b,
                      char *(*combine)(struct gen *, const struct xn *,
                                       const char *, const char *),
                      const struct xn *x)
{
    char *r;
    if (has_call(xb) && xa->op != X_CONST && xa->op != X_LOCAL) {
        char *ta = tmp_name(g, "a"), *tb = tmp_name(g, "b");
        char *body = combine(g, x, ta, tb);
        r = g_strdup_printf("__extension__({ int64_t %s = %s; int64_t %s = "
                            "%s; %s; })",
                            ta, a, tb, b, body);
        g_free(ta);
        g_free(tb);
        g_free(body);
    } else {
        r = combine(g, x, a, b);
    }
    g_free(a);
    g_free(b);
    return r;
}

static char *combine_binary(struct gen *g, const struct xn *x, const char *a,
                            const char *b)
{
    return binary(g, x, x->aux, a, b);
}

static char *combine_distance(struct gen *g, const struct xn *x,
                              const char *a, const char *b)
{
    char *na = need(g, x, x->x, a), *nb = need(g, x, x->y, b);
    char *r = g_strdup_printf(
        x->op == X_DISTANCE
            ? "(int64_t)ipa_distance(I->rt, (int)%s - 1, (int)%s - 1)"
            : "(int64_t)ipa_thread_allowed(THREAD(%s), (int)%s - 1)",
        na, nb);
    g_free(na);
    g_free(nb);
    return r;
}

/* OBJ: the entity (of_object) */
static const char *const psys_c[] = {
    "(int64_t)ipa_thread_id(THREAD(OBJ))",
    "(int64_t)ipa_thread_weight(THREAD(OBJ))",
    "(int64_t)ipa_thread_nice(THREAD(OBJ))",
    "(int64_t)ipa_thread_runtime_ns(THREAD(OBJ))",
    "((int64_t)ipa_thread_core(THREAD(OBJ)) + 1)",
    "(int64_t)ipa_thread_group(THREAD(OBJ))",
    "group_size(I, THREAD(OBJ))"};
static const char *const csys_c[] = {
    "((int64_t)OBJ - 1)",
    "(int64_t)ipa_core_node(I->rt, (int)OBJ - 1)",
    "(int64_t)ipa_core_idle(I->rt, (int)OBJ - 1)",
    "(int64_t)ipa_core_online(I->rt, (int)OBJ - 1)",
    "idle_since(I, (int)OBJ - 1)",
    "(int64_t)ipa_core_capacity(I->rt, (int)OBJ - 1)"};
static const char *const entity_accessor[] = {"P", "C", "D", "G"};
static const char *const set_table[] = {NULL, "core_sets", "dom_sets",
                                        "grp_sets"};
static const char *const set_count[] = {NULL, "NR_CORE_SETS",
                                        "NR_DOMAIN_SETS", "NR_GROUP_SETS"};

/* Opens a block in which @arr and @n are a core array's elements and
 * count (the policy's cores, a builder set); the caller closes it. */
static bool array_open(struct gen *g, GString *s, const struct xn *set,
                       char **arr, char **n)
{
    if (set->op == SET_CORES) {
        g_string_append(s, "{ ");
        *arr = g_strdup("I->cores_set");
        *n = g_strdup("I->nr_cores");
        return true;
    }
    if (set->aux == IPA_ENT_PROCESS) {
        fail(g, "a set-valued thread attribute");
        return false;
    }
    char *obj = object(g, set), *sp = tmp_name(g, "span");
    g_string_append_printf(
        s, "{ const struct ipa_dsl_span *%s = &I->%s[(%s - 1) * %s + %d]; ",
        sp, set_table[set->aux], obj, set_count[set->aux], set->a);
    *arr = g_strdup_printf("(I->doms.pool + %s->off)", sp);
    *n = g_strdup_printf("%s->n", sp);
    g_free(obj);
    g_free(sp);
    return true;
}

/* Code that runs @body once per element of @set, the element in @elem
 * (an int64_t declared by the loop). `break` leaves the loop. */
static void set_loop(struct gen *g, GString *s, const struct xn *set,
                     const char *elem, const char *body)
{
    switch (set->op) {
    case SET_STATE: {
        char *core = object(g, set);
        if (set->b < 0) {
            g_string_append_printf(
                s, "do { int64_t %s = VALUE(ipa_core_current(I->rt, (int)%s "
                "- 1)); if (!%s) break; %s } while (0);",
                elem, core, elem, body);
        } else {
            char *rq = tmp_name(g, "rq"), *t = tmp_name(g, "t");
            g_string_append_printf(
                s, "{ struct ipa_rq *%s = rq_of(I, (int)%s - 1, "
                "%d); for (struct ipa_thread *%s = ipa_rq_first(%s); %s; %s "
                "= ipa_rq_next(%s, %s)) { int64_t %s = VALUE(%s); %s } }",
                rq, core, set->b, t, rq, t, t, rq, t, elem, t, body);
            g_free(rq);
            g_free(t);
        }
        g_free(core);
        return;
    }
    case SET_CORES:
    case SET_ATTR: {
        char *arr, *n;
        if (!array_open(g, s, set, &arr, &n))
            return;
        char *i = tmp_name(g, "i");
        g_string_append_printf(s, "for (int %s = 0; %s < %s; %s++) { "
                               "int64_t %s = %s[%s]; %s } }",
                               i, i, n, i, elem, arr, i, body);
        g_free(arr);
        g_free(n);
        g_free(i);
        return;
    }
    case SET_WITHIN: {
        /* dsl.h's ipa_dsl_next_in: no test per core outside the set */
        char *arr, *n;
        if (!array_open(g, s, set->x, &arr, &n))
            return;
        char *i = tmp_name(g, "i");
        g_string_append_printf(
            s, "for (int %s = 0;;) { int64_t %s = ipa_dsl_next_in("
            "I->within[%d], %s, %s, &%s); if (!%s) break; %s } }",
            i, elem, set->aux, arr, n, i, elem, body);
        g_free(arr);
        g_free(n);
        g_free(i);
        return;
    }
    case SET_CORE_ID: {
        char *arr, *n;
        if (!array_open(g, s, set->x, &arr, &n))
            return;
        char *id = expr(g, set->y);
        /* as the filter would: the id is not evaluated over no core */
        g_string_append_printf(
            s, "do { if (!%s) break; int64_t %s = ipa_dsl_find_core(%s, %s, "
            "(%s) + 1); if (!%s) break; %s } while (0); }",
            n, elem, arr, n, id, elem, body);
        g_free(arr);
        g_free(n);
        g_free(id);
        return;
    }
    case SET_MAP: {
        char *inner = tmp_name(g, "m");
        char *val = expr(g, set->y);
        char *mbody = g_strdup_printf("%s = %s; int64_t %s = %s; %s",
                                      g->slot[set->a], inner, elem, val, body);
        set_loop(g, s, set->x, inner, mbody);
        g_free(inner);
        g_free(val);
        g_free(mbody);
        return;
    }
    case SET_ONE: {
        char *v = expr(g, set->x);
        /* only a none is no element (ipa_xn_entity) */
        if (ipa_xn_entity(set->x))
            g_string_append_printf(s, "do { int64_t %s = %s; if (!%s) break; "
                                   "%s } while (0);",
                                   elem, v, elem, body);
        else
            g_string_append_printf(s, "do { int64_t %s = %s; %s } while (0);",
                                   elem, v, body);
        g_free(v);
        return;
    }
    default:
        fail(g, "a set");
    }
}

/* Sets that are arrays walked in place (cores, builder sets, their cores
 * in a runtime set: that set is read as the walk goes, so a move in the
 * body is seen as a test of each core at its turn would see it). */
static bool set_is_array(const struct xn *set)
{
    return set->op == SET_CORES || set->op == SET_ATTR ||
           set->op == SET_WITHIN;
}

static char *set_size(struct gen *g, const struct xn *set)
{
    if (set->op == SET_MAP)
        return set_size(g, set->x);
    if (ipa_xn_queue(set)) {
        char *core = object(g, set);
        char *r = g_strdup_printf(
            "(int64_t)ipa_rq_count(rq_of(I, (int)%s - 1, %d))",
            core, set->b);
        g_free(core);
        return r;
    }
    char *n = tmp_name(g, "n"), *e = tmp_name(g, "e");
    char *body = g_strdup_printf("(void)%s; %s++;", e, n);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "__extension__({ int64_t %s = 0; ", n);
    set_loop(g, s, set, e, body);
    g_string_append_printf(s, " %s; })", n);
    g_free(n);
    g_free(e);
    g_free(body);
    return g_string_free(s, FALSE);
}

static char *set_has(struct gen *g, const struct xn *x)
{
    const struct xn *set = x->y;
    char *v = expr(g, x->x), *tv = tmp_name(g, "v");
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "__extension__({ int64_t %s = %s; int64_t "
                           "in_ = 0; if (%s) { ",
                           tv, v, tv);
    if (set->op == SET_STATE) {
        char *core = object(g, set);
        if (set->b < 0)
            g_string_append_printf(
                s, "in_ = VALUE(ipa_core_current(I->rt, (int)%s - 1)) == %s;",
                core, tv);
        else
            g_string_append_printf(
                s, "in_ = ipa_thread_rq(THREAD(%s)) == rq_of(I, "
                "(int)%s - 1, %d);",
                tv, core, set->b);
        g_free(core);
    } else {
        char *e = tmp_name(g, "e");
        char *body = g_strdup_printf("if (%s == %s) { in_ = 1; break; }", e,
                                     tv);
        set_loop(g, s, set, e, body);
        g_free(e);
        g_free(body);
    }
    g_string_append(s, " } in_; })");
    g_free(v);
    g_free(tv);
    return g_string_free(s, FALSE);
}

static char *aggregate(struct gen *g, const struct xn *x)
{
    static const char *const step[] = {
        "acc_ = (int64_t)((uint64_t)acc_ + (uint64_t)%s);",
        "(void)%s; acc_++;",
        "acc_ = acc_ || %s; if (acc_) goto %s;",
        "acc_ = acc_ && %s; if (!acc_) goto %s;",
        "acc_ = !any_ || %s < acc_ ? %s : acc_;",
        "acc_ = !any_ || %s > acc_ ? %s : acc_;"};
    GString *s = g_string_new(NULL);
    /* or() and and() jump out at the value that decides them (eval.c) */
    bool stops = x->aux == AGG_OR || x->aux == AGG_AND;
    char *decided = stops ? tmp_name(g, "decided") : NULL;
    g_string_append(s, "__extension__({ ");
    if (stops)
        g_string_append_printf(s, "__label__ %s; ", decided);
    g_string_append_printf(s, "int64_t acc_ = %d; bool any_ = false; ",
                           x->aux == AGG_AND);
    for (int i = 0; i < x->nv; i++) {
        const struct xn *arg = x->v[i];
        if (arg->op == SET_MAP && arg->aux != KEPT_SUM_NONE) {
            /* program.h's KEPT_SUM: the runtime's sum of the queue */
            char *core = object(g, arg->x);
            g_string_append_printf(
                s, "acc_ = (int64_t)((uint64_t)acc_ + (uint64_t)ipa_rq_sum("
                "I->rt, rq_of(I, (int)%s - 1, %d), %d, kept_sum_%d, I)); "
                "(void)%s; ",
                core, arg->x->b, arg->aux - 1, arg->aux - 1,
                g->slot[arg->a]);
            g_free(core);
            continue;
        }
        if (x->aux == AGG_COUNT && x->v[i]->op != SET_MAP) {
            char *n = set_size(g, x->v[i]);
            g_string_append_printf(s, "acc_ += %s; ", n);
            g_free(n);
            continue;
        }
        char *e = tmp_name(g, "e");
        char *one = g_strdup_printf(step[x->aux], e, stops ? decided : e);
        char *body = g_strdup_printf("%s any_ = true;", one);
        set_loop(g, s, x->v[i], e, body);
        g_string_append_c(s, ' ');
        g_free(e);
        g_free(one);
        g_free(body);
    }
    if (stops)
        g_string_append_printf(s, "%s: ", decided);
    g_string_append(s, "(void)any_; acc_; })");
    g_free(decided);
    return g_string_free(s, FALSE);
}

/* first/min/max with order and filter (eval.c's select_one). */
/* eval.c's ev_core_order: the runtime's first busy core where it is the
 * selection's answer, else the selection. */
static char *core_order(struct gen *g, const struct xn *x)
{
    char *c = tmp_name(g, "c"), *sel = expr(g, x->x);
    char *r = g_strdup_printf(
        "({ int %s = I->preparing ? ipa_core_order_first(I->rt) : -1; "
        "%s >= 0 && P(I, VALUE(ipa_core_current(I->rt, %s)))->%s > 0 "
        "? (int64_t)%s + 1 : %s; })",
        c, c, c, g->field[IPA_ENT_PROCESS][x->a], c, sel);
    g_free(c);
    g_free(sel);
    return r;
}

static char *select_one(struct gen *g, const struct xn *x)
{
    GString *s = g_string_new(NULL);
    char *e = tmp_name(g, "e");
    const char *el = g->slot[x->a];
    GString *body = g_string_new(NULL);
    g_string_append_printf(body, "%s = %s; ", el, e);
    if (x->y) {
        char *f = expr(g, x->y);
        g_string_append_printf(body, "if (!(%s)) continue; ", f);
        g_free(f);
    }
    if (!x->nv) {
        g_string_append_printf(body, "best_ = %s; break;", e);
    } else {
        g_string_append_printf(body, "int64_t keys_[%d]; ", x->nv);
        for (int k = 0; k < x->nv; k++) {
            char *kv = expr(g, x->v[k]);
            g_string_append_printf(body, "keys_[%d] = %s; ", k, kv);
            g_free(kv);
        }
        g_string_append(body, "bool better_ = !best_; if (best_) { ");
        for (int k = 0; k < x->nv; k++)
            g_string_append_printf(
                body, "%sif (keys_[%d] != best_keys_[%d]) better_ = keys_[%d] "
                "%s best_keys_[%d]; ",
                k ? "else " : "", k, k, k, x->k >> k & 1 ? ">" : "<", k);
        g_string_append_printf(body, "} if (better_) { best_ = %s; "
                               "memcpy(best_keys_, keys_, sizeof keys_); }",
                               e);
    }
    g_string_append(s, "__extension__({ int64_t best_ = 0; ");
    if (x->nv)
        g_string_append_printf(s, "int64_t best_keys_[%d] = {0}; ", x->nv);
    /* a filter's `continue` must reach the loop, not a do-while(0): the
     * single-element sets have no other element to go on to anyway */
    set_loop(g, s, x->x, e, body->str);
    g_string_append(s, " best_; })");
    g_string_free(body, TRUE);
    g_free(e);
    return g_string_free(s, FALSE);
}

static char *call(struct gen *g, const struct xn *x)
{
    GString *s = g_string_new(NULL);
    bool order = false;
    for (int i = 1; i < x->nv; i++)
        order = order || has_call(x->v[i]);
    if (!order) {
        g_string_append_printf(s, "%s(I", g->func[x->a]);
        for (int i = 0; i < x->nv; i++) {
            char *a = expr(g, x->v[i]);
            g_string_append_printf(s, ", %s", a);
            g_free(a);
        }
        g_string_append_c(s, ')');
        return g_string_free(s, FALSE);
    }
    /* arguments left to right, as the interpreter evaluates them */
    g_string_append(s, "__extension__({ ");
    char **names = g_new0(char *, x->nv + 1);
    for (int i = 0; i < x->nv; i++) {
        char *a = expr(g, x->v[i]);
        names[i] = tmp_name(g, "arg");
        g_string_append_printf(s, "int64_t %s = %s; ", names[i], a);
        g_free(a);
    }
    g_string_append_printf(s, "%s(I", g->func[x->a]);
    for (int i = 0; i < x->nv; i++)
        g_string_append_printf(s, ", %s", names[i]);
    g_string_append(s, "); })");
    g_strfreev(names);
    return g_string_free(s, FALSE);
}

/* @fmt with its arguments, then the entity operand x->x (checked for
 * none) where OBJ stands. */
static char *of_object(struct gen *g, const struct xn *x, const char *fmt,
                       ...) G_GNUC_PRINTF(3, 4);
static char *of_object(struct gen *g, const struct xn *x, const char *fmt,
                       ...)
{
    va_list ap;
    va_start(ap, fmt);
    GString *s = g_string_new(NULL);
    g_string_append_vprintf(s, fmt, ap);
    va_end(ap);
    char *o = object(g, x);
    g_string_replace(s, "OBJ", o, 0);
    g_free(o);
    return g_string_free(s, FALSE);
}

/* A kept runtime: read at the first use, the value after. The compiler
 * folds the flag where the reads are in sequence. */
static char *kept_runtime(struct gen *g, const struct xn *x)
{
    const char *t = g->slot[x->x->a];
    char *read = of_object(g, x, "%s", psys_c[PS_RUNTIME]);
    char *r = g_strdup_printf("(has_runtime_%s ? runtime_%s : "
                              "(has_runtime_%s = true, runtime_%s = %s))",
                              t, t, t, t, read);
    g_free(read);
    return r;
}

static char *expr(struct gen *g, const struct xn *x)
{
    char *o, *r;
    switch (x->op) {
    case X_CONST: return constant(x->k);
    case X_LOCAL: return g_strdup(g->slot[x->a]);
    case X_EV_TARGET:
        return g_strdup(g->target_local ? "ev_target_" : "ev_target(I)");
    case X_EV_CORE: return g_strdup("I->ev_core");
    case X_EV_SOURCE: return g_strdup("I->ev_source");
    case X_NOW: return g_strdup("(int64_t)ipa_now_ns(I->rt)");
    case X_UNARY:
        o = expr(g, x->x);
        r = g_strdup_printf(x->aux == IPA_TOK_BANG ? "(int64_t)!(%s)"
                                                   : "neg(%s)",
                            o);
        g_free(o);
        return r;
    case X_BINARY:
        return ordered2(g, x->x, x->y, expr(g, x->x), expr(g, x->y),
                        combine_binary, x);
    case X_AND:
    case X_OR: {
        char *a = expr(g, x->x), *b = expr(g, x->y);
        r = g_strdup_printf("(int64_t)(%s %s %s)", a,
                            x->op == X_AND ? "&&" : "||", b);
        g_free(a);
        g_free(b);
        return r;
    }
    case X_PFIELD:
    case X_CFIELD:
    case X_DFIELD:
    case X_GFIELD: {
        int ent = ipa_xn_field_entity(x->op);
        return of_object(g, x, "%s(I, OBJ)->%s", entity_accessor[ent],
                         g->field[ent][x->a]);
    }
    case X_PSYS:
        if (x->a == PS_RUNTIME && x->x->op == X_LOCAL && g->runtime_kept &&
            g->runtime_kept[x->x->a])
            return kept_runtime(g, x);
        return of_object(g, x, psys_c[x->a]);
    case X_PATTR: return of_object(g, x, "trace_attr(I, OBJ, %d)", x->a);
    case X_CSYS: return of_object(g, x, csys_c[x->a]);
    case X_CURRENT:
        return of_object(g, x, "VALUE(ipa_core_current(I->rt, (int)OBJ - 1))");
    case X_CSTATE1:
        return x->b < 0 ? of_object(g, x, "((void)OBJ, (int64_t)0)")
                        : of_object(g, x, "VALUE(ipa_rq_first(rq_of("
                                          "I, (int)OBJ - 1, %d)))",
                                    x->b);
    case X_DLEVEL:
        return of_object(g, x, "(int64_t)I->doms.level[OBJ - 1]");
    case X_LAZY: return of_object(g, x, "%s(I, OBJ)", g->lazy[x->a]);
    case X_VALID:
        o = expr(g, x->x);
        r = g_strdup_printf("(int64_t)(%s != 0)", o);
        g_free(o);
        return r;
    case X_DISTANCE:
    case X_ALLOWED:
        return ordered2(g, x->x, x->y, expr(g, x->x), expr(g, x->y),
                        combine_distance, x);
    case X_IN: return set_has(g, x);
    case X_SIZE: return set_size(g, x->x);
    case X_AGG: return aggregate(g, x);
    case X_SELECT: return select_one(g, x);
    case X_CORE_ORDER: return core_order(g, x);
    case X_CALL: return call(g, x);
    default:
        fail(g, "an expression");
        return g_strdup("0");
    }
}

/* ---- statements ------------------------------------------------------------ */

static void stmt(struct gen *g, const struct xn *s);

static void block_body(struct gen *g, const struct xn *s)
{
    if (s->op == S_BLOCK)
        for (int i = 0; i < s->nv; i++)
            stmt(g, s->v[i]);
    else
        stmt(g, s);
}

static void sub_block(struct gen *g, const struct xn *s)
{
    g->indent++;
    block_body(g, s);
    g->indent--;
}

/* A move recorded for place(), which makes it (new and unblock). */
static void record_move(struct gen *g, int state)
{
    line(g, "I->placed_core = core_;");
    line(g, "I->placed_state = STATE_%s;", g->p->states[state].name);
    g->moved_to[state] = true;
}

static void make_move(struct gen *g, int state, const char *where)
{
    line(g, "move(I, THREAD(t_), core_, STATE_%s, %s);",
         g->p->states[state].name, where);
}

static void stmt_move(struct gen *g, const struct xn *s)
{
    char *t = expr(g, s->x), *core = expr(g, s->y);
    char *nc = need(g, s->y, s->y, core), *where = at(s->src);
    line(g, "{");
    g->indent++;
    line(g, "int64_t t_ = %s;", t);
    line(g, "if (t_) {");
    g->indent++;
    line(g, "int core_ = (int)%s - 1;", nc);
    switch (g->moves) {
    case MOVES_RECORD:
        record_move(g, s->a);
        break;
    case MOVES_MAKE:
        make_move(g, s->a, where);
        break;
    case MOVES_ASK:
        line(g, "if (I->preparing) {");
        g->indent++;
        record_move(g, s->a);
        g->indent--;
        line(g, "} else {");
        g->indent++;
        make_move(g, s->a, where);
        g->indent--;
        line(g, "}");
        break;
    }
    g->indent--;
    line(g, "}");
    g->indent--;
    line(g, "}");
    g_free(t);
    g_free(core);
    g_free(nc);
    g_free(where);
}

static void stmt_assign(struct gen *g, const struct xn *s)
{
    const struct xn *lv = s->x;
    char *v = expr(g, s->y);
    if (lv->op == X_LOCAL) {
        const char *name = g->slot[lv->a];
        char *val = binary(g, s, s->aux, name, v);
        line(g, "%s = %s;", name, val);
        g_free(val);
        g_free(v);
        return;
    }
    int ent = ipa_xn_field_entity(lv->op);
    char *o = object_for(g, lv, true);
    const char *f = g->field[ent][lv->a];
    /* the value first, then the entity: eval.c's order */
    line(g, "{");
    g->indent++;
    line(g, "int64_t v_ = %s;", v);
    line(g, "int64_t o_ = %s;", o);
    char *lhs = g_strdup_printf("%s(I, o_)->%s", entity_accessor[ent], f);
    char *val = binary(g, s, s->aux, lhs, "v_");
    line(g, "%s = %s;", lhs, val);
    if (s->b)
        line(g, "I->epoch++;");
    if (lv->op == X_PFIELD && g->p->rekey_after[lv->a])
        line(g, "rekey(I, THREAD(o_));");
    if (lv->op == X_PFIELD && lv->a == g->p->core_order_slot) {
        /* a running thread's core takes its new place in the order */
        line(g, "if (ipa_thread_state(THREAD(o_)) == IPA_STATE_RUNNING)");
        line(g, "    ipa_core_order_update(I->rt, ipa_thread_core(THREAD(o_)));");
    }
    g->indent--;
    line(g, "}");
    g_free(lhs);
    g_free(val);
    g_free(o);
    g_free(v);
}

/* A foreach that walks a snapshot of its set in the instance's scratch
 * stack (neither a run queue, walked in place, nor a fixed array). */
static bool snapshot_foreach(const struct xn *s)
{
    return s->op == S_FOREACH && !ipa_xn_queue(s->x) && !set_is_array(s->x);
}

static bool is_snapshot_foreach(const struct xn *x, void *arg)
{
    (void)arg;
    return snapshot_foreach(x);
}

static bool is_loop(const struct xn *x, void *arg)
{
    (void)arg;
    return x->op == S_FOREACH || x->op == X_SELECT || x->op == X_AGG;
}

/* A function without a loop (a foreach, a selection, an aggregate) is
 * inlined where it is called: it costs less than the call (registers
 * saved and restored, the context reloaded), and the checker forbids
 * recursion. */
static const char *inlined(const struct unit *u)
{
    return ipa_xn_find(u->body, is_loop, NULL)
               ? ""
               : "inline __attribute__((always_inline)) ";
}

static bool reads_target(const struct xn *x, void *arg)
{
    (void)arg;
    return x->op == X_EV_TARGET;
}

static void stmt_foreach(struct gen *g, const struct xn *s)
{
    const char *var = g->slot[s->a];
    line(g, "{");
    g->indent++;
    if (ipa_xn_queue(s->x)) {
        /* a run queue: walked in place until something changes it (dsl.h) */
        char *core = object(g, s->x);
        char *w = tmp_name(g, "walk"), *t = tmp_name(g, "t");
        line(g, "struct ipa_dsl_walk %s;", w);
        line(g, "struct ipa_thread *%s;", t);
        line(g, "ipa_dsl_walk_begin(&I->walks, &%s, rq_of(I, (int)%s - 1, "
                "%d));", w, core, s->x->b);
        line(g, "while ((%s = ipa_dsl_walk_next(&I->walks, &%s))) {", t, w);
        g->indent++;
        line(g, "%s = VALUE(%s);", var, t);
        /* a return inside ends the unit's walks: the outermost says */
        const char *outer = g->unit_walk;
        if (!outer)
            g->unit_walk = w;
        block_body(g, s->y);
        g->unit_walk = outer;
        g->indent--;
        line(g, "}");
        line(g, "ipa_dsl_walk_end(&I->walks, &%s);", w);
        g_free(core);
        g_free(w);
        g_free(t);
    } else if (set_is_array(s->x)) {
        /* cores and builder sets never change: walk them in place */
        GString *loop = g_string_new(NULL);
        char *e = tmp_name(g, "e");
        /* the body is statements of its own: the one-line loop is split
         * at a byte no generated C contains */
        char *head = g_strdup_printf("%s = %s; \001", var, e);
        set_loop(g, loop, s->x, e, head);
        char *cut = strchr(loop->str, '\001');
        *cut = 0;
        line(g, "%s", loop->str);
        sub_block(g, s->y);
        line(g, "%s", cut + 1);
        g_string_free(loop, TRUE);
        g_free(e);
        g_free(head);
    } else {
        /* walk a snapshot (snapshot_foreach): the body may move the set's
         * threads */
        GString *snap = g_string_new(NULL);
        char *e = tmp_name(g, "e");
        char *push = g_strdup_printf("scratch_push(I, %s);", e);
        set_loop(g, snap, s->x, e, push);
        line(g, "size_t base_ = I->scratch_len;");
        line(g, "%s", snap->str);
        line(g, "size_t end_ = I->scratch_len;");
        line(g, "for (size_t i_ = base_; i_ < end_; i_++) {");
        g->indent++;
        line(g, "%s = I->scratch[i_];", var);
        block_body(g, s->y);
        g->indent--;
        line(g, "}");
        line(g, "I->scratch_len = base_;");
        g_string_free(snap, TRUE);
        g_free(e);
        g_free(push);
    }
    g->indent--;
    line(g, "}");
}

static void stmt(struct gen *g, const struct xn *s)
{
    char *v;
    if (s->op != S_BLOCK)
        line_marker(g, s->src);
    switch (s->op) {
    case S_BLOCK:
        line(g, "{");
        sub_block(g, s);
        line(g, "}");
        return;
    case S_VAR:
        v = s->x ? expr(g, s->x) : g_strdup("0");
        line(g, "%s = %s;", g->slot[s->a], v);
        g_free(v);
        return;
    case S_MOVE: stmt_move(g, s); return;
    case S_ASSIGN: stmt_assign(g, s); return;
    case S_IF:
        /* an `else if` chain in a loop, flat as it was written: its
         * length costs neither stack here nor nesting in the C */
        v = expr(g, s->x);
        line(g, "if (%s) {", v);
        g_free(v);
        for (;;) {
            sub_block(g, s->y);
            s = s->z;
            if (!s)
                break;
            if (s->op != S_IF) {
                line(g, "} else {");
                sub_block(g, s);
                break;
            }
            line_marker(g, s->src);
            v = expr(g, s->x);
            line(g, "} else if (%s) {", v);
            g_free(v);
        }
        line(g, "}");
        return;
    case S_FOREACH: stmt_foreach(g, s); return;
    case S_BREAK: line(g, "break;"); return;
    case S_CONTINUE: line(g, "continue;"); return;
    case S_RETURN:
        if (s->x && g->returns) {
            v = expr(g, s->x);
            line(g, "r_ = %s;", v);
            g_free(v);
        } else if (s->x) {
            v = expr(g, s->x);
            line(g, "(void)(%s);", v);
            g_free(v);
        }
        if (g->unit_walk)
            line(g, "ipa_dsl_walk_end(&I->walks, &%s);", g->unit_walk);
        line(g, "goto done;");
        return;
    case S_EXPR:
        v = expr(g, s->x);
        line(g, "(void)(%s);", v);
        g_free(v);
        return;
    case S_PREEMPT:
        /* only prepare runs it (the checker): place preempts */
        v = expr(g, s->x);
        line(g, "{");
        line(g, "    int64_t c_ = %s;", v);
        line(g, "    if (c_)");
        line(g, "        I->preempt_core = (int)c_ - 1;");
        line(g, "}");
        g_free(v);
        g->preempts = true;
        return;
    default:
        fail(g, "a statement");
    }
}

/* ---- units ----------------------------------------------------------------- */

static bool name_slot(const struct xn *x, void *arg)
{
    struct gen *g = arg;
    const char *name = NULL;
    if ((x->op == S_VAR && x->src) ||
        (x->op == X_LOCAL && x->src && x->src->kind == IPA_N_IDENT))
        name = x->src->name;
    else if (x->op == S_FOREACH && x->src && x->src->a)
        name = x->src->a->name;
    if (name && x->a < g->nr_slots && !g->slot[x->a])
        g->slot[x->a] = g_strdup_printf("%s_%d", name, x->a);
    return false;
}

/* Slots bound to set elements (foreach, selections, maps)... but for a
 * map's values (`cores.current` holds none for an idle core). */
static bool mark_element(const struct xn *x, void *arg)
{
    struct gen *g = arg;
    bool elements = x->op == SET_MAP ||
                    ((x->op == S_FOREACH || x->op == X_SELECT) &&
                     x->x->op != SET_MAP);
    if (elements && x->a < g->nr_slots)
        g->sure[x->a] = true;
    return false;
}

/* ... but not those the unit also declares or assigns. */
static bool unmark_assigned(const struct xn *x, void *arg)
{
    struct gen *g = arg;
    if (x->op == S_VAR && x->a < g->nr_slots)
        g->sure[x->a] = false;
    if (x->op == S_ASSIGN && x->x->op == X_LOCAL && x->x->a < g->nr_slots)
        g->sure[x->x->a] = false;
    return false;
}

/* Names the unit's locals; @params names its first slots. */
static void unit_begin(struct gen *g, const struct unit *u,
                       const char *const *params, int nr_params)
{
    g->nr_slots = u->nr_slots > nr_params ? u->nr_slots : nr_params;
    g->slot = g_new0(char *, g->nr_slots + 1);
    g->sure = g_new0(bool, g->nr_slots + 1);
    ipa_xn_find(u->body, mark_element, g);
    ipa_xn_find(u->body, unmark_assigned, g);
    for (int i = 0; i < nr_params; i++)
        g->slot[i] = g_strdup_printf("%s_%d", params[i], i);
    ipa_xn_find(u->body, name_slot, g);
    for (int i = 0; i < g->nr_slots; i++)
        if (!g->slot[i])
            g->slot[i] = g_strdup_printf("e_%d", i);
}

static void unit_end(struct gen *g)
{
    g_strfreev(g->slot);
    g->slot = NULL;
    g_free(g->sure);
    g->sure = NULL;
    g_free(g->runtime_kept);
    g->runtime_kept = NULL;
}

struct runtime_reads {
    int *reads;     /* [slot] reads of its thread's runtime */
    bool *assigned; /* [slot] */
    int nr_params;
};

static bool count_runtime_read(const struct xn *x, void *arg)
{
    struct runtime_reads *rr = arg;
    if (x->op == X_PSYS && x->a == PS_RUNTIME && x->x->op == X_LOCAL &&
        x->x->a < rr->nr_params)
        rr->reads[x->x->a]++;
    if (x->op == S_ASSIGN && x->x->op == X_LOCAL && x->x->a < rr->nr_params)
        rr->assigned[x->x->a] = true;
    return false;
}

/* A thread's runtime stands still while a callback runs (simulated time
 * does, and leaving or entering RUNNING accounts at that instant), so a
 * parameter the unit never assigns has its runtime read once however
 * often the unit reads it. The interpreter reads it each time: the same
 * value. */
static void keep_runtimes(struct gen *g, const struct unit *u, int nr_params)
{
    struct runtime_reads rr = {g_new0(int, nr_params + 1),
                               g_new0(bool, nr_params + 1), nr_params};
    ipa_xn_find(u->body, count_runtime_read, &rr);
    g->runtime_kept = g_new0(bool, g->nr_slots + 1);
    for (int i = 0; i < nr_params; i++) {
        g->runtime_kept[i] = rr.reads[i] > 1 && !rr.assigned[i];
        if (g->runtime_kept[i])
            line(g, "int64_t runtime_%s = 0; bool has_runtime_%s = false;",
                 g->slot[i], g->slot[i]);
    }
    g_free(rr.reads);
    g_free(rr.assigned);
}

/* Every slot a local, zeroed as the interpreter's frame; those only ever
 * written (a loop variable the body ignores) marked used for -Wextra. */
static void declare_locals(struct gen *g, const struct unit *u, int from)
{
    for (int i = from; i < g->nr_slots; i++)
        line(g, "int64_t %s = 0;", g->slot[i]);
    for (int i = 0; i < g->nr_slots; i++)
        if (!ipa_xn_reads_slot(u->body, i))
            line(g, "(void)%s;", g->slot[i]);
}

/* An expression unit: static int64_t @name(I, @params...). */
static void expr_unit(struct gen *g, const char *name, const struct unit *u,
                      const char *const *params, int nr_params, bool lazy)
{
    unit_begin(g, u, params, nr_params);
    /* lazy attributes, keys and initialisers get their entity, never none */
    if (nr_params == 1 && !strcmp(params[0], "self"))
        g->sure[0] = true;
    GString *sig = g_string_new(NULL);
    g_string_append_printf(sig, "static int64_t %s(struct inst *I", name);
    for (int i = 0; i < nr_params; i++)
        g_string_append_printf(sig, ", int64_t %s", g->slot[i]);
    g_string_append(sig, ")");
    line(g, "%s", sig->str);
    line(g, "{");
    g->indent++;
    char *where = at(u->node);
    lazy = lazy && g->p->count_depth;
    if (lazy)
        line(g, "enter(I, %s);", where);
    else
        line(g, "(void)I;");
    declare_locals(g, u, nr_params);
    char *v = expr(g, u->body);
    line_marker(g, u->node);
    line(g, lazy ? "return leave(I, %s);" : "return %s;", v);
    line_reset(g);
    g_free(v);
    g_free(where);
    g->indent--;
    line(g, "}");
    line(g, "%s", "");
    g_string_free(sig, TRUE);
    unit_end(g);
}

/* A statement unit: a handler (@returns false) or a function. */
static void stmt_unit(struct gen *g, const char *name, const struct unit *u,
                      const char *const *params, int nr_params, bool returns)
{
    unit_begin(g, u, params, nr_params);
    g->returns = returns;
    GString *sig = g_string_new(NULL);
    g_string_append_printf(sig, "static %s%s %s(struct inst *I",
                           returns ? inlined(u) : "",
                           returns ? "int64_t" : "void", name);
    for (int i = 0; i < nr_params; i++)
        g_string_append_printf(sig, ", int64_t %s", g->slot[i]);
    g_string_append(sig, ")");
    line(g, "%s", sig->str);
    line(g, "{");
    g->indent++;
    line(g, "(void)I; /* a unit may read nothing of it (on tick {}) */");
    if (returns)
        line(g, "int64_t r_ = 0;");
    /* a return from inside a snapshot walk leaves its scratch behind */
    bool scratch = ipa_xn_find(u->body, is_snapshot_foreach, NULL);
    if (scratch)
        line(g, "size_t scratch_ = I->scratch_len;");
    if (u->is_try)
        line(g, "int taken_ = 0;");
    /* a handler's target is fixed for the event: read once */
    g->target_local = !params && ipa_xn_find(u->body, reads_target, NULL);
    if (g->target_local)
        line(g, "const int64_t ev_target_ = ev_target(I);");

    declare_locals(g, u, nr_params);
    keep_runtimes(g, u, nr_params);
    if (u->is_try) {
        line(g, "/* a try function: if a core's lock fails, do nothing */");
        for (int i = 0; i < u->nr_core_params; i++) {
            const char *c = g->slot[u->core_params[i]];
            line(g, "if (!%s || !ipa_dsl_hold(I->rt, &I->locks, (int)%s - 1, "
                 "&taken_))", c, c);
            line(g, "    goto done;");
        }
    }
    block_body(g, u->body);
    line_reset(g);
    g->indent--;
    /* the one exit: returns and failed trylocks jump here */
    line(g, "done: __attribute__((unused));");
    g->indent++;
    if (u->is_try)
        line(g, "ipa_dsl_release(I->rt, &I->locks, taken_);");
    if (scratch)
        line(g, "I->scratch_len = scratch_;");
    if (returns)
        line(g, "return r_;");
    g->target_local = false;
    g->indent--;
    line(g, "}");
    line(g, "%s", "");
    g_string_free(sig, TRUE);
    unit_end(g);
}

/* ---- the file ---------------------------------------------------------------- */

static const char *const entity_name[] = {"thread", "core", "domain",
                                          "group"};

/* What every generated policy carries besides its own units: the
 * instance, entity access, arithmetic and moves. */
static const char prelude[] =
    "/* ---- the instance: one per partition the policy runs ---- */\n"
    "\n"
    "struct inst {\n"
    "    struct ipa_rt *rt;\n"
    "    struct inst *next; /* live instances, freed at unload after a fault */\n"
    "    int64_t *cores_set; /* the partition's cores, encoded, ascending */\n"
    "    int nr_cores;\n"
    "    /* the runtime's waiting and idle cores, fixed for the run */\n"
    "    const uint64_t *within[2];\n"
    "    bool *mine; /* [machine core]: in the partition */\n"
    "    int nr_machine_cores;\n"
    "    int attr_ids[NR_TRACE_ATTRS + 1];\n"
    "    struct ipa_dsl_domains doms;\n"
    "    struct ipa_dsl_span *core_sets, *dom_sets, *grp_sets;\n"
    "    struct ipa_rq **rqs; /* [machine core][NR_RQS]: the partition's */\n"
    "    void **core_data; /* [machine core]: the partition's */\n"
    "    struct domain_attrs *dom;\n"
    "    struct group_attrs *grp;\n"
    "    /* lazy attributes of cores, domains and groups, valid while the\n"
    "     * epoch (bumped by every event, move and write of what a lazy\n"
    "     * attribute reads) stays */\n"
    "    struct lazy_cache *lazy[4];\n"
    "    uint64_t epoch;\n"
    "    int depth;\n"
    "    int64_t *scratch; /* foreach snapshots */\n"
    "    size_t scratch_len, scratch_cap;\n"
    "    /* the event being handled */\n"
    "    bool in_tick;\n"
    "    struct ipa_thread *target;\n"
    "    int64_t target_core, ev_core, ev_source;\n"
    "    bool preparing; /* new/unblock prepare: record the move */\n"
    "    int placed_core, placed_state;\n"
    "    int preempt_core; /* recorded by preempt(c), -1: none */\n"
    "    struct ipa_dsl_locks locks;\n"
    "    struct ipa_dsl_walks walks; /* foreach over run queues */\n"
    "};\n"
    "\n"
    "#define THREAD(v) ((struct ipa_thread *)(intptr_t)(v))\n"
    "#define VALUE(t) ((int64_t)(intptr_t)(t))\n"
    "\n"
    "static struct inst *live_instances;\n"
    "\n"
    "static __attribute__((noreturn, unused, format(printf, 4, 5))) void\n"
    "fault(struct inst *I, int line, int col, const char *fmt, ...)\n"
    "{\n"
    "    char what[512];\n"
    "    va_list ap;\n"
    "    va_start(ap, fmt);\n"
    "    vsnprintf(what, sizeof what, fmt, ap);\n"
    "    va_end(ap);\n"
    "    ipa_fault(I->rt, \"%s:%d:%d: %s\", SOURCE, line, col, what);\n"
    "}\n"
    "\n"
    "/* The entity an access reads (or assigns a field of), or a fault\n"
    " * naming what was none and what the statement did with it. */\n"
    "static inline int64_t need_as(struct inst *I, int64_t v, int line,\n"
    "                              int col, const char *what,\n"
    "                              const char *verb)\n"
    "{\n"
    "    if (__builtin_expect(!v, 0)) {\n"
    "        if (what)\n"
    "            fault(I, line, col, \"%s '%s' of none (test it with \"\n"
    "                  \"valid() first)\", verb, what);\n"
    "        fault(I, line, col, \"using none where a value is needed (test \"\n"
    "              \"it with valid() first)\");\n"
    "    }\n"
    "    return v;\n"
    "}\n"
    "\n"
    "static inline int64_t need(struct inst *I, int64_t v, int line, int col,\n"
    "                           const char *what)\n"
    "{\n"
    "    return need_as(I, v, line, col, what, \"reading\");\n"
    "}\n"
    "\n"
    "static inline __attribute__((unused)) int64_t\n"
    "need_write(struct inst *I, int64_t v, int line, int col, const char *what)\n"
    "{\n"
    "    return need_as(I, v, line, col, what, \"writing\");\n"
    "}\n"
    "\n"
    "/* Lazy attributes nested this deep most likely read each other in a\n"
    " * cycle. */\n"
    "static inline void enter(struct inst *I, int line, int col)\n"
    "{\n"
    "    if (__builtin_expect(I->depth >= " G_STRINGIFY(IPA_INTERP_MAX_DEPTH) ", 0))\n"
    "        fault(I, line, col, \"lazy attributes nested more than \"\n"
    "              \"" G_STRINGIFY(IPA_INTERP_MAX_DEPTH) " deep (one that reads itself?)\");\n"
    "    I->depth++;\n"
    "}\n"
    "\n"
    "static inline int64_t leave(struct inst *I, int64_t v)\n"
    "{\n"
    "    I->depth--;\n"
    "    return v;\n"
    "}\n"
    "\n"
    "static inline struct ipa_rq *rq_of(struct inst *I, int core, int index)\n"
    "{\n"
    "    return ipa_dsl_core_rq(I->rt, I->rqs, I->nr_machine_cores, NR_RQS,\n"
    "                           core, index);\n"
    "}\n"
    "\n"
    "static inline int64_t ev_target(const struct inst *I)\n"
    "{\n"
    "    return I->target ? VALUE(I->target) : I->target_core;\n"
    "}\n"
    "\n"
    "/* Integer arithmetic wraps, as in the interpreter. */\n"
    "static inline int64_t add(int64_t a, int64_t b)\n"
    "{\n"
    "    return (int64_t)((uint64_t)a + (uint64_t)b);\n"
    "}\n"
    "\n"
    "static inline int64_t sub(int64_t a, int64_t b)\n"
    "{\n"
    "    return (int64_t)((uint64_t)a - (uint64_t)b);\n"
    "}\n"
    "\n"
    "static inline int64_t mul(int64_t a, int64_t b)\n"
    "{\n"
    "    return (int64_t)((uint64_t)a * (uint64_t)b);\n"
    "}\n"
    "\n"
    "static inline int64_t neg(int64_t a)\n"
    "{\n"
    "    return (int64_t)(0 - (uint64_t)a);\n"
    "}\n"
    "\n"
    "static inline int64_t divide(struct inst *I, int64_t a, int64_t b,\n"
    "                             int line, int col)\n"
    "{\n"
    "    if (__builtin_expect(b == 0, 0))\n"
    "        fault(I, line, col, \"division by zero\");\n"
    "    if (__builtin_expect(b == -1 && a == INT64_MIN, 0))\n"
    "        fault(I, line, col, \"division overflow\");\n"
    "    return a / b;\n"
    "}\n"
    "\n"
    "static inline int64_t modulo(struct inst *I, int64_t a, int64_t b,\n"
    "                             int line, int col)\n"
    "{\n"
    "    if (__builtin_expect(b == 0, 0))\n"
    "        fault(I, line, col, \"remainder by zero\");\n"
    "    if (__builtin_expect(b == -1 && a == INT64_MIN, 0))\n"
    "        fault(I, line, col, \"remainder overflow\");\n"
    "    return a % b;\n"
    "}\n"
    "\n"
    "static inline int64_t group_size(struct inst *I, struct ipa_thread *t)\n"
    "{\n"
    "    int g = ipa_thread_group(t);\n"
    "    return g < 0 ? 1 : ipa_group_size(I->rt, g);\n"
    "}\n"
    "\n"
    "static inline int64_t idle_since(struct inst *I, int core)\n"
    "{\n"
    "    return ipa_core_idle(I->rt, core)\n"
    "               ? (int64_t)ipa_core_idle_since_ns(I->rt, core)\n"
    "               : (int64_t)ipa_now_ns(I->rt);\n"
    "}\n"
    "\n"
    "static inline int64_t trace_attr(struct inst *I, int64_t t, int attr)\n"
    "{\n"
    "    int id = I->attr_ids[attr];\n"
    "    return id < 0 ? 0 : ipa_thread_attr(THREAD(t), id, 0);\n"
    "}\n"
    "\n"
    "/* Grows only to the largest set walked, so the event path does not\n"
    " * allocate once the run is warm. */\n"
    "static __attribute__((unused)) void scratch_push(struct inst *I, int64_t v)\n"
    "{\n"
    "    if (I->scratch_len == I->scratch_cap) {\n"
    "        size_t cap = I->scratch_cap ? 2 * I->scratch_cap : 1024;\n"
    "        int64_t *s = realloc(I->scratch, cap * sizeof *s);\n"
    "        if (!s)\n"
    "            ipa_fault(I->rt, \"%s: out of memory\", SOURCE);\n"
    "        I->scratch = s;\n"
    "        I->scratch_cap = cap;\n"
    "    }\n"
    "    I->scratch[I->scratch_len++] = v;\n"
    "}\n"
    "\n";

/* C field names of each entity's plain attributes, by slot; lazy and
 * function names by index. */
static void name_entities(struct gen *g)
{
    const struct ipa_model *m = g->p->model;
    int lazy = 0;
    g->lazy = g_new0(char *, g->p->nr_lazies + 1);
    for (int ent = 0; ent < IPA_ENT_COUNT; ent++) {
        g->field[ent] = g_new0(char *, g->p->nr_plain[ent] + 1);
        int plain = 0;
        for (unsigned i = 0; i < m->fields[ent]->len; i++) {
            const struct ipa_mfield *f = ipa_model_field(m, ent, (int)i);
            if (f->kind == IPA_F_LAZY)
                g->lazy[lazy++] = g_strdup_printf("%s_%s", entity_name[ent],
                                                  f->name);
            else if (f->kind == IPA_F_PLAIN && f->type != IPA_MT_SET)
                g->field[ent][plain++] = c_ident(f->name);
        }
    }
    g->func = g_new0(char *, g->p->nr_funcs + 1);
    for (int i = 0; i < g->p->nr_funcs; i++) {
        const struct ipa_node *f = g_ptr_array_index(m->funcs, i);
        g->func[i] = g_strdup_printf("fn_%s", f->name);
    }
}

static void header(struct gen *g, const struct ipa_interp_options *opts)
{
    GString *o = g->out;
    g_string_append_printf(o, "/*\n * Generated by ipasim %s from %s",
                           IPASIM_VERSION, g->p->path);
    for (int i = 0; opts && i < opts->nr_params; i++)
        g_string_append_printf(o, "%s%s", i ? " " : "\n * with --param ",
                               opts->params[i]);
    g_string_append(o, ".\n * Regenerate it rather than edit it: `ipasim "
                       "compile POLICY.ipa -o FILE.c`.\n"
                       " * Thread data: the policy's attributes, the order "
                       "keys of the queue the\n * thread is in, and the "
                       "state it was moved into.\n */\n"
                       "#include <stdarg.h>\n#include <stdbool.h>\n"
                       "#include <stdint.h>\n#include <stdio.h>\n"
                       "#include <stdlib.h>\n#include <string.h>\n\n"
                       "#include <ipasim/dsl.h>\n#include <ipasim/runtime.h>"
                       "\n\n#define SOURCE ");
    c_string(o, g->p->path);
    g_string_append_printf(o, "\n#define NR_TRACE_ATTRS %u\n#define NR_RQS "
                           "%d\n",
                           g->p->attr_names->len,
                           g->p->nr_rqs ? g->p->nr_rqs : 1);
    for (int ent = IPA_ENT_CORE; ent < IPA_ENT_COUNT; ent++)
        g_string_append_printf(o, "#define %s %d\n", set_count[ent],
                               g->p->nr_sets[ent]);
    g_string_append(o, "\n");
}

static void attr_structs(struct gen *g)
{
    line(g, "/* A lazy attribute's value, valid while the instance's epoch "
            "(bumped by");
    line(g, " * every event, move and write of what a lazy attribute reads) "
            "stays. */");
    line(g, "struct lazy_cache {");
    line(g, "    int64_t value;");
    line(g, "    uint64_t epoch;");
    line(g, "};");
    line(g, "%s", "");
    for (int ent = 0; ent < IPA_ENT_COUNT; ent++) {
        line(g, "/* the %s's attributes */", entity_name[ent]);
        line(g, "struct %s_attrs {", entity_name[ent]);
        for (int i = 0; i < g->p->nr_plain[ent]; i++)
            line(g, "    int64_t %s;", g->field[ent][i]);
        if (ent == IPA_ENT_PROCESS) {
            if (g->p->max_keys)
                line(g, "    int64_t order_key_[%d];", g->p->max_keys);
            line(g, "    int64_t state_; /* STATE_x + 1, 0 before any move "
                    "*/");
        } else if (!g->p->nr_plain[ent]) {
            line(g, "    char none_; /* no attribute */");
        }
        line(g, "};");
        line(g, "%s", "");
    }
}

static void accessors(struct gen *g)
{
    line(g, "/* An entity's attributes, from its value. */");
    line(g, "static inline struct thread_attrs *P(struct inst *I, int64_t v)");
    line(g, "{");
    line(g, "    (void)I;");
    line(g, "    return ipa_thread_data(THREAD(v));");
    line(g, "}");
    line(g, "%s", "");
    line(g, "static inline struct core_attrs *C(struct inst *I, int64_t v)");
    line(g, "{");
    line(g, "    return ipa_dsl_core_data(I->rt, I->core_data, "
            "I->nr_machine_cores, (int)v - 1);");
    line(g, "}");
    line(g, "%s", "");
    line(g, "static inline struct domain_attrs *D(struct inst *I, int64_t v)");
    line(g, "{");
    line(g, "    return &I->dom[v - 1];");
    line(g, "}");
    line(g, "%s", "");
    line(g, "static inline struct group_attrs *G(struct inst *I, int64_t v)");
    line(g, "{");
    line(g, "    return &I->grp[v - 1];");
    line(g, "}");
    line(g, "%s", "");
}

static void states_enum(struct gen *g)
{
    line(g, "enum state {");
    for (int i = 0; i < g->p->nr_states; i++)
        line(g, "    STATE_%s,", g->p->states[i].name);
    line(g, "};");
    line(g, "%s", "");
}

static void prototypes(struct gen *g)
{
    for (int i = 0; i < g->p->nr_funcs; i++) {
        const struct unit *u = &g->p->funcs[i];
        GString *s = g_string_new(NULL);
        /* a policy may declare what it does not use */
        g_string_append_printf(s, "static %s__attribute__((unused)) int64_t "
                               "%s(struct inst *I",
                               inlined(u), g->func[i]);
        for (int k = 0; k < u->nr_params; k++)
            g_string_append(s, ", int64_t");
        g_string_append(s, ");");
        line(g, "%s", s->str);
        g_string_free(s, TRUE);
    }
    for (int i = 0; i < g->p->nr_lazies; i++)
        line(g, "static __attribute__((unused)) int64_t %s(struct inst *I, "
                "int64_t self);",
             g->lazy[i]);
    for (int i = 0; i < g->p->nr_kept; i++)
        line(g, "static int64_t kept_sum_%d(struct ipa_rt *rt, const struct "
                "ipa_thread *t, void *arg);", i);
    line(g, "/* unused by a policy that writes no thread attribute */");
    line(g, "static __attribute__((unused)) void rekey_queued(struct inst *I,");
    line(g, "                                struct ipa_thread *t, struct ipa_rq *rq);");
    line(g, "static inline void rekey(struct inst *I, struct ipa_thread *t);");
    line(g, "static inline __attribute__((always_inline)) void");
    line(g, "move(struct inst *I, struct ipa_thread *t, int core, int state,");
    line(g, "     int line, int col);");
    line(g, "%s", "");
}

static const char *const self_param[] = {"self"};

/* A node that costs more than a cache lookup: anything but arithmetic
 * and reads (the runtime's cost about a lookup), such as a walk or a
 * policy function; a lazy read without a cache of its own (a thread's). */
static bool costly_node(const struct xn *x, void *arg)
{
    const struct program *p = arg;
    switch (x->op) {
    case X_LAZY:
        return p->lazy_ent[x->a] == IPA_ENT_PROCESS;
    case X_CONST: case X_LOCAL: case X_UNARY: case X_BINARY: case X_AND:
    case X_OR: case X_PFIELD: case X_PSYS: case X_CFIELD: case X_CSYS:
    case X_CURRENT: case X_CSTATE1: case X_DFIELD: case X_DLEVEL:
    case X_GFIELD: case X_VALID: case X_SIZE: case SET_STATE:
        return false;
    default:
        return true;
    }
}

/* Which lazies get a cache: a thread's is read about once per event where
 * read at all, and a cheap one costs less to compute than to look up. */
static void plan_lazy_caches(struct gen *g)
{
    const struct program *p = g->p;
    g->cache_slot = g_new(int, p->nr_lazies > 0 ? p->nr_lazies : 1);
    for (int i = 0; i < p->nr_lazies; i++) {
        int ent = p->lazy_ent[i];
        bool cached = ent != IPA_ENT_PROCESS &&
                      ipa_xn_find(p->lazies[i].body, costly_node, (void *)p);
        g->cache_slot[i] = cached ? g->nr_cached_of[ent]++ : -1;
    }
}

static void lazies(struct gen *g)
{
    const struct program *p = g->p;
    for (int i = 0; i < p->nr_lazies; i++) {
        int ent = p->lazy_ent[i];
        char *eval = g_strdup_printf("%s_eval", g->lazy[i]);
        expr_unit(g, eval, &p->lazies[i], self_param, 1, true);
        line(g, "static int64_t %s(struct inst *I, int64_t self)",
             g->lazy[i]);
        line(g, "{");
        g->indent++;
        if (g->cache_slot[i] < 0) {
            line(g, "return %s(I, self);", eval);
        } else {
            line(g, "struct lazy_cache *c = &I->lazy[%d][(self - 1) * %d "
                    "+ %d];", ent, g->nr_cached_of[ent], g->cache_slot[i]);
            line(g, "if (c->epoch != I->epoch) {");
            line(g, "    c->value = %s(I, self);", eval);
            line(g, "    c->epoch = I->epoch;");
            line(g, "}");
            line(g, "return c->value;");
        }
        g->indent--;
        line(g, "}");
        line(g, "%s", "");
        g_free(eval);
    }
}

/* The value functions of the sums the runtime keeps (KEPT_SUM). */
static void kept_sums(struct gen *g)
{
    for (int i = 0; i < g->p->nr_kept; i++) {
        line(g, "static int64_t kept_sum_%d(struct ipa_rt *rt, const struct "
                "ipa_thread *t, void *arg)", i);
        line(g, "{");
        line(g, "    (void)rt;");
        line(g, "    return %s((struct inst *)arg, VALUE(t));",
             g->lazy[g->p->kept_lazy[i]]);
        line(g, "}");
        line(g, "%s", "");
    }
}

static void orders(struct gen *g)
{
    const struct program *p = g->p;
    for (int i = 0; i < p->nr_states; i++) {
        const struct order *o = p->states[i].order;
        if (!o)
            continue;
        const char *st = p->states[i].name;
        for (int k = 0; k < o->nr_keys; k++) {
            char *name = g_strdup_printf("key_%s_%d", st, k);
            expr_unit(g, name, &o->keys[k], self_param, 1, false);
            g_free(name);
        }
        line(g, "/* the order of %s: keys cached in the thread's data; "
                "whether they", st);
        line(g, " * changed */");
        line(g, "static bool keys_%s(struct inst *I, struct ipa_thread *t)",
             st);
        line(g, "{");
        line(g, "    bool changed = false;");
        for (int k = 0; k < o->nr_keys; k++) {
            line(g, "    int64_t k%d = key_%s_%d(I, VALUE(t));", k, st, k);
            line(g, "    changed = changed || k%d != P(I, VALUE(t))->"
                    "order_key_[%d];", k, k);
            line(g, "    P(I, VALUE(t))->order_key_[%d] = k%d;", k, k);
        }
        line(g, "    return changed;");
        line(g, "}");
        line(g, "%s", "");
    }
}

/* Moves and re-keying, over the state table. */
static const char moves[] =
    "/* Moves @t into @state of @core, taking the locks it needs (best\n"
    " * effort: a failed trylock skips the move). Inlined: every caller\n"
    " * names its state, so its queue, class and keys fold to constants. */\n"
    "static inline __attribute__((always_inline)) void\n"
    "move(struct inst *I, struct ipa_thread *t, int core, int state,\n"
    "     int line, int col)\n"
    "{\n"
    "    const struct state_desc *st = &states[state];\n"
    "    int taken = 0;\n"
    "    if (ipa_dsl_offline(I->rt, t, core, st->cls))\n"
    "        fault(I, line, col, \"core %d is offline: thread %d moved to \"\n"
    "              \"'%s' there would never run\", core, ipa_thread_id(t), st->name);\n"
    "    if (!ipa_dsl_lock_move(I->rt, &I->locks, t, core, &taken))\n"
    "        return;\n"
    "    struct ipa_rq *rq = st->rq >= 0 ? rq_of(I, core, st->rq) : NULL;\n"
    "    if (st->single && rq && ipa_rq_count(rq) > 0)\n"
    "        fault(I, line, col, \"state '%s' of core %d holds one thread and is not \"\n"
    "              \"empty\", st->name, core);\n"
    "    if (st->keys)\n"
    "        st->keys(I, t);\n"
    "    P(I, VALUE(t))->state_ = state + 1;\n"
    "    I->epoch++;\n"
    "    ipa_dsl_change(I->rt, &I->walks, t, st->cls, core, rq, I->in_tick);\n"
    "    ipa_dsl_release(I->rt, &I->locks, taken);\n"
    "}\n"
    "\n"
    "/* After a thread attribute changed: a queued thread whose keys changed\n"
    " * takes its new place. Most writes are to a thread in no queue (the\n"
    " * running one, one being placed): that test is inline. */\n"
    "static void rekey_queued(struct inst *I, struct ipa_thread *t,\n"
    "                         struct ipa_rq *rq)\n"
    "{\n"
    "    int64_t state = P(I, VALUE(t))->state_;\n"
    "    /* keys that did not change keep the thread's place among equals */\n"
    "    if (state && states[state - 1].keys && states[state - 1].keys(I, t))\n"
    "        ipa_dsl_reorder(&I->walks, rq, t);\n"
    "}\n"
    "\n"
    "static inline void rekey(struct inst *I, struct ipa_thread *t)\n"
    "{\n"
    "    struct ipa_rq *rq = ipa_thread_rq(t);\n"
    "    if (rq)\n"
    "        rekey_queued(I, t, rq);\n"
    "}\n"
    "\n";

static void state_table(struct gen *g)
{
    static const char *const cls[] = {"IPA_DSL_RUNNING", "IPA_DSL_READY",
                                      "IPA_DSL_BLOCKED",
                                      "IPA_DSL_TERMINATED"};
    const struct program *p = g->p;
    line(g, "struct state_desc {");
    line(g, "    const char *name;");
    line(g, "    enum ipa_dsl_class cls;");
    line(g, "    int rq; /* its run queue on each core, -1: none */");
    line(g, "    bool single; /* holds one thread at most */");
    line(g, "    bool (*keys)(struct inst *I, struct ipa_thread *t);");
    line(g, "};");
    line(g, "%s", "");
    line(g, "static const struct state_desc states[] = {");
    for (int i = 0; i < p->nr_states; i++) {
        const struct state_info *s = &p->states[i];
        GString *n = g_string_new(NULL);
        c_string(n, s->name);
        char *keys = s->order ? g_strdup_printf("keys_%s", s->name)
                              : g_strdup("NULL");
        line(g, "    [STATE_%s] = {%s, %s, %d, %s, %s},", s->name, n->str,
             cls[s->cls], s->rq, s->single ? "true" : "false", keys);
        g_free(keys);
        g_string_free(n, TRUE);
    }
    line(g, "};");
    line(g, "%s", "");
    line(g, "static const struct ipa_rq_desc run_queues[] = {");
    for (int i = 0; i < p->nr_states; i++) {
        const struct state_info *s = &p->states[i];
        if (s->rq < 0)
            continue;
        const struct ipa_rq_desc *d = &p->rq_descs[s->rq];
        GString *n = g_string_new(NULL);
        c_string(n, d->name);
        /* ordered by its cached keys, which the runtime compares */
        char *keys = d->nr_keys
                         ? g_strdup_printf(
                               ", .nr_keys = %d, .key_offset = offsetof("
                               "struct thread_attrs, order_key_), "
                               ".highest = 0x%xu",
                               d->nr_keys, d->highest)
                         : g_strdup("");
        line(g, "    [%d] = {.name = %s, .state = %s, .shared = %s%s},", s->rq,
             n->str,
             d->state == IPA_STATE_READY ? "IPA_STATE_READY"
                                         : "IPA_STATE_BLOCKED",
             d->shared ? "true" : "false", keys);
        g_free(keys);
        g_string_free(n, TRUE);
    }
    if (!p->nr_rqs)
        line(g, "    {NULL, IPA_STATE_READY, NULL, NULL, false},");
    line(g, "};");
    line(g, "%s", "");
    g_string_append(g->out, moves);
}

static void functions(struct gen *g)
{
    const struct program *p = g->p;
    for (int i = 0; i < p->nr_funcs; i++) {
        const struct ipa_node *f = g_ptr_array_index(p->model->funcs, i);
        const struct unit *u = &p->funcs[i];
        const char **params = g_new0(const char *, u->nr_params + 1);
        for (int k = 0; k < u->nr_params; k++)
            params[k] = ipa_node_at(f, (unsigned)k)->name;
        stmt_unit(g, g->func[i], u, params, u->nr_params, true);
        g_free(params);
    }
}

static void inits(struct gen *g)
{
    const struct program *p = g->p;
    for (int ent = 0; ent < IPA_ENT_COUNT; ent++) {
        const GArray *a = p->inits[ent];
        for (unsigned i = 0; i < a->len; i++) {
            const struct init *it = &g_array_index(a, struct init, i);
            char *name = g_strdup_printf("init_%s_%s", entity_name[ent],
                                         g->field[ent][it->slot]);
            expr_unit(g, name, &it->unit, self_param, 1, false);
            g_free(name);
        }
        line(g, "static void init_%s(struct inst *I, int64_t self)",
             entity_name[ent]);
        line(g, "{");
        if (!a->len)
            line(g, "    (void)I, (void)self;");
        for (unsigned i = 0; i < a->len; i++) {
            const struct init *it = &g_array_index(a, struct init, i);
            const char *f = g->field[ent][it->slot];
            line(g, "    int64_t %s = init_%s_%s(I, self);", f,
                 entity_name[ent], f);
            line(g, "    %s(I, self)->%s = %s;", entity_accessor[ent], f, f);
        }
        line(g, "}");
        line(g, "%s", "");
    }
}

static void handlers(struct gen *g)
{
    for (int ev = 0; ev < IPA_EV_COUNT; ev++) {
        const struct unit *u = &g->p->handlers[ev];
        if (!u->body)
            continue;
        char *name = g_strdup_printf("on_%s", ipa_event_name(ev));
        g->moves = ev == IPA_EV_new || ev == IPA_EV_unblock ? MOVES_RECORD
                                                           : MOVES_MAKE;
        stmt_unit(g, name, u, NULL, 0, false);
        g->moves = MOVES_ASK;
        g_free(name);
    }
}

static void builder(struct gen *g)
{
    const struct program *p = g->p;
    if (!p->builder)
        return;
    const char *names[5];
    names[p->builder->self_slot] = "self";
    names[p->builder->dist_slot] = "dist";
    names[p->builder->c_slot] = "c";
    names[p->builder->c1_slot] = "c1";
    names[p->builder->c2_slot] = "c2";
    if (p->builder->start.body)
        expr_unit(g, "builder_start_eval", &p->builder->start, self_param,
                  1, false);
    expr_unit(g, "builder_domain_eval", &p->builder->domain, names, 5, false);
    expr_unit(g, "builder_group_eval", &p->builder->group, names, 5, false);
    if (p->builder->start.body) {
        line(g, "static int64_t builder_start(void *arg, int64_t self)");
        line(g, "{");
        line(g, "    return builder_start_eval(arg, self);");
        line(g, "}");
        line(g, "%s", "");
    }
    /* each predicate's arguments in slot order; the other's are 0 */
    const char *dom_args[5], *grp_args[5];
    for (int i = 0; i < 5; i++) {
        bool pair = i == p->builder->c1_slot || i == p->builder->c2_slot;
        dom_args[i] = pair ? "0" : names[i];
        grp_args[i] = i == p->builder->c_slot ? "0" : names[i];
    }
    line(g, "static bool builder_in_domain(void *arg, int64_t self, int dist, "
            "int64_t c)");
    line(g, "{");
    line(g, "    return builder_domain_eval(arg, %s, %s, %s, %s, %s) != 0;",
         dom_args[0], dom_args[1], dom_args[2], dom_args[3], dom_args[4]);
    line(g, "}");
    line(g, "%s", "");
    line(g, "static bool builder_in_group(void *arg, int64_t self, int dist, "
            "int64_t c1,");
    line(g, "                             int64_t c2)");
    line(g, "{");
    line(g, "    return builder_group_eval(arg, %s, %s, %s, %s, %s) != 0;",
         grp_args[0], grp_args[1], grp_args[2], grp_args[3], grp_args[4]);
    line(g, "}");
    line(g, "%s", "");
}

/* The callbacks: callbacks.c's event set-up, in C. */
static const char callbacks[] =
    "/* ---- the runtime's callbacks ---- */\n"
    "\n"
    "static struct inst *inst_of(struct ipa_rt *rt)\n"
    "{\n"
    "    return *(struct inst **)ipa_policy_data(rt);\n"
    "}\n"
    "\n"
    "static bool in_partition(const struct inst *I, int core)\n"
    "{\n"
    "    return core >= 0 && core < I->nr_machine_cores && I->mine[core];\n"
    "}\n"
    "\n"
    "/* What a move needs: a new epoch (the world changed since the last\n"
    " * event), no walk open, no lock held (the caller adds the event's\n"
    " * core). place() makes its one recorded move with no more. */\n"
    "static inline void begin_move(struct inst *I, bool tick)\n"
    "{\n"
    "    I->epoch++;\n"
    "    I->in_tick = tick;\n"
    "    ipa_dsl_walks_reset(&I->walks);\n"
    "    I->locks.n = 0;\n"
    "}\n"
    "\n"
    "/* ... and what a handler reads of its event, none yet. */\n"
    "static inline void begin(struct inst *I, bool tick)\n"
    "{\n"
    "    begin_move(I, tick);\n"
    "    I->depth = 0;\n"
    "    I->preparing = false;\n"
    "    I->target = NULL;\n"
    "    I->target_core = 0;\n"
    "    I->ev_core = 0;\n"
    "    I->ev_source = 0;\n"
    "}\n"
    "\n"
    "/* @source: whether anything will read e.source (prepare does) */\n"
    "static inline void begin_process(struct inst *I, bool tick, bool source,\n"
    "                                 const struct ipa_process_event *e)\n"
    "{\n"
    "    begin(I, tick);\n"
    "    I->target = e->target;\n"
    "    if (e->core >= 0) {\n"
    "        I->ev_core = e->core + 1;\n"
    "        I->locks.held[I->locks.n++] = e->core;\n"
    "    }\n"
    "    if (source && e->source_core >= 0 && in_partition(I, e->source_core))\n"
    "        I->ev_source = e->source_core + 1;\n"
    "}\n"
    "\n"
    "static struct inst *core_event(struct ipa_rt *rt, int core)\n"
    "{\n"
    "    struct inst *I = inst_of(rt);\n"
    "    begin(I, false);\n"
    "    I->target_core = core + 1;\n"
    "    I->locks.held[I->locks.n++] = core;\n"
    "    return I;\n"
    "}\n"
    "\n"
    "/* Placement: prepare runs the handler and records its move, place\n"
    " * makes it once the runtime has locked the chosen core. */\n"
    "static int prepare(struct ipa_rt *rt, bool wakeup,\n"
    "                   struct ipa_process_event *e,\n"
    "                   void (*handler)(struct inst *), const char *event,\n"
    "                   int line, int col)\n"
    "{\n"
    "    struct inst *I = inst_of(rt);\n"
    "    begin_process(I, false, true, e);\n"
    "    /* no core is locked yet; unqualified states are the thread's core\n"
    "     * for a wake-up, the parent's for a new thread */\n"
    "    int own = wakeup ? ipa_thread_core(e->target) : -1;\n"
    "    if (own < 0 || !in_partition(I, own))\n"
    "        own = I->ev_source ? (int)I->ev_source - 1\n"
    "                           : (int)I->cores_set[0] - 1;\n"
    "    I->ev_core = own + 1;\n"
    "    I->preparing = true;\n"
    "    I->placed_core = -1;\n"
    "    I->preempt_core = -1;\n"
    "    if (handler)\n"
    "        handler(I);\n"
    "    I->preparing = false;\n"
    "    if (I->placed_core < 0)\n"
    "        fault(I, line, col, \"'on %s' placed no thread\", event);\n"
    "    return I->placed_core;\n"
    "}\n"
    "\n";

/* place() makes the move prepare recorded. One case per state a move
 * names (only a move records one; the units are emitted by now), so that
 * each inlined move() folds its state's queue, class and keys, as a move
 * written in a handler does. */
static void place_function(struct gen *g)
{
    const struct program *p = g->p;
    line(g, "static void place(struct ipa_rt *rt, struct ipa_process_event *e,");
    line(g, "                  int line, int col)");
    line(g, "{");
    line(g, "    struct inst *I = inst_of(rt);");
    line(g, "    begin_move(I, false);");
    line(g, "    I->locks.held[I->locks.n++] = e->core;");
    line(g, "    switch (I->placed_state) {");
    for (int i = 0; i < p->nr_states; i++) {
        if (!g->moved_to[i])
            continue;
        line(g, "    case STATE_%s:", p->states[i].name);
        line(g, "        move(I, e->target, e->core, STATE_%s, line, col);",
             p->states[i].name);
        line(g, "        break;");
    }
    line(g, "    }");
    if (g->preempts && p->first_ready >= 0) {
        /* preempt(c): c's running thread goes back to its first READY
         * state at the schedule point after the event, as at a tick */
        line(g, "    int pc = I->preempt_core;");
        line(g, "    struct ipa_thread *cur = pc >= 0 ? ipa_core_current(rt, pc) "
                ": NULL;");
        line(g, "    if (cur && ipa_thread_state(cur) == IPA_STATE_RUNNING) {");
        line(g, "        I->in_tick = true;");
        line(g, "        move(I, cur, pc, STATE_%s, line, col);",
             p->states[p->first_ready].name);
        line(g, "    }");
    }
    line(g, "}");
    line(g, "%s", "");
}

static void event_callbacks(struct gen *g)
{
    const struct program *p = g->p;
    g_string_append(g->out, callbacks);
    place_function(g);
    static const int placed[] = {IPA_EV_new, IPA_EV_unblock};
    for (int i = 0; i < 2; i++) {
        int ev = placed[i];
        const char *n = ipa_event_name(ev);
        const struct unit *u = &p->handlers[ev];
        char *where = at(u->node);
        char *h = u->body ? g_strdup_printf("on_%s", n) : g_strdup("NULL");
        line(g, "static int cb_%s_prepare(struct ipa_rt *rt, struct "
                "ipa_process_event *e)", n);
        line(g, "{");
        if (ev == IPA_EV_new) {
            line(g, "    struct inst *I = inst_of(rt);");
            line(g, "    begin(I, false);");
            line(g, "    init_thread(I, VALUE(e->target));");
        }
        line(g, "    return prepare(rt, %s, e, %s, \"%s\", %s);",
             ev == IPA_EV_unblock ? "true" : "false", h, n, where);
        line(g, "}");
        line(g, "%s", "");
        line(g, "static void cb_%s_place(struct ipa_rt *rt, struct "
                "ipa_process_event *e)", n);
        line(g, "{");
        line(g, "    place(rt, e, %s);", where);
        line(g, "}");
        line(g, "%s", "");
        g_free(where);
        g_free(h);
    }
    static const int process_events[] = {IPA_EV_tick, IPA_EV_yield,
                                         IPA_EV_block, IPA_EV_terminate};
    for (size_t i = 0; i < G_N_ELEMENTS(process_events); i++) {
        int ev = process_events[i];
        if (!p->handlers[ev].body)
            continue;
        const char *n = ipa_event_name(ev);
        line(g, "static void cb_%s(struct ipa_rt *rt, struct "
                "ipa_process_event *e)", n);
        line(g, "{");
        line(g, "    struct inst *I = inst_of(rt);");
        line(g, "    begin_process(I, %s, %s, e);",
             ev == IPA_EV_tick ? "true" : "false",
             ipa_xn_find(p->handlers[ev].body, reads_source, NULL) ? "true"
                                                                  : "false");
        line(g, "    on_%s(I);", n);
        line(g, "}");
        line(g, "%s", "");
    }
    static const int core_events[] = {
        IPA_EV_schedule, IPA_EV_newly_idle, IPA_EV_enter_idle,
        IPA_EV_exit_idle, IPA_EV_balancing_select, IPA_EV_core_entry,
        IPA_EV_core_exit};
    for (size_t i = 0; i < G_N_ELEMENTS(core_events); i++) {
        int ev = core_events[i];
        const struct unit *u = &p->handlers[ev];
        if (!u->body)
            continue;
        const char *n = ipa_event_name(ev);
        line(g, "static void cb_%s(struct ipa_rt *rt, struct ipa_core_event "
                "*e)", n);
        line(g, "{");
        if (ev == IPA_EV_core_exit) {
            int ready = -1;
            for (int k = 0; k < p->nr_states && ready < 0; k++)
                if (p->states[k].cls == IPA_C_READY && p->states[k].rq >= 0)
                    ready = k;
            if (ready >= 0) {
                char *where = at(u->node);
                line(g, "    /* the language hands core_exit a core whose "
                        "running thread is");
                line(g, "     * already back in its first READY state */");
                line(g, "    struct ipa_thread *cur = ipa_core_current(rt, "
                        "e->target);");
                line(g, "    if (cur) {");
                line(g, "        struct inst *I = core_event(rt, e->target);");
                line(g, "        I->target_core = 0;");
                line(g, "        move(I, cur, e->target, STATE_%s, %s);",
                     p->states[ready].name, where);
                line(g, "    }");
                g_free(where);
            }
        }
        line(g, "    on_%s(core_event(rt, e->target));", n);
        line(g, "}");
        line(g, "%s", "");
    }
}

/* Freeing instances, also after a fault (which skips fini). */
static const char lifetime[] =
    "static void inst_free(struct inst *I)\n"
    "{\n"
    "    for (struct inst **l = &live_instances; *l; l = &(*l)->next)\n"
    "        if (*l == I) {\n"
    "            *l = I->next;\n"
    "            break;\n"
    "        }\n"
    "    ipa_dsl_domains_free(&I->doms);\n"
    "    ipa_dsl_walks_free(&I->walks);\n"
    "    free(I->cores_set);\n"
    "    free(I->mine);\n"
    "    free(I->core_sets);\n"
    "    free(I->rqs);\n"
    "    free(I->core_data);\n"
    "    free(I->dom_sets);\n"
    "    free(I->grp_sets);\n"
    "    free(I->dom);\n"
    "    free(I->grp);\n"
    "    for (int i = 0; i < 4; i++)\n"
    "        free(I->lazy[i]);\n"
    "    free(I->scratch);\n"
    "    free(I);\n"
    "}\n"
    "\n"
    "/* A fault ends the run without fini: free what is left when the policy is\n"
    " * unloaded. */\n"
    "static __attribute__((destructor)) void free_live_instances(void)\n"
    "{\n"
    "    while (live_instances)\n"
    "        inst_free(live_instances);\n"
    "}\n"
    "\n"
    "static void *zalloc(struct inst *I, size_t n, size_t size)\n"
    "{\n"
    "    void *p = calloc(n ? n : 1, size);\n"
    "    if (!p)\n"
    "        ipa_fault(I->rt, \"%s: out of memory\", SOURCE);\n"
    "    return p;\n"
    "}\n"
    "\n";

static void init_fini(struct gen *g)
{
    const struct program *p = g->p;
    line(g, "static const char *const trace_attrs[NR_TRACE_ATTRS + 1] = {");
    for (unsigned i = 0; i < p->attr_names->len; i++) {
        GString *n = g_string_new(NULL);
        c_string(n, g_ptr_array_index(p->attr_names, i));
        line(g, "    %s,", n->str);
        g_string_free(n, TRUE);
    }
    line(g, "};");
    line(g, "%s", "");
    g_string_append(g->out, lifetime);
    line(g, "static int cb_init(struct ipa_rt *rt)");
    line(g, "{");
    g->indent++;
    line(g, "struct inst *I = calloc(1, sizeof *I);");
    line(g, "if (!I)");
    line(g, "    return -1;");
    line(g, "I->next = live_instances;");
    line(g, "live_instances = I;");
    line(g, "*(struct inst **)ipa_policy_data(rt) = I;");
    line(g, "I->rt = rt;");
    line(g, "for (int i = 0; i < NR_TRACE_ATTRS; i++)");
    line(g, "    I->attr_ids[i] = ipa_attr_id(rt, trace_attrs[i]);");
    line(g, "I->nr_cores = ipa_nr_cores(rt);");
    G_STATIC_ASSERT(WITHIN_COUNT == 2); /* struct inst's within[] */
    line(g, "I->within[%d] = ipa_waiting_cores(rt);", WITHIN_WAITING);
    line(g, "I->within[%d] = ipa_idle_cores(rt);", WITHIN_IDLE);
    if (p->core_order_slot >= 0)
        line(g, "ipa_core_order(rt, offsetof(struct thread_attrs, %s), true);",
             g->field[IPA_ENT_PROCESS][p->core_order_slot]);
    line(g, "I->nr_machine_cores = ipa_machine_cores(rt);");
    line(g, "I->cores_set = zalloc(I, (size_t)I->nr_cores, sizeof(int64_t));");
    line(g, "I->mine = zalloc(I, (size_t)I->nr_machine_cores, sizeof(bool));");
    line(g, "I->rqs = zalloc(I, (size_t)I->nr_machine_cores * NR_RQS, "
            "sizeof *I->rqs);");
    line(g, "I->core_data = zalloc(I, (size_t)I->nr_machine_cores, "
            "sizeof *I->core_data);");
    line(g, "for (int i = 0; i < I->nr_cores; i++) {");
    line(g, "    int core = ipa_core_at(rt, i);");
    line(g, "    I->cores_set[i] = core + 1;");
    line(g, "    I->mine[core] = true;");
    line(g, "    I->core_data[core] = ipa_core_data(rt, core);");
    if (p->nr_rqs)
        line(g, "    for (int k = 0; k < NR_RQS; k++)");
    if (p->nr_rqs)
        line(g, "        I->rqs[core * NR_RQS + k] = ipa_core_rq(rt, core, k);");
    /* a global state's queue is one for all cores */
    for (int i = 0; i < p->nr_states; i++)
        if (p->states[i].global)
            line(g, "    I->rqs[core * NR_RQS + %d] = ipa_global_rq(rt, %d);",
                 p->states[i].rq, p->states[i].rq);
    line(g, "}");
    line(g, "I->core_sets = zalloc(I, (size_t)I->nr_machine_cores * "
            "NR_CORE_SETS + 1,");
    line(g, "                      sizeof(struct ipa_dsl_span));");
    line(g, "begin(I, false);");
    if (p->builder) {
        int l, c;
        pos(p->builder->domain.node, &l, &c);
        GString *w = g_string_new(NULL);
        char *where = g_strdup_printf("%s:%d:%d", p->path, l, c);
        c_string(w, where);
        line(g, "struct ipa_dsl_builder b = {I, %s, builder_in_domain, "
                "builder_in_group,",
             p->builder->start.body ? "builder_start" : "NULL");
        line(g, "                            %s, %s};",
             p->group_reads_domain ? "true" : "false", w->str);
        line(g, "ipa_dsl_build_domains(rt, I->cores_set, I->nr_cores, &b, "
                "&I->doms);");
        line(g, "for (int i = 0; i < I->nr_cores; i++) {");
        line(g, "    int core = (int)I->cores_set[i] - 1;");
        line(g, "    I->core_sets[core * NR_CORE_SETS + %d] = "
                "I->doms.core_domains[core];", p->builder->core_field);
        line(g, "}");
        line(g, "I->dom_sets = zalloc(I, (size_t)I->doms.nr_domains * "
                "NR_DOMAIN_SETS + 1,");
        line(g, "                     sizeof(struct ipa_dsl_span));");
        line(g, "for (int d = 0; d < I->doms.nr_domains; d++) {");
        line(g, "    I->dom_sets[d * NR_DOMAIN_SETS + %d] = "
                "I->doms.domain_groups[d];", p->builder->domain_field);
        if (p->builder->domain_cores_field >= 0)
            line(g, "    I->dom_sets[d * NR_DOMAIN_SETS + %d] = "
                    "I->doms.domain_cores[d];",
                 p->builder->domain_cores_field);
        line(g, "}");
        line(g, "I->grp_sets = zalloc(I, (size_t)I->doms.nr_groups * "
                "NR_GROUP_SETS + 1,");
        line(g, "                     sizeof(struct ipa_dsl_span));");
        line(g, "for (int k = 0; k < I->doms.nr_groups; k++)");
        line(g, "    I->grp_sets[k * NR_GROUP_SETS + %d] = "
                "I->doms.group_cores[k];", p->builder->group_field);
        g_free(where);
        g_string_free(w, TRUE);
    }
    line(g, "I->dom = zalloc(I, (size_t)I->doms.nr_domains, sizeof *I->dom);");
    line(g, "I->grp = zalloc(I, (size_t)I->doms.nr_groups, sizeof *I->grp);");
    static const char *const counts[] = {NULL, "I->nr_machine_cores",
                                         "I->doms.nr_domains",
                                         "I->doms.nr_groups"};
    for (int ent = IPA_ENT_CORE; ent < IPA_ENT_COUNT; ent++)
        if (g->nr_cached_of[ent])
            line(g, "I->lazy[%d] = zalloc(I, (size_t)%s * %d, sizeof(struct "
                    "lazy_cache));", ent, counts[ent], g->nr_cached_of[ent]);
    line(g, "I->epoch = 1;");
    line(g, "/* groups first: a domain's initialiser may read its groups */");
    line(g, "for (int k = 0; k < I->doms.nr_groups; k++)");
    line(g, "    init_group(I, k + 1);");
    line(g, "for (int d = 0; d < I->doms.nr_domains; d++)");
    line(g, "    init_domain(I, d + 1);");
    line(g, "for (int i = 0; i < I->nr_cores; i++)");
    line(g, "    init_core(I, I->cores_set[i]);");
    line(g, "return 0;");
    g->indent--;
    line(g, "}");
    line(g, "%s", "");
    line(g, "static void cb_fini(struct ipa_rt *rt)");
    line(g, "{");
    line(g, "    inst_free(inst_of(rt));");
    line(g, "}");
    line(g, "%s", "");
}

/* The interface functions a trace's "call" runs, in declaration order
 * (as the interpreter lists them), and the callback that runs them. */
static int interface_callback(struct gen *g)
{
    const struct program *p = g->p;
    int n = 0;
    for (int i = 0; i < p->nr_funcs; i++)
        n += p->funcs[i].node->ival == IPA_FUNC_INTERFACE;
    if (!n)
        return 0;
    line(g, "static const struct ipa_iface interfaces[] = {");
    for (int i = 0; i < p->nr_funcs; i++)
        if (p->funcs[i].node->ival == IPA_FUNC_INTERFACE)
            line(g, "    {\"%s\", %d},", p->funcs[i].node->name,
                 p->funcs[i].nr_params - 1);
    line(g, "};");
    line(g, "%s", "");
    line(g, "static void cb_call(struct ipa_rt *rt, struct ipa_process_event "
            "*e, int index, const int64_t *args)");
    line(g, "{");
    line(g, "    struct inst *I = inst_of(rt);");
    line(g, "    begin_process(I, true, false, e);");
    line(g, "    (void)args;");
    line(g, "    switch (index) {");
    int k = 0;
    for (int i = 0; i < p->nr_funcs; i++) {
        const struct unit *u = &p->funcs[i];
        if (u->node->ival != IPA_FUNC_INTERFACE)
            continue;
        GString *call = g_string_new(NULL);
        g_string_append_printf(call, "(void)%s(I, VALUE(e->target)",
                               g->func[i]);
        for (int a = 1; a < u->nr_params; a++)
            g_string_append_printf(call, ", args[%d]", a - 1);
        line(g, "    case %d:", k++);
        line(g, "        %s);", call->str);
        line(g, "        break;");
        g_string_free(call, TRUE);
    }
    line(g, "    }");
    line(g, "}");
    line(g, "%s", "");
    return n;
}

static void ops_table(struct gen *g, int nr_interfaces)
{
    const struct program *p = g->p;
    line(g, "IPA_POLICY_DEFINE(");
    g->indent++;
    line(g, ".name = SOURCE,");
    line(g, ".thread_data_size = sizeof(struct thread_attrs),");
    if (p->nr_plain[IPA_ENT_CORE])
        line(g, ".core_data_size = sizeof(struct core_attrs),");
    line(g, ".policy_data_size = sizeof(struct inst *),");
    if (p->nr_rqs) {
        line(g, ".core_rqs = run_queues,");
        line(g, ".nr_core_rqs = %d,", p->nr_rqs);
    }
    if (p->has_global) { /* as the interpreter: one table for both */
        line(g, ".global_rqs = run_queues,");
        line(g, ".nr_global_rqs = %d,", p->nr_rqs);
    }
    line(g, ".init = cb_init,");
    line(g, ".fini = cb_fini,");
    line(g, ".new_prepare = cb_new_prepare,");
    line(g, ".new_place = cb_new_place,");
    line(g, ".unblock_prepare = cb_unblock_prepare,");
    line(g, ".unblock_place = cb_unblock_place,");
    if (nr_interfaces) {
        line(g, ".ifaces = interfaces,");
        line(g, ".nr_ifaces = %d,", nr_interfaces);
        line(g, ".call = cb_call,");
    }
    for (int ev = 0; ev < IPA_EV_COUNT; ev++) {
        if (ev == IPA_EV_new || ev == IPA_EV_unblock || !p->handlers[ev].body)
            continue;
        const char *n = ipa_event_name(ev);
        line(g, ".%s = cb_%s,", n, n);
    }
    /* a trailing comma is not allowed before the macro's closing paren */
    g_string_truncate(g->out, g->out->len - 2);
    g_string_append(g->out, "\n");
    g->indent--;
    line(g, ");");
}

static void gen_free(struct gen *g)
{
    for (int ent = 0; ent < IPA_ENT_COUNT; ent++)
        g_strfreev(g->field[ent]);
    g_strfreev(g->lazy);
    g_strfreev(g->func);
    g_free(g->moved_to);
    g_free(g->cache_slot);
}

bool ipa_codegen(const char *path, const struct ipa_interp_options *opts,
                 const char *c_name, GString *out, GError **error)
{
    struct ipa_check_options copts = {opts ? opts->params : NULL,
                                      opts ? opts->nr_params : 0};
    struct program *p = ipa_program_compile(path, &copts, error);
    if (!p)
        return false;
    struct gen g = {.p = p, .out = out, .c_name = c_name, .error = error,
                    .moved_to = g_new0(bool, p->nr_states)};
    name_entities(&g);
    plan_lazy_caches(&g);
    header(&g, opts);
    attr_structs(&g);
    g_string_append(out, prelude);
    accessors(&g);
    states_enum(&g);
    prototypes(&g);
    orders(&g);
    state_table(&g);
    lazies(&g);
    kept_sums(&g);
    inits(&g);
    builder(&g);
    functions(&g);
    handlers(&g);
    event_callbacks(&g);
    int nr_interfaces = interface_callback(&g);
    init_fini(&g);
    ops_table(&g, nr_interfaces);
    gen_free(&g);
    ipa_program_free(p);
    return !g.failed;
}
