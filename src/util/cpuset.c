#include "util/cpuset.h"

#include <stdlib.h>

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static bool parse_uint(const char **p, int *out)
{
    const char *s = *p;
    long v = 0;
    if (*s < '0' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (*s - '0');
        if (v > 1 << 20)
            return false;
        s++;
    }
    *out = (int)v;
    *p = s;
    return true;
}

bool ipa_cpulist_parse(const char *text, GArray *out, const char **why)
{
    const char *p = text;
    guint first = out->len;
    while (*p == ' ')
        p++;
    if (!*p) {
        *why = "empty CPU list";
        return false;
    }
    for (;;) {
        int lo, hi;
        if (!parse_uint(&p, &lo)) {
            *why = "expected a CPU number";
            return false;
        }
        hi = lo;
        if (*p == '-') {
            p++;
            if (!parse_uint(&p, &hi)) {
                *why = "expected a CPU number after '-'";
                return false;
            }
            if (hi < lo) {
                *why = "range ends before it starts";
                return false;
            }
        }
        for (int c = lo; c <= hi; c++)
            g_array_append_val(out, c);
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        if (*p != ',') {
            *why = "expected ',' or '-' in CPU list";
            return false;
        }
        p++;
        while (*p == ' ')
            p++;
    }
    int *v = &g_array_index(out, int, first);
    guint n = out->len - first;
    qsort(v, n, sizeof(int), cmp_int);
    guint w = 0;
    for (guint i = 0; i < n; i++)
        if (w == 0 || v[w - 1] != v[i])
            v[w++] = v[i];
    g_array_set_size(out, first + w);
    return true;
}

void ipa_cpulist_format(GString *out, const int *cpus, int n)
{
    for (int i = 0; i < n;) {
        int j = i;
        while (j + 1 < n && cpus[j + 1] == cpus[j] + 1)
            j++;
        if (i)
            g_string_append_c(out, ',');
        if (j == i)
            g_string_append_printf(out, "%d", cpus[i]);
        else
            g_string_append_printf(out, "%d-%d", cpus[i], cpus[j]);
        i = j + 1;
    }
}
