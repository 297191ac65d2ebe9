/*
 * front.h - choosing a policy file's front end by its extension.
 *
 * `.ipa` is the Ipanema language (dsl/parser.h), `.bossa` its ancestor's
 * (dsl/bossa.h); both make the same tree. Every command that reads a DSL
 * policy (run, check, compile, fmt, test) goes through here.
 */
#ifndef IPA_DSL_FRONT_H
#define IPA_DSL_FRONT_H

#include <stdbool.h>

#include "dsl/ast.h"
#include "dsl/diag.h"

/* Whether @path names a DSL policy (.ipa or .bossa). */
bool ipa_front_is_dsl(const char *path);
/* Whether @path names a Bossa policy (.bossa). */
bool ipa_front_is_bossa(const char *path);
/* Parses @src with the front end its name's extension selects (Ipanema
 * for any name but *.bossa). */
struct ipa_ast *ipa_front_parse(const struct ipa_source *src,
                                struct ipa_diag_sink *sink);

#endif
