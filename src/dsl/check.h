/*
 * check.h - the static checker behind `ipasim check`.
 *
 * Runs on a tree without syntax errors and reports, through the sink:
 * names and types; state transitions per event; no lost thread (the target
 * of new/yield/block/unblock/terminate moved exactly once on every path);
 * work-conserving election in schedule; bounded loops and an acyclic call
 * graph; shared-state discipline (which core's containers a handler may
 * read, write, or take threads from); the domains builder's structure.
 * docs/language.md describes each rule.
 */
#ifndef IPA_DSL_CHECK_H
#define IPA_DSL_CHECK_H

#include <stdbool.h>

#include "dsl/ast.h"
#include "dsl/diag.h"

/* The events a policy handles (events.def). */
enum ipa_event {
#define EV(name, handler, target) IPA_EV_##name,
#include "dsl/events.def"
#undef EV
    IPA_EV_COUNT
};

const char *ipa_event_name(enum ipa_event ev);
/* The event called @name, or -1. */
int ipa_event_lookup(const char *name);

/* Limits the back ends rely on. */
#define IPA_MAX_CRITERIA 16 /* order criteria of a selection */
#define IPA_MAX_PARAMS 16   /* parameters of a function */

struct ipa_check_options {
    /* "NAME=VALUE" overrides of the policy's constants (--param). */
    const char *const *params;
    int nr_params;
};

/* Returns true when the policy passes (no error was reported). */
bool ipa_check(const struct ipa_ast *ast,
               const struct ipa_check_options *opts,
               struct ipa_diag_sink *sink);

#endif
