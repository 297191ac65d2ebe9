/*
 * test_evq.c - the event heap against a sorted reference: order by time then
 * push order, cancel and move, heap_index upkeep, growth.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>

#include "engine/evq.h"
#include "util/common.h"

/* The heap property and every slot's back-index, walked slot by slot. */
static void assert_heap_ok(const struct ipa_evq *q)
{
    assert_true(q->len >= 0 && q->len <= q->cap);
    for (int i = 0; i < q->len; i++) {
        const struct ipa_event *ev = q->heap[i].ev, *up;
        assert_int_equal(ev->heap_index, i);
        /* the slot's copy of the time is the event's */
        assert_int_equal(q->heap[i].time_ns, ev->time_ns);
        /* a node's children share a cache line */
        if (i % 4 == 1)
            assert_int_equal((uintptr_t)&q->heap[i] % IPA_CACHE_LINE, 0);
        if (i == 0)
            continue;
        up = q->heap[(i - 1) / 4].ev;
        assert_true(up->time_ns < ev->time_ns ||
                    (up->time_ns == ev->time_ns && up->seq < ev->seq));
    }
}

static void test_empty(void **state)
{
    struct ipa_evq q;
    (void)state;

    ipa_evq_init(&q, 1);
    assert_null(ipa_evq_peek(&q));
    assert_null(ipa_evq_pop(&q));
    assert_int_equal(q.len, 0);
    ipa_evq_fini(&q);
}

static void test_time_then_push_order(void **state)
{
    /* Pushed in this order; ties at 10 and 30 must pop in push order. */
    static const uint64_t times[] = {30, 10, 20, 10, 30, 0, 10};
    static const int expect[] = {5, 1, 3, 6, 2, 0, 4};
    struct ipa_event ev[7];
    struct ipa_evq q;
    (void)state;

    ipa_evq_init(&q, 2);
    for (int i = 0; i < 7; i++) {
        ipa_event_init(&ev[i], i);
        assert_false(ipa_event_queued(&ev[i]));
        ipa_evq_push(&q, &ev[i], times[i]);
        assert_true(ipa_event_queued(&ev[i]));
        assert_heap_ok(&q);
    }
    assert_int_equal(q.len, 7);
    for (int i = 0; i < 7; i++) {
        struct ipa_event *e = ipa_evq_pop(&q);
        assert_non_null(e);
        assert_int_equal(e->kind, expect[i]);
        assert_int_equal(e->heap_index, -1);
        assert_heap_ok(&q);
    }
    assert_null(ipa_evq_pop(&q));
    ipa_evq_fini(&q);
}

static void test_remove_middle_and_unqueued(void **state)
{
    struct ipa_event ev[15], lone;
    struct ipa_evq q;
    (void)state;

    ipa_evq_init(&q, 4);
    for (int i = 0; i < 15; i++) {
        ipa_event_init(&ev[i], i);
        ipa_evq_push(&q, &ev[i], (uint64_t)(i * 7 % 15));
    }
    /* Remove one that is neither the root nor the last slot. */
    {
        struct ipa_event *mid = q.heap[q.len / 2].ev;
        ipa_evq_remove(&q, mid);
        assert_int_equal(mid->heap_index, -1);
        assert_int_equal(q.len, 14);
        assert_heap_ok(&q);
        /* Removing it again, or an event never queued, changes nothing. */
        ipa_evq_remove(&q, mid);
        ipa_event_init(&lone, 99);
        ipa_evq_remove(&q, &lone);
        assert_int_equal(q.len, 14);
        assert_int_equal(lone.heap_index, -1);
        assert_heap_ok(&q);

        uint64_t prev = 0;
        for (struct ipa_event *e; (e = ipa_evq_pop(&q));) {
            assert_ptr_not_equal(e, mid);
            assert_true(e->time_ns >= prev);
            prev = e->time_ns;
        }
    }
    ipa_evq_fini(&q);
}

static void test_repush_moves(void **state)
{
    struct ipa_event a, b, c;
    struct ipa_evq q;
    (void)state;

    ipa_evq_init(&q, 1);
    ipa_event_init(&a, 'a');
    ipa_event_init(&b, 'b');
    ipa_event_init(&c, 'c');
    ipa_evq_push(&q, &a, 100);
    ipa_evq_push(&q, &b, 100);
    ipa_evq_push(&q, &c, 200);
    assert_ptr_equal(ipa_evq_peek(&q), &a);

    /* Same time, new seq: a now ties after b. */
    ipa_evq_push(&q, &a, 100);
    assert_int_equal(q.len, 3);
    assert_heap_ok(&q);
    assert_ptr_equal(ipa_evq_peek(&q), &b);

    /* Earlier (decrease-key) and later (increase-key) moves. */
    ipa_evq_push(&q, &c, 50);
    assert_ptr_equal(ipa_evq_peek(&q), &c);
    ipa_evq_push(&q, &c, 300);
    assert_int_equal(q.len, 3);
    assert_heap_ok(&q);

    assert_ptr_equal(ipa_evq_pop(&q), &b);
    assert_ptr_equal(ipa_evq_pop(&q), &a);
    assert_ptr_equal(ipa_evq_pop(&q), &c);
    assert_int_equal(c.time_ns, 300);
    assert_null(ipa_evq_pop(&q));
    ipa_evq_fini(&q);
}

static void test_growth(void **state)
{
    enum { N = 1000 };
    struct ipa_event *ev = g_new(struct ipa_event, N);
    struct ipa_evq q;
    (void)state;

    ipa_evq_init(&q, 1);
    for (int i = 0; i < N; i++) {
        ipa_event_init(&ev[i], i);
        ipa_evq_push(&q, &ev[i], (uint64_t)(N - i));
    }
    assert_int_equal(q.len, N);
    assert_int_equal(q.cap, 1024); /* doubled from 1 */
    assert_heap_ok(&q);
    for (int i = N - 1; i >= 0; i--)
        assert_ptr_equal(ipa_evq_pop(&q), &ev[i]);
    ipa_evq_fini(&q);
    g_free(ev);
}

