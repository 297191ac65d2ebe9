/*
 * parser.h - recursive-descent parser with a Pratt expression table.
 *
 * Reports every syntax error of a file (panic mode, resynchronising at
 * statement and declaration boundaries) and always returns a tree, possibly
 * partial; callers look at the sink's error count before trusting it.
 */
#ifndef IPA_DSL_PARSER_H
#define IPA_DSL_PARSER_H

#include "dsl/ast.h"
#include "dsl/diag.h"

struct ipa_ast *ipa_parse(const struct ipa_source *src,
                          struct ipa_diag_sink *sink);

/* Binding power of a binary operator token (0 if it is none); the
 * printer uses it to put back the parentheses the tree leaves out. */
enum ipa_prec {
    IPA_PREC_NONE,
    IPA_PREC_OR,      /* || */
    IPA_PREC_AND,     /* && */
    IPA_PREC_EQUAL,   /* == != */
    IPA_PREC_COMPARE, /* < <= > >= in */
    IPA_PREC_TERM,    /* + - */
    IPA_PREC_FACTOR,  /* * / % */
    IPA_PREC_UNARY,   /* ! - */
    IPA_PREC_POSTFIX, /* . () */
};
enum ipa_prec ipa_binary_prec(enum ipa_tok op);

#endif
