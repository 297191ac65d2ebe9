#include "policy/loader.h"

#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "codegen/codegen.h"
#include "engine/sim.h"
#include "util/common.h"
#include "util/paths.h"

/* How every C policy is compiled; part of the cache key. */
static const char *const cflags[] = {"-std=c11", "-O2",   "-fPIC",
                                     "-shared",  "-Wall", "-Wextra"};

static char *cache_dir(void)
{
    const char *env = g_getenv("IPASIM_CACHE_DIR");
    if (env && *env)
        return g_strdup(env);
    return g_build_filename(g_get_user_cache_dir(), "ipasim", NULL);
}

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

char *ipa_policy_compile_c(const char *path, GError **error)
{
    char *inc = ipa_runtime_include_dir();
    char *iflag = g_strconcat("-I", inc, NULL);
    char *dir = NULL, *so = NULL, *tmp = NULL, *pre = NULL, *out = NULL,
         *err = NULL;

    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "policy '%s': no such file", path);
        goto fail;
    }
    /* The key is the source as the compiler sees it (preprocessed: the
     * runtime header and anything else it includes), plus the version,
     * the compiler and its flags: a stale object is never used. */
    char *pre_argv[] = {(char *)compiler(), "-E", "-P", "-std=c11", iflag,
                        (char *)path, NULL};
    if (!run_cc(path, pre_argv, &pre, &err, error))
        goto fail;
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    const char *parts[] = {IPASIM_VERSION, compiler()};
    for (size_t i = 0; i < G_N_ELEMENTS(parts); i++)
        g_checksum_update(sum, (const guchar *)parts[i],
                          (gssize)strlen(parts[i]) + 1);
    for (size_t i = 0; i < G_N_ELEMENTS(cflags); i++)
        g_checksum_update(sum, (const guchar *)cflags[i],
                          (gssize)strlen(cflags[i]) + 1);
    g_checksum_update(sum, (const guchar *)pre, (gssize)strlen(pre));
    dir = cache_dir();
    so = g_strdup_printf("%s/%s.so", dir, g_checksum_get_string(sum));
    g_checksum_free(sum);
    if (g_file_test(so, G_FILE_TEST_IS_REGULAR))
        goto done;

    if (g_mkdir_with_parents(dir, 0755) != 0) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "cannot create the policy cache %s: %s", dir,
                    g_strerror(errno));
        goto fail;
    }
    /* Compile beside the final name, then rename: a cache entry is
     * complete or absent, even with several ipasim runs at once. */
    tmp = g_strdup_printf("%s.%d.tmp", so, (int)getpid());
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (char *)compiler());
    for (size_t i = 0; i < G_N_ELEMENTS(cflags); i++)
        g_ptr_array_add(argv, (char *)cflags[i]);
    char *tail[] = {iflag, (char *)path, "-o", tmp, NULL};
    for (size_t i = 0; i < G_N_ELEMENTS(tail); i++)
        g_ptr_array_add(argv, tail[i]);
    g_free(err);
    err = NULL;
    bool ok = run_cc(path, (char **)argv->pdata, &out, &err, error);
    g_ptr_array_free(argv, TRUE);
    if (!ok) {
        unlink(tmp);
        goto fail;
    }
    if (err && *err)
        fputs(err, stderr); /* warnings: shown, not fatal */
    if (rename(tmp, so) != 0) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "cannot store the compiled policy %s: %s", so,
                    g_strerror(errno));
        unlink(tmp);
        goto fail;
    }
    goto done;
fail:
    g_free(so);
    so = NULL;
done:
    g_free(inc);
    g_free(iflag);
    g_free(dir);
    g_free(tmp);
    g_free(pre);
    g_free(out);
    g_free(err);
    return so;
}

/* The C of a DSL policy, generated at every load (milliseconds) into the
 * cache and written there when it differs, so that neither an edit of the
 * policy nor a change of the generator is hidden; its name (known before
 * the C is, for the #line markers) stands for the policy, its parameters
 * and the ipasim version. The compiled object's own key is the
 * preprocessed C (ipa_policy_compile_c). */
