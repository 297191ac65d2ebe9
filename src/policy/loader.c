#include "policy/loader.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codegen/codegen.h"
#include "dsl/diag.h"
#include "dsl/front.h"
#include "engine/sim.h"
#include "dsl/compose.h"
#include "policy/cache.h"
#include "util/common.h"
#include "util/paths.h"

/* How every C policy is compiled; part of the cache key. */
static const char *const cflags[] = {"-std=c11", "-O2",   "-fPIC",
                                     "-shared",  "-Wall", "-Wextra"};

static const char *compiler(void)
{
    const char *cc = g_getenv("CC");
    return cc && *cc ? cc : "cc";
}

/* Runs the compiler; its output goes to *out and *err. */
static bool run_cc(const char *path, char **argv, char **out, char **err,
                   GError **error)
{
    int status = 0;
    GError *spawn_err = NULL;
    if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out,
                      err, &status, &spawn_err)) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "policy '%s': cannot run the C compiler '%s': %s", path,
                    compiler(), spawn_err->message);
        g_error_free(spawn_err);
        return false;
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "policy '%s' does not compile:\n%s", path, *err);
        return false;
    }
    return true;
}

/* What names the compiler in a key: the file it resolves to, that file's
 * identity, and the version it reports, so that a compiler upgraded or
 * swapped under the same name (another cc first in PATH) gets new
 * entries. */
static char *compiler_identity(void)
{
    GString *id = g_string_new(compiler());
    char *found = g_find_program_in_path(compiler());
    char *real = found ? realpath(found, NULL) : NULL;
    struct stat st;
    g_string_append_printf(id, "\n%s\n", real ? real : "");
    if (real && stat(real, &st) == 0)
        g_string_append_printf(id, "%llu %llu %lld.%09ld\n",
                               (unsigned long long)st.st_dev,
                               (unsigned long long)st.st_ino,
                               (long long)st.st_mtim.tv_sec,
                               st.st_mtim.tv_nsec);
    char *argv[] = {(char *)compiler(), "--version", NULL};
    char *version = NULL;
    if (g_spawn_sync(NULL, argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                     NULL, &version, NULL, NULL, NULL) &&
        version)
        g_string_append(id, version);
    g_free(version);
    free(real);
    g_free(found);
    return g_string_free(id, FALSE);
}

/* The cache key of a compiled policy, in hex: everything the object
 * depends on. @source is the policy as the compiler sees it, preprocessed,
 * so it holds the runtime headers and every other file it includes. */
static char *entry_key(const char *compiler_id, const char *const *flags,
                       size_t nr_flags, const char *source)
{
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    const char *parts[] = {"ipasim policy cache 2", IPASIM_VERSION,
                           compiler_id};
    for (size_t i = 0; i < G_N_ELEMENTS(parts); i++)
        g_checksum_update(sum, (const guchar *)parts[i],
                          (gssize)strlen(parts[i]) + 1);
    for (size_t i = 0; i < nr_flags; i++)
        g_checksum_update(sum, (const guchar *)flags[i],
                          (gssize)strlen(flags[i]) + 1);
    g_checksum_update(sum, (const guchar *)source, (gssize)strlen(source));
    char *key = g_strdup(g_checksum_get_string(sum));
    g_checksum_free(sum);
    return key;
}

/* A compiled C policy, opened from the cache with its bytes checked. */
struct object {
    char *path; /* in the cache, for messages */
    int fd;     /* the checked bytes: what is mapped */
    bool built; /* compiled by this call rather than found */
};

static void object_fini(struct object *obj)
{
    if (obj->fd >= 0)
        close(obj->fd);
    obj->fd = -1;
    g_free(obj->path);
    obj->path = NULL;
}

/* Finds C policy @path's object in the cache, checked against its
 * recorded hash, or compiles it there (always when @rebuild). A damaged
 * entry is noted on stderr and replaced. */
