/*
 * support.c - include/ipasim/dsl.h: the domains builder that the
 * interpreter and C generated from the DSL share, exported from the
 * ipasim executable like the runtime API (locks and moves are inline in
 * the header).
 */
#include <ipasim/dsl.h>

#include <string.h>

#include <glib.h>

#include "util/common.h"

/* ---- the domains builder --------------------------------------------------- */

struct build {
    struct ipa_rt *rt;
    const struct ipa_dsl_builder *b;
    const int64_t *cores;
    int n;
    GArray *pool, *level, *dom_groups, *grp_cores; /* int64, int, span, span */
    GArray *dom_cores; /* span */
    /* a domain's member list (GBytes of indices) -> its cores' span: the
     * cores of one node share their domains, and every core its top one */
    GHashTable *core_lists;
    /* without self in it, the group relation depends on dist only:
     * computed once per distance, with whether it is an equivalence on
     * all the cores (then it is on every domain) */
    bool *rel;     /* [dist][i][j] */
    int8_t *equiv; /* [dist]: -1 unknown, 0, 1 */
    int *first;    /* [dist][i]: i's first related core, -1 for none */
    int *class_group; /* [i]: group of the class i heads, -1 (scratch) */
    int *class_size;  /* [dist][i]: cores in the class i heads */
    struct ipa_dsl_span *class_span; /* [dist][i]: its cores in the pool */
};

static struct ipa_dsl_span pool_add(struct build *bd, const int64_t *v, int n)
{
    struct ipa_dsl_span s = {(int)bd->pool->len, n};
    g_array_append_vals(bd->pool, v, (guint)n);
    return s;
}

static G_NORETURN void build_fault(struct build *bd, const char *what,
                                   int64_t self, int level)
{
    ipa_fault(bd->rt, "%s: invalid scheduling domains: %s (core %d, level %d)",
              bd->b->where, what, (int)self - 1, level);
}

/* Evaluates the group relation without self at @dist once, over all the
 * cores, and whether it is an equivalence there. */
static void relation_table(struct build *bd, int64_t self, int dist)
{
    const struct ipa_dsl_builder *b = bd->b;
    int n = bd->n;
    if (bd->equiv[dist] >= 0)
        return;
    bool *rel = &bd->rel[(size_t)dist * n * n];
    for (int x = 0; x < n; x++)
        for (int y = 0; y < n; y++)
            rel[x * n + y] =
                b->in_group(b->arg, self, dist, bd->cores[x], bd->cores[y]);
    /* an equivalence iff "related" is "same first related core" */
    int *first = &bd->first[(size_t)dist * n];
    for (int x = 0; x < n; x++) {
        first[x] = -1;
        for (int y = 0; y < n && first[x] < 0; y++)
            if (rel[x * n + y])
                first[x] = y;
    }
    for (int x = 0; x < n; x++)
        if (first[x] >= 0)
            bd->class_size[(size_t)dist * n + first[x]]++;
    bool eq = true;
    for (int x = 0; x < n && eq; x++)
        for (int y = 0; y < n && eq; y++)
            eq = rel[x * n + y] == (first[x] >= 0 && first[x] == first[y]);
    bd->equiv[dist] = eq;
}

static bool related(struct build *bd, int64_t self, int dist, int i, int j)
{
    const struct ipa_dsl_builder *b = bd->b;
    if (b->group_reads_self)
        return b->in_group(b->arg, self, dist, bd->cores[i], bd->cores[j]);
    relation_table(bd, self, dist);
    return bd->rel[((size_t)dist * bd->n + i) * bd->n + j];
}

/* Splits @members into the classes of @dist's relation, known to be an
 * equivalence: one pass, where the general case takes a pass per group.
 * A group that is a whole class shares its cores' pool entries with the
 * other domains' copies of it (every core's top domain has every group):
 * the pool grows with the classes, not with cores times groups. */
