/*
 * spec.c - reading a sweep spec and listing its cells (docs/sweeps.md).
 */
#include "sweep/sweep.h"

#include <limits.h>
#include <string.h>

#include <json-c/json.h>

#include "scenario/scenario.h"
#include "util/common.h"
#include "util/input.h"
#include "util/jsonfile.h"
#include "util/suggest.h"

static const char *const top_keys[] = {
    "topologies", "policies", "traces", "params", "seeds",
    "options",    "exclude",  "zip",    NULL,
};

/* Columns of results.csv that a param may not take. */
static const char *const axis_words[] = {"topology", "policy", "trace", "seed",
                                         NULL};

struct reader {
    struct ipa_json_reader json;
    char *dir; /* the spec's folder: files are resolved beside it */
    struct ipa_sweep_spec *spec;
};

#define FAIL(rd, ...) ipa_json_fail(&(rd)->json, __VA_ARGS__)

static struct ipa_sweep_axis *axis_new(enum ipa_sweep_axis_kind kind,
                                       const char *name)
{
    struct ipa_sweep_axis *a = g_new0(struct ipa_sweep_axis, 1);
    a->kind = kind;
    a->name = g_strdup(name);
    a->values = g_ptr_array_new_with_free_func(g_free);
    a->args = g_ptr_array_new_with_free_func(g_free);
    a->where = g_ptr_array_new_with_free_func(g_free);
    return a;
}

static void axis_free(struct ipa_sweep_axis *a)
{
    g_free(a->name);
    g_ptr_array_unref(a->values);
    g_ptr_array_unref(a->args);
    g_ptr_array_unref(a->where);
    g_free(a);
}

static void cell_free(struct ipa_sweep_cell *c)
{
    g_free(c->value);
    g_free(c->name);
    g_free(c);
}

/* A file beside the spec if it is there, else as written (a shipped
 * name, a synthetic topology). */
static char *resolve(const struct reader *rd, const char *name)
{
    if (g_path_is_absolute(name))
        return g_strdup(name);
    char *p = g_build_filename(rd->dir, name, NULL);
    if (g_file_test(p, G_FILE_TEST_EXISTS))
        return p;
    g_free(p);
    return g_strdup(name);
}

/* A scalar as the text `ipasim run` reads: strings as they are, integers
 * in decimal; NULL for other types. */
static char *scalar_text(struct json_object *v)
{
    if (json_object_is_type(v, json_type_string))
        return g_strdup(json_object_get_string(v));
    if (json_object_is_type(v, json_type_int))
        return g_strdup_printf("%" G_GINT64_FORMAT, json_object_get_int64(v));
    return NULL;
}

static bool add_value(struct reader *rd, struct ipa_sweep_axis *a,
                      const char *text, bool file)
{
    for (guint i = 0; i < a->values->len; i++)
        if (!strcmp(g_ptr_array_index(a->values, i), text))
            return FAIL(rd, "'%s' is listed twice", text);
    g_ptr_array_add(a->values, g_strdup(text));
    g_ptr_array_add(a->args, file ? resolve(rd, text) : g_strdup(text));
    g_ptr_array_add(a->where, g_strdup(rd->json.where->str));
    return true;
}

/* "topologies", "policies", "traces": non-empty arrays of names. */
static bool read_files(struct reader *rd, struct json_object *root,
                       const char *key, enum ipa_sweep_axis_kind kind,
                       const char *column)
{
    struct json_object *v;
    gsize m = ipa_json_push_key(&rd->json, key);
    if (!json_object_object_get_ex(root, key, &v))
        return FAIL(rd, "missing: a sweep needs lists of topologies, "
                        "policies and traces");
    if (!json_object_is_type(v, json_type_array) ||
        !json_object_array_length(v))
        return FAIL(rd, "expected a non-empty array of file names");
    struct ipa_sweep_axis *a = axis_new(kind, column);
    g_ptr_array_add(rd->spec->axes, a);
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        struct json_object *e = json_object_array_get_idx(v, i);
        gsize m2 = ipa_json_push_index(&rd->json, i);
        if (!json_object_is_type(e, json_type_string) ||
            !json_object_get_string_len(e))
            return FAIL(rd, "expected a file name (a non-empty string)");
        if (!add_value(rd, a, json_object_get_string(e), true))
            return false;
        ipa_json_pop(&rd->json, m2);
    }
    ipa_json_pop(&rd->json, m);
    return true;
}

