#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <glib.h>

#include "topo/hier.h"
#include "topo/topo.h"
#include "util/common.h"

static struct ipa_topo *load_ok(const char *spec)
{
    struct ipa_topo *t = NULL;
    GError *err = NULL;
    if (!ipa_topo_load(spec, &t, &err))
        fail_msg("loading '%s': %s", spec, err->message);
    return t;
}

static void assert_valid(const struct ipa_hier *h)
{
    GError *err = NULL;
    if (!ipa_hier_validate(h, &err))
        fail_msg("invalid hierarchy: %s", err->message);
}

/* @mask holds exactly @cores among the machine's @nr_machine cores. */
static void assert_mask(const uint64_t *mask, const int *cores, int n,
                        int nr_machine)
{
    assert_non_null(mask);
    for (int c = 0, i = 0; c < nr_machine; c++) {
        bool in = i < n && cores[i] == c;
        assert_int_equal(mask[c / 64] >> (c % 64) & 1, in);
        i += in;
    }
}

/* Every domain's and group's mask is its cores as a bit set (what
 * ipa_cores_next reads). */
static void assert_masks(const struct ipa_hier *h, int nr_machine)
{
    for (int i = 0; i < h->nr_cores; i++)
        for (int l = 1; l <= h->nr_levels; l++) {
            const struct ipa_sched_domain *d =
                ipa_hier_domain(h, h->cores[i], l);
            assert_mask(d->mask, d->cores, d->nr_cores, nr_machine);
            for (int g = 0; g < d->nr_groups; g++)
                assert_mask(d->groups[g].mask, d->groups[g].cores,
                            d->groups[g].nr_cores, nr_machine);
        }
}

static void assert_cores(const int *cores, int n, const int *want, int nw)
{
    assert_int_equal(n, nw);
    for (int i = 0; i < n; i++)
        assert_int_equal(cores[i], want[i]);
}

#define CORES(d, ...)                                                          \
    do {                                                                       \
        static const int want_[] = {__VA_ARGS__};                              \
        assert_cores((d)->cores, (d)->nr_cores, want_,                         \
                     (int)G_N_ELEMENTS(want_));                                \
    } while (0)

static void test_full_smt(void **state)
{
    (void)state;
    struct ipa_topo *t = load_ok("pack:2 core:4 pu:2");
    struct ipa_hier *h = ipa_hier_build(t, NULL, 0);
    assert_int_equal(h->nr_cores, 16);
    assert_int_equal(h->nr_levels, 3);
    assert_int_equal(h->level_rank[0], 1);
    assert_int_equal(h->level_rank[2], 3);

    const struct ipa_sched_domain *d = ipa_hier_domain(h, 3, 1);
    assert_int_equal(d->level, 1);
    CORES(d, 2, 3);
    assert_int_equal(d->nr_groups, 2);
    CORES(&d->groups[0], 2);
    CORES(&d->groups[1], 3);
    assert_int_equal(d->local_group, 1);

    d = ipa_hier_domain(h, 5, 2);
    CORES(d, 0, 1, 2, 3, 4, 5, 6, 7);
    assert_int_equal(d->nr_groups, 4);
    CORES(&d->groups[2], 4, 5);
    assert_int_equal(d->local_group, 2);
    /* Cores of one domain share its arrays. */
    assert_ptr_equal(d->cores, ipa_hier_domain(h, 0, 2)->cores);
    assert_ptr_equal(d->groups, ipa_hier_domain(h, 7, 2)->groups);
    assert_ptr_equal(d->groups[2].cores, ipa_hier_domain(h, 4, 1)->cores);

    d = ipa_hier_domain(h, 9, 3);
    assert_int_equal(d->nr_cores, 16);
    assert_int_equal(d->nr_groups, 2);
    CORES(&d->groups[1], 8, 9, 10, 11, 12, 13, 14, 15);
    assert_int_equal(d->local_group, 1);
    assert_valid(h);
    assert_masks(h, t->nr_cores);
    ipa_hier_free(h);
    ipa_topo_free(t);
}

