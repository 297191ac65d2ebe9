#include "dsl/parser.h"
#include "dsl/parser_share.h"

#include <string.h>

#include "util/common.h"

struct parser {
    struct ipa_lexer lx;
    struct ipa_ast *ast;
    struct ipa_diag_sink *sink;
    const struct ipa_source *src;
    struct ipa_token prev, cur, next;
    bool panic;
    int depth;
    bool bossa; /* the Bossa dialect (dsl/bossa.c) drives this parser */
};

/* ---- tokens ------------------------------------------------------------ */

static void advance(struct parser *p)
{
    p->prev = p->cur;
    p->cur = p->next;
    if (p->cur.kind != IPA_TOK_EOF)
        p->next = ipa_lex_next(&p->lx);
    /* the lexer reported its own errors; skip its error tokens */
    while (p->cur.kind == IPA_TOK_ERROR) {
        p->cur = p->next;
        if (p->cur.kind != IPA_TOK_EOF)
            p->next = ipa_lex_next(&p->lx);
    }
}

static bool check(const struct parser *p, enum ipa_tok k)
{
    return p->cur.kind == k;
}

static bool match(struct parser *p, enum ipa_tok k)
{
    if (!check(p, k))
        return false;
    advance(p);
    return true;
}

static void pos_of(const struct parser *p, struct ipa_span sp, int *line,
                   int *col)
{
    ipa_source_position(p->src, sp.off, line, col);
}

static void describe_cur(const struct parser *p, char *buf, size_t n)
{
    const struct ipa_token *t = &p->cur;
    if (t->kind == IPA_TOK_IDENT || t->kind == IPA_TOK_INT ||
        t->kind == IPA_TOK_TIME)
        g_snprintf(buf, n, "'%.*s'", (int)MIN(t->span.len, 40),
                   p->src->text + t->span.off);
    else
        g_snprintf(buf, n, "%s", ipa_tok_describe(t->kind));
}

/* Where to point for a missing token: the current token, unless it starts
 * a later line than the previous one (a missing ';' is best shown right
 * after what precedes it, as gcc does). */
static struct ipa_span missing_at(const struct parser *p)
{
    if (p->prev.span.file == NULL)
        return p->cur.span;
    int l1 = ipa_source_line(p->src, p->prev.span.off);
    int l2 = ipa_source_line(p->src, p->cur.span.off);
    if (l2 > l1 || p->cur.kind == IPA_TOK_EOF)
        return (struct ipa_span){p->src, p->prev.span.off + p->prev.span.len,
                                 0};
    return p->cur.span;
}

static void error_at(struct parser *p, struct ipa_span sp, const char *fmt,
                     ...) __attribute__((format(printf, 3, 4)));
static void error_at(struct parser *p, struct ipa_span sp, const char *fmt,
                     ...)
{
    if (p->panic)
        return;
    p->panic = true;
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    ipa_diag_error(p->sink, sp, "%s", msg);
    g_free(msg);
}

/* Expects @k; says what was found and, via @what, what it was for. */
static bool expect(struct parser *p, enum ipa_tok k, const char *what)
{
    if (match(p, k))
        return true;
    char found[64];
    describe_cur(p, found, sizeof found);
    if (p->panic)
        return false;
    if (k == IPA_TOK_SEMI) {
        struct ipa_span at = missing_at(p);
        bool was_panic = p->panic;
        error_at(p, at, "expected ';' %s, found %s", what, found);
        /* a ';' missing at the end of a line: the next line most likely
         * starts the next statement, so carry on without skipping it */
        if (!was_panic && at.off != p->cur.span.off)
            p->panic = false;
    } else
        error_at(p, p->cur.span, "expected %s %s, found %s",
                 ipa_tok_describe(k), what, found);
    return false;
}

/* Expects the closer of @open; names the opener's position. */
static bool expect_close(struct parser *p, enum ipa_tok k,
                         struct ipa_token open, const char *what)
{
    if (match(p, k))
        return true;
    if (p->panic)
        return false;
    int line, col;
    pos_of(p, open.span, &line, &col);
    char found[64];
    describe_cur(p, found, sizeof found);
    error_at(p, k == IPA_TOK_RBRACE ? missing_at(p) : p->cur.span,
             "expected %s to close %s opened at %d:%d, found %s",
             ipa_tok_describe(k), what, line, col, found);
    return false;
}

static struct ipa_node *node(struct parser *p, enum ipa_node_kind kind,
                             struct ipa_span sp)
{
    struct ipa_node *n = ipa_ast_node(p->ast, kind, sp);
    n->height = 1;
    return n;
}

/* Extends @n's span to the end of the previous token, and its height to
 * its children's. */
static struct ipa_node *finish(struct parser *p, struct ipa_node *n)
{
    if (p->prev.span.off + p->prev.span.len >= n->span.off)
        n->span = ipa_span_join(n->span, p->prev.span);
    int height = 0;
    struct ipa_node *fixed[] = {n->a, n->b, n->c, n->d};
    bool link = ipa_node_else_if(n);
    for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
        if (fixed[i] && !(link && i == 2))
            height = MAX(height, fixed[i]->height);
    for (unsigned i = 0; i < ipa_node_count(n); i++)
        height = MAX(height, ipa_node_at(n, i)->height);
    n->height = height + 1;
    if (link) /* the next `else if` is at this level */
        n->height = MAX(n->height, n->c->height);
    return n;
}

/* Reports nesting past IPA_AST_MAX_NESTING at @sp; @what nests. */
static void too_deep(struct parser *p, struct ipa_span sp, const char *what)
{
    error_at(p, sp, "%s nested too deeply (more than %d levels)", what,
             IPA_AST_MAX_NESTING);
}

static const char *tok_name(struct parser *p, const struct ipa_token *t)
{
    return ipa_ast_intern(p->ast, p->src->text + t->span.off, t->span.len);
}