static bool is_identifier(const char *s)
{
    if (!g_ascii_isalpha(*s) && *s != '_')
        return false;
    for (; *s; s++)
        if (!g_ascii_isalnum(*s) && *s != '_')
            return false;
    return true;
}

/* "params": {"NAME": [values]}, each name an axis. */
static bool read_params(struct reader *rd, struct json_object *v)
{
    gsize m = ipa_json_push_key(&rd->json, "params");
    if (!json_object_is_type(v, json_type_object))
        return FAIL(rd, "expected an object of constants and their values, "
                        "like {\"quantum\": [10, 30]}");
    json_object_object_foreach(v, name, list)
    {
        gsize m2 = ipa_json_push_key(&rd->json, name);
        if (!is_identifier(name))
            return FAIL(rd, "'%s' is not a constant's name", name);
        for (int i = 0; axis_words[i]; i++)
            if (!strcmp(name, axis_words[i]))
                return FAIL(rd,
                            "a param may not be called '%s' (a column "
                            "of results.csv)",
                            name);
        if (!json_object_is_type(list, json_type_array) ||
            !json_object_array_length(list))
            return FAIL(rd, "expected a non-empty array of values");
        struct ipa_sweep_axis *a = axis_new(IPA_SWEEP_PARAM, name);
        g_ptr_array_add(rd->spec->axes, a);
        for (size_t i = 0; i < json_object_array_length(list); i++) {
            gsize m3 = ipa_json_push_index(&rd->json, i);
            char *text = scalar_text(json_object_array_get_idx(list, i));
            bool ok = text && *text && !strpbrk(text, "\n\r");
            if (!ok) {
                g_free(text);
                return FAIL(rd, "expected a value: an integer or a string "
                                "like \"3ms\"");
            }
            ok = add_value(rd, a, text, false);
            g_free(text);
            if (!ok)
                return false;
            ipa_json_pop(&rd->json, m3);
        }
        ipa_json_pop(&rd->json, m2);
    }
    ipa_json_pop(&rd->json, m);
    return true;
}

static bool read_seeds(struct reader *rd, struct json_object *v)
{
    struct ipa_sweep_axis *a = axis_new(IPA_SWEEP_SEED, "seed");
    g_ptr_array_add(rd->spec->axes, a);
    if (!v) /* `ipasim run`'s default */
        return add_value(rd, a, "1", false);
    gsize m = ipa_json_push_key(&rd->json, "seeds");
    if (!json_object_is_type(v, json_type_array) ||
        !json_object_array_length(v))
        return FAIL(rd, "expected a non-empty array of seeds (integers "
                        "from 0)");
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        struct json_object *e = json_object_array_get_idx(v, i);
        gsize m2 = ipa_json_push_index(&rd->json, i);
        if (!json_object_is_type(e, json_type_int) ||
            json_object_get_int64(e) < 0)
            return FAIL(rd, "expected a seed (an integer from 0)");
        char *text = scalar_text(e);
        bool ok = add_value(rd, a, text, false);
        g_free(text);
        if (!ok)
            return false;
        ipa_json_pop(&rd->json, m2);
    }
    ipa_json_pop(&rd->json, m);
    return true;
}

/* The axis named @name ("policy", a param's name), or -1. */
static int axis_named(const struct ipa_sweep_spec *spec, const char *name)
{
    for (guint i = 0; i < spec->axes->len; i++) {
        const struct ipa_sweep_axis *a = g_ptr_array_index(spec->axes, i);
        if (!strcmp(a->name, name))
            return (int)i;
    }
    return -1;
}

