#include "dsl/compose.h"

#include <string.h>

#include "dsl/lexer.h"
#include "util/paths.h"

struct reader {
    struct ipa_lexer lx;
    struct ipa_token tok;
    const struct ipa_source *src;
    struct ipa_diag_sink *sink;
};

static void advance(struct reader *r)
{
    r->tok = ipa_lex_next(&r->lx);
}

static bool is_word(const struct reader *r, const char *word)
{
    return r->tok.kind == IPA_TOK_IDENT && r->tok.span.len == strlen(word) &&
           !memcmp(r->src->text + r->tok.span.off, word, r->tok.span.len);
}

static char *text_of(const struct reader *r, struct ipa_span span)
{
    return g_strndup(r->src->text + span.off, span.len);
}

static bool expect(struct reader *r, enum ipa_tok kind, const char *what)
{
    if (r->tok.kind == kind) {
        advance(r);
        return true;
    }
    ipa_diag_error(r->sink, r->tok.span, "expected %s, found %s", what,
                   ipa_tok_describe(r->tok.kind));
    return false;
}

/* Lexer errors while peeking: whoever reads the file next reports them. */
static void ignore(void *data, const struct ipa_diag *diag)
{
    (void)data;
    (void)diag;
}

bool ipa_compose_detect(const struct ipa_source *src)
{
    struct ipa_diag_sink quiet;
    ipa_diag_sink_init(&quiet, NULL);
    quiet.fn = ignore;
    struct reader r = {.src = src, .sink = &quiet};
    ipa_lex_init(&r.lx, src, &quiet, NULL);
    advance(&r);
    if (!is_word(&r, "classes"))
        return false;
    advance(&r);
    return r.tok.kind == IPA_TOK_ASSIGN;
}

bool ipa_compose_file_is(const char *path)
{
    struct ipa_source *src = ipa_source_load(path, NULL);
    bool yes = src && ipa_compose_detect(src);
    ipa_source_free(src);
    return yes;
}

static void class_free(gpointer p)
{
    struct ipa_compose_class *c = p;
    g_free(c->name);
    g_free(c->file);
    g_strfreev(c->attach);
    g_free(c);
}

/* `share N`: a whole number of at least 1 (what the class gets of the
 * cores, against the other share classes next to it). */
static bool parse_share(struct reader *r, struct ipa_compose_class *c)
{
    advance(r); /* `share` */
    struct ipa_token tok = r->tok;
    if (tok.kind != IPA_TOK_INT) {
        ipa_diag_error(r->sink, tok.span,
                       "expected the class's share, a whole number from 1 "
                       "to %d, found %s",
                       IPA_COMPOSE_MAX_SHARE, ipa_tok_describe(tok.kind));
        return false;
    }
    advance(r);
    if (r->tok.kind == IPA_TOK_DOT) {
        ipa_diag_error(r->sink, tok.span,
                       "a class's share is a whole number from 1 to %d, "
                       "not a fraction (give 3 and 2 for 1.5 to 1)",
                       IPA_COMPOSE_MAX_SHARE);
        return false;
    }
    if (tok.value < 1 || tok.value > IPA_COMPOSE_MAX_SHARE) {
        ipa_diag_error(r->sink, tok.span,
                       "a class's share is a whole number from 1 to %d, "
                       "found %lld",
                       IPA_COMPOSE_MAX_SHARE, (long long)tok.value);
        return false;
    }
    c->share = (int)tok.value;
    return true;
}

/* class -> IDENT '=' IDENT ['.' IDENT] ['when' IDENT {',' IDENT}]
 *          ['share' INT] ';' */
