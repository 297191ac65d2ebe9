#include "dsl/check_internal.h"

/* Constants and --param: checked as expressions, then folded as a run
 * would compute them, with what would fault a run an error. */

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

void ck_check_consts(struct checker *ck)
{
    char ta[32], tb[32];
    const struct ipa_node *root = ck->ast->root;
    for (unsigned i = 0; i < ipa_node_count(root); i++) {
        const struct ipa_node *c = ipa_node_at(root, i);
        if (c->kind != IPA_N_CONST)
            continue;
        struct type t = ck_resolve_type(ck, c->a);
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
        struct val v = ck_check_value(ck, &cx, c->b);
        if (!ck_type_ok(t, v.t))
            err(ck, c->b->span, "constant '%s' is a '%s', but its value is a "
                "'%s'", c->name, ck_type_name(t, ta, sizeof ta),
                ck_type_name(v.t, tb, sizeof tb));
        else
            g_hash_table_add(ck->valid_consts, (gpointer)c);
        g_array_free(cx.locals, TRUE);
    }
}

/* --param NAME=VALUE: the constant must exist and the value parse as its
 * type (int: an integer; time: an integer with a unit, never a bare one;
 * bool: true/false). */
void ck_check_params(struct checker *ck,
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
        struct type t = ck_resolve_type(ck, c->a);
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
                name, value, value, ck_kind_name(t.k),
                t.k == T_TIME ? " (an integer with a unit: ns, us, ms, s)"
                              : "");
        else
            g_hash_table_insert(ck->param_values, (gpointer)c->name,
                                g_memdup2(&parsed, sizeof parsed));
        g_free(name);
    }
}

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

void ck_fold_consts(struct checker *ck)
{
    const struct ipa_node *root = ck->ast->root;
    for (unsigned i = 0; i < ipa_node_count(root); i++) {
        const struct ipa_node *c = ipa_node_at(root, i);
        struct folded *f;
        if (c->kind == IPA_N_CONST)
            fold_const(ck, c, &f);
    }
}
