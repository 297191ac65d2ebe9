/*
 * compose.h - policies composed of scheduling classes.
 *
 * A composition is a .ipa file that declares only its classes, highest
 * priority first (docs/language.md, "Composing policies"):
 *
 *     classes = {
 *         rt = gedf when deadline, period;
 *         fair = cfs;
 *     }
 *
 * A class may end with `share N` (`fair = cfs share 3;`): consecutive
 * such classes form a share group that divides the cores' time among
 * them in proportion to N (engine/classes.c).
 * Each class is a policy file (NAME is NAME.ipa; NAME.c and NAME.so as
 * written), found beside the composition, else among the shipped ones.
 * A thread joins the class its trace "class" names, else the first whose
 * `when` attributes it has non-zero, else the last. The engine runs the
 * classes on the same cores (engine/classes.c).
 */
#ifndef IPA_DSL_COMPOSE_H
#define IPA_DSL_COMPOSE_H

#include <stdbool.h>

#include <glib.h>

#include "dsl/diag.h"

/* The largest `share`: shares weigh run time, and a million to one is
 * already more than any run can tell apart. */
#define IPA_COMPOSE_MAX_SHARE 1000000

struct ipa_compose_class {
    char *name;     /* what a trace's "class" names */
    char *file;     /* as written, with its extension */
    char **attach;  /* `when` attributes, NULL-terminated */
    int share;      /* `share N`: N; 0 for a class of fixed priority */
    struct ipa_span span; /* the file's, for messages */
};

/* Whether @src declares a composition (it opens with `classes =`). */
bool ipa_compose_detect(const struct ipa_source *src);
/* The same of the file at @path (false when unreadable). */
bool ipa_compose_file_is(const char *path);
/* Its classes (struct ipa_compose_class *), or NULL after reporting
 * every error to @sink. */
GPtrArray *ipa_compose_parse(const struct ipa_source *src,
                             struct ipa_diag_sink *sink);
/* Where class file @file of the composition at @path lies, or NULL (an
 * error to @sink at @span). */
char *ipa_compose_find(const char *path, const struct ipa_compose_class *cls,
                       struct ipa_diag_sink *sink);

#endif