/* Fails on @name not naming an axis, suggesting the closest. */
static int find_axis(struct reader *rd, const char *name)
{
    int i = axis_named(rd->spec, name);
    if (i >= 0)
        return i;
    const char *names[64];
    int n = 0;
    for (guint k = 0; k < rd->spec->axes->len && n < 64; k++)
        names[n++] =
            ((struct ipa_sweep_axis *)g_ptr_array_index(rd->spec->axes, k))
                ->name;
    const char *close = ipa_suggest(name, names, n);
    if (close)
        FAIL(rd, "'%s' is not an axis (did you mean '%s'?)", name, close);
    else
        FAIL(rd,
             "'%s' is not an axis: topology, policy, trace, seed or a "
             "param's name",
             name);
    return -1;
}

/* "zip": [["trace", "topology"], ...]: each group's axes, of the same
 * length, vary together (their i-th values make one cell). */
static bool read_zip(struct reader *rd, struct json_object *v)
{
    gsize m = ipa_json_push_key(&rd->json, "zip");
    if (!json_object_is_type(v, json_type_array))
        return FAIL(rd, "expected an array of groups of axes, like "
                        "[[\"trace\", \"topology\"]]");
    bool *zipped = g_new0(bool, rd->spec->axes->len);
    for (size_t g = 0; g < json_object_array_length(v); g++) {
        struct json_object *group = json_object_array_get_idx(v, g);
        gsize m2 = ipa_json_push_index(&rd->json, g);
        if (!json_object_is_type(group, json_type_array) ||
            json_object_array_length(group) < 2) {
            g_free(zipped);
            return FAIL(rd, "expected an array of at least two axes");
        }
        struct ipa_sweep_axis *first = NULL;
        int lowest = INT_MAX;
        GArray *members = g_array_new(FALSE, FALSE, sizeof(int));
        bool ok = true;
        for (size_t i = 0; ok && i < json_object_array_length(group); i++) {
            struct json_object *e = json_object_array_get_idx(group, i);
            gsize m3 = ipa_json_push_index(&rd->json, i);
            int k = json_object_is_type(e, json_type_string)
                        ? find_axis(rd, json_object_get_string(e))
                        : (FAIL(rd, "expected an axis name"), -1);
            struct ipa_sweep_axis *a =
                k >= 0 ? g_ptr_array_index(rd->spec->axes, k) : NULL;
            if (!a)
                ok = false;
            else if (first && a->values->len != first->values->len)
                ok = FAIL(rd,
                          "'%s' has %u values and '%s' %u: zipped axes "
                          "pair their values one by one",
                          a->name, a->values->len, first->name,
                          first->values->len);
            else if (zipped[k])
                ok = FAIL(rd, "'%s' is zipped twice", a->name);
            if (!ok)
                break;
            zipped[k] = true;
            first = first ? first : a;
            lowest = MIN(lowest, k);
            g_array_append_val(members, k);
            ipa_json_pop(&rd->json, m3);
        }
        /* the group is one loop, where its first axis in column order is */
        for (guint i = 0; ok && i < members->len; i++)
            ((struct ipa_sweep_axis *)g_ptr_array_index(
                 rd->spec->axes, g_array_index(members, int, i)))
                ->dim = lowest;
        g_array_free(members, TRUE);
        if (!ok) {
            g_free(zipped);
            return false;
        }
        ipa_json_pop(&rd->json, m2);
    }
    g_free(zipped);
    ipa_json_pop(&rd->json, m);
    return true;
}

/* One exclusion: {"policy": "fifo.c", "trace": ["a.json", "b.json"]}
 * excludes the cells with all these values. Per axis, a bitmap of the
 * values it excludes in *@match (NULL: any value). */
