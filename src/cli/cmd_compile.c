/* `ipasim compile`: write a DSL policy as C against the runtime API. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "dsl/compose.h"
#include "codegen/codegen.h"
#include "util/common.h"
#include "util/outfile.h"
#include "util/paths.h"

static const char help_fmt[] =
    "usage: ipasim compile [--param NAME=VALUE]... POLICY.ipa [-o FILE.c]\n"
    "       (or POLICY.bossa, a Bossa policy: docs/bossa.md)\n"
    "\n"
    "Checks the policy as `ipasim check` does and writes it as C against\n"
    "include/ipasim/runtime.h (and dsl.h): one function per handler and\n"
    "per function of the policy, its attributes as structs, #line markers\n"
    "that point back into the .ipa file. `--policy FILE.c` runs the\n"
    "result; `--mode compiled` does all of it on the fly.\n"
    "\n"
    "  --param NAME=VALUE  set a policy constant (baked into the C)\n"
    "  -o FILE.c           write there (atomically) instead of stdout\n"
    "  -h, --help          this help\n"
    "\n"
    "Exit status: 0 written, 1 the policy fails its checks, 2 bad usage or\n"
    "an unreadable file.\n";

int ipa_cmd_compile(int argc, char **argv)
{
    GPtrArray *params = g_ptr_array_new();
    const char *policy = NULL, *out = NULL;
    int rc = IPA_EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(help_fmt, stdout);
            rc = IPA_EXIT_OK;
            goto done;
        }
        if (!strcmp(a, "--param") && i + 1 < argc && strchr(argv[i + 1], '='))
            g_ptr_array_add(params, argv[++i]);
        else if (!strncmp(a, "--param=", 8) && strchr(a + 8, '='))
            g_ptr_array_add(params, (gpointer)(a + 8));
        else if (!strcmp(a, "-o") && i + 1 < argc && !out)
            out = argv[++i];
        else if (a[0] != '-' && !policy)
            policy = a;
        else {
            fprintf(stderr, "ipasim compile: bad argument '%s'\n%s", a,
                    help_fmt);
            goto done;
        }
    }
    if (!policy) {
        fputs(help_fmt, stderr);
        goto done;
    }
    GError *error = NULL;
    char *path = ipa_find_shipped(policy, "policy", "policies", &error);
    if (!path) {
        fprintf(stderr, "ipasim compile: %s\n", error->message);
        g_error_free(error);
        goto done;
    }
    struct ipa_interp_options opts = {
        .params = (const char *const *)params->pdata,
        .nr_params = (int)params->len,
    };
    GString *c = g_string_new(NULL);
    const struct ipa_named_file output = {"-o", out};
    const struct ipa_named_file input = {"the policy", path};
    if (!ipa_check_outputs(&output, 1, &input, 1, &error)) {
        fprintf(stderr, "ipasim compile: %s\n", error->message);
        g_error_free(error);
    } else if (ipa_compose_file_is(path)) {
        fprintf(stderr,
                "ipasim compile: '%s' composes policies (its classes): "
                "compile each class's policy; `--mode compiled` runs the "
                "composition with its classes compiled\n",
                path);
    } else if (!ipa_codegen(path, &opts, out ? out : "<stdout>", c, &error)) {
        fprintf(stderr, "ipasim compile: %s\n", error->message);
        rc = error->code == IPA_ERROR_POLICY ? IPA_EXIT_FAIL : IPA_EXIT_USAGE;
        g_error_free(error);
    } else if (!out) {
        fwrite(c->str, 1, c->len, stdout);
        rc = IPA_EXIT_OK;
    } else if (!ipa_write_file(out, c->str, c->len, &error)) {
        fprintf(stderr, "ipasim compile: %s\n", error->message);
        g_error_free(error);
    } else {
        rc = IPA_EXIT_OK;
    }
    g_string_free(c, TRUE);
    g_free(path);
done:
    g_ptr_array_free(params, TRUE);
    return rc;
}
