/* Fuzzes the task-set CSV importer; what it imports goes through the
 * native loader as `ipasim --trace` would. */
#include "fuzz.h"

#include <string.h>

#include "trace/import.h"
#include "trace/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ipa_import im;
    GError *error = NULL;
    ipa_import_init(&im);
    /* a short horizon: the jobs a long one repeats cost no more parsing */
    if (ipa_trace_import_taskset("fuzz.csv", (const char *)data, size,
                                 UINT64_C(1000000), &im, &error)) {
        char *text = ipa_trace_json_text(im.root);
        struct ipa_trace *t = NULL;
        if (ipa_trace_parse_json("fuzz.csv", text, strlen(text), &t, &error))
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