/* Reference: entries sorted by (time, reference seq). */
struct ref_entry {
    uint64_t time_ns, seq;
    struct ipa_event *ev;
};

static int ref_cmp(gconstpointer pa, gconstpointer pb)
{
    const struct ref_entry *a = pa, *b = pb;
    if (a->time_ns != b->time_ns)
        return a->time_ns < b->time_ns ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static int ref_find(GArray *ref, const struct ipa_event *ev)
{
    for (guint i = 0; i < ref->len; i++)
        if (g_array_index(ref, struct ref_entry, i).ev == ev)
            return (int)i;
    return -1;
}

static void ref_push(GArray *ref, struct ref_entry e)
{
    guint lo = 0, hi = ref->len;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (ref_cmp(&g_array_index(ref, struct ref_entry, mid), &e) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    g_array_insert_val(ref, lo, e);
}

/* Events in the lanes, each lane checked to run in time order and the
 * earliest head to be the one the queue names. */
static int lanes_len(const struct ipa_evq *q)
{
    int n = 0;
    const struct ipa_event *first = NULL;
    for (int l = 0; l < IPA_EVQ_LANES; l++) {
        const struct ipa_event *h = q->lanes[l].head;
        if (h && (!first || h->time_ns < first->time_ns ||
                  (h->time_ns == first->time_ns && h->seq < first->seq)))
            first = h;
        const struct ipa_event *prev = NULL;
        for (const struct ipa_event *e = q->lanes[l].head; e;
             prev = e, e = e->lane_next, n++) {
            assert_int_equal(e->heap_index, IPA_EVQ_IN_LANE(l));
            assert_ptr_equal(e->lane_prev, prev);
            assert_true(!prev || prev->time_ns <= e->time_ns);
        }
        assert_ptr_equal(q->lanes[l].tail, prev);
    }
    assert_ptr_equal(q->lanes_first, first);
    return n;
}

/*
 * 100,000 random pushes (fresh or moves; into the heap, or into a lane in
 * the lane's time order or out of it), removes (queued or not) and pops
 * over 400 events with times drawn from 64 values, so ties are common;
 * every pop must match the reference, and the heap and lanes are walked
 * after each op.
 */
static void test_random_against_reference(void **state)
{
    enum { N = 400, OPS = 100000 };
    struct ipa_event *ev = g_new(struct ipa_event, N);
    GArray *ref = g_array_new(FALSE, FALSE, sizeof(struct ref_entry));
    GRand *rnd = g_rand_new_with_seed(42);
    uint64_t ref_seq = 0, now = 0;
    int pops = 0, lane_pops = 0;
    bool *in_lane = g_new0(bool, N);
    struct ipa_evq q;
    (void)state;

    for (int i = 0; i < N; i++)
        ipa_event_init(&ev[i], i);
    ipa_evq_init(&q, 3);
    for (int op = 0; op < OPS; op++) {
        int r = g_rand_int_range(rnd, 0, 100);
        struct ipa_event *e = &ev[g_rand_int_range(rnd, 0, N)];
        int at = ref_find(ref, e);

        assert_int_equal(ipa_event_queued(e), at >= 0);
        if (r < 50) {
            /* 0: the heap; 1, 2: a lane a fixed delay on (the lane's
             * order); 3: a lane at any time (the heap when out of it) */
            int how = g_rand_int_range(rnd, 0, 4);
            uint64_t delay = how == 1 ? 10 : how == 2 ? 37
                             : (uint64_t)g_rand_int_range(rnd, 0, 64);
            struct ref_entry entry = {now + delay, ref_seq++, e};
            if (at >= 0)
                g_array_remove_index(ref, (guint)at);
            ref_push(ref, entry);
            if (how == 0)
                ipa_evq_push(&q, e, entry.time_ns);
            else
                ipa_evq_push_lane(&q, how == 2, e, entry.time_ns);
            in_lane[e->kind] = e->heap_index < -1;
        } else if (r < 70) {
            if (at >= 0)
                g_array_remove_index(ref, (guint)at);
            ipa_evq_remove(&q, e);
            assert_false(ipa_event_queued(e));
        } else {
            struct ipa_event *got = ipa_evq_pop(&q);
            if (!ref->len) {
                assert_null(got);
            } else {
                struct ref_entry want = g_array_index(ref, struct ref_entry, 0);
                g_array_remove_index(ref, 0);
                assert_ptr_equal(got, want.ev);
                assert_int_equal(got->time_ns, want.time_ns);
                assert_int_equal(got->heap_index, -1);
                now = want.time_ns; /* time only moves forward, as in a run */
                pops++;
                lane_pops += in_lane[got->kind];
            }
        }
        assert_int_equal(q.len + lanes_len(&q), (int)ref->len);
        assert_heap_ok(&q);
    }
    assert_true(pops > 10000); /* the comparison really happened */
    assert_true(lane_pops > 3000 && lane_pops < pops - 3000); /* both */
    for (int i = 0; i < N; i++)
        assert_int_equal(ipa_event_queued(&ev[i]), ref_find(ref, &ev[i]) >= 0);

    ipa_evq_fini(&q);
    g_rand_free(rnd);
    g_array_free(ref, TRUE);
    g_free(in_lane);
    g_free(ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_time_then_push_order),
        cmocka_unit_test(test_remove_middle_and_unqueued),
        cmocka_unit_test(test_repush_moves),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_random_against_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
