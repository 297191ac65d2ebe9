/*
 * test_wc.c - the work-conservation monitor: hand-computed scenarios with
 * exact numbers, bug assertions (in a forked child), and a long randomized
 * run against a brute-force reference that recomputes E and W from scratch
 * at every commit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "monitor/wc.h"
#include "util/cpuset.h"

static const int cores4[] = {0, 1, 2, 3};

static void assert_ints(const int *got, int n, const int *want, int m)
{
    assert_int_equal(n, m);
    for (int i = 0; i < m; i++)
        assert_int_equal(got[i], want[i]);
}

static const struct ipa_wc_interval *flagged(const struct ipa_wc_result *r,
                                             guint i)
{
    assert_true(i < r->flagged->len);
    return &g_array_index(r->flagged, struct ipa_wc_interval, i);
}

/* (a) one thread waits while a core is idle from 10 to 35. */
static void test_single_interval(void **state)
{
    (void)state;
    struct ipa_wc *wc = ipa_wc_new(cores4, 2, 2, 0);
    ipa_wc_core_idle(wc, 0, true);
    ipa_wc_commit(wc, 5);
    assert_false(ipa_wc_violating(wc));
    ipa_wc_thread_waiting(wc, 7, NULL, true);
    ipa_wc_commit(wc, 10);
    assert_true(ipa_wc_violating(wc));
    ipa_wc_commit(wc, 20); /* an unrelated event */
    assert_true(ipa_wc_violating(wc));
    ipa_wc_thread_waiting(wc, 7, NULL, false);
    ipa_wc_commit(wc, 35);
    assert_false(ipa_wc_violating(wc));
    const struct ipa_wc_result *r = ipa_wc_finish(wc, 40);
    assert_int_equal(r->violations, 1);
    assert_int_equal(r->wasted_core_ns, 25);
    assert_int_equal(r->longest_ns, 25);
    assert_int_equal(r->flagged->len, 1);
    const struct ipa_wc_interval *iv = flagged(r, 0);
    assert_int_equal(iv->start_ns, 10);
    assert_int_equal(iv->end_ns, 35);
    assert_int_equal(iv->wasted_core_ns, 25);
    assert_int_equal(iv->max_idle, 1);
    assert_int_equal(iv->max_waiting, 1);
    assert_ints(iv->cores, iv->nr_cores, (int[]){0}, 1);
    assert_ints(iv->threads, iv->nr_threads, (int[]){7}, 1);
    ipa_wc_free(wc);
}

/* (b) three idle cores, two waiting threads, for 10 ns: min(3, 2) * 10. */
static void test_min_of_counts(void **state)
{
    (void)state;
    struct ipa_wc *wc = ipa_wc_new(cores4, 4, 4, 0);
    for (int c = 0; c < 3; c++) {
        ipa_wc_core_idle(wc, c, true);
        ipa_wc_commit(wc, 100);
    }
    ipa_wc_thread_waiting(wc, 1, NULL, true);
    ipa_wc_commit(wc, 100);
    ipa_wc_thread_waiting(wc, 2, NULL, true);
    ipa_wc_commit(wc, 100);
    ipa_wc_thread_waiting(wc, 1, NULL, false);
    ipa_wc_commit(wc, 110);
    ipa_wc_thread_waiting(wc, 2, NULL, false);
    ipa_wc_commit(wc, 110);
    const struct ipa_wc_result *r = ipa_wc_finish(wc, 200);
    /* min(3,2) for 10 ns, then min(3,1) for 0 ns */
    assert_int_equal(r->wasted_core_ns, 20);
    assert_int_equal(r->violations, 1);
    assert_int_equal(r->longest_ns, 10);
    const struct ipa_wc_interval *iv = flagged(r, 0);
    assert_int_equal(iv->max_idle, 3);
    assert_int_equal(iv->max_waiting, 2);
    assert_ints(iv->cores, iv->nr_cores, (int[]){0, 1, 2}, 3);
    assert_ints(iv->threads, iv->nr_threads, (int[]){1, 2}, 2);
    ipa_wc_free(wc);
}

