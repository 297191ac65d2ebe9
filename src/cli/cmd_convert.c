/* `ipasim convert`: an rt-app workload or a kernel trace as a native trace. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/setup.h"
#include "topo/topo.h"
#include "trace/import.h"
#include "trace/trace.h"
#include "util/common.h"
#include "util/duration.h"
#include "util/input.h"
#include "util/outfile.h"

static const char help_fmt[] =
    "usage: ipasim convert IN [-o OUT.json] [--horizon DUR]\n"
    "                         [--recorded-on TOPOLOGY] [--max-input-size SIZE]\n"
    "\n"
    "Writes IN, an rt-app workload file, a kernel trace (trace-cmd report\n"
    "with or without -R, trace_pipe text, systrace HTML, perf script), a\n"
    "task-set CSV (id,period_ms,wcet_us) or a native trace, as a native\n"
    "JSON trace (docs/trace-format.md): on standard output, or atomically\n"
    "into OUT. What cannot be modelled is named in warnings on stderr.\n"
    "\n"
    "  -o FILE        write the trace there\n"
    "  --horizon DUR  a task set's tasks run their jobs up to DUR\n"
    "                 (default 1s; only for task-set CSV input)\n"
    "  --recorded-on TOPOLOGY\n"
    "                 the machine a kernel trace was recorded on: its CPU\n"
    "                 numbers are the topology's OS indexes, and a run's\n"
    "                 recorded time becomes work at capacity 1024 by its\n"
    "                 CPU's capacity (docs/trace-format.md); default: every\n"
    "                 CPU at 1024\n"
    "  --max-input-size SIZE\n"
    "                 largest IN read (default 256M for kernel trace text,\n"
    "                 64M for JSON, 16M for rt-app files)\n"
    "  -h, --help     this help\n"
    "\n"
    "Exit status: 0 ok, 2 bad usage or unreadable input.\n";

/* @horizon_ns: 0 when --horizon was not given; @recorded_on: NULL when
 * --recorded-on was not. */
static int convert(const char *in, const char *out, uint64_t horizon_ns,
                   const char *recorded_on)
{
    char *text = NULL;
    size_t len = 0;
    GError *error = NULL;
    struct ipa_import im;
    struct ipa_trace *check = NULL;
    char *json = NULL;
    struct ipa_recording_machine machine = {0};
    int rc = IPA_EXIT_USAGE;

    ipa_import_init(&im);
    const struct ipa_named_file output = {"-o", out};
    const struct ipa_named_file input = {"the input", in};
    if (!ipa_check_outputs(&output, 1, &input, 1, &error) ||
        !ipa_input_read("trace", in, IPA_INPUT_TRACE, &text, &len, &error))
        goto out;
    bool taskset = ipa_trace_detect(text, len) == IPA_TRACE_FMT_TASKSET;
    if (horizon_ns && !taskset) {
        g_set_error(&error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s: --horizon applies to task-set CSV input only", in);
        goto out;
    }
    if (recorded_on) {
        enum ipa_trace_format format = ipa_trace_detect(text, len);
        if (format != IPA_TRACE_FMT_FTRACE) {
            g_set_error(&error, IPA_ERROR, IPA_ERROR_INPUT,
                        "%s: not a kernel recording (%s format); "
                        "--recorded-on applies to kernel traces only",
                        in, ipa_trace_format_name(format));
            goto out;
        }
        if (!ipa_setup_recording_machine(recorded_on, &machine, &error))
            goto out;
        im.recorded_on = &machine;
    }
    if (!(taskset ? ipa_trace_import_taskset(
                        in, text, len,
                        horizon_ns ? horizon_ns : IPA_TASKSET_HORIZON_NS, &im,
                        &error)
                  : ipa_trace_import(in, text, len, &im, &error)))
        goto out;
    for (guint i = 0; i < im.warnings->len; i++)
        fprintf(stderr, "ipasim convert: warning: %s\n",
                (char *)g_ptr_array_index(im.warnings, i));
    if (im.summary)
        fprintf(stderr, "ipasim convert: %s\n", im.summary);
    json = ipa_trace_json_text(im.root);
    /* what is written must load back as it is */
    if (!ipa_trace_parse_json(out ? out : in, json, strlen(json), &check,
                              &error))
        goto out;
    if (!out) {
        fputs(json, stdout);
    } else if (!ipa_write_file(out, json, strlen(json), &error)) {
        goto out;
    }
    rc = IPA_EXIT_OK;
out:
    if (error) {
        fprintf(stderr, "ipasim convert: error: %s\n", error->message);
        g_error_free(error);
    }
    ipa_trace_free(check);
    ipa_setup_recording_machine_fini(&machine);
    g_free(json);
    g_free(text);
    ipa_import_fini(&im);
    return rc;
}

int ipa_cmd_convert(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *recorded_on = NULL;
    uint64_t horizon_ns = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(help_fmt, stdout);
            return IPA_EXIT_OK;
        }
        if (!strcmp(a, "--max-input-size")) {
            GError *error = NULL;
            if (++i >= argc || !ipa_setup_max_input(argv[i], &error)) {
                fprintf(stderr, "ipasim convert: error: %s\n%s",
                        error ? error->message : "--max-input-size needs a size",
                        help_fmt);
                g_clear_error(&error);
                return IPA_EXIT_USAGE;
            }
            continue;
        }
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (++i >= argc) {
                fprintf(stderr, "ipasim convert: error: %s needs a file\n%s",
                        a, help_fmt);
                return IPA_EXIT_USAGE;
            }
            out = argv[i];
        } else if (!strcmp(a, "--recorded-on")) {
            if (++i >= argc) {
                fprintf(stderr, "ipasim convert: error: %s needs a "
                                "topology\n%s",
                        a, help_fmt);
                return IPA_EXIT_USAGE;
            }
            recorded_on = argv[i];
        } else if (!strcmp(a, "--horizon")) {
            if (++i >= argc || !ipa_duration_parse(argv[i], &horizon_ns) ||
                !horizon_ns) {
                fprintf(stderr,
                        "ipasim convert: error: --horizon needs a positive "
                        "duration like \"2s\"\n%s",
                        help_fmt);
                return IPA_EXIT_USAGE;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "ipasim convert: error: unknown option '%s'\n%s",
                    a, help_fmt);
            return IPA_EXIT_USAGE;
        } else if (in) {
            fprintf(stderr,
                    "ipasim convert: error: unexpected argument '%s'\n%s", a,
                    help_fmt);
            return IPA_EXIT_USAGE;
        } else {
            in = a;
        }
    }
    if (!in) {
        fputs(help_fmt, stderr);
        return IPA_EXIT_USAGE;
    }
    return convert(in, out, horizon_ns, recorded_on);
}
