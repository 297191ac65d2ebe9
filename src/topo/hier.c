#include "topo/hier.h"

#include <string.h>

#include "topo/topo.h"
#include "util/common.h"
#include "util/cpuset.h"

/* ---- building ------------------------------------------------------------ */

/*
 * The talk's construction, one level at a time. The classes of "distance
 * <= r" are balls of an ultrametric, so a level's classes are unions of the
 * previous level's, and comparing one representative per previous class is
 * enough. Each class's cores and groups are stored once and shared by all
 * its cores; a level-l group points at the level-(l-1) class's cores.
 */
/* The bit set of a cores array, made once per array: the classes share
 * theirs, and a group's array is the class's one level down. */
static const uint64_t *mask_of(struct ipa_hier *h, GHashTable *masks,
                               const int *cores, int nr_cores, int words)
{
    uint64_t *mask = g_hash_table_lookup(masks, cores);
    if (!mask) {
        mask = g_new0(uint64_t, words);
        for (int i = 0; i < nr_cores; i++)
            ipa_cpuset_set(mask, cores[i]);
        g_ptr_array_add(h->storage, mask);
        g_hash_table_insert(masks, (gpointer)cores, mask);
    }
    return mask;
}

static void fill_masks(struct ipa_hier *h, int words)
{
    GHashTable *masks = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (size_t i = 0; i < (size_t)h->nr_cores * h->nr_levels; i++) {
        struct ipa_sched_domain *d = &h->domains[i];
        d->mask = mask_of(h, masks, d->cores, d->nr_cores, words);
        /* groups are the hierarchy's own, shared by the class's cores */
        struct ipa_sched_group *groups = (struct ipa_sched_group *)d->groups;
        for (int g = 0; g < d->nr_groups; g++)
            groups[g].mask = mask_of(h, masks, groups[g].cores,
                                     groups[g].nr_cores, words);
    }
    g_hash_table_destroy(masks);
}

