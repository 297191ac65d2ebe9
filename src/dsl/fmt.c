#include "dsl/fmt.h"

#include "dsl/parser.h"
#include "util/common.h"

struct printer {
    GString *out;
    const struct ipa_source *src;
    const GArray *comments;
    unsigned ci; /* next comment to print */
    int indent;
};

static void indent(struct printer *pr)
{
    for (int i = 0; i < pr->indent; i++)
        g_string_append(pr->out, "    ");
}

static const struct ipa_comment *comment_at(const struct printer *pr,
                                            unsigned i)
{
    return &g_array_index(pr->comments, struct ipa_comment, i);
}

/* Prints, on their own lines, the comments that start before @off. */
static void flush_comments(struct printer *pr, uint32_t off)
{
    while (pr->ci < pr->comments->len && comment_at(pr, pr->ci)->off < off) {
        const struct ipa_comment *c = comment_at(pr, pr->ci++);
        indent(pr);
        g_string_append_len(pr->out, pr->src->text + c->off, c->len);
        g_string_append_c(pr->out, '\n');
    }
}

/* Whether the source had an empty line between @prev and @n (before any
 * comment in between): fmt keeps one there. */
static bool blank_between(const struct printer *pr, const struct ipa_node *prev,
                          const struct ipa_node *n)
{
    if (!prev)
        return false;
    uint32_t end = n->span.off;
    if (pr->ci < pr->comments->len && comment_at(pr, pr->ci)->off < end)
        end = comment_at(pr, pr->ci)->off;
    int newlines = 0;
    for (uint32_t i = prev->span.off + prev->span.len; i < end; i++) {
        char c = pr->src->text[i];
        if (c == '\n') {
            if (++newlines == 2)
                return true;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            newlines = 0;
        }
    }
    return false;
}

static int line_of(const struct printer *pr, uint32_t off)
{
    int line, col;
    ipa_source_position(pr->src, off, &line, &col);
    return line;
}

/* Ends a line, first appending a comment that sat at the end of the line
 * where @n ends in the source. */
static void end_line(struct printer *pr, const struct ipa_node *n)
{
    if (n && pr->ci < pr->comments->len) {
        const struct ipa_comment *c = comment_at(pr, pr->ci);
        uint32_t end = n->span.off + n->span.len;
        if (c->off >= end && line_of(pr, c->off) == line_of(pr, end)) {
            g_string_append_c(pr->out, ' ');
            g_string_append_len(pr->out, pr->src->text + c->off, c->len);
            pr->ci++;
        }
    }
    g_string_append_c(pr->out, '\n');
}

static void print_type(struct printer *pr, const struct ipa_node *t)
{
    if (!t)
        return;
    g_string_append(pr->out, ipa_tok_text(t->op));
    if (t->op == IPA_TOK_SET) {
        g_string_append_c(pr->out, '<');
        print_type(pr, t->a);
        g_string_append_c(pr->out, '>');
    }
}

static void print_expr(struct printer *pr, const struct ipa_node *e,
                       enum ipa_prec min);

static void print_order(struct printer *pr, const struct ipa_node *o)
{
    if (ipa_node_count(o) == 0) {
        g_string_append(pr->out, "{}");
        return;
    }
    g_string_append(pr->out, "{ ");
    for (unsigned i = 0; i < ipa_node_count(o); i++) {
        const struct ipa_node *c = ipa_node_at(o, i);
        if (i)
            g_string_append(pr->out, ", ");
        g_string_append(pr->out, ipa_tok_text(c->op));
        g_string_append_c(pr->out, ' ');
        print_expr(pr, c->a, IPA_PREC_OR);
    }
    g_string_append(pr->out, " }");
}

