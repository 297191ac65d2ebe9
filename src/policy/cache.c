#include "policy/cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/common.h"

#define SUM_SUFFIX ".sha256"

/* The directory asked for last, and the cache that stands for it; the
 * private directory, once made, serves every unsafe one until exit. */
static struct {
    char *asked;
    struct ipa_cache cache;
    char *private_dir;
    int private_fd;
    pid_t private_owner; /* a forked child must not remove it at its exit */
} state = {.cache = {.fd = -1}, .private_fd = -1};

static char *asked_dir(void)
{
    const char *env = g_getenv("IPASIM_CACHE_DIR");
    char *dir = env && *env
                    ? g_strdup(env)
                    : g_build_filename(g_get_user_cache_dir(), "ipasim", NULL);
    /* a trailing slash would make open() follow a symbolic link */
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        dir[--len] = '\0';
    return dir;
}

/* Why a file or directory of the cache must not be trusted, or NULL. */
static char *unsafe_reason(const struct stat *st)
{
    if (st->st_uid != geteuid())
        return g_strdup_printf("is owned by uid %u, not by this user (uid %u)",
                               (unsigned)st->st_uid, (unsigned)geteuid());
    if (st->st_mode & (S_IWGRP | S_IWOTH))
        return g_strdup_printf("is writable by group or others (mode %04o)",
                               (unsigned)(st->st_mode & 07777));
    return NULL;
}

/* Opens @dir as a trusted cache directory, or returns -1 and why not. */
static int open_checked_dir(const char *dir, char **reason)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        struct stat st;
        if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
            *reason = g_strdup("is a symbolic link");
        else
            *reason = g_strdup_printf("cannot be opened (%s)",
                                      g_strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        *reason = g_strdup_printf("cannot be checked (%s)", g_strerror(errno));
        close(fd);
        return -1;
    }
    *reason = unsafe_reason(&st);
    if (*reason) {
        close(fd);
        return -1;
    }
    return fd;
}

static void remove_private_dir(void)
{
    if (!state.private_dir || getpid() != state.private_owner)
        return;
    /* only this process has written into it (0700, made by mkdtemp) */
    GDir *dir = g_dir_open(state.private_dir, 0, NULL);
    const char *name;
    while (dir && (name = g_dir_read_name(dir)))
        unlinkat(state.private_fd, name, 0);
    if (dir)
        g_dir_close(dir);
    rmdir(state.private_dir);
}

static bool open_private_dir(GError **error)
{
    if (state.private_dir)
        return true;
    GError *tmp_err = NULL;
    char *dir = g_dir_make_tmp("ipasim-cache-XXXXXX", &tmp_err);
    if (!dir) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "cannot make a private policy cache: %s",
                    tmp_err->message);
        g_error_free(tmp_err);
        return false;
    }
    char *reason = NULL;
    int fd = open_checked_dir(dir, &reason);
    if (fd < 0) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "private policy cache %s %s", dir, reason);
        g_free(reason);
        rmdir(dir);
        g_free(dir);
        return false;
    }
    state.private_dir = dir;
    state.private_fd = fd;
    state.private_owner = getpid();
    atexit(remove_private_dir);
    return true;
}

const struct ipa_cache *ipa_cache_open(GError **error)
{
    char *asked = asked_dir();
    if (state.asked && strcmp(state.asked, asked) == 0) {
        g_free(asked);
        return &state.cache;
    }
    if (state.cache.fd >= 0 && state.cache.fd != state.private_fd)
        close(state.cache.fd);
    if (state.cache.path != state.private_dir)
        g_free(state.cache.path);
    state.cache.path = NULL;
    state.cache.fd = -1;
    g_free(state.asked);
    state.asked = NULL;

    /* its parents too are made 0700: a fresh cache is private all along */
    g_mkdir_with_parents(asked, 0700);
    char *reason = NULL;
    int fd = open_checked_dir(asked, &reason);
    if (fd >= 0) {
        state.cache.path = g_strdup(asked);
        state.cache.fd = fd;
    } else {
        if (!open_private_dir(error)) {
            g_free(reason);
            g_free(asked);
            return NULL;
        }
        fprintf(stderr,
                "ipasim: warning: policy cache %s %s: not used; this run "
                "compiles into %s\n",
                asked, reason, state.private_dir);
        g_free(reason);
        state.cache.path = state.private_dir;
        state.cache.fd = state.private_fd;
    }
    state.asked = asked;
    return &state.cache;
}

/* Opens a file of the cache for reading, refusing a symbolic link and
 * anything not ours; -1 with errno ENOENT when it is absent. */
static int open_own_file(const struct ipa_cache *cache, const char *name,
                         char **damage)
{
    int fd = openat(cache->fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT)
            *damage = g_strdup_printf("%s cannot be opened (%s)", name,
                                      g_strerror(errno));
        return -1;
    }
    struct stat st;
    char *reason = NULL;
    if (fstat(fd, &st) != 0)
        reason = g_strdup(g_strerror(errno));
    else if (!S_ISREG(st.st_mode))
        reason = g_strdup("is not a regular file");
    else
        reason = unsafe_reason(&st);
    if (reason) {
        *damage = g_strdup_printf("%s %s", name, reason);
        g_free(reason);
        close(fd);
        return -1;
    }
    return fd;
}

/* The SHA-256 of what @fd holds, in hex, or NULL on a read error. */
static char *hash_fd(int fd)
{
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    guchar buf[65536];
    off_t at = 0;
    ssize_t n;
    while ((n = pread(fd, buf, sizeof buf, at)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            g_checksum_free(sum);
            return NULL;
        }
        g_checksum_update(sum, buf, n);
        at += n;
    }
    char *hex = g_strdup(g_checksum_get_string(sum));
    g_checksum_free(sum);
    return hex;
}

