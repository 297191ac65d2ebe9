/*
 * test_recorder.c - the recorder behind --plot, --perfetto and --ascii:
 * exact records and time buckets on hand-computed event sequences, the
 * pairwise folding that bounds memory, and the cut-off of exact records.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/sim.h"
#include "report/recorder.h"

#include "tiny_run.h"

#define R IPA_STATE_READY
#define N IPA_STATE_NOT_QUEUED
#define RUN IPA_STATE_RUNNING
#define TICK IPA_STATE_READY_TICK
#define MIG IPA_STATE_MIGRATING
#define BLK IPA_STATE_BLOCKED

static void change(struct ipa_sim_observer *o, uint64_t t, int core, int tid,
                   enum ipa_state from, enum ipa_state to)
{
    o->state_change(o->ctx, t, "test", core, tid, from, to);
}

/*
 * Two cores, buckets of 10 ns, 4 per core:
 *   0: tid 0 arrives on core 0 and runs          rq0: 1 then 0
 *   5: tid 1 (woken by tid 0 on core 0) queues   rq0: 1
 *  25: tick: tid 0 -> READY_TICK -> READY, tid 1 runs   rq0: 2, then 1
 *  30: tid 1 blocks; tid 0 moves to core 1 and runs     rq0: 0
 *  50: end. 50 > 4 x 10: the buckets fold once to 20 ns.
 */
static struct ipa_recorder *hand_run(size_t max_exact)
{
    struct ipa_recorder_limits limits = {
        .max_exact = max_exact, .nr_buckets = 4, .bucket_ns = 10};
    struct ipa_recorder *rec = ipa_recorder_new(2, &limits);
    struct ipa_sim_observer o;
    ipa_recorder_observer(rec, &o);
    change(&o, 0, 0, 0, N, R);
    change(&o, 0, 0, 0, R, RUN);
    o.wakeup(o.ctx, 5, 1, false, 0, 0);
    change(&o, 5, 0, 1, BLK, R);
    change(&o, 25, 0, 0, RUN, TICK);
    change(&o, 25, 0, 0, TICK, R);
    change(&o, 25, 0, 1, R, RUN);
    change(&o, 30, 0, 1, RUN, BLK);
    change(&o, 30, 1, 0, R, MIG);
    change(&o, 30, 1, 0, MIG, R);
    change(&o, 30, 1, 0, R, RUN);
    ipa_recorder_finish(rec, 50);
    return rec;
}

static void test_exact_records(void **state)
{
    (void)state;
    struct ipa_recorder *rec = hand_run(0);
    assert_true(ipa_recorder_complete(rec));
    assert_int_equal(rec->segments->len, 3);
    const struct ipa_rec_segment *s =
        (const struct ipa_rec_segment *)rec->segments->data;
    assert_int_equal(s[0].start_ns, 0);
    assert_int_equal(s[0].end_ns, 25);
    assert_int_equal(s[0].tid, 0);
    assert_int_equal(s[1].start_ns, 25);
    assert_int_equal(s[1].end_ns, 30);
    assert_int_equal(s[1].tid, 1);
    assert_int_equal(s[2].core, 1);
    assert_int_equal(s[2].start_ns, 30);
    assert_int_equal(s[2].end_ns, 50);

    assert_int_equal(rec->migrations->len, 1);
    const struct ipa_rec_migration *m =
        (const struct ipa_rec_migration *)rec->migrations->data;
    assert_int_equal(m->time_ns, 30);
    assert_int_equal(m->from_core, 0);
    assert_int_equal(m->to_core, 1);

    assert_int_equal(rec->wakeups->len, 1);
    const struct ipa_rec_wakeup *w =
        (const struct ipa_rec_wakeup *)rec->wakeups->data;
    assert_int_equal(w->waker_tid, 0);
    assert_int_equal(w->run_core, 0);
    assert_int_equal(w->run_ns, 25);

    /* Changes at one time stamp collapse into the last length. */
    static const struct ipa_rec_rq want[] = {
        {0, 0, 0}, {5, 0, 1}, {25, 0, 1}, {30, 0, 0}, {30, 1, 0}};
    assert_int_equal(rec->rq->len, G_N_ELEMENTS(want));
    for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
        const struct ipa_rec_rq *r =
            &g_array_index(rec->rq, struct ipa_rec_rq, i);
        assert_int_equal(r->time_ns, want[i].time_ns);
        assert_int_equal(r->core, want[i].core);
        assert_int_equal(r->len, want[i].len);
    }
    ipa_recorder_free(rec);
}

