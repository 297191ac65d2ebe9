/* `ipasim fmt`: print a policy in canonical layout. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "dsl/compose.h"
#include "dsl/diag.h"
#include "dsl/fmt.h"
#include "dsl/front.h"
#include "util/common.h"
#include "util/outfile.h"
#include "util/paths.h"

static const char help_fmt[] =
    "usage: ipasim fmt [-w] POLICY.ipa...\n"
    "       ipasim fmt --to ipa POLICY.bossa...\n"
    "\n"
    "Prints each policy in the canonical layout on stdout; with -w, rewrites\n"
    "the files in place instead. A file with syntax errors is left alone\n"
    "and its errors are reported on stderr. A shipped policy may be named\n"
    "alone when printed (rr30.bossa). A Bossa policy (.bossa,\n"
    "docs/bossa.md) is printed as the same policy in the Ipanema language,\n"
    "which --to ipa asks for (there is no canonical Bossa layout).\n"
    "\n"
    "  -w         write the result back to the file\n"
    "  --to ipa   print in the Ipanema language (.ipa)\n"
    "  -h, --help this help\n"
    "\n"
    "Exit status: 0 ok, 1 a file has syntax errors, 2 bad usage or an\n"
    "unreadable file.\n";

static int fmt_one(const char *path, bool write, bool to_ipa)
{
    GError *error = NULL;
    if (ipa_front_is_bossa(path) && (!to_ipa || write)) {
        fprintf(stderr,
                "ipasim fmt: %s: a Bossa policy is printed in the Ipanema "
                "language: use 'ipasim fmt --to ipa %s'%s\n",
                path, path,
                write ? " and redirect it (-w would overwrite the .bossa)"
                      : "");
        return IPA_EXIT_USAGE;
    }
    /* a shipped policy may be named alone, but only to be printed */
    char *found = write ? g_strdup(path)
                        : ipa_find_shipped(path, "policy", "policies", &error);
    struct ipa_source *src = found ? ipa_source_load(found, &error) : NULL;
    g_free(found);
    if (!src) {
        fprintf(stderr, "ipasim fmt: %s\n", error->message);
        g_error_free(error);
        return IPA_EXIT_USAGE;
    }
    if (ipa_compose_detect(src)) {
        fprintf(stderr, "ipasim fmt: '%s' composes policies (its classes): "
                        "format each class's policy\n",
                path);
        ipa_source_free(src);
        return IPA_EXIT_USAGE;
    }
    struct ipa_diag_sink sink;
    ipa_diag_sink_init(&sink, stderr);
    struct ipa_ast *ast = ipa_front_parse(src, &sink);
    int rc = IPA_EXIT_OK;
    if (sink.errors) {
        rc = IPA_EXIT_FAIL;
        goto out;
    }
    GString *text = g_string_new(NULL);
    ipa_fmt_print(ast, src, text);
    if (!write) {
        fwrite(text->str, 1, text->len, stdout);
    } else if (text->len != src->len ||
               memcmp(text->str, src->text, text->len) != 0) {
        if (!ipa_write_file(path, text->str, text->len, &error)) {
            fprintf(stderr, "ipasim fmt: %s\n", error->message);
            g_error_free(error);
            rc = IPA_EXIT_USAGE;
        }
    }
    g_string_free(text, TRUE);
out:
    ipa_ast_free(ast);
    ipa_source_free(src);
    return rc;
}

int ipa_cmd_fmt(int argc, char **argv)
{
    bool write = false, to_ipa = false;
    int first = 1;
    for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
        if (!strcmp(argv[first], "-h") || !strcmp(argv[first], "--help")) {
            fputs(help_fmt, stdout);
            return IPA_EXIT_OK;
        }
        if (!strcmp(argv[first], "-w")) {
            write = true;
            continue;
        }
        const char *to = NULL;
        if (!strcmp(argv[first], "--to") && first + 1 < argc)
            to = argv[++first];
        else if (!strncmp(argv[first], "--to=", 5))
            to = argv[first] + 5;
        if (to) {
            if (strcmp(to, "ipa")) {
                fprintf(stderr,
                        "ipasim fmt: --to %s: the only target is 'ipa'\n%s",
                        to, help_fmt);
                return IPA_EXIT_USAGE;
            }
            to_ipa = true;
            continue;
        }
        if (!strcmp(argv[first], "--")) {
            first++;
            break;
        }
        fprintf(stderr, "ipasim fmt: unknown option '%s'\n%s", argv[first],
                help_fmt);
        return IPA_EXIT_USAGE;
    }
    if (first >= argc) {
        fputs(help_fmt, stderr);
        return IPA_EXIT_USAGE;
    }
    int rc = IPA_EXIT_OK;
    for (int i = first; i < argc; i++) {
        int r = fmt_one(argv[i], write, to_ipa);
        if (r > rc)
            rc = r;
    }
    return rc;
}