static char *generate_c(const char *path, const struct ipa_interp_options *dsl,
                        GError **error)
{
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, (const guchar *)IPASIM_VERSION,
                      sizeof IPASIM_VERSION);
    g_checksum_update(sum, (const guchar *)path, (gssize)strlen(path) + 1);
    for (int i = 0; i < dsl->nr_params; i++)
        g_checksum_update(sum, (const guchar *)dsl->params[i],
                          (gssize)strlen(dsl->params[i]) + 1);
    char *dir = cache_dir();
    char *base = g_path_get_basename(path);
    char *c = g_strdup_printf("%s/%.16s-%s.c", dir, g_checksum_get_string(sum),
                              base);
    g_checksum_free(sum);
    g_free(base);
    GString *code = g_string_new(NULL);
    bool ok = ipa_codegen(path, dsl, c, code, error);
    char *old = NULL;
    gsize old_len = 0;
    if (ok && !(g_file_get_contents(c, &old, &old_len, NULL) &&
                old_len == code->len && !memcmp(old, code->str, old_len)))
        ok = g_mkdir_with_parents(dir, 0755) == 0 &&
             g_file_set_contents(c, code->str, (gssize)code->len, NULL);
    g_free(old);
    if (!ok && error && !*error)
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "cannot write the generated C of '%s' into the policy "
                    "cache %s", path, dir);
    g_string_free(code, TRUE);
    g_free(dir);
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

bool ipa_policy_load(const char *path, const struct ipa_interp_options *dsl,
                     struct ipa_policy **out_policy, GError **error)
{
    char *so = NULL;
    if (g_str_has_suffix(path, ".ipa") && dsl && dsl->compiled) {
        char *c = generate_c(path, dsl, error);
        if (!c)
            return false;
        so = ipa_policy_compile_c(c, error);
        g_free(c);
        if (!so)
            return false;
    } else if (g_str_has_suffix(path, ".ipa")) {
        const struct ipa_policy_ops *ops;
        void *ctx;
        if (!ipa_interp_load(path, dsl, &ops, &ctx, error))
            return false;
        struct ipa_policy *p = g_new0(struct ipa_policy, 1);
        p->path = g_strdup(path);
        p->name = g_path_get_basename(path);
        p->ops = ops;
        p->ctx = ctx;
        *out_policy = p;
        return true;
    }
    else if (g_str_has_suffix(path, ".c")) {
        so = ipa_policy_compile_c(path, error);
        if (!so)
            return false;
    } else if (g_str_has_suffix(path, ".so")) {
        so = g_strdup(path);
        if (!strchr(so, '/')) {
            /* dlopen searches the library path for bare names */
            char *abs = g_build_filename(".", so, NULL);
            g_free(so);
            so = abs;
        }
    } else {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "policy '%s': expected a .ipa, .c or .so file", path);
        return false;
    }
    /* dlopen runs the policy's constructors: a supervisor watches them */
    ipa_sim_watch_outside("load");
    void *dl = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    ipa_sim_watch_outside(NULL);
    if (!dl) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "policy '%s': cannot load: %s", path, dlerror());
        g_free(so);
        return false;
    }
    g_free(so);
    const struct ipa_policy_ops *ops = dlsym(dl, "ipa_policy");
    if (!ops) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "policy '%s' defines no 'ipa_policy' (use "
                    "IPA_POLICY_DEFINE)",
                    path);
        dlclose(dl);
        return false;
    }
    if (!check_sizes(path, ops, error)) {
        dlclose(dl);
        return false;
    }
    struct ipa_policy *p = g_new0(struct ipa_policy, 1);
    p->path = g_strdup(path);
    p->name = g_path_get_basename(path);
    p->ops = ops;
    p->dl = dl;
    *out_policy = p;
    return true;
}

void ipa_policy_free(struct ipa_policy *p)
{
    if (!p)
        return;
    if (p->dl) {
        ipa_sim_watch_outside("unload"); /* its destructors run */
        dlclose(p->dl);
        ipa_sim_watch_outside(NULL);
    } else
        ipa_interp_free(p->ctx);
    g_free(p->path);
    g_free(p->name);
    g_free(p);
}