/* (c) a thread allowed only on core 1 does not make idle core 0 a waste. */
static void test_affinity_no_violation(void **state)
{
    (void)state;
    uint64_t only1[1] = {0};
    ipa_cpuset_set(only1, 1);
    struct ipa_wc *wc = ipa_wc_new(cores4, 2, 2, 0);
    ipa_wc_core_idle(wc, 0, true);
    ipa_wc_commit(wc, 0);
    ipa_wc_thread_waiting(wc, 3, only1, true);
    ipa_wc_commit(wc, 0);
    assert_false(ipa_wc_violating(wc));
    ipa_wc_commit(wc, 15);
    assert_false(ipa_wc_violating(wc));
    ipa_wc_core_idle(wc, 1, true);
    ipa_wc_commit(wc, 20);
    assert_true(ipa_wc_violating(wc));
    const struct ipa_wc_result *r = ipa_wc_finish(wc, 30);
    assert_int_equal(r->violations, 1);
    assert_int_equal(r->wasted_core_ns, 10);
    const struct ipa_wc_interval *iv = flagged(r, 0);
    assert_int_equal(iv->start_ns, 20);
    assert_int_equal(iv->end_ns, 30);
    assert_int_equal(iv->max_idle, 1);
    /* core 0 is idle but no waiting thread may use it */
    assert_ints(iv->cores, iv->nr_cores, (int[]){1}, 1);
    assert_ints(iv->threads, iv->nr_threads, (int[]){3}, 1);
    ipa_wc_free(wc);
}

/* (d) two threads allowed only on core 2, cores 2 and 3 idle: rate 1. */
static void test_affinity_shared_core(void **state)
{
    (void)state;
    uint64_t only2[1] = {0};
    ipa_cpuset_set(only2, 2);
    struct ipa_wc *wc = ipa_wc_new(cores4, 4, 4, 0);
    ipa_wc_core_idle(wc, 2, true);
    ipa_wc_commit(wc, 0);
    ipa_wc_core_idle(wc, 3, true);
    ipa_wc_commit(wc, 0);
    ipa_wc_thread_waiting(wc, 1, only2, true);
    ipa_wc_commit(wc, 0);
    ipa_wc_thread_waiting(wc, 2, only2, true);
    ipa_wc_commit(wc, 0);
    const struct ipa_wc_result *r = ipa_wc_finish(wc, 10);
    assert_int_equal(r->wasted_core_ns, 10);
    const struct ipa_wc_interval *iv = flagged(r, 0);
    assert_int_equal(iv->max_idle, 1);
    assert_int_equal(iv->max_waiting, 2);
    assert_ints(iv->cores, iv->nr_cores, (int[]){2}, 1);
    assert_ints(iv->threads, iv->nr_threads, (int[]){1, 2}, 2);
    ipa_wc_free(wc);
}

/* (e) an interval opened and closed at the same time stamp is dropped. */
static void test_zero_length(void **state)
{
    (void)state;
    struct ipa_wc *wc = ipa_wc_new(cores4, 2, 2, 0);
    ipa_wc_core_idle(wc, 1, true);
    ipa_wc_commit(wc, 50);
    ipa_wc_thread_waiting(wc, 4, NULL, true);
    ipa_wc_commit(wc, 50);
    assert_true(ipa_wc_violating(wc));
    ipa_wc_core_idle(wc, 1, false);
    ipa_wc_commit(wc, 50);
    assert_false(ipa_wc_violating(wc));
    const struct ipa_wc_result *r = ipa_wc_finish(wc, 100);
    assert_int_equal(r->violations, 0);
    assert_int_equal(r->wasted_core_ns, 0);
    assert_int_equal(r->longest_ns, 0);
    assert_int_equal(r->flagged->len, 0);
    ipa_wc_free(wc);
}

