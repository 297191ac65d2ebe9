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

bool ipa_duration_parse(const char *text, uint64_t *out_ns)
{
    const char *p = text;
    uint64_t whole = 0, frac = 0, frac_div = 1;
    bool digits = false;

    while (*p >= '0' && *p <= '9') {
        if (whole > UINT64_MAX / 10 - 10)
            return false;
        whole = whole * 10 + (uint64_t)(*p - '0');
        p++;
        digits = true;
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            if (frac_div < UINT64_C(1000000000000)) {
                frac = frac * 10 + (uint64_t)(*p - '0');
                frac_div *= 10;
            }
            p++;
            digits = true;
        }
    }
    if (!digits)
        return false;
    if (!*p) {
        if (frac_div != 1)
            return false; /* fractions of a nanosecond */
        *out_ns = whole;
        return true;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(p, units[i].suffix) != 0)
            continue;
        uint64_t u = units[i].ns;
        if (whole > UINT64_MAX / u)
            return false;
        uint64_t part =
            (uint64_t)((unsigned __int128)frac * u / frac_div); /* < u */
        if (whole * u > UINT64_MAX - part)
            return false;
        *out_ns = whole * u + part;
        return true;
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