static bool read_exclusion(struct reader *rd, struct json_object *v,
                           GPtrArray **match)
{
    struct ipa_sweep_spec *spec = rd->spec;
    *match = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_set_size(*match, (gint)spec->axes->len);
    if (!json_object_is_type(v, json_type_object) ||
        !json_object_object_length(v))
        return FAIL(rd, "expected an object of axes and values, like "
                        "{\"policy\": \"fifo.c\", \"trace\": \"db.json\"}");
    json_object_object_foreach(v, key, val)
    {
        gsize m = ipa_json_push_key(&rd->json, key);
        int k = find_axis(rd, key);
        if (k < 0)
            return false;
        struct ipa_sweep_axis *a = g_ptr_array_index(spec->axes, k);
        bool *bits = g_new0(bool, a->values->len);
        g_ptr_array_index(*match, k) = bits;
        bool list = json_object_is_type(val, json_type_array);
        size_t n = list ? json_object_array_length(val) : 1;
        for (size_t i = 0; i < n; i++) {
            struct json_object *e =
                list ? json_object_array_get_idx(val, i) : val;
            gsize m2 = list ? ipa_json_push_index(&rd->json, i) : 0;
            char *text = scalar_text(e);
            guint j = 0;
            while (text && j < a->values->len &&
                   strcmp(text, g_ptr_array_index(a->values, j)))
                j++;
            if (!text || j == a->values->len) {
                const char *close =
                    text ? ipa_suggest(text,
                                       (const char *const *)a->values->pdata,
                                       (int)a->values->len)
                         : NULL;
                if (close)
                    FAIL(rd,
                         "'%s' is not one of the %s values (did you "
                         "mean '%s'?)",
                         text, a->name, close);
                else
                    FAIL(rd,
                         "expected one of the %s values, as written in "
                         "the spec",
                         a->name);
                g_free(text);
                return false;
            }
            g_free(text);
            bits[j] = true;
            if (list)
                ipa_json_pop(&rd->json, m2);
        }
        ipa_json_pop(&rd->json, m);
    }
    return true;
}

static bool excluded(GPtrArray *exclusions, const int *value)
{
    for (guint e = 0; e < exclusions->len; e++) {
        GPtrArray *match = g_ptr_array_index(exclusions, e);
        bool all = true;
        for (guint k = 0; k < match->len && all; k++) {
            const bool *bits = g_ptr_array_index(match, k);
            all = !bits || bits[value[k]];
        }
        if (all)
            return true;
    }
    return false;
}

/* A piece of a file name: letters, digits and ".=+-" kept, the rest
 * '_', at most 40 bytes. */
static void name_piece(GString *name, const char *text)
{
    if (name->len)
        g_string_append_c(name, '_');
    for (int i = 0; text[i] && i < 40; i++) {
        char c = text[i];
        g_string_append_c(name,
                          g_ascii_isalnum(c) || strchr(".=+-", c) ? c : '_');
    }
}

/* Readable (policy, trace, topology, params, seed) and unique: a hash of
 * every value and of the shared options, so that a spec whose options
 * change does not reuse the reports of the old ones. */
static char *cell_name(const struct ipa_sweep_spec *spec, const int *value)
{
    static const enum ipa_sweep_axis_kind order[] = {
        IPA_SWEEP_POLICY, IPA_SWEEP_TRACE, IPA_SWEEP_TOPOLOGY, IPA_SWEEP_PARAM,
        IPA_SWEEP_SEED};
    GString *name = g_string_new(NULL);
    GString *key = g_string_new(NULL);
    for (size_t o = 0; o < G_N_ELEMENTS(order); o++)
        for (guint k = 0; k < spec->axes->len; k++) {
            const struct ipa_sweep_axis *a = g_ptr_array_index(spec->axes, k);
            if (a->kind != order[o])
                continue;
            const char *v = g_ptr_array_index(a->values, value[k]);
            char *base = a->kind == IPA_SWEEP_PARAM
                             ? g_strdup_printf("%s=%s", a->name, v)
                         : a->kind == IPA_SWEEP_SEED
                             ? g_strdup_printf("seed%s", v)
                             : g_path_get_basename(v);
            name_piece(name, base);
            g_free(base);
            g_string_append_printf(key, "%s=%s%c", a->name, v, 0);
        }
    for (guint i = 0; i < spec->options->len; i++)
        g_string_append_printf(key, "%s%c",
                               (char *)g_ptr_array_index(spec->options, i), 0);
    char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA1,
                                            (const guchar *)key->str, key->len);
    g_string_append_printf(name, "-%.10s", sum);
    g_free(sum);
    g_string_free(key, TRUE);
    return g_string_free(name, FALSE);
}