/* (f) intervals of 5 and 50 ns with threshold 20: both count, one flagged. */
static void test_threshold(void **state)
{
    (void)state;
    struct ipa_wc *wc = ipa_wc_new(cores4, 2, 2, 20);
    ipa_wc_core_idle(wc, 0, true);
    ipa_wc_commit(wc, 10);
    ipa_wc_thread_waiting(wc, 1, NULL, true);
    ipa_wc_commit(wc, 10);
    ipa_wc_thread_waiting(wc, 1, NULL, false);
    ipa_wc_commit(wc, 15);
    ipa_wc_core_idle(wc, 1, true);
    ipa_wc_commit(wc, 100);
    ipa_wc_thread_waiting(wc, 2, NULL, true);
    ipa_wc_commit(wc, 100);
    ipa_wc_thread_waiting(wc, 5, NULL, true);
    ipa_wc_commit(wc, 120);
    ipa_wc_thread_waiting(wc, 2, NULL, false);
    ipa_wc_commit(wc, 150);
    ipa_wc_thread_waiting(wc, 5, NULL, false);
    ipa_wc_commit(wc, 150);
    const struct ipa_wc_result *r = ipa_wc_finish(wc, 300);
    assert_int_equal(r->violations, 2);
    assert_int_equal(r->longest_ns, 50);
    assert_int_equal(r->threshold_ns, 20);
    /* 5 * 1 + 20 * min(2,1) + 30 * min(2,2) */
    assert_int_equal(r->wasted_core_ns, 85);
    assert_int_equal(r->flagged->len, 1);
    const struct ipa_wc_interval *iv = flagged(r, 0);
    assert_int_equal(iv->start_ns, 100);
    assert_int_equal(iv->end_ns, 150);
    assert_int_equal(iv->wasted_core_ns, 80);
    assert_int_equal(iv->max_idle, 2);
    assert_int_equal(iv->max_waiting, 2);
    assert_ints(iv->cores, iv->nr_cores, (int[]){0, 1}, 2);
    assert_ints(iv->threads, iv->nr_threads, (int[]){2, 5}, 2);
    ipa_wc_free(wc);
}

/* (g) members that join during the interval are listed, leavers stay. */
static void test_membership_grows(void **state)
{
    (void)state;
    struct ipa_wc *wc = ipa_wc_new(cores4, 4, 4, 0);
    ipa_wc_core_idle(wc, 3, true);
    ipa_wc_commit(wc, 0);
    ipa_wc_thread_waiting(wc, 9, NULL, true);
    ipa_wc_commit(wc, 0);
    ipa_wc_core_idle(wc, 1, true);
    ipa_wc_commit(wc, 10);
    ipa_wc_thread_waiting(wc, 4, NULL, true);
    ipa_wc_commit(wc, 20);
    ipa_wc_core_idle(wc, 3, false);
    ipa_wc_commit(wc, 30);
    ipa_wc_thread_waiting(wc, 9, NULL, false);
    ipa_wc_commit(wc, 40);
    ipa_wc_thread_waiting(wc, 4, NULL, false);
    ipa_wc_commit(wc, 50);
    const struct ipa_wc_result *r = ipa_wc_finish(wc, 60);
    /* rates 1, 1, 2, 1, 1 over five 10 ns steps */
    assert_int_equal(r->wasted_core_ns, 60);
    assert_int_equal(r->violations, 1);
    const struct ipa_wc_interval *iv = flagged(r, 0);
    assert_int_equal(iv->start_ns, 0);
    assert_int_equal(iv->end_ns, 50);
    assert_int_equal(iv->max_idle, 2);
    assert_int_equal(iv->max_waiting, 2);
    assert_ints(iv->cores, iv->nr_cores, (int[]){1, 3}, 2);
    assert_ints(iv->threads, iv->nr_threads, (int[]){4, 9}, 2);
    ipa_wc_free(wc);
}

/*
 * (g') the same with affinities: a waiting thread joins W when a core it
 * may use goes idle, and a thread that never sees an allowed idle core is
 * not listed.
 */