struct ipa_hier *ipa_hier_build(const struct ipa_topo *topo, const int *cores,
                                int nr_cores)
{
    struct ipa_hier *h = g_new0(struct ipa_hier, 1);
    int n = cores ? nr_cores : topo->nr_cores;
    IPA_ASSERT(n >= 1, "a hierarchy needs at least one core");
    h->nr_cores = n;
    h->cores = g_new(int, n);
    for (int i = 0; i < n; i++) {
        h->cores[i] = cores ? cores[i] : i;
        IPA_ASSERT(h->cores[i] >= 0 && h->cores[i] < topo->nr_cores,
                   "core outside the topology");
        IPA_ASSERT(i == 0 || h->cores[i] > h->cores[i - 1],
                   "cores not ascending");
    }
    h->max_core = h->cores[n - 1] + 1;
    h->core_index = g_new(int, h->max_core);
    for (int c = 0; c < h->max_core; c++)
        h->core_index[c] = -1;
    for (int i = 0; i < n; i++)
        h->core_index[h->cores[i]] = i;
    h->storage = g_ptr_array_new_with_free_func(g_free);

    bool present[256] = {false};
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            present[ipa_topo_distance(topo, h->cores[i], h->cores[j])] = true;
    h->level_rank = g_new(int, 256);
    for (int r = 1; r < 256; r++)
        if (present[r])
            h->level_rank[h->nr_levels++] = r;
    if (h->nr_levels == 0) /* one core: one level, the core alone */
        h->level_rank[h->nr_levels++] = 0;
    h->domains = g_new0(struct ipa_sched_domain, (size_t)n * h->nr_levels);

    /* Level 0: every core is its own class, the cores array its storage. */
    int nr_prev = n;
    int *cls_prev = g_new(int, n);  /* core index -> class at level l-1 */
    int *rep_prev = g_new(int, n);  /* class -> its lowest core index */
    int *size_prev = g_new(int, n); /* class -> size */
    const int **seg_prev = g_new(const int *, n); /* class -> its cores */
    for (int i = 0; i < n; i++) {
        cls_prev[i] = rep_prev[i] = i;
        size_prev[i] = 1;
        seg_prev[i] = &h->cores[i];
    }
    int *parent = g_new(int, n); /* class at l-1 -> class at l */
    int *cls_cur = g_new(int, n);
    int *rep_cur = g_new(int, n);
    int *size_cur = g_new(int, n);
    int *ngroups = g_new(int, n);
    int *fill = g_new(int, n);
    int *slot = g_new(int, n); /* class at l-1 -> its group index */
    const int **seg_cur = g_new(const int *, n);
    const struct ipa_sched_group **grp_cur =
        g_new(const struct ipa_sched_group *, n);

    for (int l = 1; l <= h->nr_levels; l++) {
        int r = h->level_rank[l - 1], nr_cur = 0;
        for (int k = 0; k < nr_prev; k++)
            parent[k] = -1;
        for (int k = 0; k < nr_prev; k++) {
            if (parent[k] >= 0)
                continue;
            rep_cur[nr_cur] = rep_prev[k];
            parent[k] = nr_cur;
            for (int k2 = k + 1; k2 < nr_prev; k2++)
                if (parent[k2] < 0 &&
                    ipa_topo_distance(topo, h->cores[rep_prev[k]],
                                      h->cores[rep_prev[k2]]) <= r)
                    parent[k2] = nr_cur;
            nr_cur++;
        }
        /* Cores of each class, ascending, in one array for the level. */
        int *level_cores = g_new(int, n);
        g_ptr_array_add(h->storage, level_cores);
        memset(size_cur, 0, sizeof(int) * nr_cur);
        memset(ngroups, 0, sizeof(int) * nr_cur);
        for (int i = 0; i < n; i++) {
            cls_cur[i] = parent[cls_prev[i]];
            size_cur[cls_cur[i]]++;
        }
        for (int c = 0, off = 0; c < nr_cur; c++) {
            fill[c] = off;
            seg_cur[c] = level_cores + off;
            off += size_cur[c];
        }
        for (int i = 0; i < n; i++)
            level_cores[fill[cls_cur[i]]++] = h->cores[i];
        /* Groups: the previous classes, by class then lowest core. */
        struct ipa_sched_group *groups = g_new(struct ipa_sched_group, nr_prev);
        g_ptr_array_add(h->storage, groups);
        for (int k = 0; k < nr_prev; k++)
            ngroups[parent[k]]++;
        for (int c = 0, off = 0; c < nr_cur; c++) {
            fill[c] = off;
            grp_cur[c] = groups + off;
            off += ngroups[c];
        }
        for (int k = 0; k < nr_prev; k++) {
            int g = fill[parent[k]]++;
            groups[g].nr_cores = size_prev[k];
            groups[g].cores = seg_prev[k];
            slot[k] = g - (int)(grp_cur[parent[k]] - groups);
        }
        for (int i = 0; i < n; i++) {
            struct ipa_sched_domain *d =
                &h->domains[(size_t)i * h->nr_levels + (l - 1)];
            int c = cls_cur[i];
            d->level = l;
            d->nr_cores = size_cur[c];
            d->cores = seg_cur[c];
            d->nr_groups = ngroups[c];
            d->groups = grp_cur[c];
            d->local_group = slot[cls_prev[i]];
        }
        /* This level becomes the previous one. */
        for (int i = 0; i < n; i++)
            cls_prev[i] = cls_cur[i];
        for (int c = 0; c < nr_cur; c++) {
            rep_prev[c] = rep_cur[c];
            size_prev[c] = size_cur[c];
            seg_prev[c] = seg_cur[c];
        }
        nr_prev = nr_cur;
    }
    fill_masks(h, ipa_cpuset_words(topo->nr_cores));
    g_free(grp_cur);
    g_free(seg_cur);
    g_free(slot);
    g_free(fill);
    g_free(ngroups);
    g_free(size_cur);
    g_free(rep_cur);
    g_free(cls_cur);
    g_free(parent);
    g_free(seg_prev);
    g_free(size_prev);
    g_free(rep_prev);
    g_free(cls_prev);
    return h;
}

void ipa_hier_free(struct ipa_hier *hier)
{
    if (!hier)
        return;
    if (hier->storage)
        g_ptr_array_unref(hier->storage);
    g_free(hier->level_rank);
    g_free(hier->domains);
    g_free(hier->core_index);
    g_free(hier->cores);
    g_free(hier);
}