static void print_expr(struct printer *pr, const struct ipa_node *e,
                       enum ipa_prec min)
{
    GString *o = pr->out;
    switch (e->kind) {
    case IPA_N_INT_LIT:
        g_string_append_printf(o, "%" G_GINT64_FORMAT, e->ival);
        return;
    case IPA_N_TIME_LIT: {
        int64_t unit = e->op ? e->op : 1;
        const char *suffix = unit == 1 ? "ns"
                             : unit == 1000 ? "us"
                             : unit == 1000000 ? "ms"
                                               : "s";
        g_string_append_printf(o, "%" G_GINT64_FORMAT "%s", e->ival / unit,
                               suffix);
        return;
    }
    case IPA_N_BOOL_LIT:
        g_string_append(o, e->ival ? "true" : "false");
        return;
    case IPA_N_IDENT:
        g_string_append(o, e->name);
        return;
    case IPA_N_MEMBER:
        print_expr(pr, e->a, IPA_PREC_POSTFIX);
        g_string_append_printf(o, ".%s", e->name);
        return;
    case IPA_N_CALL:
        g_string_append_printf(o, "%s(", e->name);
        for (unsigned i = 0; i < ipa_node_count(e); i++) {
            if (i)
                g_string_append(o, ", ");
            print_expr(pr, ipa_node_at(e, i), IPA_PREC_OR);
        }
        if (e->b) {
            g_string_append(o, ipa_node_count(e) ? " order = " : "order = ");
            print_order(pr, e->b);
        }
        if (e->c) {
            g_string_append(o, ipa_node_count(e) || e->b ? " filter = { "
                                                         : "filter = { ");
            print_expr(pr, e->c, IPA_PREC_OR);
            g_string_append(o, " }");
        }
        g_string_append_c(o, ')');
        return;
    case IPA_N_UNARY: {
        bool paren = min > IPA_PREC_UNARY;
        if (paren)
            g_string_append_c(o, '(');
        g_string_append(o, ipa_tok_text(e->op));
        /* "- -x" must not print as "--x" */
        if (e->a->kind == IPA_N_UNARY && e->op == IPA_TOK_MINUS &&
            e->a->op == IPA_TOK_MINUS)
            g_string_append_c(o, ' ');
        print_expr(pr, e->a, IPA_PREC_UNARY);
        if (paren)
            g_string_append_c(o, ')');
        return;
    }
    case IPA_N_BINARY: {
        enum ipa_prec p = ipa_binary_prec(e->op);
        bool paren = p < min;
        if (paren)
            g_string_append_c(o, '(');
        print_expr(pr, e->a, p);
        g_string_append_printf(o, " %s ", ipa_tok_text(e->op));
        print_expr(pr, e->b, (enum ipa_prec)(p + 1));
        if (paren)
            g_string_append_c(o, ')');
        return;
    }
    default:
        IPA_UNREACHABLE();
    }
}

static void print_stmt(struct printer *pr, const struct ipa_node *s);

/* Prints "{", the statements, "}" (no newline after the brace). */
static void print_block_body(struct printer *pr, const struct ipa_node *b)
{
    g_string_append(pr->out, "{\n");
    pr->indent++;
    for (unsigned i = 0; i < ipa_node_count(b); i++) {
        if (i && blank_between(pr, ipa_node_at(b, i - 1), ipa_node_at(b, i)))
            g_string_append_c(pr->out, '\n');
        print_stmt(pr, ipa_node_at(b, i));
    }
    flush_comments(pr, b->span.off + b->span.len);
    pr->indent--;
    indent(pr);
    g_string_append_c(pr->out, '}');
}

/* The body of an if/else/foreach: a block on the same line, any other
 * statement on the next line, indented. Returns whether it was a block. */
static bool print_body(struct printer *pr, const struct ipa_node *s)
{
    if (s->kind == IPA_N_BLOCK) {
        g_string_append_c(pr->out, ' ');
        print_block_body(pr, s);
        return true;
    }
    g_string_append_c(pr->out, '\n');
    pr->indent++;
    print_stmt(pr, s);
    pr->indent--;
    return false;
}

/* An `if` and its `else if` chain, link by link in a loop. */
static void print_if(struct printer *pr, const struct ipa_node *s)
{
    for (;; s = s->c) {
        g_string_append(pr->out, "if (");
        print_expr(pr, s->a, IPA_PREC_OR);
        g_string_append_c(pr->out, ')');
        bool block = print_body(pr, s->b);
        if (!s->c) {
            if (block)
                end_line(pr, s);
            return;
        }
        if (block)
            g_string_append(pr->out, " else");
        else {
            indent(pr);
            g_string_append(pr->out, "else");
        }
        if (s->c->kind != IPA_N_IF)
            break;
        g_string_append_c(pr->out, ' ');
    }
    if (print_body(pr, s->c))
        end_line(pr, s);
}

