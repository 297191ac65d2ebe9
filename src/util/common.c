#include "util/common.h"

#include <string.h>

G_DEFINE_QUARK(ipa-error-quark, ipa_error)

gint ipa_cmp_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}