static void test_membership_affinity(void **state)
{
    (void)state;
    uint64_t a23[1] = {0}, a0[1] = {0}, a1[1] = {0};
    ipa_cpuset_set(a23, 2);
    ipa_cpuset_set(a23, 3);
    ipa_cpuset_set(a0, 0);
    ipa_cpuset_set(a1, 1);
    struct ipa_wc *wc = ipa_wc_new(cores4, 4, 4, 0);
    ipa_wc_core_idle(wc, 2, true);
    ipa_wc_commit(wc, 0);
    ipa_wc_thread_waiting(wc, 1, a23, true);
    ipa_wc_commit(wc, 0);
    ipa_wc_thread_waiting(wc, 2, a0, true);
    ipa_wc_commit(wc, 10);
    ipa_wc_core_idle(wc, 0, true);
    ipa_wc_commit(wc, 20);
    ipa_wc_core_idle(wc, 3, true);
    ipa_wc_commit(wc, 30);
    ipa_wc_thread_waiting(wc, 3, a1, true);
    ipa_wc_commit(wc, 40);
    ipa_wc_thread_waiting(wc, 1, NULL, false);
    ipa_wc_commit(wc, 50);
    assert_true(ipa_wc_violating(wc));
    ipa_wc_thread_waiting(wc, 2, NULL, false);
    ipa_wc_commit(wc, 60);
    assert_false(ipa_wc_violating(wc));
    const struct ipa_wc_result *r = ipa_wc_finish(wc, 70);
    /* rates 1, 1, 2, 2, 2, 1 over six 10 ns steps */
    assert_int_equal(r->wasted_core_ns, 90);
    assert_int_equal(r->violations, 1);
    const struct ipa_wc_interval *iv = flagged(r, 0);
    assert_int_equal(iv->end_ns, 60);
    assert_int_equal(iv->max_idle, 3);
    assert_int_equal(iv->max_waiting, 2);
    assert_ints(iv->cores, iv->nr_cores, (int[]){0, 2, 3}, 3);
    assert_ints(iv->threads, iv->nr_threads, (int[]){1, 2}, 2);
    ipa_wc_free(wc);
}

/* (h) finish closes an open interval at its time stamp. */
static void test_finish_closes(void **state)
{
    (void)state;
    struct ipa_wc *wc = ipa_wc_new(cores4, 4, 4, 25);
    ipa_wc_core_idle(wc, 2, true);
    ipa_wc_commit(wc, 10);
    ipa_wc_thread_waiting(wc, 1000, NULL, true);
    ipa_wc_commit(wc, 10);
    const struct ipa_wc_result *r = ipa_wc_finish(wc, 40);
    assert_false(ipa_wc_violating(wc));
    assert_int_equal(r->violations, 1);
    assert_int_equal(r->wasted_core_ns, 30);
    assert_int_equal(r->longest_ns, 30);
    const struct ipa_wc_interval *iv = flagged(r, 0);
    assert_int_equal(iv->start_ns, 10);
    assert_int_equal(iv->end_ns, 40);
    assert_ints(iv->threads, iv->nr_threads, (int[]){1000}, 1);
    assert_ptr_equal(ipa_wc_finish(wc, 50), r);
    assert_int_equal(r->violations, 1);
    ipa_wc_free(wc);
}

/* An affinity covering every watched core counts as no restriction. */
static void test_unwatched_bits_ignored(void **state)
{
    (void)state;
    static const int odd[] = {1, 3};
    uint64_t a13[1] = {0}, a0[1] = {0};
    ipa_cpuset_set(a13, 1);
    ipa_cpuset_set(a13, 3);
    ipa_cpuset_set(a0, 0);
    struct ipa_wc *wc = ipa_wc_new(odd, 2, 4, 0);
    ipa_wc_core_idle(wc, 1, true);
    ipa_wc_core_idle(wc, 3, true);
    ipa_wc_thread_waiting(wc, 1, a13, true);
    ipa_wc_thread_waiting(wc, 2, a0, true); /* no watched core allowed */
    ipa_wc_commit(wc, 0);
    const struct ipa_wc_result *r = ipa_wc_finish(wc, 10);
    assert_int_equal(r->wasted_core_ns, 10);
    const struct ipa_wc_interval *iv = flagged(r, 0);
    assert_int_equal(iv->max_idle, 2);
    assert_int_equal(iv->max_waiting, 1);
    assert_ints(iv->cores, iv->nr_cores, (int[]){1, 3}, 2);
    assert_ints(iv->threads, iv->nr_threads, (int[]){1}, 1);
    ipa_wc_free(wc);
}