static struct ipa_node *name_node(struct parser *p, const char *what)
{
    struct ipa_node *n = node(p, IPA_N_NAME, p->cur.span);
    if (check(p, IPA_TOK_IDENT)) {
        n->name = tok_name(p, &p->cur);
        n->name_span = p->cur.span;
        advance(p);
    } else if (p->cur.kind >= IPA_TOK_KW_FIRST &&
               p->cur.kind <= IPA_TOK_KW_LAST &&
               (p->next.kind == IPA_TOK_ASSIGN || p->next.kind == IPA_TOK_SEMI ||
                p->next.kind == IPA_TOK_COMMA ||
                p->next.kind == IPA_TOK_RPAREN)) {
        /* `int handler = 1;`: a keyword where a name belongs; taking it as
         * the name keeps the rest of the line from reading as a second
         * error ("expected '(' after 'handler'") */
        error_at(p, p->cur.span,
                 "expected %s, found '%s', a keyword, which cannot be a name",
                 what, ipa_tok_text(p->cur.kind));
        n->name = "<error>";
        n->name_span = p->cur.span;
        advance(p);
    } else {
        char found[64];
        describe_cur(p, found, sizeof found);
        error_at(p, p->cur.span, "expected %s, found %s", what, found);
        n->name = "<error>";
        n->name_span = p->cur.span;
    }
    return n;
}

static bool is_type_start(enum ipa_tok k)
{
    switch (k) {
    case IPA_TOK_INT_TYPE:
    case IPA_TOK_BOOL:
    case IPA_TOK_TIME_TYPE:
    case IPA_TOK_CORE:
    case IPA_TOK_PROCESS:
    case IPA_TOK_GROUP:
    case IPA_TOK_DOMAIN:
    case IPA_TOK_VOID:
    case IPA_TOK_SET:
        return true;
    default:
        return false;
    }
}

/* Tokens that begin a declaration or an event handler: a block that meets
 * one has lost its closing brace. */
static bool at_decl_start(const struct parser *p)
{
    /* Bossa's `On process.new`, where a block has lost its '}' */
    if (p->bossa && p->cur.kind == IPA_TOK_IDENT && p->cur.span.len == 2 &&
        !memcmp(p->src->text + p->cur.span.off, "On", 2))
        return true;
    switch (p->cur.kind) {
    case IPA_TOK_ON:
    case IPA_TOK_HANDLER:
    case IPA_TOK_CONST:
    case IPA_TOK_TRY:
    case IPA_TOK_INTERFACE:
    case IPA_TOK_PROCESSES:
    case IPA_TOK_DOMAINS:
        return true;
    case IPA_TOK_PROCESS:
    case IPA_TOK_CORE:
    case IPA_TOK_DOMAIN:
    case IPA_TOK_GROUP:
        return p->next.kind == IPA_TOK_ASSIGN;
    default:
        return false;
    }
}

/* ---- types --------------------------------------------------------------- */

/* type -> int | bool | time | core | process | group | domain | void
 *       | set '<' type '>' */
static struct ipa_node *parse_type(struct parser *p)
{
    struct ipa_node *t = node(p, IPA_N_TYPE, p->cur.span);
    if (p->depth >= IPA_AST_MAX_NESTING) {
        /* skip the rest: its '>'s would each be an error of their own */
        too_deep(p, p->cur.span, "type");
        while (is_type_start(p->cur.kind) || check(p, IPA_TOK_LT) ||
               check(p, IPA_TOK_GT))
            advance(p);
        t->op = IPA_TOK_INT_TYPE;
        return t;
    }
    if (!is_type_start(p->cur.kind)) {
        char found[64];
        describe_cur(p, found, sizeof found);
        error_at(p, p->cur.span, "expected a type, found %s", found);
        t->op = IPA_TOK_INT_TYPE;
        return t;
    }
    t->op = p->cur.kind;
    advance(p);
    if (t->op == IPA_TOK_SET) {
        expect(p, IPA_TOK_LT, "after 'set'");
        p->depth++;
        t->a = parse_type(p);
        p->depth--;
        expect(p, IPA_TOK_GT, "to close 'set<'");
    }
    return finish(p, t);
}

/* ---- expressions: a Pratt parser ---------------------------------------- */

static struct ipa_node *parse_expr(struct parser *p);
static struct ipa_node *parse_prec(struct parser *p, enum ipa_prec prec);
static struct ipa_node *parse_order(struct parser *p);

typedef struct ipa_node *(*prefix_fn)(struct parser *p);
typedef struct ipa_node *(*infix_fn)(struct parser *p, struct ipa_node *left);

struct rule {
    prefix_fn prefix;
    infix_fn infix;
    enum ipa_prec prec;
};

static struct ipa_node *literal(struct parser *p)
{
    struct ipa_token t = p->prev;
    struct ipa_node *n;
    switch (t.kind) {
    case IPA_TOK_INT:
        n = node(p, IPA_N_INT_LIT, t.span);
        n->ival = t.value;
        return n;
    case IPA_TOK_TIME: {
        n = node(p, IPA_N_TIME_LIT, t.span);
        n->ival = t.value;
        /* remember the unit so that fmt prints 10ms, not 10000000ns */
        const char *s = p->src->text + t.span.off;
        size_t len = t.span.len;
        n->op = s[len - 1] != 's'        ? 1
                : len >= 2 && s[len - 2] == 'n' ? 1
                : len >= 2 && s[len - 2] == 'u' ? 1000
                : len >= 2 && s[len - 2] == 'm' ? 1000000
                                                : 1000000000;
        return n;
    }
    case IPA_TOK_TRUE:
    case IPA_TOK_FALSE:
        n = node(p, IPA_N_BOOL_LIT, t.span);
        n->ival = t.kind == IPA_TOK_TRUE;
        return n;
    default:
        IPA_UNREACHABLE();
    }
}

/* call -> IDENT '(' [expr {',' expr}] ['order' '=' order]
 *         ['filter' '=' '{' expr '}'] ')' */
static struct ipa_node *finish_call(struct parser *p, struct ipa_token name)
{
    struct ipa_token open = p->prev;
    struct ipa_node *n = node(p, IPA_N_CALL, name.span);
    n->name = tok_name(p, &name);
    n->name_span = name.span;
    if (!check(p, IPA_TOK_RPAREN) && !check(p, IPA_TOK_ORDER) &&
        !check(p, IPA_TOK_FILTER)) {
        do {
            ipa_node_push(n, parse_expr(p));
        } while (match(p, IPA_TOK_COMMA) && !check(p, IPA_TOK_ORDER) &&
                 !check(p, IPA_TOK_FILTER));
    }
    if (match(p, IPA_TOK_ORDER)) {
        expect(p, IPA_TOK_ASSIGN, "after 'order'");
        n->b = parse_order(p);
    }
    if (match(p, IPA_TOK_FILTER)) {
        expect(p, IPA_TOK_ASSIGN, "after 'filter'");
        struct ipa_token fo = p->cur;
        expect(p, IPA_TOK_LBRACE, "to open the filter");
        n->c = parse_expr(p);
        expect_close(p, IPA_TOK_RBRACE, fo, "filter");
    }
    expect_close(p, IPA_TOK_RPAREN, open, "'('");
    return finish(p, n);
}