/* The cross product, odometer-wise: the last loop varies fastest. */
static void list_cells(struct ipa_sweep_spec *spec, GPtrArray *exclusions)
{
    guint n = spec->axes->len;
    int *counter = g_new0(int, n), *size = g_new0(int, n);
    for (guint k = 0; k < n; k++) {
        const struct ipa_sweep_axis *a = g_ptr_array_index(spec->axes, k);
        size[a->dim] = (int)a->values->len;
    }
    for (;;) {
        int *value = g_new(int, n);
        for (guint k = 0; k < n; k++)
            value[k] = counter[((struct ipa_sweep_axis *)g_ptr_array_index(
                                    spec->axes, k))
                                   ->dim];
        if (excluded(exclusions, value)) {
            g_free(value);
        } else {
            struct ipa_sweep_cell *c = g_new0(struct ipa_sweep_cell, 1);
            c->value = value;
            c->name = cell_name(spec, value);
            g_ptr_array_add(spec->cells, c);
        }
        int d = (int)n - 1;
        for (; d >= 0; d--) {
            if (!size[d])
                continue; /* not a loop: zipped into another */
            if (++counter[d] < size[d])
                break;
            counter[d] = 0;
        }
        if (d < 0)
            break;
    }
    g_free(counter);
    g_free(size);
}

static bool read_spec(struct reader *rd, struct json_object *root)
{
    struct json_object *v;
    if (!json_object_is_type(root, json_type_object))
        return FAIL(rd, "expected an object with topologies, policies, "
                        "traces and the other keys of docs/sweeps.md");
    if (!ipa_json_check_keys(&rd->json, root, top_keys) ||
        !read_files(rd, root, "topologies", IPA_SWEEP_TOPOLOGY, "topology") ||
        !read_files(rd, root, "policies", IPA_SWEEP_POLICY, "policy") ||
        !read_files(rd, root, "traces", IPA_SWEEP_TRACE, "trace"))
        return false;
    if (json_object_object_get_ex(root, "params", &v) && !read_params(rd, v))
        return false;
    if (!read_seeds(rd,
                    json_object_object_get_ex(root, "seeds", &v) ? v : NULL))
        return false;
    for (guint k = 0; k < rd->spec->axes->len; k++)
        ((struct ipa_sweep_axis *)g_ptr_array_index(rd->spec->axes, k))->dim =
            (int)k;
    /* the options of scenarios, less "seed": an axis here */
    if (json_object_object_get_ex(root, "options", &v) &&
        !ipa_scenario_read_options(&rd->json, v, false, rd->spec->options))
        return false;
    if (json_object_object_get_ex(root, "zip", &v) && !read_zip(rd, v))
        return false;
    GPtrArray *exclusions =
        g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    bool ok = true;
    if (json_object_object_get_ex(root, "exclude", &v)) {
        gsize m = ipa_json_push_key(&rd->json, "exclude");
        if (!json_object_is_type(v, json_type_array))
            ok = FAIL(rd, "expected an array of cells to leave out");
        for (size_t i = 0; ok && i < json_object_array_length(v); i++) {
            gsize m2 = ipa_json_push_index(&rd->json, i);
            GPtrArray *match = NULL;
            ok = read_exclusion(rd, json_object_array_get_idx(v, i), &match);
            g_ptr_array_add(exclusions, match);
            ipa_json_pop(&rd->json, m2);
        }
        ipa_json_pop(&rd->json, m);
    }
    if (ok)
        list_cells(rd->spec, exclusions);
    if (ok && !rd->spec->cells->len)
        ok = FAIL(rd, "every cell is excluded");
    g_ptr_array_unref(exclusions);
    return ok;
}

