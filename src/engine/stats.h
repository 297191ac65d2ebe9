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

void ipa_hist_add(struct ipa_hist *h, uint64_t value);
/* The smallest recorded bucket bound below which a fraction @q (0..1) of
 * the values lie; the exact maximum for q = 1; 0 when empty. */
uint64_t ipa_hist_quantile(const struct ipa_hist *h, double q);

#endif
