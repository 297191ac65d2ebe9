#include "dsl/lexer.h"

#include <string.h>

static const char *const tok_texts[] = {
#define TOK(name, text) text,
#include "dsl/tokens.def"
#undef TOK
};

static const char *const tok_descs[] = {
#define TOK(name, text) "'" text "'",
#include "dsl/tokens.def"
#undef TOK
};

const char *ipa_tok_text(enum ipa_tok kind)
{
    return tok_texts[kind];
}

const char *ipa_tok_describe(enum ipa_tok kind)
{
    if (kind <= IPA_TOK_TIME)
        return tok_texts[kind];
    return tok_descs[kind];
}

void ipa_lex_init(struct ipa_lexer *lx, const struct ipa_source *src,
                  struct ipa_diag_sink *sink, GArray *comments)
{
    lx->src = src;
    lx->pos = 0;
    lx->sink = sink;
    lx->comments = comments;
}

static char peek_at(const struct ipa_lexer *lx, size_t k)
{
    size_t p = lx->pos + k;
    return p < lx->src->len ? lx->src->text[p] : '\0';
}

static bool at_end(const struct ipa_lexer *lx)
{
    return lx->pos >= lx->src->len;
}

static struct ipa_span span_of(const struct ipa_lexer *lx, size_t start)
{
    return (struct ipa_span){lx->src, (uint32_t)start,
                             (uint32_t)(lx->pos - start)};
}

static bool is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static void skip_space_and_comments(struct ipa_lexer *lx)
{
    for (;;) {
        char c = peek_at(lx, 0);
        if (at_end(lx))
            return;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
            c == '\v') {
            lx->pos++;
        } else if (c == '/' && peek_at(lx, 1) == '/') {
            size_t start = lx->pos;
            while (!at_end(lx) && peek_at(lx, 0) != '\n')
                lx->pos++;
            if (lx->comments) {
                struct ipa_comment cm = {(uint32_t)start,
                                         (uint32_t)(lx->pos - start)};
                g_array_append_val(lx->comments, cm);
            }
        } else if (c == '/' && peek_at(lx, 1) == '*') {
            size_t start = lx->pos;
            lx->pos += 2;
            while (!at_end(lx) &&
                   !(peek_at(lx, 0) == '*' && peek_at(lx, 1) == '/'))
                lx->pos++;
            if (at_end(lx)) {
                struct ipa_span sp = {lx->src, (uint32_t)start, 2};
                ipa_diag_error(lx->sink, sp, "unterminated comment");
                return;
            }
            lx->pos += 2;
            if (lx->comments) {
                struct ipa_comment cm = {(uint32_t)start,
                                         (uint32_t)(lx->pos - start)};
                g_array_append_val(lx->comments, cm);
            }
        } else {
            return;
        }
    }
}

static enum ipa_tok keyword(const char *s, size_t n)
{
    for (int k = IPA_TOK_KW_FIRST; k <= IPA_TOK_KW_LAST; k++) {
        if (strlen(tok_texts[k]) == n && memcmp(tok_texts[k], s, n) == 0)
            return (enum ipa_tok)k;
    }
    return IPA_TOK_IDENT;
}

/* number -> digits [unit]; unit -> ns | us | ms | s */
static struct ipa_token lex_number(struct ipa_lexer *lx, size_t start)
{
    struct ipa_token t = {IPA_TOK_INT, {0}, 0};
    bool overflow = false;
    while (is_digit(peek_at(lx, 0))) {
        int d = peek_at(lx, 0) - '0';
        if (t.value > (INT64_MAX - d) / 10)
            overflow = true;
        else
            t.value = t.value * 10 + d;
        lx->pos++;
    }
    size_t unit_start = lx->pos;
    while (is_ident_start(peek_at(lx, 0)) || is_digit(peek_at(lx, 0)))
        lx->pos++;
    size_t ulen = lx->pos - unit_start;
    const char *u = lx->src->text + unit_start;
    t.span = span_of(lx, start);
    if (ulen) {
        int64_t mult = 0;
        if (ulen == 2 && memcmp(u, "ns", 2) == 0)
            mult = 1;
        else if (ulen == 2 && memcmp(u, "us", 2) == 0)
            mult = 1000;
        else if (ulen == 2 && memcmp(u, "ms", 2) == 0)
            mult = 1000000;
        else if (ulen == 1 && u[0] == 's')
            mult = 1000000000;
        if (!mult) {
            struct ipa_span sp = {lx->src, (uint32_t)unit_start,
                                  (uint32_t)ulen};
            ipa_diag_error(lx->sink, sp,
                           "invalid suffix '%.*s' on integer; time units are "
                           "ns, us, ms and s",
                           (int)ulen, u);
            /* keep it a time literal: the parser need not stumble too */
            t.kind = IPA_TOK_TIME;
            return t;
        }
        /* an overflow in the digits already left a partial value */
        if (overflow || t.value > INT64_MAX / mult)
            overflow = true;
        else
            t.value *= mult;
        t.kind = IPA_TOK_TIME;
    }
    if (overflow && t.kind == IPA_TOK_TIME) {
        ipa_diag_error(lx->sink, t.span,
                       "time literal is too large (at most 9223372036854775807 "
                       "ns, about 292 years)");
        t.value = 0;
    } else if (overflow) {
        ipa_diag_error(lx->sink, t.span,
                       "integer literal is too large (at most "
                       "9223372036854775807)");
        t.value = 0;
    }
    return t;
}

