/*
 * replay.c - runs a fuzz harness without libFuzzer: every file named on the
 * command line, and every file under every folder named, goes once through
 * LLVMFuzzerTestOneInput(). The normal build uses it to keep the seed
 * corpora and the crash regressions (tests/fuzz/regressions/NAME/) passing
 * without clang; a regression that crashes again crashes this test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fuzz.h"

static int replay_file(const char *path)
{
    gchar *text = NULL;
    gsize len = 0;
    GError *error = NULL;
    if (!g_file_get_contents(path, &text, &len, &error)) {
        fprintf(stderr, "replay: %s\n", error->message);
        g_error_free(error);
        exit(2);
    }
    /* An exact-size copy, so ASan catches any read past the input. */
    guint8 *copy = g_memdup2(text, len);
    LLVMFuzzerTestOneInput(copy, len);
    g_free(copy);
    g_free(text);
    return 1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir)
{
    GError *error = NULL;
    GDir *d = g_dir_open(dir, 0, &error);
    if (!d) {
        fprintf(stderr, "replay: %s\n", error->message);
        g_error_free(error);
        exit(2);
    }
    /* Sorted, so a failure always happens at the same input. */
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(d)))
        if (name[0] != '.')
            g_ptr_array_add(names, g_build_filename(dir, name, NULL));
    g_dir_close(d);
    g_ptr_array_sort(names, by_name);
    int n = 0;
    for (guint i = 0; i < names->len; i++) {
        const char *path = names->pdata[i];
        n += g_file_test(path, G_FILE_TEST_IS_DIR) ? replay_dir(path)
                                                   : replay_file(path);
    }
    g_ptr_array_unref(names);
    return n;
}

int main(int argc, char **argv)
{
    int n = 0;
    for (int i = 1; i < argc; i++)
        n += g_file_test(argv[i], G_FILE_TEST_IS_DIR) ? replay_dir(argv[i])
                                                      : replay_file(argv[i]);
    printf("replayed %d input%s\n", n, n == 1 ? "" : "s");
    return n > 0 ? 0 : 2;
}
