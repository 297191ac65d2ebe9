/* Fuzzes the rtapp importer; what it imports goes through the native loader
 * as `ipasim --trace` would. */
#include "fuzz.h"

#include <string.h>

#include "trace/import.h"
#include "trace/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ipa_import im;
    GError *error = NULL;
    ipa_import_init(&im);
    if (ipa_trace_import_rtapp("fuzz.txt", (const char *)data, size, &im,
                                &error)) {
        char *text = ipa_trace_json_text(im.root);
        struct ipa_trace *t = NULL;
        if (ipa_trace_parse_json("fuzz.txt", text, strlen(text), &t, &error))
            ipa_trace_free(t);
        else
            g_clear_error(&error);
        g_free(text);
    } else {
        g_clear_error(&error);
    }
    ipa_import_fini(&im);
    return 0;
}