/* Bugs abort: run @fn in a child and expect SIGABRT. */
static void expect_abort(void (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stderr))
            _exit(3);
        fn();
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void idle_twice(void)
{
    struct ipa_wc *wc = ipa_wc_new(cores4, 2, 2, 0);
    ipa_wc_core_idle(wc, 0, true);
    ipa_wc_core_idle(wc, 0, true);
}

static void busy_twice(void)
{
    struct ipa_wc *wc = ipa_wc_new(cores4, 2, 2, 0);
    ipa_wc_core_idle(wc, 0, false);
}

static void unwatched_core(void)
{
    static const int odd[] = {1, 3};
    struct ipa_wc *wc = ipa_wc_new(odd, 2, 4, 0);
    ipa_wc_core_idle(wc, 2, true);
}

static void wait_twice(void)
{
    struct ipa_wc *wc = ipa_wc_new(cores4, 2, 2, 0);
    ipa_wc_thread_waiting(wc, 5, NULL, true);
    ipa_wc_thread_waiting(wc, 5, NULL, true);
}

static void stop_not_waiting(void)
{
    struct ipa_wc *wc = ipa_wc_new(cores4, 2, 2, 0);
    ipa_wc_thread_waiting(wc, 5, NULL, true);
    ipa_wc_thread_waiting(wc, 4, NULL, false);
}

static void time_backwards(void)
{
    struct ipa_wc *wc = ipa_wc_new(cores4, 2, 2, 0);
    ipa_wc_commit(wc, 10);
    ipa_wc_commit(wc, 9);
}

static void test_bugs_abort(void **state)
{
    (void)state;
    expect_abort(idle_twice);
    expect_abort(busy_twice);
    expect_abort(unwatched_core);
    expect_abort(wait_twice);
    expect_abort(stop_not_waiting);
    expect_abort(time_backwards);
}

/* --- (i) randomized against a brute-force reference --- */

#define R_MAX_CORE 128
#define R_WORDS 2
#define R_TIDS 200

struct world {
    int max_core, words;
    int watched[R_MAX_CORE], nr_watched;
    uint64_t watched_mask[R_WORDS];
    uint64_t idle[R_WORDS];
    bool waiting[R_TIDS];
    uint64_t aff_store[R_TIDS][R_WORDS];
    const uint64_t *aff[R_TIDS];
};

static int tid_of(int i)
{
    /* sparse, so that the tid arrays grow several times and the waiting
     * threads span several summary words (4,096 tids each) */
    return i * 97 + 1;
}

struct ref {
    uint64_t last_ns, rate, threshold_ns;
    bool open;
    struct ipa_wc_interval cur;
    bool core_member[R_MAX_CORE], thread_member[R_TIDS];
    uint64_t violations, wasted_core_ns, longest_ns;
    GArray *flagged;
};

static void ref_close(struct ref *ref, uint64_t now_ns)
{
    uint64_t len = now_ns - ref->cur.start_ns;
    ref->open = false;
    if (len == 0)
        return;
    ref->violations++;
    if (len > ref->longest_ns)
        ref->longest_ns = len;
    if (len < ref->threshold_ns)
        return;
    struct ipa_wc_interval iv = ref->cur;
    iv.end_ns = now_ns;
    iv.cores = g_new(int, R_MAX_CORE);
    iv.threads = g_new(int, R_TIDS);
    for (int c = 0; c < R_MAX_CORE; c++)
        if (ref->core_member[c])
            iv.cores[iv.nr_cores++] = c;
    for (int i = 0; i < R_TIDS; i++)
        if (ref->thread_member[i])
            iv.threads[iv.nr_threads++] = tid_of(i);
    g_array_append_val(ref->flagged, iv);
}