/* ---- validation ---------------------------------------------------------- */

static char *cpulist(const int *cpus, int n)
{
    GString *s = g_string_new(NULL);
    ipa_cpulist_format(s, cpus, n);
    return g_string_free(s, FALSE);
}

static bool in_hier(const struct ipa_hier *h, int core)
{
    return core >= 0 && core < h->max_core && h->core_index[core] >= 0;
}

static bool holds(const int *cores, int n, int core)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (cores[mid] == core)
            return true;
        if (cores[mid] < core)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return false;
}

static bool same_cores(const int *a, int na, const int *b, int nb)
{
    return na == nb && (a == b || memcmp(a, b, sizeof(int) * na) == 0);
}

/* Scratch marks for one validation: stamp-based, so no clearing. */
struct marks {
    int stamp;
    int *in_domain; /* [nr_cores] stamp when in the domain under check */
    int *grouped;   /* [nr_cores] stamp when some group holds it */
    int *group_of;  /* [nr_cores] that group */
};

#define FAIL(...)                                                              \
    do {                                                                       \
        g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY, __VA_ARGS__);          \
        return false;                                                          \
    } while (0)

/* Everything about the domain @d of core @self at level @l that does not
 * depend on which of its cores owns it. */
static bool check_domain(const struct ipa_hier *h,
                         const struct ipa_sched_domain *d, int self, int l,
                         struct marks *m, GError **error)
{
    if (d->nr_cores < 1 || !d->cores)
        FAIL("level %d, core %d: empty domain", l, self);
    for (int k = 0; k < d->nr_cores; k++) {
        if (!in_hier(h, d->cores[k]))
            FAIL("level %d, core %d: domain lists core %d, which is not in "
                 "the hierarchy",
                 l, self, d->cores[k]);
        if (k > 0 && d->cores[k] <= d->cores[k - 1])
            FAIL("level %d, core %d: domain cores are not ascending (%d "
                 "after %d)",
                 l, self, d->cores[k], d->cores[k - 1]);
    }
    if (l == h->nr_levels && d->nr_cores != h->nr_cores) {
        int missing = -1;
        for (int i = 0; i < h->nr_cores && missing < 0; i++)
            if (!holds(d->cores, d->nr_cores, h->cores[i]))
                missing = h->cores[i];
        char *list = cpulist(d->cores, d->nr_cores);
        g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                    "level %d, core %d: top domain %s does not hold every "
                    "core (missing core %d)",
                    l, self, list, missing);
        g_free(list);
        return false;
    }
    if (d->nr_groups < 1 || !d->groups)
        FAIL("level %d, core %d: domain has no groups", l, self);

    m->stamp++;
    for (int k = 0; k < d->nr_cores; k++)
        m->in_domain[h->core_index[d->cores[k]]] = m->stamp;
    for (int g = 0; g < d->nr_groups; g++) {
        const struct ipa_sched_group *grp = &d->groups[g];
        if (grp->nr_cores < 1 || !grp->cores)
            FAIL("level %d, core %d: group %d is empty", l, self, g);
        for (int k = 0; k < grp->nr_cores; k++) {
            int c = grp->cores[k];
            if (!in_hier(h, c))
                FAIL("level %d, core %d: group %d holds core %d, which is "
                     "not in the hierarchy",
                     l, self, g, c);
            int ci = h->core_index[c];
            if (m->in_domain[ci] != m->stamp)
                FAIL("level %d, core %d: group %d holds core %d, which is "
                     "not in the domain",
                     l, self, g, c);
            if (m->grouped[ci] == m->stamp)
                FAIL("level %d, core %d: groups %d and %d both hold core %d", l,
                     self, m->group_of[ci], g, c);
            m->grouped[ci] = m->stamp;
            m->group_of[ci] = g;
        }
    }
    for (int k = 0; k < d->nr_cores; k++)
        if (m->grouped[h->core_index[d->cores[k]]] != m->stamp)
            FAIL("level %d, core %d: core %d of the domain is in no group", l,
                 self, d->cores[k]);

    /* Each group is, for each of its cores, that core's domain one level
     * down (level 0 being the core alone). */
    for (int g = 0; g < d->nr_groups; g++) {
        const struct ipa_sched_group *grp = &d->groups[g];
        for (int k = 0; k < grp->nr_cores; k++) {
            int c = grp->cores[k];
            const int *lower = &grp->cores[k];
            int nr_lower = 1;
            if (l > 1) {
                const struct ipa_sched_domain *ld =
                    ipa_hier_domain(h, c, l - 1);
                lower = ld->cores;
                nr_lower = ld->nr_cores;
            }
            if (!lower ||
                !same_cores(grp->cores, grp->nr_cores, lower, nr_lower)) {
                char *gl = cpulist(grp->cores, grp->nr_cores);
                char *dl = lower ? cpulist(lower, nr_lower) : g_strdup("none");
                g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                            "level %d, core %d: group %d {%s} is not the "
                            "level-%d domain of core %d {%s}",
                            l, self, g, gl, l - 1, c, dl);
                g_free(gl);
                g_free(dl);
                return false;
            }
        }
    }
    return true;
}

