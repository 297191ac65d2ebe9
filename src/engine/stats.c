#include "engine/stats.h"

/* Bucket of @v: exact below 2*SUB, then SUB sub-buckets per power of two. */
static int bucket_of(uint64_t v)
{
    if (v < 2 * IPA_HIST_SUB)
        return (int)v;
    int msb = 63 - __builtin_clzll(v);       /* >= 6 */
    int shift = msb - 5;                     /* keep 6 significant bits */
    int sub = (int)(v >> shift) - IPA_HIST_SUB; /* 0..31 */
    return (shift + 1) * IPA_HIST_SUB + sub;
}

/* Largest value that falls into bucket @b. */
static uint64_t bucket_top(int b)
{
    if (b < 2 * IPA_HIST_SUB)
        return (uint64_t)b;
    int shift = b / IPA_HIST_SUB - 1;
    uint64_t base = (uint64_t)(IPA_HIST_SUB + b % IPA_HIST_SUB) << shift;
    return base + ((UINT64_C(1) << shift) - 1);
}

void ipa_hist_add(struct ipa_hist *h, uint64_t value)
{
    h->count++;
    h->sum += value;
    if (value > h->max)
        h->max = value;
    h->bins[bucket_of(value)]++;
}

uint64_t ipa_hist_quantile(const struct ipa_hist *h, double q)
{
    if (!h->count)
        return 0;
    if (q >= 1.0)
        return h->max;
    uint64_t rank = (uint64_t)(q * (double)h->count);
    if (rank >= h->count)
        rank = h->count - 1;
    uint64_t seen = 0;
    for (int b = 0; b < IPA_HIST_BUCKETS; b++) {
        seen += h->bins[b];
        if (seen > rank) {
            uint64_t top = bucket_top(b);
            return top < h->max ? top : h->max;
        }
    }
    return h->max;
}