bool ipa_sweep_spec_load(const char *path, struct ipa_sweep_spec **out,
                         GError **error)
{
    char *text = NULL;
    size_t len = 0;
    struct json_object *root = NULL;
    bool ok = false;

    *out = NULL;
    if (!ipa_input_read("sweep spec", path, IPA_INPUT_FILE, &text, &len,
                        error) ||
        !ipa_json_parse(path, text, len, &root, error))
        goto out;
    struct ipa_sweep_spec *spec = g_new0(struct ipa_sweep_spec, 1);
    char *cwd = g_get_current_dir();
    spec->path = g_canonicalize_filename(path, cwd);
    g_free(cwd);
    spec->axes = g_ptr_array_new_with_free_func((GDestroyNotify)axis_free);
    spec->options = g_ptr_array_new_with_free_func(g_free);
    spec->cells = g_ptr_array_new_with_free_func((GDestroyNotify)cell_free);
    struct reader rd = {
        .json = {.file = path, .where = g_string_new(NULL), .error = error},
        .dir = g_path_get_dirname(spec->path),
        .spec = spec};
    ok = read_spec(&rd, root);
    g_string_free(rd.json.where, TRUE);
    g_free(rd.dir);
    if (ok)
        *out = spec;
    else
        ipa_sweep_spec_free(spec);
out:
    if (root)
        json_object_put(root);
    g_free(text);
    return ok;
}

void ipa_sweep_spec_free(struct ipa_sweep_spec *spec)
{
    if (!spec)
        return;
    g_free(spec->path);
    g_ptr_array_unref(spec->axes);
    g_ptr_array_unref(spec->options);
    g_ptr_array_unref(spec->cells);
    g_free(spec);
}

const char *ipa_sweep_value(const struct ipa_sweep_spec *spec,
                            const struct ipa_sweep_cell *cell, guint axis)
{
    const struct ipa_sweep_axis *a = g_ptr_array_index(spec->axes, axis);
    return g_ptr_array_index(a->values, cell->value[axis]);
}

char *ipa_sweep_cell_file(const char *dir, const struct ipa_sweep_cell *cell,
                          const char *ext)
{
    char *base = g_strdup_printf("%s.%s", cell->name, ext);
    char *path = g_build_filename(dir, "cells", base, NULL);
    g_free(base);
    return path;
}

char **ipa_sweep_cell_argv(const struct ipa_sweep_spec *spec,
                           const struct ipa_sweep_cell *cell, const char *exe,
                           const char *dir)
{
    static const char *const flags[] = {
        [IPA_SWEEP_TOPOLOGY] = "--topo", [IPA_SWEEP_POLICY] = "--policy",
        [IPA_SWEEP_TRACE] = "--trace",   [IPA_SWEEP_PARAM] = "--param",
        [IPA_SWEEP_SEED] = "--seed",
    };
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, g_strdup(exe));
    g_ptr_array_add(argv, g_strdup("run"));
    for (guint k = 0; k < spec->axes->len; k++) {
        const struct ipa_sweep_axis *a = g_ptr_array_index(spec->axes, k);
        const char *arg = g_ptr_array_index(a->args, cell->value[k]);
        g_ptr_array_add(argv, g_strdup(flags[a->kind]));
        g_ptr_array_add(argv, a->kind == IPA_SWEEP_PARAM
                                  ? g_strdup_printf("%s=%s", a->name, arg)
                                  : g_strdup(arg));
    }
    for (guint i = 0; i < spec->options->len; i++)
        g_ptr_array_add(argv, g_strdup(g_ptr_array_index(spec->options, i)));
    g_ptr_array_add(argv, g_strdup("--json"));
    g_ptr_array_add(argv, ipa_sweep_cell_file(dir, cell, "json"));
    g_ptr_array_add(argv, g_strdup("--quiet"));
    g_ptr_array_add(argv, NULL);
    return (char **)g_ptr_array_free(argv, FALSE);
}
