/*
 * outputs.c - the reports run and analyze write (cli/outputs.h).
 */
#include "cli/outputs.h"

#include <string.h>

#include "cli/setup.h"
#include "report/recorder.h"
#include "report/report.h"
#include "util/common.h"
#include "util/duration.h"

/* Exact records the recorder keeps for --perfetto, and otherwise (the
 * plots only draw exact segments up to 40000 boxes; --ascii stops at
 * ASCII_COLUMNS columns). */
#define PERFETTO_RECORDS 1000000
#define PLOT_RECORDS 200000
#define ASCII_WIDTH 100
#define ASCII_COLUMNS 10000

void ipa_outputs_add_options(struct ipa_outputs *o, GOptionContext *ctx,
                             const char *ascii_unit_help)
{
    GOptionEntry entries[] = {
        {"json", 0, 0, G_OPTION_ARG_FILENAME, &o->json,
         "write the JSON report (docs/report-format.md)", "FILE"},
        {"log", 0, 0, G_OPTION_ARG_FILENAME, &o->log,
         "write one line per state change (docs/report-format.md)", "FILE"},
        {"plot", 0, 0, G_OPTION_ARG_FILENAME, &o->plot,
         "write gnuplot figures (PNG, SVG), their scripts and data to DIR",
         "DIR"},
        {"perfetto", 0, 0, G_OPTION_ARG_FILENAME, &o->perfetto,
         "write a Chrome trace-event JSON for ui.perfetto.dev", "FILE"},
        {"ascii", 0, 0, G_OPTION_ARG_NONE, &o->ascii,
         "print a per-core character timeline (small runs)", NULL},
        {"ascii-unit", 0, 0, G_OPTION_ARG_STRING, &o->ascii_unit,
         ascii_unit_help, "DUR"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    /* the context keeps a copy of the entries, not of this array */
    g_option_context_add_main_entries(ctx, entries, NULL);
}

bool ipa_outputs_setup(struct ipa_outputs *o, uint64_t tick_ns,
                       GError **error)
{
    o->ascii_unit_ns = tick_ns;
    if (!o->ascii_unit)
        return true;
    o->ascii = TRUE;
    if (!ipa_setup_duration("--ascii-unit", o->ascii_unit, &o->ascii_unit_ns,
                            error))
        return false;
    if (!o->ascii_unit_ns) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "--ascii-unit must be positive");
        return false;
    }
    return true;
}

int ipa_outputs_named(const struct ipa_outputs *o, struct ipa_named_file *out)
{
    out[0] = (struct ipa_named_file){"--json", o->json};
    out[1] = (struct ipa_named_file){"--log", o->log};
    out[2] = (struct ipa_named_file){"--perfetto", o->perfetto};
    out[3] = (struct ipa_named_file){"--plot", o->plot};
    return 4;
}

bool ipa_outputs_open(struct ipa_outputs *o, GError **error)
{
    if (o->log && !ipa_outfile_open(&o->log_file, o->log, error))
        return false;
    if (o->perfetto && !ipa_outfile_open(&o->perfetto_file, o->perfetto, error))
        return false;
    if (o->plot && !ipa_plot_dir_open(&o->plot_dir, o->plot, error))
        return false;
    return true;
}

void ipa_outputs_observe(struct ipa_outputs *o, struct ipa_sim *sim)
{
    if (o->log_file.f) {
        ipa_report_log_observer(&o->log_observer, o->log_file.f);
        ipa_sim_add_observer(sim, &o->log_observer);
    }
    if (o->plot || o->perfetto || o->ascii) {
        struct ipa_recorder_limits limits = {
            .max_exact = o->perfetto ? PERFETTO_RECORDS : PLOT_RECORDS};
        o->rec = ipa_recorder_new(ipa_sim_nr_cores(sim), &limits);
        ipa_recorder_observer(o->rec, &o->rec_observer);
        ipa_sim_add_observer(sim, &o->rec_observer);
    }
}

bool ipa_outputs_write(struct ipa_outputs *o, const struct ipa_sim *sim,
                       const struct ipa_report_info *info, GError **error)
{
    if (o->log_file.f && !ipa_outfile_commit(&o->log_file, error))
        return false;
    if (o->rec)
        ipa_recorder_finish(o->rec, ipa_sim_now_ns(sim));
    if (!o->quiet)
        ipa_report_text(sim, info, stdout);
    if (o->ascii)
        ipa_report_ascii(sim, o->rec, o->ascii_unit_ns, ASCII_WIDTH,
                         ASCII_COLUMNS, stdout);
    if (o->json && !ipa_report_json(sim, info, o->json, error))
        return false;
    if (o->perfetto_file.f) {
        if (!ipa_recorder_complete(o->rec)) {
            GString *at = g_string_new(NULL);
            ipa_duration_format(at, o->rec->exact_until_ns);
            fprintf(stderr,
                    "ipasim: warning: --perfetto: the run outgrew %d records; "
                    "%s covers its first %s\n",
                    PERFETTO_RECORDS, o->perfetto, at->str);
            g_string_free(at, TRUE);
        }
        ipa_report_perfetto(sim, o->rec, o->perfetto_file.f);
        if (!ipa_outfile_commit(&o->perfetto_file, error))
            return false;
    }
    if (o->plot && !ipa_report_plot(sim, o->rec, info, &o->plot_dir, error))
        return false;
    return true;
}

void ipa_outputs_fini(struct ipa_outputs *o)
{
    ipa_outfile_discard(&o->log_file);
    ipa_outfile_discard(&o->perfetto_file);
    ipa_plot_dir_fini(&o->plot_dir);
    ipa_recorder_free(o->rec);
    g_free(o->json);
    g_free(o->log);
    g_free(o->plot);
    g_free(o->perfetto);
    g_free(o->ascii_unit);
    memset(o, 0, sizeof *o);
}