int ipa_cache_entry_open(const struct ipa_cache *cache, const char *name,
                         char **damage)
{
    *damage = NULL;
    int fd = open_own_file(cache, name, damage);
    if (fd < 0)
        return -1;
    char *sum_name = g_strconcat(name, SUM_SUFFIX, NULL);
    char *actual = hash_fd(fd);
    char recorded[80] = "";
    int sum_fd = open_own_file(cache, sum_name, damage);
    if (sum_fd >= 0) {
        ssize_t n = pread(sum_fd, recorded, sizeof recorded - 1, 0);
        recorded[n > 0 ? n : 0] = '\0';
        close(sum_fd);
    } else if (!*damage) {
        *damage = g_strdup_printf("%s has no recorded hash (%s)", name,
                                  sum_name);
    }
    if (!*damage && !actual)
        *damage = g_strdup_printf("%s cannot be read", name);
    if (!*damage && (strlen(recorded) != strlen(actual) + 1 ||
                     strncmp(recorded, actual, strlen(actual)) != 0 ||
                     recorded[strlen(actual)] != '\n'))
        *damage = g_strdup_printf("%s does not match its recorded hash", name);
    g_free(actual);
    g_free(sum_name);
    if (*damage) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Creates a fresh file beside @name exclusively and returns its name;
 * *fd_out, when asked for, gets it open for writing. */
static char *create_exclusive(const struct ipa_cache *cache, const char *name,
                              int *fd_out, GError **error)
{
    for (int tries = 0; tries < 100; tries++) {
        char *tmp = g_strdup_printf(".%s.%08x.tmp", name, g_random_int());
        int fd = openat(cache->fd, tmp,
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                        0600);
        if (fd >= 0) {
            if (fd_out)
                *fd_out = fd;
            else
                close(fd);
            return tmp;
        }
        int err = errno;
        g_free(tmp);
        if (err != EEXIST) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                        "cannot write into the policy cache %s: %s",
                        cache->path, g_strerror(err));
            return NULL;
        }
    }
    g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                "cannot find a free temporary name in the policy cache %s",
                cache->path);
    return NULL;
}

char *ipa_cache_reserve(const struct ipa_cache *cache, const char *name,
                        GError **error)
{
    return create_exclusive(cache, name, NULL, error);
}

static bool write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

/* Writes @data under a fresh exclusive name; returns that name. */
static char *write_exclusive(const struct ipa_cache *cache, const char *name,
                             const char *data, size_t len, GError **error)
{
    int fd = -1;
    char *tmp = create_exclusive(cache, name, &fd, error);
    if (!tmp)
        return NULL;
    bool ok = write_all(fd, data, len);
    int err = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "cannot write %s into the policy cache %s: %s", name,
                    cache->path, g_strerror(err));
        unlinkat(cache->fd, tmp, 0);
        g_free(tmp);
        return NULL;
    }
    return tmp;
}

static bool rename_into_place(const struct ipa_cache *cache, const char *tmp,
                              const char *name, GError **error)
{
    if (renameat(cache->fd, tmp, cache->fd, name) == 0)
        return true;
    g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                "cannot store %s in the policy cache %s: %s", name,
                cache->path, g_strerror(errno));
    unlinkat(cache->fd, tmp, 0);
    return false;
}

bool ipa_cache_write(const struct ipa_cache *cache, const char *name,
                     const char *data, size_t len, GError **error)
{
    char *tmp = write_exclusive(cache, name, data, len, error);
    bool ok = tmp && rename_into_place(cache, tmp, name, error);
    g_free(tmp);
    return ok;
}

int ipa_cache_entry_seal(const struct ipa_cache *cache, const char *tmp_name,
                         const char *name, GError **error)
{
    char *damage = NULL;
    char *sum_name = g_strconcat(name, SUM_SUFFIX, NULL);
    char *sum_tmp = NULL, *hex = NULL, *line = NULL;
    int fd = open_own_file(cache, tmp_name, &damage);
    if (fd < 0) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "the compiled policy in the policy cache %s: %s",
                    cache->path, damage ? damage : "vanished");
        goto fail;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size == 0) {
        /* the compiler wrote elsewhere: the directory was moved */
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "the compiler wrote nothing into the policy cache %s",
                    cache->path);
        goto fail;
    }
    /* the linker made it executable for all; only its owner may write it */
    fchmod(fd, 0700);
    hex = hash_fd(fd);
    if (!hex) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "cannot read the compiled policy %s/%s: %s", cache->path,
                    tmp_name, g_strerror(errno));
        goto fail;
    }
    line = g_strconcat(hex, "\n", NULL);
    sum_tmp = write_exclusive(cache, sum_name, line, strlen(line), error);
    if (!sum_tmp)
        goto fail;
    /* the sum first: a run between the renames finds no object and
     * compiles its own, silently, where the other order would show it an
     * object without its sum (a note, when the first runs race) */
    if (!rename_into_place(cache, sum_tmp, sum_name, error))
        goto fail;
    if (!rename_into_place(cache, tmp_name, name, error)) {
        tmp_name = NULL; /* removed by the failed rename */
        goto fail;
    }
    tmp_name = NULL;
    goto out;
fail:
    if (tmp_name)
        unlinkat(cache->fd, tmp_name, 0);
    if (fd >= 0)
        close(fd);
    fd = -1;
out:
    g_free(damage);
    g_free(sum_name);
    g_free(sum_tmp);
    g_free(hex);
    g_free(line);
    return fd;
}