static void test_buckets(void **state)
{
    (void)state;
    struct ipa_recorder *rec = hand_run(0);
    assert_int_equal(rec->bucket_ns, 20);
    assert_int_equal(ipa_recorder_nr_buckets(rec), 3);
    const struct ipa_rec_bucket *b = ipa_recorder_bucket(rec, 0, 0);
    assert_int_equal(b->busy_ns, 20);
    assert_int_equal(b->dom_tid, 0);
    assert_int_equal(b->rq_area, 15); /* length 1 over [5, 20) */
    assert_int_equal(b->rq_max, 1);
    b = ipa_recorder_bucket(rec, 0, 1);
    assert_int_equal(b->busy_ns, 10); /* tid 0 [20,25), tid 1 [25,30) */
    assert_int_equal(b->rq_area, 10);
    assert_int_equal(b->rq_max, 2); /* 2 at 25, however briefly */
    b = ipa_recorder_bucket(rec, 0, 2);
    assert_int_equal(b->busy_ns, 0);
    assert_int_equal(b->dom_tid, -1);
    assert_int_equal(b->rq_max, 0);
    b = ipa_recorder_bucket(rec, 1, 1);
    assert_int_equal(b->busy_ns, 10);
    assert_int_equal(b->dom_tid, 0);
    assert_int_equal(b->rq_max, 1);
    assert_int_equal(b->rq_area, 0);
    b = ipa_recorder_bucket(rec, 1, 2);
    assert_int_equal(b->busy_ns, 10);
    ipa_recorder_free(rec);
}

static void test_majority(void **state)
{
    (void)state;
    struct ipa_rec_bucket a = {.dom_tid = -1};
    struct ipa_rec_bucket x = {.busy_ns = 3, .dom_tid = 1, .dom_weight = 3};
    struct ipa_rec_bucket y = {.busy_ns = 5, .dom_tid = 2, .dom_weight = 5};
    struct ipa_rec_bucket z = {.busy_ns = 4, .dom_tid = 1, .dom_weight = 4};
    ipa_rec_bucket_merge(&a, &x);
    ipa_rec_bucket_merge(&a, &y);
    assert_int_equal(a.dom_tid, 2);
    assert_int_equal(a.dom_weight, 2);
    ipa_rec_bucket_merge(&a, &z); /* tid 1 ran 7 of 12 */
    assert_int_equal(a.dom_tid, 1);
    assert_int_equal(a.busy_ns, 12);
}

/* A long run in a few buckets: the width doubles, the totals survive. */
static void test_bounded_fold(void **state)
{
    (void)state;
    struct ipa_recorder_limits limits = {
        .max_exact = 100, .nr_buckets = 8, .bucket_ns = 1};
    struct ipa_recorder *rec = ipa_recorder_new(1, &limits);
    struct ipa_sim_observer o;
    ipa_recorder_observer(rec, &o);
    uint64_t t = 0, busy = 0;
    for (int i = 0; i < 1000; i++) {
        change(&o, t, 0, i % 3, N, R);
        change(&o, t + 1, 0, i % 3, R, RUN);
        change(&o, t + 1 + (uint64_t)i, 0, i % 3, RUN, BLK);
        busy += (uint64_t)i;
        t += 2 + (uint64_t)i;
    }
    ipa_recorder_finish(rec, t);
    assert_true(rec->bucket_ns * 8 >= t);
    assert_true(rec->bucket_ns * 4 < t);
    uint64_t sum = 0, area = 0;
    for (int i = 0; i < 8; i++) {
        sum += ipa_recorder_bucket(rec, 0, i)->busy_ns;
        area += ipa_recorder_bucket(rec, 0, i)->rq_area;
    }
    assert_int_equal(sum, busy);
    assert_int_equal(area, 1000); /* each thread queued for 1 ns */
    /* Exact records stopped when the run-queue records (two per
     * iteration) reached 100: at iteration 50, t = 2 * 50 + 50 * 49 / 2,
     * while no thread ran: 49 segments (the first ran 0 ns: none). */
    assert_false(ipa_recorder_complete(rec));
    assert_int_equal(rec->exact_until_ns, 1325);
    assert_int_equal(rec->rq->len, 100);
    assert_int_equal(rec->segments->len, 49);
    ipa_recorder_free(rec);
}