/* Recomputes E and W from the whole world, as the definition reads. */
static void ref_commit(struct ref *ref, const struct world *w, uint64_t now_ns)
{
    uint64_t wasted = ref->rate * (now_ns - ref->last_ns);
    ref->wasted_core_ns += wasted;
    if (ref->open)
        ref->cur.wasted_core_ns += wasted;
    ref->last_ns = now_ns;

    uint64_t e[R_WORDS] = {0};
    bool in_w[R_TIDS] = {false};
    int nr_w = 0;
    for (int i = 0; i < R_TIDS; i++) {
        if (!w->waiting[i])
            continue;
        bool any = false;
        for (int k = 0; k < w->words; k++) {
            uint64_t allowed = w->aff[i] ? w->aff[i][k] : ~UINT64_C(0);
            uint64_t m = allowed & w->idle[k];
            e[k] |= m;
            any |= m != 0;
        }
        in_w[i] = any;
        nr_w += any;
    }
    int nr_e = ipa_cpuset_count(e, w->words);
    int rate = nr_e < nr_w ? nr_e : nr_w;
    if (ref->open && rate == 0) {
        ref_close(ref, now_ns);
    } else if (!ref->open && rate > 0) {
        ref->open = true;
        memset(&ref->cur, 0, sizeof(ref->cur));
        ref->cur.start_ns = now_ns;
        memset(ref->core_member, 0, sizeof(ref->core_member));
        memset(ref->thread_member, 0, sizeof(ref->thread_member));
    }
    if (ref->open) {
        for (int c = 0; c < w->max_core; c++)
            if (ipa_cpuset_test(e, c))
                ref->core_member[c] = true;
        for (int i = 0; i < R_TIDS; i++)
            if (in_w[i])
                ref->thread_member[i] = true;
        if (nr_e > ref->cur.max_idle)
            ref->cur.max_idle = nr_e;
        if (nr_w > ref->cur.max_waiting)
            ref->cur.max_waiting = nr_w;
    }
    ref->rate = (uint64_t)rate;
}

static void ref_clear_interval(gpointer p)
{
    struct ipa_wc_interval *iv = p;
    g_free(iv->cores);
    g_free(iv->threads);
}

static void make_affinity(struct world *w, GRand *rng, int i, int mode)
{
    uint64_t *a = w->aff_store[i];
    memset(a, 0, sizeof(w->aff_store[i]));
    w->aff[i] = a;
    switch (mode) {
    case 0: /* every core */
        w->aff[i] = NULL;
        break;
    case 1: /* exactly the watched cores, plus some unwatched ones */
        memcpy(a, w->watched_mask, sizeof(w->watched_mask));
        for (int c = 0; c < w->max_core; c++)
            if (g_rand_int_range(rng, 0, 4) == 0)
                ipa_cpuset_set(a, c);
        break;
    case 2: /* one watched core */
        ipa_cpuset_set(a, w->watched[g_rand_int_range(rng, 0, w->nr_watched)]);
        break;
    case 3: /* sparse */
        for (int c = 0; c < w->max_core; c++)
            if (g_rand_int_range(rng, 0, 12) == 0)
                ipa_cpuset_set(a, c);
        break;
    case 4: /* dense but missing some */
        for (int c = 0; c < w->max_core; c++)
            if (g_rand_int_range(rng, 0, 10) < 8)
                ipa_cpuset_set(a, c);
        break;
    default: /* no watched core at all */
        for (int c = 0; c < w->max_core; c++)
            if (!ipa_cpuset_test(w->watched_mask, c))
                ipa_cpuset_set(a, c);
        break;
    }
}

