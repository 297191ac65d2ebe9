/*
 * cmd_compare.c - `ipasim compare`: key metrics of JSON reports from
 * earlier runs (--json) side by side, and optionally plotted together.
 */
#include <stdio.h>

#include <glib.h>

#include "cli/commands.h"
#include "cli/setup.h"
#include "report/viz.h"
#include "util/common.h"
#include "util/outfile.h"

static const char compare_usage[] =
    "usage: ipasim compare [--plot DIR] A.json B.json ...";

static const char help_fmt[] =
    "Prints the key metrics of JSON reports written by 'ipasim run --json'\n"
    "side by side, each with its change relative to the first report:\n"
    "makespan, events, wasted core-time, violations, flagged intervals,\n"
    "wake-up latency p50/p99/max, migrations and mean utilisation.\n"
    "\n"
    "Exit status: 0 ok; 2 bad usage or an unreadable or invalid report.";

int ipa_cmd_compare(int argc, char **argv)
{
    char *plot = NULL;
    char **files = NULL;
    gboolean help = FALSE;
    GOptionEntry entries[] = {
        {"plot", 0, 0, G_OPTION_ARG_FILENAME, &plot,
         "also write bar charts (gnuplot scripts, data, PNG, SVG) to DIR",
         "DIR"},
        {"help", 'h', 0, G_OPTION_ARG_NONE, &help, "this help", NULL},
        {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL,
         NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GOptionContext *ctx = g_option_context_new(NULL);
    g_option_context_set_summary(ctx, help_fmt);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_help_enabled(ctx, FALSE);
    GError *error = NULL;
    int code = IPA_EXIT_USAGE;
    int n = 0;
    struct ipa_compare_run *runs = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        fprintf(stderr,
                "ipasim compare: error: %s\n"
                "Try 'ipasim compare --help'.\n",
                error->message);
        g_clear_error(&error);
        goto out;
    }
    if (help) {
        ipa_cli_print_help(ctx, compare_usage, stdout);
        code = IPA_EXIT_OK;
        goto out;
    }
    n = files ? (int)g_strv_length(files) : 0;
    if (!n) {
        fprintf(stderr, "ipasim compare: error: no reports given\n%s\n",
                compare_usage);
        goto out;
    }
    if (plot) {
        const struct ipa_named_file output = {"--plot", plot};
        struct ipa_named_file *inputs = g_new(struct ipa_named_file, n);
        for (int i = 0; i < n; i++)
            inputs[i] = (struct ipa_named_file){"a report", files[i]};
        bool apart = ipa_check_outputs(&output, 1, inputs, n, &error);
        g_free(inputs);
        if (!apart) {
            fprintf(stderr, "ipasim compare: error: %s\n", error->message);
            g_clear_error(&error);
            goto out;
        }
    }
    runs = g_new0(struct ipa_compare_run, n);
    bool ok = true;
    for (int i = 0; i < n; i++) {
        if (!ipa_compare_load(files[i], &runs[i], &error)) {
            fprintf(stderr, "ipasim compare: error: %s\n", error->message);
            g_clear_error(&error);
            ok = false;
        }
    }
    if (!ok)
        goto out;
    ipa_compare_table(runs, n, stdout);
    if (plot && !ipa_compare_plot(runs, n, plot, &error)) {
        fprintf(stderr, "ipasim compare: error: %s\n", error->message);
        g_clear_error(&error);
        goto out;
    }
    code = IPA_EXIT_OK;
out:
    for (int i = 0; runs && i < n; i++)
        ipa_compare_run_fini(&runs[i]);
    g_free(runs);
    g_strfreev(files);
    g_free(plot);
    g_option_context_free(ctx);
    return code;
}