static struct ipa_node *identifier(struct parser *p)
{
    struct ipa_token t = p->prev;
    if (match(p, IPA_TOK_LPAREN))
        return finish_call(p, t);
    struct ipa_node *n = node(p, IPA_N_IDENT, t.span);
    n->name = tok_name(p, &t);
    n->name_span = t.span;
    return n;
}

static struct ipa_node *grouping(struct parser *p)
{
    struct ipa_token open = p->prev;
    struct ipa_node *e = parse_expr(p);
    expect_close(p, IPA_TOK_RPAREN, open, "'('");
    return e;
}

static struct ipa_node *unary(struct parser *p)
{
    struct ipa_token op = p->prev;
    struct ipa_node *n = node(p, IPA_N_UNARY, op.span);
    n->op = op.kind;
    n->a = parse_prec(p, IPA_PREC_UNARY);
    return finish(p, n);
}

static struct ipa_node *binary(struct parser *p, struct ipa_node *left)
{
    struct ipa_token op = p->prev;
    enum ipa_prec prec = ipa_binary_prec(op.kind);
    struct ipa_node *n = node(p, IPA_N_BINARY, left->span);
    n->op = op.kind;
    n->name_span = op.span;
    n->a = left;
    n->b = parse_prec(p, (enum ipa_prec)(prec + 1));
    return finish(p, n);
}

static struct ipa_node *member(struct parser *p, struct ipa_node *left)
{
    struct ipa_node *n = node(p, IPA_N_MEMBER, left->span);
    n->a = left;
    /* keywords are fine as field names: e.core */
    if (check(p, IPA_TOK_IDENT) || (p->cur.kind >= IPA_TOK_KW_FIRST &&
                                    p->cur.kind <= IPA_TOK_KW_LAST)) {
        n->name = tok_name(p, &p->cur);
        n->name_span = p->cur.span;
        advance(p);
    } else {
        char found[64];
        describe_cur(p, found, sizeof found);
        error_at(p, p->cur.span, "expected a field name after '.', found %s",
                 found);
        n->name = "<error>";
        n->name_span = p->cur.span;
    }
    return finish(p, n);
}

/* The Pratt table: prefix parser, infix parser, infix binding power. */
static const struct rule rules[IPA_TOK_COUNT] = {
    [IPA_TOK_INT] = {literal, NULL, IPA_PREC_NONE},
    [IPA_TOK_TIME] = {literal, NULL, IPA_PREC_NONE},
    [IPA_TOK_TRUE] = {literal, NULL, IPA_PREC_NONE},
    [IPA_TOK_FALSE] = {literal, NULL, IPA_PREC_NONE},
    [IPA_TOK_IDENT] = {identifier, NULL, IPA_PREC_NONE},
    [IPA_TOK_LPAREN] = {grouping, NULL, IPA_PREC_NONE},
    [IPA_TOK_BANG] = {unary, NULL, IPA_PREC_NONE},
    [IPA_TOK_MINUS] = {unary, binary, IPA_PREC_TERM},
    [IPA_TOK_PLUS] = {NULL, binary, IPA_PREC_TERM},
    [IPA_TOK_STAR] = {NULL, binary, IPA_PREC_FACTOR},
    [IPA_TOK_SLASH] = {NULL, binary, IPA_PREC_FACTOR},
    [IPA_TOK_PERCENT] = {NULL, binary, IPA_PREC_FACTOR},
    [IPA_TOK_EQ] = {NULL, binary, IPA_PREC_EQUAL},
    [IPA_TOK_NE] = {NULL, binary, IPA_PREC_EQUAL},
    [IPA_TOK_LT] = {NULL, binary, IPA_PREC_COMPARE},
    [IPA_TOK_LE] = {NULL, binary, IPA_PREC_COMPARE},
    [IPA_TOK_GT] = {NULL, binary, IPA_PREC_COMPARE},
    [IPA_TOK_GE] = {NULL, binary, IPA_PREC_COMPARE},
    [IPA_TOK_IN] = {NULL, binary, IPA_PREC_COMPARE},
    [IPA_TOK_AND] = {NULL, binary, IPA_PREC_AND},
    [IPA_TOK_OR] = {NULL, binary, IPA_PREC_OR},
    [IPA_TOK_DOT] = {NULL, member, IPA_PREC_POSTFIX},
};

enum ipa_prec ipa_binary_prec(enum ipa_tok op)
{
    return op < IPA_TOK_COUNT && op != IPA_TOK_DOT && rules[op].infix
               ? rules[op].prec
               : IPA_PREC_NONE;
}

static struct ipa_node *error_expr(struct parser *p)
{
    struct ipa_node *n = node(p, IPA_N_INT_LIT, p->cur.span);
    return n;
}

/* A chain `a + b + c ...` or `x.f.f ...` nests in the tree, not in the
 * parser's recursion: bound the tree as deep parentheses are bounded. */
static struct ipa_node *bounded(struct parser *p, struct ipa_node *e)
{
    if (e->height <= IPA_AST_MAX_NESTING)
        return e;
    too_deep(p, e->kind == IPA_N_BINARY || e->kind == IPA_N_MEMBER
                    ? e->name_span
                    : e->span,
             "expression");
    return error_expr(p);
}

static struct ipa_node *parse_prec(struct parser *p, enum ipa_prec prec)
{
    if (p->depth >= IPA_AST_MAX_NESTING) {
        too_deep(p, p->cur.span, "expression");
        return error_expr(p);
    }
    prefix_fn pre = rules[p->cur.kind].prefix;
    if (!pre) {
        char found[64];
        describe_cur(p, found, sizeof found);
        error_at(p, p->cur.span, "expected an expression, found %s", found);
        return error_expr(p);
    }
    p->depth++;
    advance(p);
    struct ipa_node *left = bounded(p, pre(p));
    while (rules[p->cur.kind].infix && prec <= rules[p->cur.kind].prec) {
        advance(p);
        left = bounded(p, rules[p->prev.kind].infix(p, left));
    }
    p->depth--;
    return left;
}