/* Reports the character at @sp (one byte, or a UTF-8 sequence with its
 * continuation bytes) that no token starts with. */
static void report_bad_char(struct ipa_lexer *lx, struct ipa_span sp)
{
    const char *p = lx->src->text + sp.off;
    unsigned char uc = (unsigned char)p[0];
    gunichar u = uc >= 0x80 ? g_utf8_get_char_validated(p, sp.len) : uc;
    if (uc >= 0x21 && uc < 0x7f)
        ipa_diag_error(lx->sink, sp, "unexpected character '%c'", p[0]);
    else if (uc == 0)
        ipa_diag_error(lx->sink, sp,
                       "unexpected NUL byte (is the file binary?)");
    else if (uc < 0x80)
        ipa_diag_error(lx->sink, sp,
                       "unexpected control character (byte 0x%02x)", uc);
    else if (u < 0x110000 && g_utf8_skip[uc] == (int)sp.len)
        ipa_diag_error(lx->sink, sp,
                       "unexpected character '%.*s' (U+%04X): outside "
                       "comments a policy is ASCII",
                       (int)sp.len, p, u);
    else
        ipa_diag_error(lx->sink, sp,
                       "byte 0x%02x is not UTF-8 text (is the file binary, "
                       "or in another encoding?)",
                       uc);
}

/* Past the byte at the current position and its UTF-8 continuation bytes,
 * so that one bad character gives one diagnostic. */
static void skip_char(struct ipa_lexer *lx)
{
    lx->pos++;
    while (!at_end(lx) && ((unsigned char)peek_at(lx, 0) & 0xc0) == 0x80)
        lx->pos++;
}

struct ipa_token ipa_lex_next(struct ipa_lexer *lx)
{
    skip_space_and_comments(lx);
    size_t start = lx->pos;
    struct ipa_token t = {IPA_TOK_EOF, {lx->src, (uint32_t)start, 0}, 0};
    if (at_end(lx))
        return t;
    char c = peek_at(lx, 0);
    if (is_ident_start(c)) {
        /* a non-ASCII letter inside a name ("tícks") stays part of it:
         * one error, and the parser sees one name rather than two */
        bool bad = false;
        for (;;) {
            char d = peek_at(lx, 0);
            if (is_ident_start(d) || is_digit(d)) {
                lx->pos++;
            } else if ((unsigned char)d >= 0x80) {
                size_t at = lx->pos;
                skip_char(lx);
                if (!bad)
                    report_bad_char(lx, span_of(lx, at));
                bad = true;
            } else {
                break;
            }
        }
        t.span = span_of(lx, start);
        t.kind = keyword(lx->src->text + start, lx->pos - start);
        return t;
    }
    if (is_digit(c))
        return lex_number(lx, start);
    lx->pos++;
    char n = peek_at(lx, 0);
    enum ipa_tok k = IPA_TOK_ERROR;
    /* two-character operators first */
#define TWO(a, b, kind)                                                        \
    if (c == (a) && n == (b)) {                                                \
        lx->pos++;                                                             \
        k = (kind);                                                            \
        goto done;                                                             \
    }
    TWO('=', '>', IPA_TOK_ARROW)
    TWO('=', '=', IPA_TOK_EQ)
    TWO('!', '=', IPA_TOK_NE)
    TWO('<', '=', IPA_TOK_LE)
    TWO('>', '=', IPA_TOK_GE)
    TWO('+', '=', IPA_TOK_PLUS_ASSIGN)
    TWO('-', '=', IPA_TOK_MINUS_ASSIGN)
    TWO('*', '=', IPA_TOK_STAR_ASSIGN)
    TWO('/', '=', IPA_TOK_SLASH_ASSIGN)
    TWO('%', '=', IPA_TOK_PERCENT_ASSIGN)
    TWO('+', '+', IPA_TOK_INCR)
    TWO('-', '-', IPA_TOK_DECR)
    TWO('&', '&', IPA_TOK_AND)
    TWO('|', '|', IPA_TOK_OR)
#undef TWO
    switch (c) {
    case '{': k = IPA_TOK_LBRACE; break;
    case '}': k = IPA_TOK_RBRACE; break;
    case '(': k = IPA_TOK_LPAREN; break;
    case ')': k = IPA_TOK_RPAREN; break;
    case ',': k = IPA_TOK_COMMA; break;
    case ';': k = IPA_TOK_SEMI; break;
    case '.': k = IPA_TOK_DOT; break;
    case ':': k = IPA_TOK_COLON; break;
    case '|': k = IPA_TOK_PIPE; break;
    case '=': k = IPA_TOK_ASSIGN; break;
    case '<': k = IPA_TOK_LT; break;
    case '>': k = IPA_TOK_GT; break;
    case '+': k = IPA_TOK_PLUS; break;
    case '-': k = IPA_TOK_MINUS; break;
    case '*': k = IPA_TOK_STAR; break;
    case '/': k = IPA_TOK_SLASH; break;
    case '%': k = IPA_TOK_PERCENT; break;
    case '!': k = IPA_TOK_BANG; break;
    default: break;
    }
done:
    t.kind = k;
    t.span = span_of(lx, start);
    if (k == IPA_TOK_ERROR) {
        lx->pos = start;
        skip_char(lx);
        t.span = span_of(lx, start);
        report_bad_char(lx, t.span);
    }
    return t;
}
