/*
 * codegen.h - C from a DSL policy (`ipasim compile`, `--mode compiled`).
 *
 * The generator reads the lowered program (src/lower) the interpreter
 * runs, so both modes start from the same resolved tree: every node of it
 * becomes the C that does what eval.c does for it, and the callbacks do
 * what callbacks.c does. The result includes only <ipasim/runtime.h> and
 * <ipasim/dsl.h> and is compiled like any C policy (src/policy).
 */
#ifndef IPA_CODEGEN_CODEGEN_H
#define IPA_CODEGEN_CODEGEN_H

#include <stdbool.h>

#include <glib.h>

#include "interp/interp.h" /* struct ipa_interp_options: the load's */

/* Checks and compiles @path (as the interpreter loads it, with @opts'
 * parameters) and writes its C into @out. @c_name is the name the C will
 * be compiled under, for #line directives that point compiler messages
 * back at it between the policy's own lines. IPA_ERROR_POLICY for a
 * policy that fails its checks (diagnostics on stderr), IPA_ERROR_INPUT
 * for an unreadable one. */
bool ipa_codegen(const char *path, const struct ipa_interp_options *opts,
                 const char *c_name, GString *out, GError **error);

#endif
