/*
 * stats.h - a log-linear histogram for latencies: fixed size, no
 * allocation when recording, percentiles within 1/32 relative error
 * (values below 64 ns are exact). Values are bucketed as in HdrHistogram:
 * 32 linear sub-buckets per power of two.
 */
#ifndef IPA_ENGINE_STATS_H
#define IPA_ENGINE_STATS_H

#include <stdint.h>

#define IPA_HIST_SUB 32
#define IPA_HIST_BUCKETS (64 * IPA_HIST_SUB)

struct ipa_hist {
    uint64_t count, sum, max;
    uint64_t bins[IPA_HIST_BUCKETS];
};

/* Bucket of @v: exact below 2*SUB, then SUB sub-buckets per power of two. */
static inline int ipa_hist_bucket(uint64_t v)
{
    if (v < 2 * IPA_HIST_SUB)
        return (int)v;
    int msb = 63 - __builtin_clzll(v);       /* >= 6 */
    int shift = msb - 5;                     /* keep 6 significant bits */
    int sub = (int)(v >> shift) - IPA_HIST_SUB; /* 0..31 */
    return (shift + 1) * IPA_HIST_SUB + sub;
}

/* Inline: every thread that starts running after a wake-up records its
 * latency. */
static inline void ipa_hist_add(struct ipa_hist *h, uint64_t value)
{
    h->count++;
    h->sum += value;
    if (value > h->max)
        h->max = value;
    h->bins[ipa_hist_bucket(value)]++;
}

/* The same buckets for one thread's figures: a row of IPA_HIST_SUB
 * counters per power of two, allocated when a value first falls in it.
 * A thread's values span a few powers of two, so it holds a few hundred
 * bytes where a struct ipa_hist takes 16 KB. */
struct ipa_sparse_hist {
    uint64_t count, sum, max;
    uint32_t *rows[IPA_HIST_BUCKETS / IPA_HIST_SUB];
};

void ipa_sparse_hist_add(struct ipa_sparse_hist *h, uint64_t value);
/* Adds @from's values into @to. */
void ipa_sparse_hist_merge(struct ipa_hist *to,
                           const struct ipa_sparse_hist *from);
void ipa_sparse_hist_fini(struct ipa_sparse_hist *h);

/* The smallest recorded bucket bound below which a fraction @q (0..1) of
 * the values lie; the exact maximum for q = 1; 0 when empty. */
uint64_t ipa_hist_quantile(const struct ipa_hist *h, double q);

#endif
