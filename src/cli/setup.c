#include "cli/setup.h"

#include <string.h>

#include "engine/sim.h"
#include "policy/loader.h"
#include "topo/topo.h"
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
        char *path = ipa_find_shipped(file, "policies");
        if (!path) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                        "policy '%s': no such file (nor in the shipped "
                        "policies/)",
                        file);
            g_free(file);
            g_string_free(label, TRUE);
            return false;
        }
        struct ipa_policy *p = NULL;
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
    if (setup->policies)
        g_ptr_array_free(setup->policies, TRUE);
    g_free(setup->label);
    memset(setup, 0, sizeof *setup);
}

bool ipa_setup_topology(const char *arg, struct ipa_topo **out, GError **error)
{
    char *path = NULL;
    if (g_str_has_suffix(arg, ".xml") || strchr(arg, '/'))
        path = ipa_find_shipped(arg, "topologies");
    if (!path && (g_str_has_suffix(arg, ".xml") || strchr(arg, '/'))) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "topology '%s': no such file (nor in the shipped "
                    "topologies/)",
                    arg);
        return false;
    }
    bool ok = ipa_topo_load(path ? path : arg, out, error);
    g_free(path);
    return ok;
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