/*
 * A domain shared by several cores (same groups array and cores) is checked
 * in full once; each core then only needs to be in it and in its local
 * group. Domains growing with the level follows: a core's local group is
 * its domain one level down, and groups lie inside the domain.
 */
bool ipa_hier_validate(const struct ipa_hier *hier, GError **error)
{
    const struct ipa_hier *h = hier;
    if (h->nr_cores < 1 || !h->cores || !h->core_index || !h->domains)
        FAIL("hierarchy has no cores");
    if (h->nr_levels < 1)
        FAIL("hierarchy has no levels");
    for (int i = 0; i < h->nr_cores; i++) {
        int c = h->cores[i];
        if (c < 0 || c >= h->max_core || h->core_index[c] != i ||
            (i > 0 && c <= h->cores[i - 1]))
            FAIL("core %d: cores are not ascending or core_index is wrong", c);
    }
    struct marks m = {0};
    m.in_domain = g_new0(int, h->nr_cores);
    m.grouped = g_new0(int, h->nr_cores);
    m.group_of = g_new0(int, h->nr_cores);
    GHashTable *checked = g_hash_table_new(g_direct_hash, g_direct_equal);
    bool ok = true;
    for (int l = 1; l <= h->nr_levels && ok; l++) {
        g_hash_table_remove_all(checked);
        for (int i = 0; i < h->nr_cores && ok; i++) {
            int self = h->cores[i];
            const struct ipa_sched_domain *d = ipa_hier_domain(h, self, l);
            if (d->level != l) {
                g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                            "level %d, core %d: domain says level %d", l, self,
                            d->level);
                ok = false;
                break;
            }
            const struct ipa_sched_domain *seen =
                g_hash_table_lookup(checked, d->groups);
            if (!seen || seen->cores != d->cores ||
                seen->nr_cores != d->nr_cores ||
                seen->nr_groups != d->nr_groups) {
                ok = check_domain(h, d, self, l, &m, error);
                if (!ok)
                    break;
                if (d->groups)
                    g_hash_table_insert(checked, (gpointer)d->groups,
                                        (gpointer)d);
            }
            if (!holds(d->cores, d->nr_cores, self)) {
                char *list = cpulist(d->cores, d->nr_cores);
                g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                            "level %d, core %d: domain %s does not contain "
                            "the core itself",
                            l, self, list);
                g_free(list);
                ok = false;
            } else if (d->local_group < 0 || d->local_group >= d->nr_groups ||
                       !holds(d->groups[d->local_group].cores,
                              d->groups[d->local_group].nr_cores, self)) {
                g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                            "level %d, core %d: local group %d does not hold "
                            "the core",
                            l, self, d->local_group);
                ok = false;
            }
        }
    }
    g_hash_table_unref(checked);
    g_free(m.group_of);
    g_free(m.grouped);
    g_free(m.in_domain);
    return ok;
}

/* ---- printing --------------------------------------------------------------
 */

/* The distinct domains of one level, in order of their first core, with
 * the cores that own each. */
struct distinct {
    GPtrArray *domains; /* const struct ipa_sched_domain * */
    GPtrArray *owners;  /* GArray of int per domain */
};

