/*
 * lexer.h - the DSL's tokens (tokens.def) and the scanner.
 *
 * The scanner turns a struct ipa_source into tokens on demand; comments are
 * skipped but remembered (ipa_lexer.comments) so that `ipasim fmt` can keep
 * them. Malformed input yields IPA_TOK_ERROR tokens after a diagnostic.
 */
#ifndef IPA_DSL_LEXER_H
#define IPA_DSL_LEXER_H

#include <stdint.h>

#include "dsl/diag.h"

enum ipa_tok {
#define TOK(name, text) IPA_TOK_##name,
#include "dsl/tokens.def"
#undef TOK
    IPA_TOK_COUNT
};

#define IPA_TOK_KW_FIRST IPA_TOK_CONST /* ORDER TOK */
#define IPA_TOK_KW_LAST IPA_TOK_DO

struct ipa_token {
    enum ipa_tok kind;
    struct ipa_span span;
    int64_t value; /* INT: the value; TIME: nanoseconds */
};

/* A comment: its span (including the slashes). */
struct ipa_comment {
    uint32_t off;
    uint32_t len;
};

struct ipa_lexer {
    const struct ipa_source *src;
    size_t pos;
    struct ipa_diag_sink *sink;
    GArray *comments; /* struct ipa_comment, in order; may be NULL */
};

void ipa_lex_init(struct ipa_lexer *lx, const struct ipa_source *src,
                  struct ipa_diag_sink *sink, GArray *comments);
struct ipa_token ipa_lex_next(struct ipa_lexer *lx);

/* "'{'", "identifier", "'foreach'": how a token kind is named in messages. */
const char *ipa_tok_describe(enum ipa_tok kind);
/* The spelling of punctuation and keywords ("{", "foreach"). */
const char *ipa_tok_text(enum ipa_tok kind);

#endif
