/* ipasim list: the shipped policies, topologies and traces, a line each. */
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <json-c/json.h>

#include "cli/commands.h"
#include "topo/topo.h"
#include "util/common.h"
#include "util/paths.h"

static const char help_fmt[] =
    "usage: ipasim list\n"
    "\n"
    "Print the policies, topologies and traces shipped with ipasim, a line\n"
    "each saying what it is. Each may be named by its file name alone:\n"
    "'ipasim --topo 64core.xml --policy cfs.ipa --trace db.json'.\n"
    "\n"
    "  -h, --help  print this help and exit\n";

/* The first sentence of @text, on one line. */
static char *first_sentence(const char *text)
{
    GString *s = g_string_new(NULL);
    for (const char *p = text; *p; p++) {
        if (*p == '.' && (!p[1] || g_ascii_isspace(p[1])))
            break;
        if (g_ascii_isspace(*p)) {
            if (s->len && s->str[s->len - 1] != ' ')
                g_string_append_c(s, ' ');
        } else {
            g_string_append_c(s, *p);
        }
    }
    return g_string_free(s, FALSE);
}

/* A policy's header comment opens "NAME - what it is." (C and DSL alike). */
static char *policy_summary(const char *path)
{
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return g_strdup("(unreadable)");
    char *summary = NULL;
    char *end = strstr(text, "*/");
    char *dash = strstr(text, " - ");
    if (g_str_has_prefix(text, "/*") && end && dash && dash < end) {
        *end = '\0';
        char **lines = g_strsplit(dash + 3, "\n", -1);
        for (char **l = lines; *l; l++) {
            char *t = g_strchug(*l);
            if (*t == '*')
                memmove(t, t + 1, strlen(t));
        }
        char *body = g_strjoinv(" ", lines);
        summary = first_sentence(body);
        g_free(body);
        g_strfreev(lines);
    }
    g_free(text);
    return summary ? summary : g_strdup("");
}

static char *trace_summary(const char *path)
{
    json_object *root = json_object_from_file(path);
    json_object *d = NULL;
    char *summary = root && json_object_object_get_ex(root, "description", &d)
                        ? first_sentence(json_object_get_string(d))
                        : g_strdup("");
    json_object_put(root);
    return summary;
}

static char *topology_summary(const char *path)
{
    struct ipa_topo *topo = NULL;
    GError *error = NULL;
    if (!ipa_topo_load(path, &topo, &error)) {
        char *why = g_strdup_printf("(does not load: %s)", error->message);
        g_error_free(error);
        return why;
    }
    char *summary = g_strdup(topo->description);
    ipa_topo_free(topo);
    return summary;
}

static void list(const char *folder, const char *heading)
{
    char *data = ipa_data_dir();
    GPtrArray *names = ipa_shipped_list(folder);
    printf("%s\n", heading);
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        char *path = g_build_filename(data, folder, name, NULL);
        char *what = !strcmp(folder, "policies") ? policy_summary(path)
                     : !strcmp(folder, "traces") ? trace_summary(path)
                                                 : topology_summary(path);
        printf("  %-16s %s\n", name, what);
        g_free(what);
        g_free(path);
    }
    g_ptr_array_free(names, TRUE);
    g_free(data);
}

int ipa_cmd_list(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(help_fmt, stdout);
            return IPA_EXIT_OK;
        }
        fprintf(stderr, "ipasim list: error: unexpected argument '%s'\n%s",
                argv[i], help_fmt);
        return IPA_EXIT_USAGE;
    }
    list("policies", "policies (--policy NAME; .ipa: Ipanema DSL, .bossa: "
                     "Bossa DSL, .c: C against the runtime API):");
    list("topologies", "\ntopologies (--topo NAME):");
    list("traces", "\ntraces (--trace NAME):");
    return IPA_EXIT_OK;
}