static struct ipa_node *parse_expr(struct parser *p)
{
    return parse_prec(p, IPA_PREC_OR);
}

/* order -> '{' [('lowest' | 'highest') expr {',' ...}] '}' */
static struct ipa_node *parse_order(struct parser *p)
{
    struct ipa_node *o = node(p, IPA_N_ORDER, p->cur.span);
    struct ipa_token open = p->cur;
    if (!expect(p, IPA_TOK_LBRACE, "to open the ordering criteria"))
        return o;
    if (!check(p, IPA_TOK_RBRACE)) {
        do {
            struct ipa_node *c = node(p, IPA_N_CRIT, p->cur.span);
            if (match(p, IPA_TOK_LOWEST) || match(p, IPA_TOK_HIGHEST)) {
                c->op = p->prev.kind;
            } else {
                char found[64];
                describe_cur(p, found, sizeof found);
                error_at(p, p->cur.span,
                         "expected 'lowest' or 'highest', found %s", found);
                c->op = IPA_TOK_LOWEST;
            }
            c->a = parse_expr(p);
            ipa_node_push(o, finish(p, c));
        } while (match(p, IPA_TOK_COMMA));
    }
    expect_close(p, IPA_TOK_RBRACE, open, "ordering criteria");
    return finish(p, o);
}

/* ---- statements ---------------------------------------------------------- */

static struct ipa_node *parse_stmt(struct parser *p);

static bool is_stmt_keyword(enum ipa_tok k)
{
    return k == IPA_TOK_IF || k == IPA_TOK_FOREACH || k == IPA_TOK_RETURN ||
           k == IPA_TOK_BREAK || k == IPA_TOK_CONTINUE ||
           k == IPA_TOK_WHILE || k == IPA_TOK_FOR || k == IPA_TOK_DO;
}

/* Skips a balanced {...} group starting at the current '{'. */
static void skip_group(struct parser *p)
{
    int depth = 0;
    do {
        if (check(p, IPA_TOK_LBRACE))
            depth++;
        else if (check(p, IPA_TOK_RBRACE))
            depth--;
        advance(p);
    } while (depth > 0 && !check(p, IPA_TOK_EOF));
}

/* Panic-mode recovery inside a block: skip to the end of the statement. */
static void sync_stmt(struct parser *p)
{
    /* at the end of the file every open block is unclosed: report only
     * the innermost */
    if (check(p, IPA_TOK_EOF))
        return;
    p->panic = false;
    /* the statement in error already reached its end */
    if (p->prev.kind == IPA_TOK_SEMI)
        return;
    while (!check(p, IPA_TOK_EOF)) {
        if (match(p, IPA_TOK_SEMI))
            return;
        if (check(p, IPA_TOK_RBRACE) || is_stmt_keyword(p->cur.kind) ||
            at_decl_start(p) ||
            (is_type_start(p->cur.kind) && p->next.kind == IPA_TOK_IDENT))
            return;
        if (check(p, IPA_TOK_LBRACE)) {
            skip_group(p);
            return;
        }
        advance(p);
    }
}

/* block -> '{' stmt* '}' */
static struct ipa_node *parse_block(struct parser *p, const char *what)
{
    struct ipa_node *b = node(p, IPA_N_BLOCK, p->cur.span);
    struct ipa_token open = p->cur;
    if (!check(p, IPA_TOK_LBRACE)) {
        char found[64];
        describe_cur(p, found, sizeof found);
        error_at(p, p->cur.span, "expected '{' to open %s, found %s", what,
                 found);
        return b;
    }
    advance(p);
    while (!check(p, IPA_TOK_RBRACE) && !check(p, IPA_TOK_EOF) &&
           !at_decl_start(p)) {
        uint32_t before = p->cur.span.off;
        ipa_node_push(b, parse_stmt(p));
        if (p->panic)
            sync_stmt(p);
        if (p->cur.span.off == before && !check(p, IPA_TOK_EOF) &&
            !check(p, IPA_TOK_RBRACE) && !at_decl_start(p))
            advance(p);
    }
    expect_close(p, IPA_TOK_RBRACE, open, "block");
    return finish(p, b);
}

static struct ipa_node *parse_var(struct parser *p)
{
    struct ipa_node *v = node(p, IPA_N_VAR, p->cur.span);
    v->a = parse_type(p);
    struct ipa_node *nm = name_node(p, "a variable name");
    v->name = nm->name;
    v->name_span = nm->name_span;
    if (match(p, IPA_TOK_ASSIGN))
        v->b = parse_expr(p);
    expect(p, IPA_TOK_SEMI, "after the declaration");
    return finish(p, v);
}

/* if -> 'if' '(' expr ')' stmt ['else' stmt]. An `else if` chain is
 * read in a loop, each link at the level of the first `if`, so that its
 * length costs no stack here or in a later pass. */
static struct ipa_node *parse_if(struct parser *p)
{
    GPtrArray *chain = g_ptr_array_new();
    struct ipa_node *first = NULL, *last = NULL;
    do {
        struct ipa_token t = p->cur;
        advance(p);
        struct ipa_node *n = node(p, IPA_N_IF, t.span);
        struct ipa_token open = p->cur;
        expect(p, IPA_TOK_LPAREN, "after 'if'");
        n->a = parse_expr(p);
        expect_close(p, IPA_TOK_RPAREN, open, "'('");
        p->depth++;
        n->b = parse_stmt(p);
        p->depth--;
        if (last)
            last->c = n;
        else
            first = n;
        last = n;
        g_ptr_array_add(chain, n);
        if (!match(p, IPA_TOK_ELSE))
            break;
        if (!check(p, IPA_TOK_IF)) {
            p->depth++;
            n->c = parse_stmt(p);
            p->depth--;
            break;
        }
        if (chain->len == IPA_AST_MAX_ELSE_IF)
            error_at(p, p->cur.span, "'else if' chain longer than %d links",
                     IPA_AST_MAX_ELSE_IF);
    } while (true);
    /* the links end where the chain ends; heights from the last one up */
    for (unsigned i = chain->len; i-- > 0;)
        finish(p, g_ptr_array_index(chain, i));
    g_ptr_array_free(chain, TRUE);
    return first;
}

