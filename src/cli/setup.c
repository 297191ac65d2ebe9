#include "cli/setup.h"

#include <string.h>

#include "engine/sim.h"
#include "policy/loader.h"
#include "topo/topo.h"
#include "trace/import.h"
#include "util/common.h"
#include "util/cpuset.h"
#include "util/duration.h"
#include "util/input.h"
#include "util/paths.h"
#include "util/size.h"

/* "0-31:cfs.c" names cores; a spec whose part before ':' is not a CPU
 * list is a plain file name. */
static bool split_spec(const char *spec, GArray **cores, char **file,
                       GError **error)
{
    const char *colon = strchr(spec, ':');
    *cores = NULL;
    if (colon && colon > spec &&
        strspn(spec, "0123456789,- ") == (size_t)(colon - spec)) {
        char *list = g_strndup(spec, (gsize)(colon - spec));
        const char *why = NULL;
        GArray *a = g_array_new(FALSE, FALSE, sizeof(int));
        bool ok = ipa_cpulist_parse(list, a, &why);
        g_free(list);
        if (!ok) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                        "--policy '%s': %s", spec, why);
            g_array_free(a, TRUE);
            return false;
        }
        *cores = a;
        spec = colon + 1;
    }
    *file = g_strdup(spec);
    return true;
}

bool ipa_setup_policies(struct ipa_setup *setup, char **specs,
                        const struct ipa_interp_options *dsl, GError **error)
{
    setup->policies = g_ptr_array_new_with_free_func(
        (GDestroyNotify)ipa_policy_free);
    setup->cores = g_ptr_array_new();
    GString *label = g_string_new(NULL);
    for (char **s = specs; s && *s; s++) {
        GArray *cores;
        char *file;
        if (!split_spec(*s, &cores, &file, error)) {
            g_string_free(label, TRUE);
            return false;
        }
        g_ptr_array_add(setup->cores, cores);
        char *path = ipa_find_shipped(file, "policy", "policies", error);
        if (!path) {
            g_free(file);
            g_string_free(label, TRUE);
            return false;
        }
        struct ipa_policy *p = NULL;
        ipa_sim_watch_policy((int)setup->policies->len);
        bool ok = ipa_policy_load(path, dsl, &p, error);
        g_free(path);
        g_free(file);
        if (!ok) {
            g_string_free(label, TRUE);
            return false;
        }
        g_ptr_array_add(setup->policies, p);
        g_string_append_printf(label, "%s%s", label->len ? " " : "", *s);
    }
    setup->label = g_string_free(label, FALSE);
    return true;
}

/* Each spec's policy file: its base name, or (@resolve) where
 * ipa_find_shipped finds it, else as given. */
static char **policy_files(char **specs, bool resolve)
{
    GPtrArray *files = g_ptr_array_new();
    for (char **s = specs; s && *s; s++) {
        GArray *cores = NULL;
        char *file = NULL;
        if (!split_spec(*s, &cores, &file, NULL)) {
            g_ptr_array_add(files, g_strdup(*s));
            continue;
        }
        char *path = resolve ? ipa_find_shipped(file, "policy", "policies", NULL)
                             : NULL;
        g_ptr_array_add(files, path   ? path
                               : resolve ? g_strdup(file)
                                         : g_path_get_basename(file));
        if (cores)
            g_array_free(cores, TRUE);
        g_free(file);
    }
    g_ptr_array_add(files, NULL);
    return (char **)g_ptr_array_free(files, FALSE);
}

char **ipa_setup_policy_names(char **specs)
{
    return policy_files(specs, false);
}

char **ipa_setup_policy_paths(char **specs)
{
    return policy_files(specs, true);
}

bool ipa_setup_partitions(struct ipa_setup *setup, struct ipa_sim *sim,
                          GError **error)
{
    for (guint i = 0; i < setup->policies->len; i++) {
        struct ipa_policy *p = g_ptr_array_index(setup->policies, i);
        GArray *cores = g_ptr_array_index(setup->cores, i);
        if (!cores && i + 1 < setup->policies->len) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                        "--policy '%s': only the last policy may leave out "
                        "its cores (it takes the rest)",
                        p->path);
            return false;
        }
        if (!ipa_sim_add_partition(sim, p->name, p->ops, p->ctx,
                                   cores ? (int *)(void *)cores->data : NULL,
                                   cores ? (int)cores->len : 0, error))
            return false;
        for (guint k = 0; p->classes && k < p->classes->len; k++) {
            const struct ipa_policy_class *c = p->classes->pdata[k];
            if (!ipa_sim_add_class(sim, p->name, c->name, c->policy->ops,
                                   c->policy->ctx,
                                   (const char *const *)c->attach, c->share,
                                   error))
                return false;
        }
    }
    return true;
}

