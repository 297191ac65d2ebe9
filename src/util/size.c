#include "util/size.h"

#include <string.h>

bool ipa_size_parse(const char *text, uint64_t *out_bytes)
{
    static const char units[] = "KMGT";
    const char *p = text;
    uint64_t whole = 0, frac = 0, frac_div = 1;
    bool digits = false;
    while (*p >= '0' && *p <= '9') {
        if (whole > UINT64_MAX / 10 - 10)
            return false;
        whole = whole * 10 + (uint64_t)(*p++ - '0');
        digits = true;
    }
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, digits = true)
            if (frac_div < UINT64_C(1000000000)) {
                frac = frac * 10 + (uint64_t)(*p - '0');
                frac_div *= 10;
            }
    if (!digits)
        return false;
    uint64_t unit = 1;
    const char *u = *p ? strchr(units, *p) : NULL;
    if (u) {
        unit = UINT64_C(1) << (10 * (u - units + 1));
        p++;
        if (!strcmp(p, "iB") || !strcmp(p, "B"))
            p += strlen(p);
    } else if (!strcmp(p, "B")) {
        p++;
    }
    if (*p || (unit == 1 && frac_div != 1) || whole > UINT64_MAX / unit)
        return false;
    uint64_t part = (uint64_t)((unsigned __int128)frac * unit / frac_div);
    if (whole * unit > UINT64_MAX - part)
        return false;
    *out_bytes = whole * unit + part;
    return true;
}
