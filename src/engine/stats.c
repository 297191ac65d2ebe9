#include "engine/stats.h"

#include <glib.h>

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

void ipa_sparse_hist_add(struct ipa_sparse_hist *h, uint64_t value)
{
    h->count++;
    h->sum += value;
    if (value > h->max)
        h->max = value;
    int b = ipa_hist_bucket(value);
    uint32_t **row = &h->rows[b / IPA_HIST_SUB];
    if (!*row)
        *row = g_new0(uint32_t, IPA_HIST_SUB);
    (*row)[b % IPA_HIST_SUB]++;
}

void ipa_sparse_hist_merge(struct ipa_hist *to,
                           const struct ipa_sparse_hist *from)
{
    to->count += from->count;
    to->sum += from->sum;
    if (from->max > to->max)
        to->max = from->max;
    for (int r = 0; r < IPA_HIST_BUCKETS / IPA_HIST_SUB; r++)
        for (int i = 0; from->rows[r] && i < IPA_HIST_SUB; i++)
            to->bins[r * IPA_HIST_SUB + i] += from->rows[r][i];
}

void ipa_sparse_hist_fini(struct ipa_sparse_hist *h)
{
    for (int r = 0; r < IPA_HIST_BUCKETS / IPA_HIST_SUB; r++)
        g_free(h->rows[r]);
}