static int group_by_class(struct build *bd, int64_t self, int dist, int level,
                          const int *members, int n, int *group_of,
                          int64_t *groups, int64_t *tmp)
{
    size_t row = (size_t)dist * bd->n;
    const int *first = &bd->first[row];
    int nr_groups = 0;
    int *head = g_new(int, (size_t)n + 1);
    for (int i = 0; i < n; i++) {
        int h = first[members[i]];
        if (h < 0)
            build_fault(bd, "a core is in no group of its domain", self, level);
        if (bd->class_group[h] < 0) {
            bd->class_group[h] = nr_groups;
            head[nr_groups++] = h;
        }
        group_of[members[i]] = bd->class_group[h];
    }
    /* the groups' cores in tmp, group after group, in members' order */
    int *start = g_new0(int, (size_t)nr_groups + 1);
    for (int i = 0; i < n; i++)
        start[group_of[members[i]] + 1]++;
    for (int g = 0; g < nr_groups; g++)
        start[g + 1] += start[g];
    int *fill = g_memdup2(start, sizeof(int) * ((size_t)nr_groups + 1));
    for (int i = 0; i < n; i++)
        tmp[fill[group_of[members[i]]]++] = bd->cores[members[i]];
    for (int g = 0; g < nr_groups; g++) {
        int size = start[g + 1] - start[g];
        struct ipa_dsl_span *whole = &bd->class_span[row + head[g]];
        struct ipa_dsl_span s;
        if (size != bd->class_size[row + head[g]])
            s = pool_add(bd, tmp + start[g], size);
        else if (whole->n)
            s = *whole;
        else
            s = *whole = pool_add(bd, tmp + start[g], size);
        groups[g] = (int64_t)bd->grp_cores->len + 1;
        g_array_append_val(bd->grp_cores, s);
    }
    for (int g = 0; g < nr_groups; g++)
        bd->class_group[head[g]] = -1;
    g_free(fill);
    g_free(start);
    g_free(head);
    return nr_groups;
}

/* One domain of @self: @members (indices in cores) split into groups. */
static int64_t make_domain(struct build *bd, int64_t self, int dist,
                           int level, const int *members, int n,
                           int *group_of, int64_t *tmp)
{
    int d = (int)bd->level->len;
    g_array_append_val(bd->level, level);
    for (int i = 0; i < bd->n; i++)
        group_of[i] = -1;
    int nr_groups = 0;
    int64_t *groups = g_new(int64_t, n);
    bool known = false;
    if (!bd->b->group_reads_self) {
        relation_table(bd, self, dist);
        known = bd->equiv[dist] == 1;
    }
    if (known)
        nr_groups = group_by_class(bd, self, dist, level, members, n,
                                   group_of, groups, tmp);
    for (int i = 0; i < n && !known; i++) {
        int c1 = members[i];
        if (group_of[c1] >= 0)
            continue;
        int cnt = 0;
        for (int j = 0; j < n; j++) {
            int c2 = members[j];
            if (!related(bd, self, dist, c1, c2))
                continue;
            if (group_of[c2] >= 0)
                build_fault(bd, "a core is in two groups of one domain (the "
                            "group relation is not an equivalence)",
                            self, level);
            group_of[c2] = nr_groups;
            tmp[cnt++] = bd->cores[c2];
        }
        if (group_of[c1] < 0)
            build_fault(bd, "a core is in no group of its domain", self,
                        level);
        struct ipa_dsl_span s = pool_add(bd, tmp, cnt);
        int gi = (int)bd->grp_cores->len;
        g_array_append_val(bd->grp_cores, s);
        groups[nr_groups++] = gi + 1;
    }
    /* groups are the classes of an equivalence: related iff together */
    for (int i = 0; i < n && !known; i++)
        for (int j = 0; j < n; j++)
            if (related(bd, self, dist, members[i], members[j]) !=
                (group_of[members[i]] == group_of[members[j]]))
                build_fault(bd, "the group relation is not an equivalence "
                            "(cores related across groups)", self, level);
    struct ipa_dsl_span s = pool_add(bd, groups, nr_groups);
    g_array_append_val(bd->dom_groups, s);
    g_free(groups);
    GBytes *key = g_bytes_new(members, sizeof(int) * (size_t)n);
    const struct ipa_dsl_span *listed = g_hash_table_lookup(bd->core_lists, key);
    if (listed) {
        s = *listed;
        g_bytes_unref(key);
    } else {
        for (int i = 0; i < n; i++)
            tmp[i] = bd->cores[members[i]];
        s = pool_add(bd, tmp, n);
        g_hash_table_insert(bd->core_lists, key, g_memdup2(&s, sizeof s));
    }
    g_array_append_val(bd->dom_cores, s);
    return d + 1;
}