/* Ranks no pair of the subset has are no levels. */
static void test_subset(void **state)
{
    (void)state;
    struct ipa_topo *t = load_ok("pack:2 core:4 pu:2");
    const int sub[] = {0, 2, 8};
    struct ipa_hier *h = ipa_hier_build(t, sub, 3);
    assert_int_equal(h->nr_levels, 2);
    assert_int_equal(h->max_core, 9);
    assert_int_equal(h->core_index[8], 2);
    assert_int_equal(h->core_index[1], -1);
    const struct ipa_sched_domain *d = ipa_hier_domain(h, 2, 1);
    CORES(d, 0, 2);
    assert_int_equal(d->nr_groups, 2);
    d = ipa_hier_domain(h, 8, 1);
    CORES(d, 8);
    assert_int_equal(d->nr_groups, 1);
    d = ipa_hier_domain(h, 8, 2);
    CORES(d, 0, 2, 8);
    assert_int_equal(d->nr_groups, 2);
    CORES(&d->groups[0], 0, 2);
    CORES(&d->groups[1], 8);
    assert_int_equal(d->local_group, 1);
    assert_valid(h);
    assert_masks(h, t->nr_cores);
    ipa_hier_free(h);

    const int one[] = {5};
    h = ipa_hier_build(t, one, 1);
    assert_int_equal(h->nr_levels, 1);
    d = ipa_hier_domain(h, 5, 1);
    CORES(d, 5);
    assert_int_equal(d->nr_groups, 1);
    CORES(&d->groups[0], 5);
    assert_int_equal(d->local_group, 0);
    assert_valid(h);
    ipa_hier_free(h);

    const int smt[] = {6, 7};
    h = ipa_hier_build(t, smt, 2);
    assert_int_equal(h->nr_levels, 1);
    CORES(ipa_hier_domain(h, 6, 1), 6, 7);
    assert_valid(h);
    ipa_hier_free(h);
    ipa_topo_free(t);
}

static void test_shipped(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        int cores, levels, top_groups;
    } cases[] = {
        {"1core.xml", 1, 1, 1},        {"4core.xml", 4, 1, 4},
        {"2socket-smt.xml", 32, 3, 2}, {"64core.xml", 64, 4, 4},
        {"256core.xml", 256, 4, 2},    {"juno-r2.xml", 6, 2, 2},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *path = g_build_filename(IPASIM_SOURCE_DIR, "topologies",
                                      cases[i].file, NULL);
        struct ipa_topo *t = load_ok(path);
        struct ipa_hier *h = ipa_hier_build(t, NULL, 0);
        assert_int_equal(h->nr_cores, cases[i].cores);
        assert_int_equal(h->nr_levels, cases[i].levels);
        const struct ipa_sched_domain *top =
            ipa_hier_domain(h, 0, h->nr_levels);
        assert_int_equal(top->nr_cores, cases[i].cores);
        assert_int_equal(top->nr_groups, cases[i].top_groups);
        assert_valid(h);
        assert_masks(h, t->nr_cores);
        ipa_hier_free(h);

        /* A partition: every third core. */
        GArray *sub = g_array_new(FALSE, FALSE, sizeof(int));
        for (int c = 0; c < t->nr_cores; c += 3)
            g_array_append_val(sub, c);
        h = ipa_hier_build(t, &g_array_index(sub, int, 0), (int)sub->len);
        assert_valid(h);
        assert_int_equal(ipa_hier_domain(h, 0, h->nr_levels)->nr_cores,
                         (int)sub->len);
        assert_masks(h, t->nr_cores);
        ipa_hier_free(h);
        g_array_free(sub, TRUE);
        ipa_topo_free(t);
        g_free(path);
    }
}

static void test_64core_levels(void **state)
{
    (void)state;
    struct ipa_topo *t = load_ok(IPASIM_SOURCE_DIR "/topologies/64core.xml");
    struct ipa_hier *h = ipa_hier_build(t, NULL, 0);
    assert_int_equal(h->nr_levels, 4);
    CORES(ipa_hier_domain(h, 13, 1), 12, 13);
    assert_int_equal(ipa_hier_domain(h, 13, 2)->nr_cores, 8);
    assert_int_equal(ipa_hier_domain(h, 13, 2)->nr_groups, 4);
    const struct ipa_sched_domain *d = ipa_hier_domain(h, 13, 3);
    assert_int_equal(d->nr_cores, 16);
    assert_int_equal(d->cores[0], 0);
    assert_int_equal(d->nr_groups, 2);
    assert_int_equal(d->local_group, 1);
    assert_valid(h);

    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    ipa_hier_print(h, t, out);
    fclose(out);
    assert_non_null(strstr(buf,
                           "level 2 (node): 8 domains\n"
                           "  domain 0-7 groups {0-1} {2-3} {4-5} {6-7}\n"));
    assert_non_null(strstr(buf, "level 4 (numa:22): 1 domain\n"
                                "  domain 0-63 groups {0-15} {16-31} {32-47} "
                                "{48-63}\n"));
    assert_non_null(strstr(buf, "     0   10   16   16   22"));
    assert_true(g_str_has_suffix(buf, "hierarchy: valid\n"));
    free(buf);

    out = open_memstream(&buf, &len);
    ipa_hier_print_json(h, t, out);
    fclose(out);
    assert_non_null(strstr(buf, "{\"level\":3,\"rank\":3,\"name\":\"numa:16\","
                                "\"domains\":[{\"cores\":[0,1,2,3,4,5,6,7,8,"));
    assert_non_null(strstr(buf, "\"valid\":true"));
    free(buf);
    ipa_hier_free(h);
    ipa_topo_free(t);
}

