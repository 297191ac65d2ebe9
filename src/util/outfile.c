#include "util/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "util/common.h"

static void set_write_error(GError **error, const char *path, int err)
{
    if (error && !*error)
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT, "cannot write %s: %s",
                    path, g_strerror(err));
}

bool ipa_outfile_open(struct ipa_outfile *o, const char *path, GError **error)
{
    *o = (struct ipa_outfile){0};
    struct stat st;
    bool replaces = g_stat(path, &st) == 0;
    if (replaces && S_ISDIR(st.st_mode)) {
        set_write_error(error, path, EISDIR);
        return false;
    }
    char *dir = g_path_get_dirname(path);
    char *base = g_path_get_basename(path);
    /* The random part makes the name unguessable and O_EXCL (which
     * g_mkstemp_full adds) refuses whatever was planted there. */
    char *tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    g_free(dir);
    g_free(base);
    int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0666);
    if (fd < 0) {
        set_write_error(error, path, errno);
        g_free(tmp);
        return false;
    }
    /* Like an editor saving a file: a replaced file's permissions stay. */
    if (replaces && S_ISREG(st.st_mode))
        (void)fchmod(fd, st.st_mode & 0777);
    o->f = fdopen(fd, "w");
    IPA_ASSERT(o->f, "fdopen of a fresh descriptor");
    o->path = g_strdup(path);
    o->tmp = tmp;
    return true;
}

static void outfile_free(struct ipa_outfile *o)
{
    g_free(o->path);
    g_free(o->tmp);
    *o = (struct ipa_outfile){0};
}

bool ipa_outfile_commit(struct ipa_outfile *o, GError **error)
{
    IPA_ASSERT(o->f, "commit of an output file that is not open");
    int err = 0;
    if (ferror(o->f))
        err = EIO;
    if (fflush(o->f) != 0 && !err)
        err = errno;
    if (fclose(o->f) != 0 && !err)
        err = errno;
    o->f = NULL;
    if (!err && g_rename(o->tmp, o->path) != 0)
        err = errno;
    if (err) {
        g_unlink(o->tmp);
        set_write_error(error, o->path, err);
    }
    outfile_free(o);
    return !err;
}

void ipa_outfile_discard(struct ipa_outfile *o)
{
    if (o->f) {
        fclose(o->f);
        g_unlink(o->tmp);
    }
    outfile_free(o);
}

bool ipa_write_file(const char *path, const char *data, size_t len,
                    GError **error)
{
    struct ipa_outfile o;
    if (!ipa_outfile_open(&o, path, error))
        return false;
    if (len && fwrite(data, 1, len, o.f) != len) {
        set_write_error(error, path, errno);
        ipa_outfile_discard(&o);
        return false;
    }
    return ipa_outfile_commit(&o, error);
}

/* What makes two names the same file. */
struct file_id {
    bool exists;
    dev_t dev;
    ino_t ino;
    char *norm; /* when it does not exist */
};

static void file_id_init(struct file_id *id, const char *path)
{
    struct stat st;
    *id = (struct file_id){0};
    if (g_stat(path, &st) == 0) {
        id->exists = true;
        id->dev = st.st_dev;
        id->ino = st.st_ino;
        return;
    }
    char *dir = g_path_get_dirname(path);
    char *base = g_path_get_basename(path);
    char *real = realpath(dir, NULL);
    char *cwd = g_get_current_dir();
    id->norm = real ? g_build_filename(real, base, NULL)
                    : g_canonicalize_filename(path, cwd);
    free(real);
    g_free(cwd);
    g_free(dir);
    g_free(base);
}

static bool file_id_equal(const struct file_id *a, const struct file_id *b)
{
    if (a->exists != b->exists)
        return false;
    if (a->exists)
        return a->dev == b->dev && a->ino == b->ino;
    return strcmp(a->norm, b->norm) == 0;
}

bool ipa_check_outputs(const struct ipa_named_file *outputs, int nr_outputs,
                       const struct ipa_named_file *inputs, int nr_inputs,
                       GError **error)
{
    static const struct ipa_named_file none = {NULL, NULL};
    int n = nr_outputs + nr_inputs;
    struct file_id *ids = g_new0(struct file_id, n);
    const struct ipa_named_file **named =
        g_new(const struct ipa_named_file *, n);
    for (int i = 0; i < n; i++) {
        named[i] = i < nr_outputs ? &outputs[i] : &inputs[i - nr_outputs];
        if (named[i]->path)
            file_id_init(&ids[i], named[i]->path);
    }
    /* What does not exist is no file to overwrite ("host", a synthetic
     * topology, a shipped file found elsewhere). */
    for (int i = nr_outputs; i < n; i++)
        if (!ids[i].exists)
            named[i] = &none;
    bool ok = true;
    for (int i = 0; i < nr_outputs && ok; i++) {
        for (int j = i + 1; j < n && ok && named[i]->path; j++) {
            if (!named[j]->path || !file_id_equal(&ids[i], &ids[j]))
                continue;
            ok = false;
            if (j < nr_outputs)
                g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                            "%s %s and %s %s name the same file: each output "
                            "needs its own",
                            named[i]->what, named[i]->path, named[j]->what,
                            named[j]->path);
            else
                g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                            "%s %s names %s (%s): refusing to overwrite an "
                            "input",
                            named[i]->what, named[i]->path, named[j]->what,
                            named[j]->path);
        }
    }
    for (int i = 0; i < n; i++)
        g_free(ids[i].norm);
    g_free(ids);
    g_free(named);
    return ok;
}
