#include "engine/stats.h"

/* Largest value that falls into bucket @b. */
static uint64_t bucket_top(int b)
{
    if (b < 2 * IPA_HIST_SUB)
        return (uint64_t)b;
    int shift = b / IPA_HIST_SUB - 1;
    uint64_t base = (uint64_t)(IPA_HIST_SUB + b % IPA_HIST_SUB) << shift;
    return base + ((UINT64_C(1) << shift) - 1);
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