/* Affinity mixes per phase: weights of the make_affinity modes. */
static const int mixes[][6] = {
    {1, 0, 0, 0, 0, 0}, /* fast path only */
    {4, 2, 1, 1, 1, 0}, /* mostly unrestricted */
    {0, 0, 3, 3, 2, 1}, /* all restricted */
    {1, 1, 6, 1, 0, 0}, /* pinned threads */
    {1, 0, 1, 4, 1, 1}, /* sparse */
};
/* Phase regimes: chance that a core event leaves it idle, that a thread
 * event leaves it waiting. Low pairs make many short intervals. */
static const double regimes[][2] = {
    {0.0, 0.3},   {0.5, 0.0},   {0.005, 0.002}, {0.01, 0.005},
    {0.02, 0.01}, {0.005, 0.3}, {0.5, 0.002},   {0.15, 0.05},
    {0.5, 0.3},   {1.0, 0.8},   {0.01, 0.002},  {0.003, 0.01},
};

static int pick_mode(GRand *rng, const int *weights)
{
    int total = 0;
    for (int m = 0; m < 6; m++)
        total += weights[m];
    int x = g_rand_int_range(rng, 0, total);
    for (int m = 0; m < 6; m++) {
        if (x < weights[m])
            return m;
        x -= weights[m];
    }
    return 0;
}

static void compare(const struct ipa_wc_result *r, const struct ref *ref)
{
    assert_int_equal(r->violations, ref->violations);
    assert_int_equal(r->wasted_core_ns, ref->wasted_core_ns);
    assert_int_equal(r->longest_ns, ref->longest_ns);
    assert_int_equal(r->flagged->len, ref->flagged->len);
    for (guint i = 0; i < r->flagged->len; i++) {
        const struct ipa_wc_interval *a =
            &g_array_index(r->flagged, struct ipa_wc_interval, i);
        const struct ipa_wc_interval *b =
            &g_array_index(ref->flagged, struct ipa_wc_interval, i);
        assert_int_equal(a->start_ns, b->start_ns);
        assert_int_equal(a->end_ns, b->end_ns);
        assert_int_equal(a->wasted_core_ns, b->wasted_core_ns);
        assert_int_equal(a->max_idle, b->max_idle);
        assert_int_equal(a->max_waiting, b->max_waiting);
        assert_ints(a->cores, a->nr_cores, b->cores, b->nr_cores);
        assert_ints(a->threads, a->nr_threads, b->threads, b->nr_threads);
    }
}

