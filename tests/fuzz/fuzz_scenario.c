/* Fuzzes the scenario file reader and the command lines it builds. */
#include "fuzz.h"

#include "scenario/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ipa_scenario *sc = NULL;
    GError *error = NULL;
    if (ipa_scenario_parse("fuzz/s.json", (const char *)data, size, &sc,
                           &error)) {
        for (guint i = 0; i < sc->runs->len; i++)
            g_strfreev(ipa_scenario_argv(sc, (int)i, "ipasim", "r.json", NULL));
        ipa_scenario_free(sc);
    } else {
        g_clear_error(&error);
    }
    return 0;
}