void ipa_setup_fini(struct ipa_setup *setup)
{
    if (setup->cores)
        for (guint i = 0; i < setup->cores->len; i++)
            if (g_ptr_array_index(setup->cores, i))
                g_array_free(g_ptr_array_index(setup->cores, i), TRUE);
    if (setup->cores)
        g_ptr_array_free(setup->cores, TRUE);
    /* policy by policy: a supervisor names the one whose destructors
     * run */
    for (guint i = 0; setup->policies && i < setup->policies->len; i++) {
        ipa_sim_watch_policy((int)i);
        ipa_policy_free(g_ptr_array_index(setup->policies, i));
    }
    if (setup->policies) {
        g_ptr_array_set_free_func(setup->policies, NULL);
        g_ptr_array_free(setup->policies, TRUE);
    }
    g_free(setup->label);
    memset(setup, 0, sizeof *setup);
}

char *ipa_setup_policy_file(const char *spec, GError **error)
{
    GArray *cores;
    char *file;
    if (!split_spec(spec, &cores, &file, error))
        return NULL;
    if (cores)
        g_array_free(cores, TRUE);
    char *path = ipa_find_shipped(file, "policy", "policies", error);
    g_free(file);
    return path;
}

bool ipa_setup_topology_file(const char *arg, char **path, GError **error)
{
    *path = NULL;
    if (!g_str_has_suffix(arg, ".xml") && !strchr(arg, '/'))
        return true;
    *path = ipa_find_shipped(arg, "topology", "topologies", error);
    return *path != NULL;
}

bool ipa_setup_topology(const char *arg, struct ipa_topo **out, GError **error)
{
    char *path = NULL;
    if (!ipa_setup_topology_file(arg, &path, error))
        return false;
    bool ok = ipa_topo_load(path ? path : arg, out, error);
    g_free(path);
    return ok;
}

bool ipa_setup_recording_machine(const char *arg,
                                 struct ipa_recording_machine *out,
                                 GError **error)
{
    struct ipa_topo *topo;
    *out = (struct ipa_recording_machine){.name = arg};
    if (!ipa_setup_topology(arg, &topo, error))
        return false;
    /* a recording numbers CPUs as Linux does: by OS index */
    for (int i = 0; i < topo->nr_cores; i++)
        out->nr_cpus = MAX(out->nr_cpus, topo->os_index[i] + 1);
    int *capacity = g_new0(int, (gsize)out->nr_cpus);
    for (int i = 0; i < topo->nr_cores; i++)
        capacity[topo->os_index[i]] = topo->capacity[i];
    out->capacity = capacity;
    ipa_topo_free(topo);
    return true;
}

void ipa_setup_recording_machine_fini(struct ipa_recording_machine *m)
{
    g_free((int *)m->capacity);
    m->capacity = NULL;
}

bool ipa_setup_duration(const char *flag, const char *text, uint64_t *out,
                        GError **error)
{
    if (!text || ipa_duration_parse(text, out))
        return true;
    g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                "%s: expected a duration like '2ms' or '150us', got '%s'",
                flag, text);
    return false;
}

bool ipa_setup_max_input(const char *text, GError **error)
{
    uint64_t bytes = 0;
    if (!text)
        return true;
    if (!ipa_size_parse(text, &bytes) || !bytes) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "--max-input-size: expected a size like '512M' or '2G', "
                    "got '%s'",
                    text);
        return false;
    }
    ipa_input_set_max_size(bytes);
    return true;
}

bool ipa_setup_mode(const char *mode, bool *compiled, GError **error)
{
    *compiled = mode && !strcmp(mode, "compiled");
    if (mode && !*compiled && strcmp(mode, "interpreted")) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "--mode: expected 'interpreted' or 'compiled', not '%s'",
                    mode);
        return false;
    }
    return true;
}

void ipa_cli_print_help(GOptionContext *ctx, const char *usage, FILE *out)
{
    char *help = g_option_context_get_help(ctx, TRUE, NULL);
    /* glib's text opens with "Usage:\n  NAME [OPTION...] ...\n\n": the
     * rest (summary, options, description) is kept as it is */
    const char *rest = strstr(help, "\n\n");
    rest = rest ? rest + 2 : help;
    GString *text = g_string_new(rest);
    g_string_replace(text, "Application Options:\n", "options:\n", 1);
    g_string_replace(text, "\nOptions:\n", "\noptions:\n", 1);
    fprintf(out, "%s\n\n%s", usage, text->str);
    g_string_free(text, TRUE);
    g_free(help);
}