void ipa_dsl_build_domains(struct ipa_rt *rt, const int64_t *cores,
                           int nr_cores, const struct ipa_dsl_builder *b,
                           struct ipa_dsl_domains *out)
{
    int n = nr_cores;
    int nd = ipa_nr_distances(rt);
    struct build bd = {rt, b, cores, n,
                       g_array_new(FALSE, FALSE, sizeof(int64_t)),
                       g_array_new(FALSE, FALSE, sizeof(int)),
                       g_array_new(FALSE, FALSE, sizeof(struct ipa_dsl_span)),
                       g_array_new(FALSE, FALSE, sizeof(struct ipa_dsl_span)),
                       g_array_new(FALSE, FALSE, sizeof(struct ipa_dsl_span)),
                       g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
                                             (GDestroyNotify)g_bytes_unref,
                                             g_free),
                       NULL, NULL, NULL, NULL, NULL, NULL};
    if (!b->group_reads_self) {
        bd.rel = g_new0(bool, (size_t)(nd + 1) * n * n);
        bd.equiv = g_new(int8_t, nd + 1);
        memset(bd.equiv, -1, (size_t)nd + 1);
        bd.first = g_new(int, (size_t)(nd + 1) * n);
        bd.class_size = g_new0(int, (size_t)(nd + 1) * n);
        bd.class_span = g_new0(struct ipa_dsl_span, (size_t)(nd + 1) * n);
        bd.class_group = g_new(int, n);
        memset(bd.class_group, -1, sizeof(int) * (size_t)n);
    }
    int machine = ipa_machine_cores(rt);
    struct ipa_dsl_span *core_domains =
        g_new0(struct ipa_dsl_span, (size_t)machine + 1);
    int *members = g_new(int, n), *prev = g_new(int, n);
    int *group_of = g_new(int, n);
    int64_t *tmp = g_new(int64_t, n), *doms = g_new(int64_t, nd + 1);
    for (int si = 0; si < n; si++) {
        int64_t self = cores[si];
        int start = b->start ? (int)b->start(b->arg, self) : 1;
        int nr_prev = 0, level = 0, nr_doms = 0;
        for (int dist = start > 0 ? start : 0; dist < nd; dist++) {
            int cnt = 0;
            for (int ci = 0; ci < n; ci++)
                if (b->in_domain(b->arg, self, dist, cores[ci]))
                    members[cnt++] = ci;
            if (cnt == 0 || (cnt == nr_prev &&
                             !memcmp(members, prev, sizeof(int) * cnt)))
                continue; /* a level that adds no core */
            level++;
            doms[nr_doms++] = make_domain(&bd, self, dist, level, members,
                                          cnt, group_of, tmp);
            /* each group is a domain one level down: self's group is
             * self's previous domain */
            if (nr_prev) {
                int mine = group_of[si];
                int in_group = 0;
                for (int k = 0; k < cnt; k++)
                    in_group += group_of[members[k]] == mine;
                bool same = in_group == nr_prev;
                for (int k = 0; same && k < nr_prev; k++)
                    same = group_of[prev[k]] == mine;
                if (!same)
                    build_fault(&bd, "the core's group is not its domain one "
                                "level down", self, level);
            }
            memcpy(prev, members, sizeof(int) * cnt);
            nr_prev = cnt;
        }
        /* one core: no level to balance */
        if (nr_prev != n && n > 1)
            build_fault(&bd, "the top domain does not hold every core", self,
                        level);
        core_domains[self - 1] = pool_add(&bd, doms, nr_doms);
    }
    out->nr_domains = (int)bd.level->len;
    out->nr_groups = (int)bd.grp_cores->len;
    out->pool = (int64_t *)(void *)g_array_free(bd.pool, FALSE);
    out->level = (int *)(void *)g_array_free(bd.level, FALSE);
    out->core_domains = core_domains;
    out->domain_groups =
        (struct ipa_dsl_span *)(void *)g_array_free(bd.dom_groups, FALSE);
    out->domain_cores =
        (struct ipa_dsl_span *)(void *)g_array_free(bd.dom_cores, FALSE);
    out->group_cores =
        (struct ipa_dsl_span *)(void *)g_array_free(bd.grp_cores, FALSE);
    g_hash_table_destroy(bd.core_lists);
    g_free(bd.rel);
    g_free(bd.equiv);
    g_free(bd.first);
    g_free(bd.class_group);
    g_free(bd.class_size);
    g_free(bd.class_span);
    g_free(members);
    g_free(prev);
    g_free(group_of);
    g_free(tmp);
    g_free(doms);
}

void ipa_dsl_domains_free(struct ipa_dsl_domains *d)
{
    g_free(d->pool);
    g_free(d->level);
    g_free(d->core_domains);
    g_free(d->domain_groups);
    g_free(d->domain_cores);
    g_free(d->group_cores);
    memset(d, 0, sizeof *d);
}

void ipa_dsl_walk_copy(struct ipa_dsl_walks *ws, struct ipa_dsl_walk *w)
{
    w->base = ws->len;
    const struct ipa_thread *t = w->started ? w->next : ipa_rq_first(w->rq);
    for (; t; t = ipa_rq_next(w->rq, t)) {
        if (t == w->skip)
            continue;
        if (ws->len == ws->cap) {
            ws->cap = ws->cap ? 2 * ws->cap : 64;
            ws->copy = g_renew(struct ipa_thread *, ws->copy, ws->cap);
        }
        ws->copy[ws->len++] = (struct ipa_thread *)t;
    }
    w->at = w->base;
    w->end = ws->len;
    w->copied = true;
}

void ipa_dsl_walks_free(struct ipa_dsl_walks *ws)
{
    g_free(ws->copy);
    memset(ws, 0, sizeof *ws);
}
