#include "util/printable.h"

#include <glib.h>

char *ipa_printable(const char *s)
{
    GString *out = g_string_new(NULL);
    const char *p = s;
    while (*p) {
        gunichar c = g_utf8_get_char_validated(p, -1);
        if (c == (gunichar)-1 || c == (gunichar)-2) {
            g_string_append_printf(out, "\\x%02x", (unsigned char)*p);
            p++;
            continue;
        }
        const char *next = g_utf8_next_char(p);
        if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
            for (const char *b = p; b < next; b++)
                g_string_append_printf(out, "\\x%02x", (unsigned char)*b);
        } else {
            g_string_append_len(out, p, next - p);
        }
        p = next;
    }
    return g_string_free(out, FALSE);
}