/* stmt -> block | if | foreach | break ';' | continue ';'
 *       | return [expr] ';' | type IDENT ['=' expr] ';'
 *       | expr ('=>' expr | assignop expr | '++' | '--')? ';' */
static struct ipa_node *parse_stmt(struct parser *p)
{
    struct ipa_token t = p->cur;
    struct ipa_node *n;
    if (p->depth >= IPA_AST_MAX_NESTING) {
        too_deep(p, t.span, "statements");
        return node(p, IPA_N_BLOCK, t.span);
    }
    switch (t.kind) {
    case IPA_TOK_LBRACE:
        p->depth++;
        n = parse_block(p, "a block");
        p->depth--;
        return n;
    case IPA_TOK_IF:
        return parse_if(p);
    case IPA_TOK_FOREACH: {
        advance(p);
        n = node(p, IPA_N_FOREACH, t.span);
        struct ipa_token open = p->cur;
        expect(p, IPA_TOK_LPAREN, "after 'foreach'");
        n->a = name_node(p, "a loop variable");
        expect(p, IPA_TOK_IN, "after the loop variable");
        n->b = parse_expr(p);
        expect_close(p, IPA_TOK_RPAREN, open, "'('");
        p->depth++;
        n->c = parse_stmt(p);
        p->depth--;
        return finish(p, n);
    }
    case IPA_TOK_WHILE:
    case IPA_TOK_FOR:
    case IPA_TOK_DO:
        error_at(p, t.span,
                 "'%s' loops are not part of the language: loops must be "
                 "bounded; use 'foreach' over a collection",
                 ipa_tok_text(t.kind));
        advance(p);
        if (check(p, IPA_TOK_LPAREN)) {
            /* skip the loop header: "(;;)" is not worth more errors */
            int depth = 0;
            do {
                depth += check(p, IPA_TOK_LPAREN) - check(p, IPA_TOK_RPAREN);
                advance(p);
            } while (depth > 0 && !check(p, IPA_TOK_EOF));
            p->panic = false;
            n = node(p, IPA_N_BLOCK, t.span);
            parse_stmt(p);
            return n;
        }
        return node(p, IPA_N_BLOCK, t.span);
    case IPA_TOK_BREAK:
    case IPA_TOK_CONTINUE:
        advance(p);
        n = node(p, t.kind == IPA_TOK_BREAK ? IPA_N_BREAK : IPA_N_CONTINUE,
                 t.span);
        expect(p, IPA_TOK_SEMI, t.kind == IPA_TOK_BREAK ? "after 'break'"
                                                        : "after 'continue'");
        return finish(p, n);
    case IPA_TOK_RETURN:
        advance(p);
        n = node(p, IPA_N_RETURN, t.span);
        if (!check(p, IPA_TOK_SEMI))
            n->a = parse_expr(p);
        expect(p, IPA_TOK_SEMI, "after 'return'");
        return finish(p, n);
    default:
        break;
    }
    if (is_type_start(t.kind))
        return parse_var(p);
    struct ipa_node *e = parse_expr(p);
    switch (p->cur.kind) {
    case IPA_TOK_ARROW:
        advance(p);
        n = node(p, IPA_N_MOVE, e->span);
        n->name_span = p->prev.span;
        n->a = e;
        n->b = parse_expr(p);
        break;
    case IPA_TOK_ASSIGN:
    case IPA_TOK_PLUS_ASSIGN:
    case IPA_TOK_MINUS_ASSIGN:
    case IPA_TOK_STAR_ASSIGN:
    case IPA_TOK_SLASH_ASSIGN:
    case IPA_TOK_PERCENT_ASSIGN:
        n = node(p, IPA_N_ASSIGN, e->span);
        n->op = p->cur.kind;
        n->name_span = p->cur.span;
        advance(p);
        n->a = e;
        n->b = parse_expr(p);
        break;
    case IPA_TOK_INCR:
    case IPA_TOK_DECR:
        n = node(p, IPA_N_INCDEC, e->span);
        n->op = p->cur.kind;
        advance(p);
        n->a = e;
        break;
    default:
        n = node(p, IPA_N_EXPR_STMT, e->span);
        n->a = e;
        if (e->kind != IPA_N_CALL && !p->panic) {
            if (check(p, IPA_TOK_SEMI)) {
                error_at(p, e->span,
                         "this expression does nothing: a statement is a "
                         "move ('=>'), an assignment or a call");
                p->panic = false;
                advance(p);
                return n;
            }
            char found[64];
            describe_cur(p, found, sizeof found);
            error_at(p, p->cur.span, "expected '=>', '=' or ';', found %s",
                     found);
            return n;
        }
        break;
    }
    expect(p, IPA_TOK_SEMI, "after the statement");
    return finish(p, n);
}

/* ---- declarations -------------------------------------------------------- */

/* state -> ['shared' | 'global'] CLASS [type] IDENT [':' 'order' '=' order]
 *          ';' */
static struct ipa_node *parse_state(struct parser *p)
{
    struct ipa_node *s = node(p, IPA_N_STATE, p->cur.span);
    if (match(p, IPA_TOK_SHARED))
        s->ival = IPA_STATE_SHARED;
    else if (match(p, IPA_TOK_GLOBAL))
        s->ival = IPA_STATE_GLOBAL;
    switch (p->cur.kind) {
    case IPA_TOK_RUNNING:
    case IPA_TOK_READY:
    case IPA_TOK_BLOCKED:
    case IPA_TOK_TERMINATED:
        s->op = p->cur.kind;
        advance(p);
        break;
    default: {
        char found[64];
        describe_cur(p, found, sizeof found);
        error_at(p, p->cur.span,
                 "expected a state class (RUNNING, READY, BLOCKED or "
                 "TERMINATED), found %s",
                 found);
        return s;
    }
    }
    if (is_type_start(p->cur.kind))
        s->a = parse_type(p);
    struct ipa_node *nm = name_node(p, "a state name");
    s->name = nm->name;
    s->name_span = nm->name_span;
    if (match(p, IPA_TOK_COLON)) {
        expect(p, IPA_TOK_ORDER, "after ':'");
        expect(p, IPA_TOK_ASSIGN, "after 'order'");
        s->b = parse_order(p);
    }
    expect(p, IPA_TOK_SEMI, "after the state declaration");
    return finish(p, s);
}

