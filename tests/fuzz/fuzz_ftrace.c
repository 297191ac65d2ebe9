/* Fuzzes the ftrace importer; what it imports goes through the native loader
 * as `ipasim --trace` would, and its recorded schedule through the engine's
 * replay as `ipasim analyze` would (recordings of up to MAX_CPUS CPUs). */
#include "fuzz.h"

#include <string.h>

#include "engine/sim.h"
#include "topo/topo.h"
#include "trace/import.h"
#include "trace/recorded.h"
#include "trace/trace.h"

#define MAX_CPUS 64

/* One topology per CPU count, kept across inputs: loading is the slow
 * part. */
static struct ipa_topo *topo_of(int nr_cpus)
{
    static struct ipa_topo *topos[MAX_CPUS + 1];
    if (!topos[nr_cpus]) {
        char *text = g_strdup_printf("pack:1 core:%d pu:1", nr_cpus);
        GError *error = NULL;
        if (!ipa_topo_load(text, &topos[nr_cpus], &error))
            g_error("%s", error->message);
        g_free(text);
    }
    return topos[nr_cpus];
}

static void replay(const struct ipa_trace *t, const struct ipa_recorded *rec)
{
    if (rec->nr_cpus > MAX_CPUS)
        return;
    struct ipa_sim_config config;
    ipa_sim_config_defaults(&config);
    struct ipa_sim *sim =
        ipa_sim_new(topo_of(rec->nr_cpus > 0 ? rec->nr_cpus : 1), t, &config);
    GError *error = NULL;
    if (!ipa_sim_replay(sim, rec, &error))
        g_clear_error(&error);
    ipa_sim_free(sim);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ipa_import im;
    GError *error = NULL;
    ipa_import_init(&im);
    im.schedule = ipa_recorded_new();
    if (ipa_trace_import_ftrace("fuzz.txt", (const char *)data, size, &im,
                                &error)) {
        char *text = ipa_trace_json_text(im.root);
        struct ipa_trace *t = NULL;
        if (ipa_trace_parse_json("fuzz.txt", text, strlen(text), &t, &error)) {
            replay(t, im.schedule);
            ipa_trace_free(t);
        } else {
            g_clear_error(&error);
        }
        g_free(text);
    } else {
        g_clear_error(&error);
    }
    ipa_import_fini(&im);
    return 0;
}
