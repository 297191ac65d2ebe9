/*
 * scratch.h - the scratch folders of unit tests that write files: remove
 * one whole, count what a folder holds. Header-only, for tests.
 */
#ifndef IPA_TESTS_SCRATCH_H
#define IPA_TESTS_SCRATCH_H

#include <glib.h>
#include <glib/gstdio.h>

/* Removes @path and everything below it; a symlink is removed, never
 * followed. */
static inline void scratch_remove_tree(const char *path)
{
    GDir *d = g_dir_open(path, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d))) {
        char *p = g_build_filename(path, name, NULL);
        if (g_file_test(p, G_FILE_TEST_IS_DIR) &&
            !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
            scratch_remove_tree(p);
        else
            g_unlink(p);
        g_free(p);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(path);
}

/* The number of entries in @dir (0 when it cannot be read). */
static inline int scratch_entries(const char *dir)
{
    int n = 0;
    GDir *d = g_dir_open(dir, 0, NULL);
    while (d && g_dir_read_name(d))
        n++;
    if (d)
        g_dir_close(d);
    return n;
}

#endif
