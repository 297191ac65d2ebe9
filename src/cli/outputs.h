/*
 * outputs.h - the reports a finished run writes, shared by `ipasim run`
 * and `ipasim analyze` (which reports a recording as a run): the text
 * summary, --json, --log, --plot, --perfetto and --ascii.
 *
 * Files are opened before the run (a bad name fails early, and a
 * supervising parent holds them), the log and the recorder watch the run
 * as observers, and everything is written after it, each output whole or
 * not at all.
 */
#ifndef IPA_CLI_OUTPUTS_H
#define IPA_CLI_OUTPUTS_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "engine/sim.h"
#include "report/viz.h"
#include "util/outfile.h"

struct ipa_recorder;
struct ipa_report_info;

struct ipa_outputs {
    /* the options, as parsed (owned) */
    char *json, *log, *plot, *perfetto, *ascii_unit;
    gboolean ascii, quiet;
    /* private */
    uint64_t ascii_unit_ns;
    struct ipa_outfile log_file, perfetto_file;
    struct ipa_plot_dir plot_dir;
    struct ipa_recorder *rec;
    struct ipa_sim_observer log_observer, rec_observer;
};

/* Adds --json, --log, --plot, --perfetto, --ascii and --ascii-unit
 * (@ascii_unit_help: its help, which names its default) to @ctx's
 * options, after those added so far. */
void ipa_outputs_add_options(struct ipa_outputs *o, GOptionContext *ctx,
                             const char *ascii_unit_help);
/* Reads --ascii-unit (default @tick_ns; implies --ascii). */
bool ipa_outputs_setup(struct ipa_outputs *o, uint64_t tick_ns,
                       GError **error);
/* The output files as ipa_check_outputs() sees them: fills @out (room
 * for 4) and returns how many. */
int ipa_outputs_named(const struct ipa_outputs *o,
                      struct ipa_named_file *out);
/* Opens the files before the run. */
bool ipa_outputs_open(struct ipa_outputs *o, GError **error);
/* Watches @sim: the event log, and the recorder the pictures need. */
void ipa_outputs_observe(struct ipa_outputs *o, struct ipa_sim *sim);
/* After the run: the summary (unless --quiet), then every output. */
bool ipa_outputs_write(struct ipa_outputs *o, const struct ipa_sim *sim,
                       const struct ipa_report_info *info, GError **error);
/* Removes what was not committed and frees everything, options too. */
void ipa_outputs_fini(struct ipa_outputs *o);

#endif