/* The cut-off closes the running segment at the cut. */
static void test_cutoff(void **state)
{
    (void)state;
    struct ipa_recorder *rec = hand_run(2);
    assert_false(ipa_recorder_complete(rec));
    /* rq records fill first: 2 records, the third (at 25) cuts. */
    assert_int_equal(rec->exact_until_ns, 25);
    assert_int_equal(rec->rq->len, 2);
    assert_int_equal(rec->segments->len, 1);
    assert_int_equal(
        g_array_index(rec->segments, struct ipa_rec_segment, 0).end_ns, 25);
    assert_int_equal(rec->migrations->len, 0);
    /* The buckets are whole anyway. */
    assert_int_equal(ipa_recorder_bucket(rec, 1, 2)->busy_ns, 10);
    ipa_recorder_free(rec);
}

/* A real run: segments add up to each core's busy time. */
static void test_real_run(void **state)
{
    (void)state;
    struct tiny_run r;
    assert_true(tiny_start(
        &r, "pack:1 core:2 pu:1",
        "{\"ipasim_trace\": 1, \"threads\": ["
        "{\"name\": \"a\", \"ops\": [{\"run\": \"3ms\"}, {\"signal\": \"c\"}]},"
        "{\"name\": \"b\", \"ops\": [{\"run\": \"2ms\"}]},"
        "{\"name\": \"w\", \"attrs\": {\"core\": 1}, \"ops\": [{\"wait\": "
        "\"c\"},"
        " {\"run\": \"1ms\"}]}]}",
        0));
    for (int c = 0; c < 2; c++) {
        struct ipa_core_result cr;
        ipa_sim_core_result(r.sim, c, &cr);
        uint64_t sum = 0, bsum = 0;
        for (guint i = 0; i < r.rec->segments->len; i++) {
            const struct ipa_rec_segment *s =
                &g_array_index(r.rec->segments, struct ipa_rec_segment, i);
            if (s->core == c)
                sum += s->end_ns - s->start_ns;
        }
        for (int i = 0; i < ipa_recorder_nr_buckets(r.rec); i++)
            bsum += ipa_recorder_bucket(r.rec, c, i)->busy_ns;
        assert_int_equal(sum, cr.busy_ns);
        assert_int_equal(bsum, cr.busy_ns);
    }
    /* w is woken by a on core 0 and runs on core 1 at 5ms. */
    assert_int_equal(r.rec->wakeups->len, 1);
    const struct ipa_rec_wakeup *w =
        (const struct ipa_rec_wakeup *)r.rec->wakeups->data;
    assert_int_equal(w->tid, 2);
    assert_int_equal(w->waker_tid, 0);
    assert_int_equal(w->waker_core, 0);
    assert_int_equal(w->run_core, 1);
    assert_int_equal(w->run_ns, w->time_ns);
    tiny_finish(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_records),
        cmocka_unit_test(test_buckets),
        cmocka_unit_test(test_majority),
        cmocka_unit_test(test_bounded_fold),
        cmocka_unit_test(test_cutoff),
        cmocka_unit_test(test_real_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