static void distinct_init(struct distinct *ds, const struct ipa_hier *h, int l)
{
    GHashTable *index = g_hash_table_new(g_direct_hash, g_direct_equal);
    ds->domains = g_ptr_array_new();
    ds->owners = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
    for (int i = 0; i < h->nr_cores; i++) {
        const struct ipa_sched_domain *d = ipa_hier_domain(h, h->cores[i], l);
        gpointer pos;
        GArray *own;
        /* Key on the groups array, which the builder shares per domain. */
        if (g_hash_table_lookup_extended(index, d->groups, NULL, &pos) &&
            ((const struct ipa_sched_domain *)g_ptr_array_index(
                 ds->domains, GPOINTER_TO_INT(pos)))
                    ->cores == d->cores) {
            own = g_ptr_array_index(ds->owners, GPOINTER_TO_INT(pos));
        } else {
            g_hash_table_insert(index, (gpointer)d->groups,
                                GINT_TO_POINTER(ds->domains->len));
            g_ptr_array_add(ds->domains, (gpointer)d);
            own = g_array_new(FALSE, FALSE, sizeof(int));
            g_ptr_array_add(ds->owners, own);
        }
        g_array_append_val(own, h->cores[i]);
    }
    g_hash_table_unref(index);
}

static void distinct_fini(struct distinct *ds)
{
    g_ptr_array_unref(ds->owners);
    g_ptr_array_unref(ds->domains);
}

static const char *level_name(const struct ipa_hier *h,
                              const struct ipa_topo *topo, int l)
{
    if (!h->level_rank || !topo)
        return NULL;
    int r = h->level_rank[l - 1];
    return r < topo->nr_distances ? topo->distance_names[r] : NULL;
}

void ipa_hier_print(const struct ipa_hier *hier, const struct ipa_topo *topo,
                    FILE *out)
{
    const struct ipa_hier *h = hier;
    GError *err = NULL;
    GString *s = g_string_new(NULL);
    if (topo) {
        fprintf(out, "topology: %s\n%s\n", topo->source, topo->description);
        fprintf(out, "distance ranks:");
        for (int r = 0; r < topo->nr_distances; r++)
            fprintf(out, " %d=%s", r, topo->distance_names[r]);
        fputc('\n', out);
        if (topo->numa_matrix) {
            int nr = topo->nr_nodes;
            fprintf(out, "NUMA distances:\n  node");
            for (int y = 0; y < nr; y++)
                fprintf(out, " %4d", y);
            fputc('\n', out);
            for (int x = 0; x < nr; x++) {
                fprintf(out, "  %4d", x);
                for (int y = 0; y < nr; y++)
                    fprintf(out, " %4d", topo->numa_matrix[x * nr + y]);
                fputc('\n', out);
            }
        }
    }
    g_string_truncate(s, 0);
    ipa_cpulist_format(s, h->cores, h->nr_cores);
    fprintf(out, "hierarchy over cores %s: %d level%s\n", s->str, h->nr_levels,
            h->nr_levels == 1 ? "" : "s");
    if (!ipa_hier_validate(h, &err)) {
        fprintf(out, "hierarchy: invalid: %s\n", err->message);
        g_error_free(err);
        g_string_free(s, TRUE);
        return;
    }
    for (int l = 1; l <= h->nr_levels; l++) {
        struct distinct ds;
        distinct_init(&ds, h, l);
        const char *name = level_name(h, topo, l);
        fprintf(out, "level %d", l);
        if (name)
            fprintf(out, " (%s)", name);
        fprintf(out, ": %u domain%s\n", ds.domains->len,
                ds.domains->len == 1 ? "" : "s");
        for (guint k = 0; k < ds.domains->len; k++) {
            const struct ipa_sched_domain *d = g_ptr_array_index(ds.domains, k);
            GArray *own = g_ptr_array_index(ds.owners, k);
            g_string_assign(s, "  domain ");
            ipa_cpulist_format(s, d->cores, d->nr_cores);
            g_string_append(s, " groups");
            for (int g = 0; g < d->nr_groups; g++) {
                g_string_append(s, " {");
                ipa_cpulist_format(s, d->groups[g].cores,
                                   d->groups[g].nr_cores);
                g_string_append_c(s, '}');
            }
            /* Builders other than ours may give one core set to cores
             * outside it; say who shares it then. */
            if (!same_cores(&g_array_index(own, int, 0), (int)own->len,
                            d->cores, d->nr_cores)) {
                g_string_append(s, " shared by ");
                ipa_cpulist_format(s, &g_array_index(own, int, 0),
                                   (int)own->len);
            }
            fprintf(out, "%s\n", s->str);
        }
        distinct_fini(&ds);
    }
    fprintf(out, "hierarchy: valid\n");
    g_string_free(s, TRUE);
}

