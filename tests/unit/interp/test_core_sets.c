/*
 * test_core_sets.c - dsl.h's walks of a core array within a runtime core
 * set (ipa_dsl_next_in) and lookups in one (ipa_dsl_find_core), against
 * testing every core: arrays with runs and gaps, sets sparse and dense,
 * machines across word boundaries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>

#include <ipasim/dsl.h>

#define MAX_CORES 1100

/* Ascending encoded cores of a @nr_cores machine: runs kept with
 * probability @keep_pct, each core of a run kept with @dense_pct. */
static int make_array(GRand *r, int nr_cores, int keep_pct, int dense_pct,
                      int64_t *out)
{
    int n = 0;
    for (int c = 0; c < nr_cores;) {
        int run = g_rand_int_range(r, 1, 40);
        bool keep = g_rand_int_range(r, 0, 100) < keep_pct;
        for (int k = 0; k < run && c < nr_cores; k++, c++)
            if (keep && g_rand_int_range(r, 0, 100) < dense_pct)
                out[n++] = c + 1;
    }
    return n;
}

static bool in_set(const uint64_t *set, int core)
{
    return set[core / 64] >> (core % 64) & 1;
}

static void test_next_in_matches_testing_every_core(void **state)
{
    (void)state;
    GRand *r = g_rand_new_with_seed(7);
    static const int machines[] = {1, 2, 63, 64, 65, 128, 200, 1024, 1090};
    static const int densities[] = {0, 1, 10, 50, 100};
    int walks = 0, found = 0;
    for (size_t m = 0; m < G_N_ELEMENTS(machines); m++) {
        int nr = machines[m];
        for (size_t d = 0; d < G_N_ELEMENTS(densities); d++) {
            for (int round = 0; round < 20; round++) {
                int64_t cores[MAX_CORES];
                uint64_t set[MAX_CORES / 64 + 1] = {0};
                int n = make_array(r, nr, round % 4 ? 70 : 100,
                                   round % 3 ? 100 : 60, cores);
                for (int c = 0; c < nr; c++)
                    if (g_rand_int_range(r, 0, 100) < densities[d])
                        set[c / 64] |= (uint64_t)1 << (c % 64);
                int64_t want[MAX_CORES];
                int nw = 0;
                for (int i = 0; i < n; i++)
                    if (in_set(set, (int)cores[i] - 1))
                        want[nw++] = cores[i];
                int i = 0, got = 0;
                int64_t v;
                while ((v = ipa_dsl_next_in(set, cores, n, &i))) {
                    assert_true(got < nw);
                    assert_int_equal(v, want[got]);
                    got++;
                    assert_true(i <= n);
                }
                assert_int_equal(got, nw);
                /* once done it stays done */
                assert_int_equal(ipa_dsl_next_in(set, cores, n, &i), 0);
                walks++;
                found += got;
            }
        }
    }
    assert_true(walks == 9 * 5 * 20);
    assert_true(found > 1000); /* the dense sets did find cores */
    g_rand_free(r);
}

static void test_find_core_matches_testing_every_core(void **state)
{
    (void)state;
    GRand *r = g_rand_new_with_seed(11);
    for (int round = 0; round < 200; round++) {
        int nr = g_rand_int_range(r, 1, MAX_CORES);
        int64_t cores[MAX_CORES];
        int n = make_array(r, nr, 60, round % 2 ? 100 : 50, cores);
        for (int64_t core = -2; core <= nr + 2; core++) {
            int64_t want = 0;
            for (int i = 0; i < n; i++)
                if (cores[i] == core)
                    want = core;
            assert_int_equal(ipa_dsl_find_core(cores, n, core), want);
        }
    }
    g_rand_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_next_in_matches_testing_every_core),
        cmocka_unit_test(test_find_core_matches_testing_every_core),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
