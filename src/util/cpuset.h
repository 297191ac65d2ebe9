/*
 * cpuset.h - fixed-size CPU bitmaps for the engine and the monitor.
 *
 * A set is an array of 64-bit words whose length the owner fixes from the
 * machine size (ipa_cpuset_words), so set operations never allocate.
 */
#ifndef IPA_UTIL_CPUSET_H
#define IPA_UTIL_CPUSET_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include <ipasim/runtime.h>

static inline int ipa_cpuset_words(int nr_cores)
{
    return (nr_cores + 63) / 64;
}

static inline void ipa_cpuset_set(uint64_t *s, int cpu)
{
    s[cpu / 64] |= UINT64_C(1) << (cpu % 64);
}

static inline void ipa_cpuset_clear(uint64_t *s, int cpu)
{
    s[cpu / 64] &= ~(UINT64_C(1) << (cpu % 64));
}

static inline bool ipa_cpuset_test(const uint64_t *s, int cpu)
{
    return (s[cpu / 64] >> (cpu % 64)) & 1;
}

static inline bool ipa_cpuset_intersects(const uint64_t *a, const uint64_t *b,
                                         int words)
{
    for (int i = 0; i < words; i++)
        if (a[i] & b[i])
            return true;
    return false;
}

static inline int ipa_cpuset_count(const uint64_t *s, int words)
{
    int n = 0;
    for (int i = 0; i < words; i++)
        n += __builtin_popcountll(s[i]);
    return n;
}

/* Next set bit at or after @from, or -1: runtime.h's, which policies
 * walk the runtime's sets with. */
static inline int ipa_cpuset_next(const uint64_t *s, int words, int from)
{
    return ipa_cores_next(s, NULL, words * 64, from);
}

#define IPA_CPUSET_FOREACH(cpu, s, words)                                      \
    for (int cpu = ipa_cpuset_next((s), (words), 0); cpu >= 0;                 \
         cpu = ipa_cpuset_next((s), (words), cpu + 1))

/*
 * CPU lists as users write them ("0-3,8,10-11"). Parse fails (returns
 * false, with a message in *why) on syntax errors and reversed ranges; the
 * result is ascending and without duplicates.
 */
bool ipa_cpulist_parse(const char *text, GArray *out_ints, const char **why);
/* Appends "0-3,8" for a sorted int array. */
void ipa_cpulist_format(GString *out, const int *cpus, int n);

#endif