/* Skips to the end of a member declaration (';' or the closing '}'). */
static void sync_member(struct parser *p)
{
    if (check(p, IPA_TOK_EOF))
        return;
    p->panic = false;
    while (!check(p, IPA_TOK_EOF) && !check(p, IPA_TOK_RBRACE) &&
           !at_decl_start(p)) {
        if (match(p, IPA_TOK_SEMI))
            return;
        if (check(p, IPA_TOK_LBRACE)) {
            skip_group(p);
            match(p, IPA_TOK_SEMI);
            return;
        }
        advance(p);
    }
}

/* processes -> 'processes' '=' '{' state* '}' */
static struct ipa_node *parse_states(struct parser *p)
{
    struct ipa_node *n = node(p, IPA_N_STATES, p->cur.span);
    advance(p);
    expect(p, IPA_TOK_ASSIGN, "after 'processes'");
    struct ipa_token open = p->cur;
    if (!expect(p, IPA_TOK_LBRACE, "to open the states"))
        return n;
    while (!check(p, IPA_TOK_RBRACE) && !check(p, IPA_TOK_EOF) &&
           !at_decl_start(p)) {
        uint32_t before = p->cur.span.off;
        ipa_node_push(n, parse_state(p));
        if (p->panic)
            sync_member(p);
        if (p->cur.span.off == before && !check(p, IPA_TOK_EOF) &&
            !check(p, IPA_TOK_RBRACE) && !at_decl_start(p))
            advance(p);
    }
    expect_close(p, IPA_TOK_RBRACE, open, "block");
    match(p, IPA_TOK_SEMI);
    return finish(p, n);
}

/* bgroup -> 'group' '(' IDENT ',' IDENT '|' expr ')' 'to' IDENT ';' */
static struct ipa_node *parse_bgroup(struct parser *p)
{
    struct ipa_node *g = node(p, IPA_N_BGROUP, p->cur.span);
    expect(p, IPA_TOK_GROUP, "in the domain's body");
    struct ipa_token open = p->cur;
    expect(p, IPA_TOK_LPAREN, "after 'group'");
    g->a = name_node(p, "a core variable");
    expect(p, IPA_TOK_COMMA, "between the two core variables");
    g->b = name_node(p, "a second core variable");
    expect(p, IPA_TOK_PIPE, "before the grouping relation");
    g->c = parse_expr(p);
    expect_close(p, IPA_TOK_RPAREN, open, "'('");
    expect(p, IPA_TOK_TO, "after the group relation");
    g->d = name_node(p, "the group field the cores go to");
    expect(p, IPA_TOK_SEMI, "after the group builder");
    return finish(p, g);
}

/* bdomain -> 'domain' '(' IDENT '|' expr ')' 'to' IDENT '=' '{' bgroup '}' */
static struct ipa_node *parse_bdomain(struct parser *p)
{
    struct ipa_node *d = node(p, IPA_N_BDOMAIN, p->cur.span);
    expect(p, IPA_TOK_DOMAIN, "in the level's body");
    struct ipa_token open = p->cur;
    expect(p, IPA_TOK_LPAREN, "after 'domain'");
    d->a = name_node(p, "a core variable");
    expect(p, IPA_TOK_PIPE, "before the domain predicate");
    d->b = parse_expr(p);
    expect_close(p, IPA_TOK_RPAREN, open, "'('");
    expect(p, IPA_TOK_TO, "after the domain predicate");
    d->c = name_node(p, "the domain field the groups go to");
    expect(p, IPA_TOK_ASSIGN, "after the field");
    struct ipa_token bo = p->cur;
    if (expect(p, IPA_TOK_LBRACE, "to open the group builder")) {
        d->d = parse_bgroup(p);
        expect_close(p, IPA_TOK_RBRACE, bo, "block");
    }
    match(p, IPA_TOK_SEMI);
    return finish(p, d);
}

/* builder -> 'domains' '(' 'core' IDENT ')' 'to' IDENT '=' '{'
 *            'foreach' '(' IDENT 'in' 'distances' ['starting_at' expr] ')'
 *            '{' bdomain '}' '}' */
static struct ipa_node *parse_builder(struct parser *p)
{
    struct ipa_node *b = node(p, IPA_N_BUILDER, p->cur.span);
    advance(p);
    struct ipa_token open = p->cur;
    expect(p, IPA_TOK_LPAREN, "after 'domains'");
    expect(p, IPA_TOK_CORE, "as the builder's parameter type");
    b->a = name_node(p, "the builder's core parameter");
    expect_close(p, IPA_TOK_RPAREN, open, "'('");
    expect(p, IPA_TOK_TO, "after the builder's parameter");
    b->b = name_node(p, "the core field the domains go to");
    expect(p, IPA_TOK_ASSIGN, "after the field");
    struct ipa_token bo = p->cur;
    if (!expect(p, IPA_TOK_LBRACE, "to open the builder"))
        return finish(p, b);
    struct ipa_node *lv = node(p, IPA_N_LEVELS, p->cur.span);
    b->c = lv;
    expect(p, IPA_TOK_FOREACH, "to walk the distance levels");
    struct ipa_token fo = p->cur;
    expect(p, IPA_TOK_LPAREN, "after 'foreach'");
    lv->a = name_node(p, "a distance variable");
    expect(p, IPA_TOK_IN, "after the distance variable");
    expect(p, IPA_TOK_DISTANCES, "in the builder's 'foreach'");
    if (match(p, IPA_TOK_STARTING_AT))
        lv->b = parse_expr(p);
    expect_close(p, IPA_TOK_RPAREN, fo, "'('");
    struct ipa_token lo = p->cur;
    if (expect(p, IPA_TOK_LBRACE, "to open the level's body")) {
        lv->c = parse_bdomain(p);
        expect_close(p, IPA_TOK_RBRACE, lo, "block");
    }
    finish(p, lv);
    expect_close(p, IPA_TOK_RBRACE, bo, "block");
    match(p, IPA_TOK_SEMI);
    return finish(p, b);
}

/* member -> processes | builder | ['system' | 'lazy'] type IDENT
 *           ['=' expr] ';' */