static bool compile_c(const char *path, bool rebuild, struct object *obj,
                      GError **error)
{
    char *inc = ipa_runtime_include_dir();
    char *iflag = g_strconcat("-I", inc, NULL);
    char *pre = NULL, *out = NULL, *err = NULL, *cc_id = NULL, *key = NULL,
         *name = NULL, *tmp = NULL, *tmp_path = NULL, *damage = NULL;
    const struct ipa_cache *cache = NULL;
    bool ok = false;
    *obj = (struct object){.fd = -1};

    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "policy '%s': no such file", path);
        goto out;
    }
    cache = ipa_cache_open(error);
    if (!cache)
        goto out;
    char *pre_argv[] = {(char *)compiler(), "-E", "-P", "-std=c11", iflag,
                        (char *)path, NULL};
    if (!run_cc(path, pre_argv, &pre, &err, error))
        goto out;
    cc_id = compiler_identity();
    key = entry_key(cc_id, cflags, G_N_ELEMENTS(cflags), pre);
    name = g_strconcat(key, ".so", NULL);
    obj->path = g_build_filename(cache->path, name, NULL);
    if (!rebuild) {
        obj->fd = ipa_cache_entry_open(cache, name, &damage);
        if (obj->fd >= 0) {
            ok = true;
            goto out;
        }
        if (damage)
            fprintf(stderr,
                    "ipasim: note: policy cache %s: %s; rebuilding it\n",
                    cache->path, damage);
    }

    tmp = ipa_cache_reserve(cache, name, error);
    if (!tmp)
        goto out;
    tmp_path = g_build_filename(cache->path, tmp, NULL);
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (char *)compiler());
    for (size_t i = 0; i < G_N_ELEMENTS(cflags); i++)
        g_ptr_array_add(argv, (char *)cflags[i]);
    char *tail[] = {iflag, (char *)path, "-o", tmp_path, NULL};
    for (size_t i = 0; i < G_N_ELEMENTS(tail); i++)
        g_ptr_array_add(argv, tail[i]);
    g_free(err);
    err = NULL;
    bool compiled = run_cc(path, (char **)argv->pdata, &out, &err, error);
    g_ptr_array_free(argv, TRUE);
    if (!compiled) {
        unlinkat(cache->fd, tmp, 0);
        goto out;
    }
    if (err && *err)
        fputs(err, stderr); /* warnings: shown, not fatal */
    obj->fd = ipa_cache_entry_seal(cache, tmp, name, error);
    obj->built = true;
    ok = obj->fd >= 0;
out:
    if (!ok)
        object_fini(obj);
    g_free(inc);
    g_free(iflag);
    g_free(pre);
    g_free(out);
    g_free(err);
    g_free(cc_id);
    g_free(key);
    g_free(name);
    g_free(tmp);
    g_free(tmp_path);
    g_free(damage);
    return ok;
}

char *ipa_policy_compile_c(const char *path, GError **error)
{
    struct object obj;
    if (!compile_c(path, false, &obj, error))
        return NULL;
    char *so = g_strdup(obj.path);
    object_fini(&obj);
    return so;
}

/* dlopen runs the policy's constructors: a supervisor watches them. */
static void *watched_dlopen(const char *name)
{
    ipa_sim_watch_outside("load");
    void *dl = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    ipa_sim_watch_outside(NULL);
    return dl;
}

/* Maps the object whose bytes were checked through the descriptor that
 * was read, so that a file swapped in after the check is not what gets
 * loaded (without /proc, by its path). The descriptor stays open while
 * the object is loaded: dlopen knows objects by name, and a reused
 * number would name another object. */
static void *map_object(const struct object *obj)
{
    char fd_path[40];
    snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", obj->fd);
    return watched_dlopen(access(fd_path, F_OK) != 0 ? obj->path : fd_path);
}

/* Closes the descriptor an object was mapped through, unless the
 * dynamic loader still answers to its name: an object loaded twice keeps
 * the second name as an alias until it is unloaded, and that number,
 * reused, would name it for the next policy. Such a number stays taken. */
static void release_object(int fd)
{
    char fd_path[40];
    snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", fd);
    void *still = dlopen(fd_path, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
    if (still) {
        dlclose(still);
        return;
    }
    close(fd);
}

/* Compiles (or finds) C policy @c_path, for policy @path, and maps it;
 * an entry of the cache that passes its hash check but still cannot be
 * mapped is rebuilt once. *object_fd gets the descriptor to hold. */
static void *load_c(const char *path, const char *c_path, int *object_fd,
                    GError **error)
{
    struct object obj;
    if (!compile_c(c_path, false, &obj, error))
        return NULL;
    void *dl = map_object(&obj);
    if (!dl && !obj.built) {
        fprintf(stderr,
                "ipasim: note: policy cache entry %s cannot be loaded (%s); "
                "rebuilding it\n",
                obj.path, dlerror());
        object_fini(&obj);
        if (!compile_c(c_path, true, &obj, error))
            return NULL;
        dl = map_object(&obj);
    }
    if (!dl) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "policy '%s': cannot load: %s", path, dlerror());
        object_fini(&obj);
        return NULL;
    }
    *object_fd = obj.fd;
    obj.fd = -1;
    object_fini(&obj);
    return dl;
}

