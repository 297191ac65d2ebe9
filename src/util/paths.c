#include "util/paths.h"

#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "util/common.h"
#include "util/suggest.h"

/* The installed tree beside the running executable (bindir/../share/ipasim
 * by default), or NULL when the executable does not sit in one: a build
 * tree. Found from the executable's own path, not the configure-time
 * prefix, so an installed tree may be moved. */
char *ipa_self_exe(GError **error)
{
    return g_file_read_link("/proc/self/exe", error);
}

static char *installed_path(const char *from_bin)
{
    char *exe = ipa_self_exe(NULL);
    if (!exe)
        return NULL;
    char *bin = g_path_get_dirname(exe);
    char *data = g_build_filename(bin, IPASIM_BIN_TO_DATA, "policies", NULL);
    char *path = NULL;
    if (g_file_test(data, G_FILE_TEST_IS_DIR))
        path = g_canonicalize_filename(from_bin, bin);
    g_free(data);
    g_free(bin);
    g_free(exe);
    return path;
}

char *ipa_data_dir(void)
{
    const char *env = g_getenv("IPASIM_DATA_DIR");
    if (env && *env)
        return g_strdup(env);
    char *installed = installed_path(IPASIM_BIN_TO_DATA);
    return installed ? installed : g_strdup(IPASIM_SOURCE_DIR);
}

char *ipa_runtime_include_dir(void)
{
    const char *env = g_getenv("IPASIM_INCLUDE_DIR");
    if (env && *env)
        return g_strdup(env);
    char *installed = installed_path(IPASIM_BIN_TO_INCLUDE);
    return installed ? installed : g_strdup(IPASIM_SOURCE_DIR "/include");
}

GPtrArray *ipa_shipped_list(const char *folder)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    char *data = ipa_data_dir();
    char *path = g_build_filename(data, folder, NULL);
    GDir *dir = g_dir_open(path, 0, NULL);
    for (const char *n; dir && (n = g_dir_read_name(dir));) {
        char *file = g_build_filename(path, n, NULL);
        /* topologies/make.sh regenerates them: a tool, not an example */
        if (g_file_test(file, G_FILE_TEST_IS_REGULAR) &&
            !g_str_has_suffix(n, ".sh"))
            g_ptr_array_add(names, g_strdup(n));
        g_free(file);
    }
    if (dir)
        g_dir_close(dir);
    g_ptr_array_sort(names, ipa_cmp_strings);
    g_free(path);
    g_free(data);
    return names;
}

/* "did you mean 'cfs.c' or 'cfs.ipa'?": the shipped files of the same name
 * with another extension, else the closest name; else where to look. */
static char *did_you_mean(const char *name, GPtrArray *names)
{
    GString *same = g_string_new(NULL);
    size_t stem = strcspn(name, ".");
    for (guint i = 0; i < names->len; i++) {
        const char *n = g_ptr_array_index(names, i);
        if (strlen(n) > stem && n[stem] == '.' && !strncmp(n, name, stem) &&
            strcmp(n, name))
            g_string_append_printf(same, "%s'%s'", same->len ? " or " : "", n);
    }
    if (!same->len) {
        const char *close = ipa_suggest(name, (const char *const *)names->pdata,
                                        (int)names->len);
        if (close)
            g_string_append_printf(same, "'%s'", close);
    }
    char *hint = same->len ? g_strdup_printf("did you mean %s?", same->str)
                           : g_strdup("'ipasim list' shows the shipped files");
    g_string_free(same, TRUE);
    return hint;
}

char *ipa_find_shipped(const char *name, const char *what, const char *folder,
                       GError **error)
{
    if (g_file_test(name, G_FILE_TEST_EXISTS))
        return g_strdup(name);
    if (!strchr(name, '/')) {
        char *dir = ipa_data_dir();
        char *path = g_build_filename(dir, folder, name, NULL);
        g_free(dir);
        if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
            return path;
        g_free(path);
    }
    if (strchr(name, '/')) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT, "%s '%s': no such file",
                    what, name);
        return NULL;
    }
    GPtrArray *names = ipa_shipped_list(folder);
    char *hint = did_you_mean(name, names);
    g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                "%s '%s': no such file (nor in the shipped %s/); %s", what, name,
                folder, hint);
    g_free(hint);
    g_ptr_array_free(names, TRUE);
    return NULL;
}
