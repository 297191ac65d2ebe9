#include "util/duration.h"

#include <string.h>

static const struct {
    const char *suffix;
    uint64_t ns;
} units[] = {
    {"ns", 1},
    {"us", 1000},
    {"ms", 1000000},
    {"s", 1000000000},
    {"min", UINT64_C(60000000000)},
};

const char *ipa_decimal_parse(const char *text, struct ipa_decimal *d)
{
    const char *p = text;
    bool digits = false;
    *d = (struct ipa_decimal){0, 0, 1};
    while (*p >= '0' && *p <= '9') {
        if (d->whole > UINT64_MAX / 10 - 10)
            return NULL;
        d->whole = d->whole * 10 + (uint64_t)(*p - '0');
        p++;
        digits = true;
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            if (d->frac_div < UINT64_C(1000000000000)) {
                d->frac = d->frac * 10 + (uint64_t)(*p - '0');
                d->frac_div *= 10;
            }
            p++;
            digits = true;
        }
    }
    return digits ? p : NULL;
}

bool ipa_decimal_scale(const struct ipa_decimal *d, uint64_t unit,
                       uint64_t *out)
{
    if (d->whole > UINT64_MAX / unit)
        return false;
    uint64_t part =
        (uint64_t)((unsigned __int128)d->frac * unit / d->frac_div); /* < unit */
    if (d->whole * unit > UINT64_MAX - part)
        return false;
    *out = d->whole * unit + part;
    return true;
}

bool ipa_duration_parse(const char *text, uint64_t *out_ns)
{
    struct ipa_decimal d;
    const char *p = ipa_decimal_parse(text, &d);
    if (!p)
        return false;
    if (!*p) {
        if (d.frac_div != 1)
            return false; /* fractions of a nanosecond */
        *out_ns = d.whole;
        return true;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(p, units[i].suffix) != 0)
            continue;
        return ipa_decimal_scale(&d, units[i].ns, out_ns);
    }
    return false;
}

void ipa_duration_format(GString *out, uint64_t ns)
{
    for (int i = (int)(sizeof units / sizeof units[0]) - 2; i >= 0; i--) {
        uint64_t u = units[i].ns;
        if (ns < u && i > 0)
            continue;
        if (ns % u == 0) {
            g_string_append_printf(out, "%llu%s", (unsigned long long)(ns / u),
                                   units[i].suffix);
        } else {
            /* up to three significant decimals, trailing zeros dropped */
            char buf[64];
            g_snprintf(buf, sizeof buf, "%.3f", (double)ns / (double)u);
            char *e = buf + strlen(buf) - 1;
            while (*e == '0')
                *e-- = 0;
            if (*e == '.')
                *e = 0;
            g_string_append_printf(out, "%s%s", buf, units[i].suffix);
        }
        return;
    }
}