static void print_stmt(struct printer *pr, const struct ipa_node *s)
{
    GString *o = pr->out;
    flush_comments(pr, s->span.off);
    indent(pr);
    switch (s->kind) {
    case IPA_N_BLOCK:
        print_block_body(pr, s);
        end_line(pr, s);
        return;
    case IPA_N_IF:
        print_if(pr, s);
        return;
    case IPA_N_FOREACH:
        g_string_append_printf(o, "foreach (%s in ", s->a->name);
        print_expr(pr, s->b, IPA_PREC_OR);
        g_string_append_c(o, ')');
        if (print_body(pr, s->c))
            end_line(pr, s);
        return;
    case IPA_N_BREAK:
        g_string_append(o, "break;");
        break;
    case IPA_N_CONTINUE:
        g_string_append(o, "continue;");
        break;
    case IPA_N_RETURN:
        g_string_append(o, "return");
        if (s->a) {
            g_string_append_c(o, ' ');
            print_expr(pr, s->a, IPA_PREC_OR);
        }
        g_string_append_c(o, ';');
        break;
    case IPA_N_VAR:
        print_type(pr, s->a);
        g_string_append_printf(o, " %s", s->name);
        if (s->b) {
            g_string_append(o, " = ");
            print_expr(pr, s->b, IPA_PREC_OR);
        }
        g_string_append_c(o, ';');
        break;
    case IPA_N_MOVE:
        print_expr(pr, s->a, IPA_PREC_OR);
        g_string_append(o, " => ");
        print_expr(pr, s->b, IPA_PREC_OR);
        g_string_append_c(o, ';');
        break;
    case IPA_N_ASSIGN:
        print_expr(pr, s->a, IPA_PREC_OR);
        g_string_append_printf(o, " %s ", ipa_tok_text(s->op));
        print_expr(pr, s->b, IPA_PREC_OR);
        g_string_append_c(o, ';');
        break;
    case IPA_N_INCDEC:
        print_expr(pr, s->a, IPA_PREC_OR);
        g_string_append_printf(o, "%s;", ipa_tok_text(s->op));
        break;
    case IPA_N_EXPR_STMT:
        print_expr(pr, s->a, IPA_PREC_OR);
        g_string_append_c(o, ';');
        break;
    default:
        IPA_UNREACHABLE();
    }
    end_line(pr, s);
}

static void print_builder(struct printer *pr, const struct ipa_node *b)
{
    GString *o = pr->out;
    g_string_append_printf(o, "domains (core %s) to %s = {\n", b->a->name,
                           b->b->name);
    const struct ipa_node *lv = b->c;
    pr->indent++;
    if (lv) {
        indent(pr);
        g_string_append_printf(o, "foreach (%s in distances", lv->a->name);
        if (lv->b) {
            g_string_append(o, " starting_at ");
            print_expr(pr, lv->b, IPA_PREC_OR);
        }
        g_string_append(o, ") {\n");
        pr->indent++;
        const struct ipa_node *d = lv->c;
        if (d) {
            indent(pr);
            g_string_append_printf(o, "domain (%s | ", d->a->name);
            print_expr(pr, d->b, IPA_PREC_OR);
            g_string_append_printf(o, ") to %s = {\n", d->c->name);
            const struct ipa_node *g = d->d;
            pr->indent++;
            if (g) {
                indent(pr);
                g_string_append_printf(o, "group (%s, %s | ", g->a->name,
                                       g->b->name);
                print_expr(pr, g->c, IPA_PREC_OR);
                g_string_append_printf(o, ") to %s;\n", g->d->name);
            }
            pr->indent--;
            indent(pr);
            g_string_append(o, "}\n");
        }
        pr->indent--;
        indent(pr);
        g_string_append(o, "}\n");
    }
    pr->indent--;
    indent(pr);
    g_string_append(o, "}");
}

