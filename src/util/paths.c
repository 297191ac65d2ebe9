#include "util/paths.h"

#include <string.h>
#include <unistd.h>

#include <glib.h>

/* The installed tree beside the running executable (bindir/../share/ipasim
 * by default), or NULL when the executable does not sit in one: a build
 * tree. Found from the executable's own path, not the configure-time
 * prefix, so an installed tree may be moved. */
static char *installed_path(const char *from_bin)
{
    char *exe = g_file_read_link("/proc/self/exe", NULL);
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

char *ipa_find_shipped(const char *name, const char *folder)
{
    if (g_file_test(name, G_FILE_TEST_EXISTS))
        return g_strdup(name);
    if (strchr(name, '/'))
        return NULL;
    char *dir = ipa_data_dir();
    char *path = g_build_filename(dir, folder, name, NULL);
    g_free(dir);
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
        return path;
    g_free(path);
    return NULL;
}
