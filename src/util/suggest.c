#include "util/suggest.h"

#include <string.h>

#include <glib.h>

#define MAX_WORD 64

int ipa_edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > MAX_WORD || m > MAX_WORD)
        return 1000;
    int d[MAX_WORD + 1][MAX_WORD + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = MIN(d[i - 1][j] + 1, d[i][j - 1] + 1);
            v = MIN(v, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                v = MIN(v, d[i - 2][j - 2] + 1);
            d[i][j] = v;
        }
    }
    return d[n][m];
}

const char *ipa_suggest(const char *word, const char *const *candidates,
                        int n)
{
    const char *best = NULL;
    int best_d = 1000;
    for (int i = 0; n >= 0 ? i < n : candidates[i] != NULL; i++) {
        if (!candidates[i] || !strcmp(candidates[i], word))
            continue;
        int d = ipa_edit_distance(word, candidates[i]);
        int longest = (int)MAX(strlen(word), strlen(candidates[i]));
        if (d < best_d && d <= 2 && 2 * d <= longest) {
            best = candidates[i];
            best_d = d;
        }
    }
    return best;
}