static struct ipa_node *parse_member(struct parser *p)
{
    if (check(p, IPA_TOK_PROCESSES))
        return parse_states(p);
    if (check(p, IPA_TOK_DOMAINS))
        return parse_builder(p);
    struct ipa_node *f = node(p, IPA_N_FIELD, p->cur.span);
    if (match(p, IPA_TOK_SYSTEM) || match(p, IPA_TOK_LAZY))
        f->op = p->prev.kind;
    f->a = parse_type(p);
    struct ipa_node *nm = name_node(p, "an attribute name");
    f->name = nm->name;
    f->name_span = nm->name_span;
    if (match(p, IPA_TOK_ASSIGN))
        f->b = parse_expr(p);
    expect(p, IPA_TOK_SEMI, "after the attribute");
    return finish(p, f);
}

/* entity -> ('process' | 'core' | 'domain' | 'group') '=' '{' member* '}' */
static struct ipa_node *parse_entity(struct parser *p)
{
    struct ipa_node *n = node(p, IPA_N_ENTITY, p->cur.span);
    n->op = p->cur.kind;
    n->name_span = p->cur.span;
    advance(p);
    advance(p); /* '=' */
    struct ipa_token open = p->cur;
    if (!expect(p, IPA_TOK_LBRACE, "to open the declaration"))
        return n;
    while (!check(p, IPA_TOK_RBRACE) && !check(p, IPA_TOK_EOF) &&
           !(at_decl_start(p) && !check(p, IPA_TOK_PROCESSES) &&
             !check(p, IPA_TOK_DOMAINS))) {
        uint32_t before = p->cur.span.off;
        ipa_node_push(n, parse_member(p));
        if (p->panic)
            sync_member(p);
        if (p->cur.span.off == before && !check(p, IPA_TOK_EOF) &&
            !check(p, IPA_TOK_RBRACE))
            advance(p);
    }
    expect_close(p, IPA_TOK_RBRACE, open, "block");
    match(p, IPA_TOK_SEMI);
    return finish(p, n);
}

/* handler -> 'handler' '(' ('process_event' | 'core_event') IDENT ')'
 *            '{' ('on' IDENT block)* '}' */
static struct ipa_node *parse_handler(struct parser *p)
{
    struct ipa_node *h = node(p, IPA_N_HANDLER, p->cur.span);
    advance(p);
    struct ipa_token po = p->cur;
    expect(p, IPA_TOK_LPAREN, "after 'handler'");
    if (match(p, IPA_TOK_PROCESS_EVENT) || match(p, IPA_TOK_CORE_EVENT)) {
        h->op = p->prev.kind;
    } else {
        char found[64];
        describe_cur(p, found, sizeof found);
        error_at(p, p->cur.span,
                 "expected 'process_event' or 'core_event', found %s", found);
        h->op = IPA_TOK_PROCESS_EVENT;
    }
    h->a = name_node(p, "the event variable");
    expect_close(p, IPA_TOK_RPAREN, po, "'('");
    struct ipa_token open = p->cur;
    if (!expect(p, IPA_TOK_LBRACE, "to open the handler"))
        return finish(p, h);
    while (!check(p, IPA_TOK_RBRACE) && !check(p, IPA_TOK_EOF)) {
        p->panic = false;
        if (at_decl_start(p) && !check(p, IPA_TOK_ON))
            break;
        struct ipa_node *on = node(p, IPA_N_ON, p->cur.span);
        if (!expect(p, IPA_TOK_ON, "to start an event handler")) {
            /* skip to the next 'on' */
            p->panic = true;
            while (!check(p, IPA_TOK_EOF) && !check(p, IPA_TOK_ON) &&
                   !check(p, IPA_TOK_RBRACE) && !at_decl_start(p)) {
                if (check(p, IPA_TOK_LBRACE))
                    skip_group(p);
                else
                    advance(p);
            }
            p->panic = false;
            continue;
        }
        struct ipa_node *nm = name_node(p, "an event name");
        on->name = nm->name;
        on->name_span = nm->name_span;
        on->a = parse_block(p, "the event's body");
        ipa_node_push(h, finish(p, on));
    }
    expect_close(p, IPA_TOK_RBRACE, open, "block");
    match(p, IPA_TOK_SEMI);
    return finish(p, h);
}

/* func -> ['try' | 'interface'] type IDENT
 *         '(' [type IDENT {',' type IDENT}] ')' block */
static struct ipa_node *parse_func(struct parser *p)
{
    struct ipa_node *f = node(p, IPA_N_FUNC, p->cur.span);
    if (match(p, IPA_TOK_TRY))
        f->ival = IPA_FUNC_TRY;
    else if (match(p, IPA_TOK_INTERFACE))
        f->ival = IPA_FUNC_INTERFACE;
    f->a = parse_type(p);
    struct ipa_node *nm = name_node(p, "a function name");
    f->name = nm->name;
    f->name_span = nm->name_span;
    struct ipa_token open = p->cur;
    if (!expect(p, IPA_TOK_LPAREN, "after the function name"))
        return f;
    if (!check(p, IPA_TOK_RPAREN)) {
        do {
            struct ipa_node *pa = node(p, IPA_N_PARAM, p->cur.span);
            pa->a = parse_type(p);
            struct ipa_node *pn = name_node(p, "a parameter name");
            pa->name = pn->name;
            pa->name_span = pn->name_span;
            ipa_node_push(f, finish(p, pa));
        } while (match(p, IPA_TOK_COMMA) && !p->panic);
    }
    expect_close(p, IPA_TOK_RPAREN, open, "'('");
    f->b = parse_block(p, "the function's body");
    return finish(p, f);
}

/* const -> 'const' type IDENT '=' expr ';' */
static struct ipa_node *parse_const(struct parser *p)
{
    struct ipa_node *c = node(p, IPA_N_CONST, p->cur.span);
    advance(p);
    c->a = parse_type(p);
    struct ipa_node *nm = name_node(p, "a constant name");
    c->name = nm->name;
    c->name_span = nm->name_span;
    expect(p, IPA_TOK_ASSIGN, "after the constant's name");
    c->b = parse_expr(p);
    expect(p, IPA_TOK_SEMI, "after the constant");
    return finish(p, c);
}

static bool at_top_decl(const struct parser *p)
{
    return check(p, IPA_TOK_HANDLER) || check(p, IPA_TOK_CONST) ||
           check(p, IPA_TOK_TRY) || check(p, IPA_TOK_INTERFACE) ||
           is_type_start(p->cur.kind);
}