static void run_random(guint32 seed, int max_core, int nr_watched,
                       uint64_t threshold_ns, int steps)
{
    GRand *rng = g_rand_new_with_seed(seed);
    struct world *w = g_new0(struct world, 1);
    w->max_core = max_core;
    w->words = ipa_cpuset_words(max_core);
    assert_true(w->words <= R_WORDS);
    /* a random subset of nr_watched cores, ascending */
    for (int c = 0, left = nr_watched; c < max_core; c++) {
        if (g_rand_int_range(rng, 0, max_core - c) < left) {
            w->watched[w->nr_watched++] = c;
            ipa_cpuset_set(w->watched_mask, c);
            left--;
        }
    }
    assert_int_equal(w->nr_watched, nr_watched);

    struct ref ref = {.threshold_ns = threshold_ns};
    ref.flagged = g_array_new(FALSE, TRUE, sizeof(struct ipa_wc_interval));
    g_array_set_clear_func(ref.flagged, ref_clear_interval);
    struct ipa_wc *wc =
        ipa_wc_new(w->watched, w->nr_watched, max_core, threshold_ns);

    uint64_t now = 0;
    double p_idle = 0, p_wait = 0;
    const int *mix = mixes[0];
    /* events touch a window of the cores and threads: a small one flickers */
    int core_lo = 0, nr_hot_cores = nr_watched, tid_lo = 0, nr_hot = R_TIDS;
    uint64_t open_commits = 0;
    for (int step = 0, phase_end = 0; step < steps; step++) {
        if (step == phase_end) {
            phase_end += g_rand_int_range(rng, 50, 2000);
            int k = g_rand_int_range(rng, 0, G_N_ELEMENTS(regimes));
            p_idle = regimes[k][0];
            p_wait = regimes[k][1];
            mix = mixes[g_rand_int_range(rng, 0, G_N_ELEMENTS(mixes))];
            bool small = g_rand_int_range(rng, 0, 3) == 0;
            nr_hot_cores = small ? 3 : nr_watched;
            core_lo = g_rand_int_range(rng, 0, nr_watched - nr_hot_cores + 1);
            nr_hot = small ? 5 : R_TIDS;
            tid_lo = g_rand_int_range(rng, 0, R_TIDS - nr_hot + 1);
        }
        /* mostly one event per commit, sometimes a burst */
        int events =
            g_rand_int_range(rng, 0, 8) == 0 ? g_rand_int_range(rng, 2, 5) : 1;
        for (int e = 0; e < events; e++) {
            if (g_rand_boolean(rng)) {
                int c = w->watched[core_lo +
                                   g_rand_int_range(rng, 0, nr_hot_cores)];
                bool want = g_rand_double(rng) < p_idle;
                if (want != ipa_cpuset_test(w->idle, c)) {
                    if (want)
                        ipa_cpuset_set(w->idle, c);
                    else
                        ipa_cpuset_clear(w->idle, c);
                    ipa_wc_core_idle(wc, c, want);
                }
            } else {
                int i = tid_lo + g_rand_int_range(rng, 0, nr_hot);
                bool want = g_rand_double(rng) < p_wait;
                if (want == w->waiting[i])
                    continue;
                if (want)
                    make_affinity(w, rng, i, pick_mode(rng, mix));
                w->waiting[i] = want;
                ipa_wc_thread_waiting(wc, tid_of(i), w->aff[i], want);
            }
        }
        if (g_rand_int_range(rng, 0, 3) != 0)
            now += (uint64_t)g_rand_int_range(rng, 1, 13);
        ipa_wc_commit(wc, now);
        ref_commit(&ref, w, now);
        assert_int_equal(ipa_wc_violating(wc), ref.open);
        open_commits += ref.open;
    }
    now += 7;
    ref_commit(&ref, w, now);
    if (ref.open)
        ref_close(&ref, now);
    const struct ipa_wc_result *r = ipa_wc_finish(wc, now);
    compare(r, &ref);

    /* the run must have exercised both kinds of interval */
    assert_true(ref.violations >= 200);
    assert_true(ref.flagged->len >= 100);
    if (threshold_ns > 0)
        assert_true(ref.flagged->len < ref.violations);
    assert_true(open_commits > 1000);

    ipa_wc_free(wc);
    g_array_free(ref.flagged, TRUE);
    g_free(w);
    g_rand_free(rng);
}

static void test_random_all_watched(void **state)
{
    (void)state;
    run_random(1, 70, 70, 30, 250000);
    run_random(2, 70, 70, 200, 250000);
}

static void test_random_partition(void **state)
{
    (void)state;
    /* 70 watched cores out of 128: affinities also name unwatched cores */
    run_random(3, 128, 70, 60, 250000);
    run_random(4, 128, 70, 0, 250000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_interval),
        cmocka_unit_test(test_min_of_counts),
        cmocka_unit_test(test_affinity_no_violation),
        cmocka_unit_test(test_affinity_shared_core),
        cmocka_unit_test(test_zero_length),
        cmocka_unit_test(test_threshold),
        cmocka_unit_test(test_membership_grows),
        cmocka_unit_test(test_membership_affinity),
        cmocka_unit_test(test_finish_closes),
        cmocka_unit_test(test_unwatched_bits_ignored),
        cmocka_unit_test(test_bugs_abort),
        cmocka_unit_test(test_random_all_watched),
        cmocka_unit_test(test_random_partition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