/* ---- hand-built hierarchies ------------------------------------------------
 */

/*
 * Cores 0-3, level 1 {0,1} {2,3}, level 2 all with groups {0,1} {2,3};
 * every (core, level) gets its own mutable arrays so a test can break one.
 */
static struct ipa_hier *hand_built(void)
{
    struct ipa_hier *h = g_new0(struct ipa_hier, 1);
    h->nr_cores = 4;
    h->cores = g_new(int, 4);
    h->max_core = 4;
    h->core_index = g_new(int, 4);
    for (int i = 0; i < 4; i++)
        h->cores[i] = h->core_index[i] = i;
    h->nr_levels = 2;
    h->domains = g_new0(struct ipa_sched_domain, 8);
    h->storage = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; i < 4; i++) {
        struct ipa_sched_domain *d1 = &h->domains[i * 2];
        int *c1 = g_new(int, 4);
        struct ipa_sched_group *g1 = g_new0(struct ipa_sched_group, 4);
        int base = i < 2 ? 0 : 2;
        c1[0] = base;
        c1[1] = base + 1;
        c1[2] = base;
        c1[3] = base + 1;
        g1[0] = (struct ipa_sched_group){.nr_cores = 1, .cores = &c1[2]};
        g1[1] = (struct ipa_sched_group){.nr_cores = 1, .cores = &c1[3]};
        *d1 = (struct ipa_sched_domain){
            .level = 1, .nr_cores = 2, .cores = c1, .nr_groups = 2,
            .groups = g1, .local_group = i - base};
        g_ptr_array_add(h->storage, c1);
        g_ptr_array_add(h->storage, g1);

        struct ipa_sched_domain *d2 = &h->domains[i * 2 + 1];
        int *c2 = g_new(int, 8);
        struct ipa_sched_group *g2 = g_new0(struct ipa_sched_group, 4);
        for (int k = 0; k < 4; k++)
            c2[k] = c2[4 + k] = k;
        g2[0] = (struct ipa_sched_group){.nr_cores = 2, .cores = &c2[4]};
        g2[1] = (struct ipa_sched_group){.nr_cores = 2, .cores = &c2[6]};
        *d2 = (struct ipa_sched_domain){
            .level = 2, .nr_cores = 4, .cores = c2, .nr_groups = 2,
            .groups = g2, .local_group = i / 2};
        g_ptr_array_add(h->storage, c2);
        g_ptr_array_add(h->storage, g2);
    }
    return h;
}

static int *mut_cores(const int *p) { return (int *)p; }

static struct ipa_sched_group *mut_groups(const struct ipa_sched_group *p)
{
    return (struct ipa_sched_group *)p;
}

static void assert_invalid(struct ipa_hier *h, const char *want)
{
    GError *err = NULL;
    assert_false(ipa_hier_validate(h, &err));
    assert_true(g_error_matches(err, IPA_ERROR, IPA_ERROR_POLICY));
    if (strcmp(err->message, want) != 0)
        fail_msg("got '%s', want '%s'", err->message, want);
    g_error_free(err);
    ipa_hier_free(h);
}

static void test_hand_valid(void **state)
{
    (void)state;
    struct ipa_hier *h = hand_built();
    assert_valid(h);
    ipa_hier_free(h);
}

