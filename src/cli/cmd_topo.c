/* ipasim topo: load a topology, build and check its scheduling domains. */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "cli/commands.h"
#include "cli/setup.h"
#include "topo/hier.h"
#include "topo/topo.h"
#include "util/common.h"

static const char help_fmt[] =
    "usage: ipasim topo [--json] TOPOLOGY\n"
    "\n"
    "Print a topology's distances and the scheduling-domain hierarchy\n"
    "ipasim builds from them, and check the hierarchy.\n"
    "\n"
    "TOPOLOGY is an hwloc XML file (a shipped one such as 64core.xml may be\n"
    "named without its folder), an hwloc synthetic description such as\n"
    "\"pack:2 core:4 pu:2\", or \"host\" for this machine.\n"
    "\n"
    "  --json      print one JSON object instead of text\n"
    "  -h, --help  print this help and exit\n"
    "\n"
    "Exit status: 0 valid hierarchy, 1 invalid hierarchy, 2 bad usage or a\n"
    "topology that cannot be loaded.\n";

static int usage_error(const char *msg)
{
    fprintf(stderr, "ipasim topo: error: %s\n", msg);
    fprintf(stderr, "Try 'ipasim topo --help'.\n");
    return IPA_EXIT_USAGE;
}

int ipa_cmd_topo(int argc, char **argv)
{
    const char *spec = NULL;
    bool json = false, options = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
            fputs(help_fmt, stdout);
            return IPA_EXIT_OK;
        } else if (options && !strcmp(a, "--json")) {
            json = true;
        } else if (options && !strcmp(a, "--")) {
            options = false;
        } else if (options && a[0] == '-' && a[1]) {
            char *msg = g_strdup_printf("unknown option '%s'", a);
            int rc = usage_error(msg);
            g_free(msg);
            return rc;
        } else if (spec) {
            return usage_error("more than one TOPOLOGY given");
        } else {
            spec = a;
        }
    }
    if (!spec)
        return usage_error("missing TOPOLOGY");

    struct ipa_topo *topo = NULL;
    GError *err = NULL;
    int rc = IPA_EXIT_OK;
    if (!ipa_setup_topology(spec, &topo, &err)) {
        fprintf(stderr, "ipasim topo: error: %s\n", err->message);
        rc = IPA_EXIT_USAGE;
        goto out;
    }
    struct ipa_hier *hier = ipa_hier_build(topo, NULL, 0);
    if (json)
        ipa_hier_print_json(hier, topo, stdout);
    else
        ipa_hier_print(hier, topo, stdout);
    if (!ipa_hier_validate(hier, &err)) {
        fprintf(stderr, "ipasim topo: %s\n", err->message);
        rc = IPA_EXIT_FAIL;
    }
    ipa_hier_free(hier);
out:
    g_clear_error(&err);
    ipa_topo_free(topo);
    return rc;
}
