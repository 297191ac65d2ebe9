/*
 * fmt.h - the canonical printer behind `ipasim fmt`.
 *
 * Prints a syntax tree in the one canonical layout (4-space indents, one
 * statement per line, parentheses only where precedence needs them),
 * keeping the source's comments before the declaration or statement they
 * precede, or at the end of its line. Parsing the output gives the same
 * tree (ipa_node_equal), and printing that tree gives the same text.
 */
#ifndef IPA_DSL_FMT_H
#define IPA_DSL_FMT_H

#include <glib.h>

#include "dsl/ast.h"

/* Appends the canonical text of @ast (parsed from @src) to @out. */
void ipa_fmt_print(const struct ipa_ast *ast, const struct ipa_source *src,
                   GString *out);

#endif