static void test_broken_overlap(void **state)
{
    (void)state;
    struct ipa_hier *h = hand_built();
    /* core 2's top domain: groups {0,1} {1,2,3} */
    struct ipa_sched_domain *d = &h->domains[2 * 2 + 1];
    int *extra = g_new(int, 3);
    extra[0] = 1, extra[1] = 2, extra[2] = 3;
    g_ptr_array_add(h->storage, extra);
    mut_groups(d->groups)[1] =
        (struct ipa_sched_group){.nr_cores = 3, .cores = extra};
    assert_invalid(h, "level 2, core 2: groups 0 and 1 both hold core 1");
}

static void test_broken_missing(void **state)
{
    (void)state;
    struct ipa_hier *h = hand_built();
    h->domains[1 * 2 + 1].nr_groups = 1; /* core 1's top: only {0,1} */
    assert_invalid(h, "level 2, core 1: core 2 of the domain is in no group");
}

static void test_broken_top(void **state)
{
    (void)state;
    struct ipa_hier *h = hand_built();
    /* core 0's top domain misses core 3 (and its groups follow). */
    struct ipa_sched_domain *d = &h->domains[0 * 2 + 1];
    d->nr_cores = 3;
    mut_groups(d->groups)[1].nr_cores = 1;
    assert_invalid(h, "level 2, core 0: top domain 0-2 does not hold every "
                      "core (missing core 3)");
}

static void test_broken_group_not_domain(void **state)
{
    (void)state;
    struct ipa_hier *h = hand_built();
    /* core 3's top: groups {0} {1} {2,3}: a partition, but {0} is no
     * level-1 domain. */
    struct ipa_sched_domain *d = &h->domains[3 * 2 + 1];
    struct ipa_sched_group *g = g_new0(struct ipa_sched_group, 3);
    g_ptr_array_add(h->storage, g);
    g[0] = (struct ipa_sched_group){.nr_cores = 1, .cores = &d->cores[0]};
    g[1] = (struct ipa_sched_group){.nr_cores = 1, .cores = &d->cores[1]};
    g[2] = (struct ipa_sched_group){.nr_cores = 2, .cores = &d->cores[2]};
    d->groups = g;
    d->nr_groups = 3;
    d->local_group = 2;
    assert_invalid(h, "level 2, core 3: group 0 {0} is not the level-1 "
                      "domain of core 0 {0-1}");
}

static void test_broken_not_own_core(void **state)
{
    (void)state;
    struct ipa_hier *h = hand_built();
    /* core 0's level-1 domain is core 2's. */
    h->domains[0 * 2] = h->domains[2 * 2];
    assert_invalid(h, "level 1, core 0: domain 2-3 does not contain the core "
                      "itself");
}

static void test_broken_local_group(void **state)
{
    (void)state;
    struct ipa_hier *h = hand_built();
    h->domains[1 * 2].local_group = 0;
    assert_invalid(h, "level 1, core 1: local group 0 does not hold the core");
}

static void test_broken_foreign_core(void **state)
{
    (void)state;
    struct ipa_hier *h = hand_built();
    mut_cores(h->domains[2 * 2].cores)[1] = 7;
    assert_invalid(h, "level 1, core 2: domain lists core 7, which is not in "
                      "the hierarchy");
}

static void test_broken_level_field(void **state)
{
    (void)state;
    struct ipa_hier *h = hand_built();
    h->domains[3 * 2 + 1].level = 1;
    assert_invalid(h, "level 2, core 3: domain says level 1");
}

static void test_print_invalid(void **state)
{
    (void)state;
    struct ipa_hier *h = hand_built();
    h->domains[1 * 2].local_group = 0;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    ipa_hier_print(h, NULL, out);
    fclose(out);
    assert_string_equal(buf, "hierarchy over cores 0-3: 2 levels\n"
                             "hierarchy: invalid: level 1, core 1: local "
                             "group 0 does not hold the core\n");
    free(buf);
    ipa_hier_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_smt),
        cmocka_unit_test(test_subset),
        cmocka_unit_test(test_shipped),
        cmocka_unit_test(test_64core_levels),
        cmocka_unit_test(test_hand_valid),
        cmocka_unit_test(test_broken_overlap),
        cmocka_unit_test(test_broken_missing),
        cmocka_unit_test(test_broken_top),
        cmocka_unit_test(test_broken_group_not_domain),
        cmocka_unit_test(test_broken_not_own_core),
        cmocka_unit_test(test_broken_local_group),
        cmocka_unit_test(test_broken_foreign_core),
        cmocka_unit_test(test_broken_level_field),
        cmocka_unit_test(test_print_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
