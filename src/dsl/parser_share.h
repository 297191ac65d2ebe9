/*
 * parser_share.h - the Ipanema parser's pieces another front end reuses.
 *
 * The Bossa dialect (dsl/bossa.h) writes its statements and expressions
 * as Ipanema does: it parses its own declarations and hands blocks,
 * expressions and types to the Ipanema parser, so that both dialects make
 * the same tree with the same diagnostics and the same error recovery.
 * A struct ipa_parser reads one source; the functions mirror the parser's
 * own helpers (parser.c).
 */
#ifndef IPA_DSL_PARSER_SHARE_H
#define IPA_DSL_PARSER_SHARE_H

#include <stdbool.h>
#include <stddef.h>

#include "dsl/ast.h"
#include "dsl/diag.h"
#include "dsl/lexer.h"

struct ipa_parser;

/* A parser at the first token of @src, with a fresh tree whose root is an
 * empty PROGRAM. In a block, Bossa's `On` starts the next handler. */
struct ipa_parser *ipa_parser_new(const struct ipa_source *src,
                                  struct ipa_diag_sink *sink);
/* Frees the parser; returns its tree, which the caller owns. */
struct ipa_ast *ipa_parser_free(struct ipa_parser *ps);
struct ipa_ast *ipa_parser_ast(struct ipa_parser *ps);
struct ipa_diag_sink *ipa_parser_sink(struct ipa_parser *ps);

const struct ipa_token *ipa_parser_cur(const struct ipa_parser *ps);
const struct ipa_token *ipa_parser_next(const struct ipa_parser *ps);
const struct ipa_token *ipa_parser_prev(const struct ipa_parser *ps);
void ipa_parser_advance(struct ipa_parser *ps);
bool ipa_parser_match(struct ipa_parser *ps, enum ipa_tok k);
/* Expects @k, else reports "expected K WHAT, found ..." (once per panic). */
bool ipa_parser_expect(struct ipa_parser *ps, enum ipa_tok k,
                       const char *what);
/* Expects the closer @k of @open, naming the opener's line:column. */
bool ipa_parser_expect_close(struct ipa_parser *ps, enum ipa_tok k,
                             struct ipa_token open, const char *what);
/* Reports an error and enters panic mode (nothing more is reported until
 * ipa_parser_recover). */
void ipa_parser_error(struct ipa_parser *ps, struct ipa_span sp,
                      const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool ipa_parser_panicking(const struct ipa_parser *ps);
void ipa_parser_recover(struct ipa_parser *ps);
/* "'x'", "'{'", "end of file": the current token as messages name it. */
void ipa_parser_describe(const struct ipa_parser *ps, char *buf, size_t n);
/* The text of @t, interned in the tree. */
const char *ipa_parser_text(struct ipa_parser *ps, const struct ipa_token *t);

struct ipa_node *ipa_parser_node(struct ipa_parser *ps,
                                 enum ipa_node_kind kind, struct ipa_span sp);
/* Extends @n's span to the previous token and sets its height. */
struct ipa_node *ipa_parser_finish(struct ipa_parser *ps, struct ipa_node *n);
/* A NAME node from an identifier (an error naming @what otherwise). */
struct ipa_node *ipa_parser_name(struct ipa_parser *ps, const char *what);
bool ipa_parser_at_type(const struct ipa_parser *ps);
struct ipa_node *ipa_parser_type(struct ipa_parser *ps);
struct ipa_node *ipa_parser_expr(struct ipa_parser *ps);
/* order -> '{' [('lowest' | 'highest') expr {',' ...}] '}' */
struct ipa_node *ipa_parser_order(struct ipa_parser *ps);
/* block -> '{' stmt* '}', as in an Ipanema handler. */
struct ipa_node *ipa_parser_block(struct ipa_parser *ps, const char *what);
/* Skips a balanced {...} group starting at the current '{'. */
void ipa_parser_skip_group(struct ipa_parser *ps);

#endif
