/* Fuzzes the native trace loader, then the machine checks on what loads. */
#include "fuzz.h"

#include "trace/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ipa_trace *t = NULL;
    GError *error = NULL;
    if (ipa_trace_parse_json("fuzz.json", (const char *)data, size, &t,
                             &error)) {
        /* Two partitions on four cores reach the affinity and partition
         * checks too. */
        if (!ipa_trace_validate(t, 4, 2, NULL, NULL, &error))
            g_clear_error(&error);
        ipa_trace_free(t);
    } else {
        g_clear_error(&error);
    }
    return 0;
}
