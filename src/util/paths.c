#include "util/paths.h"

#include <string.h>
#include <unistd.h>

#include <glib.h>

/* Installed when the running executable sits in the install bindir. */
static gboolean running_installed(void)
{
    char *exe = g_file_read_link("/proc/self/exe", NULL);
    gboolean installed = FALSE;
    if (exe) {
        char *dir = g_path_get_dirname(exe);
        installed = g_strcmp0(dir, IPASIM_INSTALL_BIN_DIR) == 0;
        g_free(dir);
        g_free(exe);
    }
    return installed;
}

char *ipa_data_dir(void)
{
    const char *env = g_getenv("IPASIM_DATA_DIR");
    if (env && *env)
        return g_strdup(env);
    return g_strdup(running_installed() ? IPASIM_INSTALL_DATA_DIR
                                        : IPASIM_SOURCE_DIR);
}

char *ipa_runtime_include_dir(void)
{
    const char *env = g_getenv("IPASIM_INCLUDE_DIR");
    if (env && *env)
        return g_strdup(env);
    return g_strdup(running_installed() ? IPASIM_INSTALL_INCLUDE_DIR
                                        : IPASIM_SOURCE_DIR "/include");
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