static struct ipa_compose_class *parse_class(struct reader *r,
                                             GPtrArray *classes)
{
    struct ipa_compose_class *c = g_new0(struct ipa_compose_class, 1);
    GPtrArray *attach = g_ptr_array_new();
    struct ipa_span name = r->tok.span;
    if (!expect(r, IPA_TOK_IDENT, "a class name"))
        goto fail;
    c->name = text_of(r, name);
    for (guint i = 0; i < classes->len; i++)
        if (!strcmp(((struct ipa_compose_class *)classes->pdata[i])->name,
                    c->name)) {
            ipa_diag_error(r->sink, name, "class '%s' is declared twice",
                           c->name);
            goto fail;
        }
    if (!expect(r, IPA_TOK_ASSIGN, "'=' and the class's policy file"))
        goto fail;
    c->span = r->tok.span;
    if (!expect(r, IPA_TOK_IDENT, "a policy file name (cfs, gedf.c)"))
        goto fail;
    if (r->tok.kind == IPA_TOK_DOT) {
        advance(r);
        struct ipa_span ext = r->tok.span;
        if (!expect(r, IPA_TOK_IDENT, "a file extension (ipa, c, so)"))
            goto fail;
        c->span.len = ext.off + ext.len - c->span.off;
        c->file = text_of(r, c->span);
    } else {
        char *stem = text_of(r, c->span);
        c->file = g_strconcat(stem, ".ipa", NULL);
        g_free(stem);
    }
    if (is_word(r, "when")) {
        do {
            advance(r);
            struct ipa_span attr = r->tok.span;
            if (!expect(r, IPA_TOK_IDENT, "a trace attribute name"))
                goto fail;
            g_ptr_array_add(attach, text_of(r, attr));
        } while (r->tok.kind == IPA_TOK_COMMA);
    }
    if (is_word(r, "share") && !parse_share(r, c))
        goto fail;
    if (!expect(r, IPA_TOK_SEMI, "';' after the class"))
        goto fail;
    g_ptr_array_add(attach, NULL);
    c->attach = (char **)g_ptr_array_free(attach, FALSE);
    return c;
fail:
    g_ptr_array_add(attach, NULL);
    g_strfreev((char **)g_ptr_array_free(attach, FALSE));
    class_free(c);
    return NULL;
}

/* composition -> 'classes' '=' '{' class {class} '}' EOF */
GPtrArray *ipa_compose_parse(const struct ipa_source *src,
                             struct ipa_diag_sink *sink)
{
    struct reader r = {.src = src, .sink = sink};
    GPtrArray *classes = g_ptr_array_new_with_free_func(class_free);
    int errors = sink->errors;
    ipa_lex_init(&r.lx, src, sink, NULL);
    advance(&r);
    advance(&r); /* `classes`, checked by ipa_compose_detect */
    if (!expect(&r, IPA_TOK_ASSIGN, "'='"))
        goto out;
    struct ipa_span open = r.tok.span;
    if (!expect(&r, IPA_TOK_LBRACE, "'{'"))
        goto out;
    while (r.tok.kind != IPA_TOK_RBRACE && r.tok.kind != IPA_TOK_EOF) {
        struct ipa_compose_class *c = parse_class(&r, classes);
        if (!c) {
            /* resynchronise at the next class */
            while (r.tok.kind != IPA_TOK_SEMI && r.tok.kind != IPA_TOK_RBRACE &&
                   r.tok.kind != IPA_TOK_EOF)
                advance(&r);
            if (r.tok.kind == IPA_TOK_SEMI)
                advance(&r);
            continue;
        }
        g_ptr_array_add(classes, c);
    }
    if (r.tok.kind != IPA_TOK_RBRACE) {
        int line, col;
        ipa_source_position(src, open.off, &line, &col);
        ipa_diag_error(sink, r.tok.span,
                       "expected '}' to close block opened at %d:%d", line,
                       col);
        goto out;
    }
    advance(&r);
    if (r.tok.kind != IPA_TOK_EOF)
        ipa_diag_error(sink, r.tok.span,
                       "a composition declares only its classes: found %s "
                       "after them",
                       ipa_tok_describe(r.tok.kind));
    else if (classes->len < 2 && sink->errors == errors)
        ipa_diag_error(sink, open,
                       "a composition needs at least two classes (a single "
                       "policy runs as --policy FILE)");
out:
    if (sink->errors > errors) {
        g_ptr_array_free(classes, TRUE);
        return NULL;
    }
    return classes;
}

char *ipa_compose_find(const char *path, const struct ipa_compose_class *cls,
                       struct ipa_diag_sink *sink)
{
    char *dir = g_path_get_dirname(path);
    char *beside = g_build_filename(dir, cls->file, NULL);
    g_free(dir);
    if (g_file_test(beside, G_FILE_TEST_IS_REGULAR))
        return beside;
    g_free(beside);
    GError *error = NULL;
    char *shipped = ipa_find_shipped(cls->file, "policy", "policies", &error);
    if (shipped)
        return shipped;
    ipa_diag_error(sink, cls->span, "class '%s': %s", cls->name,
                   error->message);
    g_error_free(error);
    return NULL;
}
