/*
 * bossa.h - the Bossa dialect: .bossa policies read into the Ipanema tree.
 *
 * Bossa, Ipanema's ancestor, writes a policy as `process = {...}`, `states
 * = {...}` (`RUNNING running : process; READY active : sorted fifo
 * queue;`), `ordering_criteria = {...}` and `handler(event e) { On
 * process.new {...} On block.* {...} ... }`, with `select()` electing from
 * the sorted state and `empty(S)` testing a state. Its statements and
 * expressions are Ipanema's. This front end turns such a file into the
 * tree ipa_parse makes for the equivalent .ipa (docs/bossa.md gives the
 * mapping), so that the same checker, interpreter, C generator and
 * printer run on it; `ipasim fmt --to ipa` prints that tree. Spans point
 * into the .bossa text.
 */
#ifndef IPA_DSL_BOSSA_H
#define IPA_DSL_BOSSA_H

#include "dsl/ast.h"
#include "dsl/diag.h"

/* Parses @src as Bossa; reports every error of the file to @sink and
 * always returns a tree, possibly partial (as ipa_parse does). */
struct ipa_ast *ipa_bossa_parse(const struct ipa_source *src,
                                struct ipa_diag_sink *sink);

#endif
