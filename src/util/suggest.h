/*
 * suggest.h - "did you mean" for every unknown name ipasim reports: keys of
 * traces and scenarios, DSL identifiers, shipped file names.
 */
#ifndef IPA_UTIL_SUGGEST_H
#define IPA_UTIL_SUGGEST_H

/* Optimal string alignment distance: insertions, deletions, substitutions
 * and swaps of neighbours each cost 1. Words over 64 bytes are 1000 apart. */
int ipa_edit_distance(const char *a, const char *b);

/* The closest of @candidates (NULL-terminated, or the first @n when
 * @n >= 0) to @word, when close enough to be a likely typo (at most 2 edits,
 * and at most half the longer word), else NULL. */
const char *ipa_suggest(const char *word, const char *const *candidates,
                        int n);

#endif
