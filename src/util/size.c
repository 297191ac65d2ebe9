#include "util/size.h"

#include <string.h>

#include "util/duration.h"

bool ipa_size_parse(const char *text, uint64_t *out_bytes)
{
    static const char units[] = "KMGT";
    struct ipa_decimal d;
    const char *p = ipa_decimal_parse(text, &d);
    if (!p)
        return false;
    uint64_t unit = 1;
    const char *u = *p ? strchr(units, *p) : NULL;
    if (u) {
        unit = UINT64_C(1) << (10 * (u - units + 1));
        p++;
        if (!strcmp(p, "iB"))
            p += 2;
    }
    if (!strcmp(p, "B"))
        p++;
    if (*p || (unit == 1 && d.frac_div != 1))
        return false; /* fractions of a byte */
    return ipa_decimal_scale(&d, unit, out_bytes);
}

void ipa_size_format(GString *out, uint64_t bytes)
{
    static const char *const names[] = {"KiB", "MiB", "GiB", "TiB"};
    int i = -1;
    while (i + 1 < (int)G_N_ELEMENTS(names) && bytes >> (10 * (i + 2)))
        i++;
    if (i < 0) {
        g_string_append_printf(out, "%llu bytes", (unsigned long long)bytes);
        return;
    }
    uint64_t whole = bytes >> (10 * (i + 1));
    uint64_t tenths = ((bytes >> (10 * i)) & 1023) * 10 / 1024;
    if (tenths && whole < 10)
        g_string_append_printf(out, "%llu.%llu %s", (unsigned long long)whole,
                               (unsigned long long)tenths, names[i]);
    else
        g_string_append_printf(out, "%llu %s", (unsigned long long)whole,
                               names[i]);
}
