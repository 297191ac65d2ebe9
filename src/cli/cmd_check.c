/* `ipasim check`: parse a policy and run the static safety checks. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "dsl/check.h"
#include "dsl/diag.h"
#include "dsl/compose.h"
#include "dsl/front.h"
#include "dsl/parser.h"
#include "util/common.h"
#include "util/paths.h"

static const char help_fmt[] =
    "usage: ipasim check [--param NAME=VALUE]... POLICY.ipa|POLICY.bossa...\n"
    "\n"
    "Parses each policy and checks it statically: names and types, state\n"
    "transitions per event, no lost thread, work-conserving election,\n"
    "bounded loops and no recursion, shared-state discipline, and the\n"
    "domains builder. Diagnostics go to stderr; each policy that passes\n"
    "gets a line 'POLICY: ok' on stdout. Options may come before or after\n"
    "the files; a shipped policy may be named alone (cfs.ipa). A .bossa\n"
    "file is read by the Bossa front end into the same model\n"
    "(docs/bossa.md) and checked alike.\n"
    "\n"
    "  --param NAME=VALUE  override a policy constant (checked for type)\n"
    "  -h, --help          this help\n"
    "\n"
    "Exit status: 0 every policy passes, 1 a policy fails its checks,\n"
    "2 bad usage or an unreadable file.\n";

static int check_one(const char *name, GPtrArray *params);

/* A composition: its declaration, then each class's policy. */
static int check_composition(const char *name, const char *path,
                             const struct ipa_source *src, GPtrArray *params)
{
    struct ipa_diag_sink sink;
    ipa_diag_sink_init(&sink, stderr);
    GPtrArray *classes = ipa_compose_parse(src, &sink);
    int rc = classes ? IPA_EXIT_OK : IPA_EXIT_FAIL;
    for (guint i = 0; classes && i < classes->len; i++) {
        const struct ipa_compose_class *c = classes->pdata[i];
        char *file = ipa_compose_find(path, c, &sink);
        int one = file ? check_one(file, params) : IPA_EXIT_USAGE;
        if (one == IPA_EXIT_OK && ipa_compose_file_is(file)) {
            ipa_diag_error(&sink, c->span,
                           "class '%s' is itself a composition: list its "
                           "classes here instead",
                           c->name);
            one = IPA_EXIT_FAIL;
        }
        if (one > rc)
            rc = one;
        g_free(file);
    }
    if (rc == IPA_EXIT_OK)
        printf("%s: ok (a composition of %u classes)\n", name, classes->len);
    if (classes)
        g_ptr_array_free(classes, TRUE);
    return rc;
}

static int check_one(const char *name, GPtrArray *params)
{
    GError *error = NULL;
    struct ipa_source *src = NULL;
    char *path = ipa_find_shipped(name, "policy", "policies", &error);
    if (path)
        src = ipa_source_load(path, &error);
    g_free(path);
    if (!src) {
        fprintf(stderr, "ipasim check: %s\n", error->message);
        g_error_free(error);
        return IPA_EXIT_USAGE;
    }
    if (ipa_compose_detect(src)) {
        char *resolved = g_strdup(src->name);
        int rc = check_composition(name, resolved, src, params);
        g_free(resolved);
        ipa_source_free(src);
        return rc;
    }
    struct ipa_diag_sink sink;
    ipa_diag_sink_init(&sink, stderr);
    struct ipa_ast *ast = ipa_front_parse(src, &sink);
    if (!sink.errors) {
        struct ipa_check_options opts = {
            .params = (const char *const *)params->pdata,
            .nr_params = (int)params->len,
        };
        ipa_check(ast, &opts, &sink);
    }
    int rc = sink.errors ? IPA_EXIT_FAIL : IPA_EXIT_OK;
    /* silence would read as "did it run at all?" */
    if (!sink.errors)
        printf("%s: ok (%d warning%s)\n", name, sink.warnings,
               sink.warnings == 1 ? "" : "s");
    ipa_ast_free(ast);
    ipa_source_free(src);
    return rc;
}

int ipa_cmd_check(int argc, char **argv)
{
    GPtrArray *params = g_ptr_array_new();
    GPtrArray *files = g_ptr_array_new();
    int rc = IPA_EXIT_OK;
    bool options = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options || a[0] != '-' || !a[1]) {
            g_ptr_array_add(files, (gpointer)a);
            continue;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(help_fmt, stdout);
            goto out;
        }
        if (!strcmp(a, "--")) {
            options = false;
            continue;
        }
        const char *val = NULL;
        if (!strcmp(a, "--param") && i + 1 < argc)
            val = argv[++i];
        else if (!strncmp(a, "--param=", 8))
            val = a + 8;
        if (!val) {
            fprintf(stderr, "ipasim check: error: unknown option '%s'\n%s", a,
                    help_fmt);
            rc = IPA_EXIT_USAGE;
            goto out;
        }
        if (!strchr(val, '=')) {
            fprintf(stderr,
                    "ipasim check: error: --param %s: expected NAME=VALUE\n",
                    val);
            rc = IPA_EXIT_USAGE;
            goto out;
        }
        g_ptr_array_add(params, (gpointer)val);
    }
    if (!files->len) {
        fputs(help_fmt, stderr);
        rc = IPA_EXIT_USAGE;
        goto out;
    }
    for (guint f = 0; f < files->len; f++) {
        int r = check_one(g_ptr_array_index(files, f), params);
        if (r > rc)
            rc = r;
    }
out:
    g_ptr_array_free(files, TRUE);
    g_ptr_array_free(params, TRUE);
    return rc;
}
