#include "dsl/front.h"

#include <glib.h>

#include "dsl/bossa.h"
#include "dsl/parser.h"

bool ipa_front_is_bossa(const char *path)
{
    return g_str_has_suffix(path, ".bossa");
}

bool ipa_front_is_dsl(const char *path)
{
    return g_str_has_suffix(path, ".ipa") || ipa_front_is_bossa(path);
}

struct ipa_ast *ipa_front_parse(const struct ipa_source *src,
                                struct ipa_diag_sink *sink)
{
    if (src->name && ipa_front_is_bossa(src->name))
        return ipa_bossa_parse(src, sink);
    return ipa_parse(src, sink);
}
