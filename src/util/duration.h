/*
 * duration.h - durations as users write them: "2ms", "150us", "1.5s",
 * "10ns", or a bare integer number of nanoseconds.
 */
#ifndef IPA_UTIL_DURATION_H
#define IPA_UTIL_DURATION_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

/* A decimal number as users write one before a unit: "12", "1.5" (the
 * fraction kept to 12 digits). */
struct ipa_decimal {
    uint64_t whole, frac, frac_div;
};
/* Reads one at the start of @text; returns what follows it, or NULL when
 * there is none or it overflows. */
const char *ipa_decimal_parse(const char *text, struct ipa_decimal *out);
/* *@out = @d times @unit; false on overflow. */
bool ipa_decimal_scale(const struct ipa_decimal *d, uint64_t unit,
                       uint64_t *out);

/* Parses @text into ns. Units: ns, us, ms, s (and min); a fraction is
 * allowed before a unit. False for anything else or for overflow. */
bool ipa_duration_parse(const char *text, uint64_t *out_ns);
/* Appends a short human form ("2ms", "1.5s", "150us", "7ns"). */
void ipa_duration_format(GString *out, uint64_t ns);

#endif