static void json_string(FILE *out, const char *str)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)str; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void json_ints(FILE *out, const int *v, int n)
{
    fputc('[', out);
    for (int i = 0; i < n; i++)
        fprintf(out, i ? ",%d" : "%d", v[i]);
    fputc(']', out);
}

void ipa_hier_print_json(const struct ipa_hier *hier,
                         const struct ipa_topo *topo, FILE *out)
{
    const struct ipa_hier *h = hier;
    GError *err = NULL;
    bool valid = ipa_hier_validate(h, &err);
    fputc('{', out);
    if (topo) {
        fprintf(out, "\"source\":");
        json_string(out, topo->source);
        fprintf(out, ",\"description\":");
        json_string(out, topo->description);
        fprintf(out, ",\"nr_nodes\":%d,\"distances\":[", topo->nr_nodes);
        for (int r = 0; r < topo->nr_distances; r++) {
            if (r)
                fputc(',', out);
            json_string(out, topo->distance_names[r]);
        }
        fprintf(out, "],\"node\":");
        json_ints(out, topo->node, topo->nr_cores);
        fprintf(out, ",\"os_index\":");
        json_ints(out, topo->os_index, topo->nr_cores);
        fprintf(out, ",\"capacity\":");
        json_ints(out, topo->capacity, topo->nr_cores);
        fprintf(out, ",\"numa_matrix\":");
        if (topo->numa_matrix) {
            fputc('[', out);
            for (int x = 0; x < topo->nr_nodes; x++) {
                if (x)
                    fputc(',', out);
                json_ints(out, topo->numa_matrix + x * topo->nr_nodes,
                          topo->nr_nodes);
            }
            fputc(']', out);
        } else {
            fprintf(out, "null");
        }
        fputc(',', out);
    }
    fprintf(out, "\"cores\":");
    json_ints(out, h->cores, h->nr_cores);
    fprintf(out, ",\"valid\":%s", valid ? "true" : "false");
    if (!valid) {
        fprintf(out, ",\"error\":");
        json_string(out, err->message);
        g_error_free(err);
        fprintf(out, "}\n");
        return;
    }
    fprintf(out, ",\"levels\":[");
    for (int l = 1; l <= h->nr_levels; l++) {
        struct distinct ds;
        distinct_init(&ds, h, l);
        const char *name = level_name(h, topo, l);
        fprintf(out, "%s{\"level\":%d", l > 1 ? "," : "", l);
        if (h->level_rank)
            fprintf(out, ",\"rank\":%d", h->level_rank[l - 1]);
        if (name) {
            fprintf(out, ",\"name\":");
            json_string(out, name);
        }
        fprintf(out, ",\"domains\":[");
        for (guint k = 0; k < ds.domains->len; k++) {
            const struct ipa_sched_domain *d = g_ptr_array_index(ds.domains, k);
            GArray *own = g_ptr_array_index(ds.owners, k);
            fprintf(out, "%s{\"cores\":", k ? "," : "");
            json_ints(out, d->cores, d->nr_cores);
            fprintf(out, ",\"owners\":");
            json_ints(out, &g_array_index(own, int, 0), (int)own->len);
            fprintf(out, ",\"groups\":[");
            for (int g = 0; g < d->nr_groups; g++) {
                if (g)
                    fputc(',', out);
                json_ints(out, d->groups[g].cores, d->groups[g].nr_cores);
            }
            fprintf(out, "]}");
        }
        fprintf(out, "]}");
        distinct_fini(&ds);
    }
    fprintf(out, "]}\n");
}
