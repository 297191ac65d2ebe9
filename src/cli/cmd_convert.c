/* `ipasim convert`: an rt-app workload or a kernel trace as a native trace. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/setup.h"
#include "trace/import.h"
#include "trace/trace.h"
#include "util/common.h"
#include "util/input.h"

static const char help_fmt[] =
    "usage: ipasim convert IN [-o OUT.json] [--max-input-size SIZE]\n"
    "\n"
    "Writes IN, an rt-app workload file, trace-cmd report or perf script\n"
    "text (or a native trace), as a native JSON trace\n"
    "(docs/trace-format.md): on standard output, or atomically into OUT.\n"
    "What cannot be modelled is named in warnings on stderr.\n"
    "\n"
    "  -o FILE    write the trace there\n"
    "  --max-input-size SIZE\n"
    "             largest IN read (default 256M for kernel trace text,\n"
    "             64M for JSON, 16M for rt-app files)\n"
    "  -h, --help this help\n"
    "\n"
    "Exit status: 0 ok, 2 bad usage or unreadable input.\n";

static int convert(const char *in, const char *out)
{
    char *text = NULL;
    size_t len = 0;
    GError *error = NULL;
    struct ipa_import im;
    struct ipa_trace *check = NULL;
    char *json = NULL;
    int rc = IPA_EXIT_USAGE;

    ipa_import_init(&im);
    if (!ipa_input_read("trace", in, IPA_INPUT_TRACE, &text, &len, &error) ||
        !ipa_trace_import(in, text, len, &im, &error))
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
    } else if (!g_file_set_contents(out, json, (gssize)strlen(json),
                                    &error)) {
        goto out;
    }
    rc = IPA_EXIT_OK;
out:
    if (error) {
        fprintf(stderr, "ipasim convert: error: %s\n", error->message);
        g_error_free(error);
    }
    ipa_trace_free(check);
    g_free(json);
    g_free(text);
    ipa_import_fini(&im);
    return rc;
}

int ipa_cmd_convert(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
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
    return convert(in, out);
}