/* The C of a DSL policy, generated at every load (milliseconds) into the
 * cache and written there when it differs, so that neither an edit of the
 * policy nor a change of the generator is hidden; its name (known before
 * the C is, for the #line markers) stands for the policy, its parameters
 * and the ipasim version. The compiled object's own key is the
 * preprocessed C (compile_c). */
static char *generate_c(const char *path, const struct ipa_interp_options *dsl,
                        GError **error)
{
    const struct ipa_cache *cache = ipa_cache_open(error);
    if (!cache)
        return NULL;
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, (const guchar *)IPASIM_VERSION,
                      sizeof IPASIM_VERSION);
    g_checksum_update(sum, (const guchar *)path, (gssize)strlen(path) + 1);
    for (int i = 0; i < dsl->nr_params; i++)
        g_checksum_update(sum, (const guchar *)dsl->params[i],
                          (gssize)strlen(dsl->params[i]) + 1);
    char *base = g_path_get_basename(path);
    char *name = g_strdup_printf("%.16s-%s.c", g_checksum_get_string(sum),
                                 base);
    char *c = g_build_filename(cache->path, name, NULL);
    g_checksum_free(sum);
    g_free(base);
    GString *code = g_string_new(NULL);
    bool ok = ipa_codegen(path, dsl, c, code, error);
    char *old = NULL;
    gsize old_len = 0;
    if (ok && !(g_file_get_contents(c, &old, &old_len, NULL) &&
                old_len == code->len && !memcmp(old, code->str, old_len)))
        ok = ipa_cache_write(cache, name, code->str, code->len, error);
    g_free(old);
    g_string_free(code, TRUE);
    g_free(name);
    if (!ok) {
        g_free(c);
        return NULL;
    }
    return c;
}

/* The sizes a policy declares are multiplied and added by the engine
 * (sim.c: per thread, core, domain slot; run queue tables): an absurd one
 * would wrap a size_t sum into an undersized record, or crash the
 * allocator. Bounds far above any policy's need, checked at load. */
static bool check_sizes(const char *path, const struct ipa_policy_ops *ops,
                        GError **error)
{
    const struct {
        const char *name;
        size_t value;
    } sizes[] = {
        {"thread_data_size", ops->thread_data_size},
        {"core_data_size", ops->core_data_size},
        {"domain_data_size", ops->domain_data_size},
        {"policy_data_size", ops->policy_data_size},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++)
        if (sizes[i].value > IPA_POLICY_MAX_DATA_SIZE) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                        "policy '%s': %s is %zu bytes; at most %zu are "
                        "allowed",
                        path, sizes[i].name, sizes[i].value,
                        (size_t)IPA_POLICY_MAX_DATA_SIZE);
            return false;
        }
    const struct {
        const char *name;
        int value;
    } counts[] = {
        {"nr_core_rqs", ops->nr_core_rqs},
        {"nr_global_rqs", ops->nr_global_rqs},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(counts); i++)
        if (counts[i].value < 0 || counts[i].value > IPA_POLICY_MAX_RQS) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                        "policy '%s': %s is %d; it must be from 0 to %d",
                        path, counts[i].name, counts[i].value,
                        IPA_POLICY_MAX_RQS);
            return false;
        }
    return true;
}

static void class_free(gpointer p)
{
    struct ipa_policy_class *c = p;
    g_free(c->name);
    g_strfreev(c->attach);
    ipa_policy_free(c->policy);
    g_free(c);
}

/* A composition's classes, each loaded as a policy of its own. */
static bool load_composition(const char *path, const struct ipa_source *src,
                             const struct ipa_interp_options *dsl,
                             struct ipa_policy **out_policy, GError **error)
{
    struct ipa_diag_sink sink;
    ipa_diag_sink_init(&sink, stderr);
    GPtrArray *decls = ipa_compose_parse(src, &sink);
    if (!decls) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                    "policy '%s' is not a valid composition", path);
        return false;
    }
    struct ipa_policy *p = g_new0(struct ipa_policy, 1);
    p->path = g_strdup(path);
    p->name = g_path_get_basename(path);
    p->object_fd = -1;
    p->classes = g_ptr_array_new_with_free_func(class_free);
    bool ok = true;
    for (guint i = 0; ok && i < decls->len; i++) {
        const struct ipa_compose_class *d = decls->pdata[i];
        char *file = ipa_compose_find(path, d, &sink);
        struct ipa_policy *child = NULL;
        if (!file) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                        "policy '%s': class '%s' has no policy file", path,
                        d->name);
            ok = false;
            break;
        }
        ok = ipa_policy_load(file, dsl, &child, error);
        if (ok && child->classes) {
            ipa_diag_error(&sink, d->span,
                           "class '%s' is itself a composition: list its "
                           "classes here instead",
                           d->name);
            g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                        "policy '%s' is not a valid composition", path);
            ipa_policy_free(child);
            ok = false;
        }
        g_free(file);
        if (!ok)
            break;
        struct ipa_policy_class *c = g_new0(struct ipa_policy_class, 1);
        c->name = g_strdup(d->name);
        c->attach = g_strdupv(d->attach);
        c->share = d->share;
        c->policy = child;
        g_ptr_array_add(p->classes, c);
    }
    g_ptr_array_free(decls, TRUE);
    if (!ok) {
        ipa_policy_free(p);
        return false;
    }
    const struct ipa_policy_class *first = p->classes->pdata[0];
    p->ops = first->policy->ops;
    p->ctx = first->policy->ctx;
    *out_policy = p;
    return true;
}