/* Skips to the next top-level declaration after a syntax error. */
static void sync_decl(struct parser *p)
{
    p->panic = false;
    int depth = 0;
    while (!check(p, IPA_TOK_EOF)) {
        if (depth == 0 && at_top_decl(p))
            return;
        if (check(p, IPA_TOK_LBRACE))
            depth++;
        else if (check(p, IPA_TOK_RBRACE) && depth > 0)
            depth--;
        advance(p);
    }
}

/* decl -> const | entity | handler | func */
static struct ipa_node *parse_decl(struct parser *p)
{
    switch (p->cur.kind) {
    case IPA_TOK_CONST:
        return parse_const(p);
    case IPA_TOK_HANDLER:
        return parse_handler(p);
    case IPA_TOK_PROCESS:
    case IPA_TOK_CORE:
    case IPA_TOK_DOMAIN:
    case IPA_TOK_GROUP:
        if (p->next.kind == IPA_TOK_ASSIGN)
            return parse_entity(p);
        return parse_func(p);
    default:
        if (at_top_decl(p))
            return parse_func(p);
        break;
    }
    char found[64];
    describe_cur(p, found, sizeof found);
    if (check(p, IPA_TOK_ON))
        error_at(p, p->cur.span,
                 "'on' event handlers belong inside a 'handler' block");
    else
        error_at(p, p->cur.span,
                 "expected a declaration (process, core, domain, group, "
                 "handler, const or a function), found %s",
                 found);
    return NULL;
}

/* Reads the first token and makes the tree's PROGRAM root. */
static void parser_init(struct parser *p, const struct ipa_source *src,
                        struct ipa_diag_sink *sink)
{
    *p = (struct parser){0};
    p->ast = ipa_ast_new();
    p->sink = sink;
    p->src = src;
    ipa_lex_init(&p->lx, src, sink, p->ast->comments);
    p->cur = (struct ipa_token){IPA_TOK_EOF, {src, 0, 0}, 0};
    p->next = ipa_lex_next(&p->lx);
    advance(p);
    p->prev.span.file = NULL;
    p->ast->root =
        node(p, IPA_N_PROGRAM, (struct ipa_span){src, 0, (uint32_t)src->len});
}

/* program -> decl* EOF */
struct ipa_ast *ipa_parse(const struct ipa_source *src,
                          struct ipa_diag_sink *sink)
{
    struct parser p;
    parser_init(&p, src, sink);
    struct ipa_node *root = p.ast->root;
    while (!check(&p, IPA_TOK_EOF)) {
        uint32_t before = p.cur.span.off;
        struct ipa_node *d = parse_decl(&p);
        if (d)
            ipa_node_push(root, d);
        if (p.panic || !d)
            sync_decl(&p);
        if (p.cur.span.off == before && !check(&p, IPA_TOK_EOF))
            advance(&p);
    }
    return p.ast;
}

/* ---- the pieces another front end shares (dsl/parser_share.h) ---------- */

struct ipa_parser {
    struct parser p;
};

struct ipa_parser *ipa_parser_new(const struct ipa_source *src,
                                  struct ipa_diag_sink *sink)
{
    struct ipa_parser *ps = g_new(struct ipa_parser, 1);
    parser_init(&ps->p, src, sink);
    ps->p.bossa = true;
    return ps;
}

struct ipa_ast *ipa_parser_free(struct ipa_parser *ps)
{
    struct ipa_ast *ast = ps->p.ast;
    g_free(ps);
    return ast;
}

struct ipa_ast *ipa_parser_ast(struct ipa_parser *ps)
{
    return ps->p.ast;
}

const struct ipa_token *ipa_parser_cur(const struct ipa_parser *ps)
{
    return &ps->p.cur;
}

const struct ipa_token *ipa_parser_next(const struct ipa_parser *ps)
{
    return &ps->p.next;
}

const struct ipa_token *ipa_parser_prev(const struct ipa_parser *ps)
{
    return &ps->p.prev;
}

void ipa_parser_advance(struct ipa_parser *ps)
{
    advance(&ps->p);
}

bool ipa_parser_match(struct ipa_parser *ps, enum ipa_tok k)
{
    return match(&ps->p, k);
}

bool ipa_parser_expect(struct ipa_parser *ps, enum ipa_tok k,
                       const char *what)
{
    return expect(&ps->p, k, what);
}

bool ipa_parser_expect_close(struct ipa_parser *ps, enum ipa_tok k,
                             struct ipa_token open, const char *what)
{
    return expect_close(&ps->p, k, open, what);
}

void ipa_parser_error(struct ipa_parser *ps, struct ipa_span sp,
                      const char *fmt, ...)
{
    if (ps->p.panic)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_at(&ps->p, sp, "%s", msg);
    g_free(msg);
}

bool ipa_parser_panicking(const struct ipa_parser *ps)
{
    return ps->p.panic;
}

void ipa_parser_recover(struct ipa_parser *ps)
{
    ps->p.panic = false;
}

void ipa_parser_describe(const struct ipa_parser *ps, char *buf, size_t n)
{
    describe_cur(&ps->p, buf, n);
}

const char *ipa_parser_text(struct ipa_parser *ps, const struct ipa_token *t)
{
    return tok_name(&ps->p, t);
}

struct ipa_node *ipa_parser_node(struct ipa_parser *ps,
                                 enum ipa_node_kind kind, struct ipa_span sp)
{
    return node(&ps->p, kind, sp);
}

struct ipa_node *ipa_parser_finish(struct ipa_parser *ps, struct ipa_node *n)
{
    return finish(&ps->p, n);
}

struct ipa_node *ipa_parser_name(struct ipa_parser *ps, const char *what)
{
    return name_node(&ps->p, what);
}

bool ipa_parser_at_type(const struct ipa_parser *ps)
{
    return is_type_start(ps->p.cur.kind);
}

struct ipa_node *ipa_parser_type(struct ipa_parser *ps)
{
    return parse_type(&ps->p);
}

struct ipa_node *ipa_parser_expr(struct ipa_parser *ps)
{
    return parse_expr(&ps->p);
}

struct ipa_node *ipa_parser_block(struct ipa_parser *ps, const char *what)
{
    return parse_block(&ps->p, what);
}

void ipa_parser_skip_group(struct ipa_parser *ps)
{
    skip_group(&ps->p);
}

struct ipa_node *ipa_parser_order(struct ipa_parser *ps)
{
    return parse_order(&ps->p);
}

struct ipa_diag_sink *ipa_parser_sink(struct ipa_parser *ps)
{
    return ps->p.sink;
}