static void print_member(struct printer *pr, const struct ipa_node *m)
{
    GString *o = pr->out;
    flush_comments(pr, m->span.off);
    indent(pr);
    switch (m->kind) {
    case IPA_N_FIELD:
        if (m->op)
            g_string_append_printf(o, "%s ", ipa_tok_text(m->op));
        print_type(pr, m->a);
        g_string_append_printf(o, " %s", m->name);
        if (m->b) {
            g_string_append(o, " = ");
            print_expr(pr, m->b, IPA_PREC_OR);
        }
        g_string_append_c(o, ';');
        break;
    case IPA_N_STATES:
        g_string_append(o, "processes = {\n");
        pr->indent++;
        for (unsigned i = 0; i < ipa_node_count(m); i++) {
            const struct ipa_node *s = ipa_node_at(m, i);
            flush_comments(pr, s->span.off);
            indent(pr);
            if (s->ival)
                g_string_append(o, s->ival == IPA_STATE_GLOBAL ? "global "
                                                               : "shared ");
            g_string_append(o, ipa_tok_text(s->op));
            if (s->a) {
                g_string_append_c(o, ' ');
                print_type(pr, s->a);
            }
            g_string_append_printf(o, " %s", s->name ? s->name : "<error>");
            if (s->b) {
                g_string_append(o, " : order = ");
                print_order(pr, s->b);
            }
            g_string_append_c(o, ';');
            end_line(pr, s);
        }
        flush_comments(pr, m->span.off + m->span.len);
        pr->indent--;
        indent(pr);
        g_string_append_c(o, '}');
        break;
    case IPA_N_BUILDER:
        print_builder(pr, m);
        break;
    default:
        IPA_UNREACHABLE();
    }
    end_line(pr, m);
}

static void print_decl(struct printer *pr, const struct ipa_node *d)
{
    GString *o = pr->out;
    flush_comments(pr, d->span.off);
    switch (d->kind) {
    case IPA_N_CONST:
        g_string_append(o, "const ");
        print_type(pr, d->a);
        g_string_append_printf(o, " %s = ", d->name);
        print_expr(pr, d->b, IPA_PREC_OR);
        g_string_append_c(o, ';');
        end_line(pr, d);
        return;
    case IPA_N_ENTITY:
        g_string_append_printf(o, "%s = {\n", ipa_tok_text(d->op));
        pr->indent++;
        for (unsigned i = 0; i < ipa_node_count(d); i++) {
            if (i &&
                blank_between(pr, ipa_node_at(d, i - 1), ipa_node_at(d, i)))
                g_string_append_c(o, '\n');
            print_member(pr, ipa_node_at(d, i));
        }
        flush_comments(pr, d->span.off + d->span.len);
        pr->indent--;
        g_string_append_c(o, '}');
        end_line(pr, d);
        return;
    case IPA_N_HANDLER:
        g_string_append_printf(o, "handler (%s %s) {\n", ipa_tok_text(d->op),
                               d->a->name);
        pr->indent++;
        for (unsigned i = 0; i < ipa_node_count(d); i++) {
            const struct ipa_node *on = ipa_node_at(d, i);
            if (i && blank_between(pr, ipa_node_at(d, i - 1), on))
                g_string_append_c(o, '\n');
            flush_comments(pr, on->span.off);
            indent(pr);
            g_string_append_printf(o, "on %s ", on->name);
            print_block_body(pr, on->a);
            end_line(pr, on);
        }
        flush_comments(pr, d->span.off + d->span.len);
        pr->indent--;
        g_string_append_c(o, '}');
        end_line(pr, d);
        return;
    case IPA_N_FUNC:
        if (d->ival)
            g_string_append(o, d->ival == IPA_FUNC_TRY ? "try "
                                                       : "interface ");
        print_type(pr, d->a);
        g_string_append_printf(o, " %s(", d->name);
        for (unsigned i = 0; i < ipa_node_count(d); i++) {
            const struct ipa_node *pa = ipa_node_at(d, i);
            if (i)
                g_string_append(o, ", ");
            print_type(pr, pa->a);
            g_string_append_printf(o, " %s", pa->name);
        }
        g_string_append(o, ") ");
        print_block_body(pr, d->b);
        end_line(pr, d);
        return;
    default:
        IPA_UNREACHABLE();
    }
}

void ipa_fmt_print(const struct ipa_ast *ast, const struct ipa_source *src,
                   GString *out)
{
    struct printer pr = {out, src, ast->comments, 0, 0};
    const struct ipa_node *root = ast->root;
    /* the printer recurses: it takes the parser's trees, which are bounded */
    IPA_ASSERT(ipa_node_height(root) <= IPA_AST_MAX_HEIGHT,
               "a tree nested deeper than the parser allows");
    for (unsigned i = 0; i < ipa_node_count(root); i++) {
        const struct ipa_node *d = ipa_node_at(root, i);
        /* a run of constants stays together, as written */
        if (i && (d->kind != IPA_N_CONST ||
                  ipa_node_at(root, i - 1)->kind != IPA_N_CONST ||
                  blank_between(&pr, ipa_node_at(root, i - 1), d)))
            g_string_append_c(out, '\n');
        print_decl(&pr, d);
    }
    flush_comments(&pr, UINT32_MAX);
}