/* Whether the .ipa file at @path is a composition, loaded then. */
static bool load_if_composition(const char *path,
                                const struct ipa_interp_options *dsl,
                                struct ipa_policy **out_policy, bool *loaded,
                                GError **error)
{
    *loaded = false;
    struct ipa_source *src = ipa_source_load(path, NULL);
    if (!src || !ipa_compose_detect(src)) {
        ipa_source_free(src); /* unreadable: the DSL loader says so */
        return true;
    }
    *loaded = true;
    bool ok = load_composition(path, src, dsl, out_policy, error);
    ipa_source_free(src);
    return ok;
}

bool ipa_policy_load(const char *path, const struct ipa_interp_options *dsl,
                     struct ipa_policy **out_policy, GError **error)
{
    void *dl = NULL;
    int object_fd = -1;
    if (g_str_has_suffix(path, ".ipa")) {
        bool loaded;
        bool ok = load_if_composition(path, dsl, out_policy, &loaded, error);
        if (loaded || !ok)
            return ok;
    }
    if (ipa_front_is_dsl(path) && dsl && dsl->compiled) {
        char *c = generate_c(path, dsl, error);
        if (!c)
            return false;
        dl = load_c(path, c, &object_fd, error);
        g_free(c);
        if (!dl)
            return false;
    } else if (ipa_front_is_dsl(path)) {
        const struct ipa_policy_ops *ops;
        void *ctx;
        if (!ipa_interp_load(path, dsl, &ops, &ctx, error))
            return false;
        struct ipa_policy *p = g_new0(struct ipa_policy, 1);
        p->path = g_strdup(path);
        p->name = g_path_get_basename(path);
        p->ops = ops;
        p->ctx = ctx;
        p->object_fd = -1;
        *out_policy = p;
        return true;
    }
    else if (g_str_has_suffix(path, ".c")) {
        dl = load_c(path, path, &object_fd, error);
        if (!dl)
            return false;
    } else if (g_str_has_suffix(path, ".so")) {
        /* dlopen searches the library path for bare names */
        char *so = strchr(path, '/') ? g_strdup(path)
                                     : g_build_filename(".", path, NULL);
        dl = watched_dlopen(so);
        g_free(so);
        if (!dl) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                        "policy '%s': cannot load: %s", path, dlerror());
            return false;
        }
    } else {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "policy '%s': expected a .ipa, .bossa, .c or .so file", path);
        return false;
    }
    const struct ipa_policy_ops *ops = dlsym(dl, "ipa_policy");
    if (!ops) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "policy '%s' defines no 'ipa_policy' (use "
                    "IPA_POLICY_DEFINE)",
                    path);
        dlclose(dl);
        if (object_fd >= 0)
            release_object(object_fd);
        return false;
    }
    if (!check_sizes(path, ops, error)) {
        dlclose(dl);
        if (object_fd >= 0)
            release_object(object_fd);
        return false;
    }
    struct ipa_policy *p = g_new0(struct ipa_policy, 1);
    p->path = g_strdup(path);
    p->name = g_path_get_basename(path);
    p->ops = ops;
    p->dl = dl;
    p->object_fd = object_fd;
    *out_policy = p;
    return true;
}

void ipa_policy_free(struct ipa_policy *p)
{
    if (!p)
        return;
    if (p->classes) {
        g_ptr_array_free(p->classes, TRUE);
    } else if (p->dl) {
        ipa_sim_watch_outside("unload"); /* its destructors run */
        dlclose(p->dl);
        ipa_sim_watch_outside(NULL);
    } else {
        ipa_interp_free(p->ctx);
    }
    if (p->object_fd >= 0)
        release_object(p->object_fd);
    g_free(p->path);
    g_free(p->name);
    g_free(p);
}
