/*
 * evq.c - indexed 4-ary min-heap of events (half the levels of a binary
 * heap, and a node's four children share one cache line: pops, the
 * engine's most frequent queue operation, touch less memory). Every store
 * into a slot goes through place(), which keeps ev->heap_index right, so
 * remove and move find their event in O(1) and then sift in O(log n).
 * Beside it, lanes: doubly linked FIFO lists for streams of events pushed
 * in time order (ticks, balancing), which then never sift; the earliest
 * event is the least of the heap's top and the lanes' heads.
 */
#include "engine/evq.h"

#include <limits.h>
#include <string.h>

#include "util/common.h"

/* The order: time, then seq. Two events of the same time are rare
 * (ticks and balancing, the usual ones, go through lanes), so the branch
 * that reads their seq is rarely taken and well predicted. */
static inline bool before(const struct ipa_evq_slot *a,
                          const struct ipa_evq_slot *b)
{
    if (G_UNLIKELY(a->time_ns == b->time_ns))
        return a->ev->seq < b->ev->seq;
    return a->time_ns < b->time_ns;
}

static void place(struct ipa_evq *q, int i, struct ipa_evq_slot slot)
{
    q->heap[i] = slot;
    slot.ev->heap_index = i;
}

/* Moves the hole at @i up until @slot fits, then puts @slot there. */
static void sift_up(struct ipa_evq *q, int i, struct ipa_evq_slot slot)
{
    while (i > 0) {
        int parent = (i - 1) / 4;
        if (!before(&slot, &q->heap[parent]))
            break;
        place(q, i, q->heap[parent]);
        i = parent;
    }
    place(q, i, slot);
}

/* The least of the four children from @first, all present: a fixed
 * tournament whose outcomes are added to indices, not branched on. Which
 * child is least is a coin toss for the branch predictor, and a
 * mispredicted branch costs more than the compares themselves. */
static inline int least_of_four(const struct ipa_evq_slot *h, int first)
{
    int a = first + before(&h[first + 1], &h[first]);
    int b = first + 2 + before(&h[first + 3], &h[first + 2]);
    int b_less = before(&h[b], &h[a]);
    return a + ((b - a) & -b_less);
}

static void sift_down(struct ipa_evq *q, int i, struct ipa_evq_slot slot)
{
    const int len = q->len;
    struct ipa_evq_slot *h = q->heap;
    for (;;) {
        int first = 4 * i + 1;
        int child;
        if (first + 4 <= len) {
            child = least_of_four(h, first);
        } else if (first < len) {
            child = first;
            for (int c = first + 1; c < len; c++)
                if (before(&h[c], &h[child]))
                    child = c;
        } else {
            break;
        }
        if (!before(&h[child], &slot))
            break;
        place(q, i, h[child]);
        i = child;
    }
    place(q, i, slot);
}

/* Re-seats @slot, whose key changed, starting from slot @i. */
static void fix(struct ipa_evq *q, int i, struct ipa_evq_slot slot)
{
    if (i > 0 && before(&slot, &q->heap[(i - 1) / 4]))
        sift_up(q, i, slot);
    else
        sift_down(q, i, slot);
}

static struct ipa_evq_slot slot_of(struct ipa_event *ev)
{
    return (struct ipa_evq_slot){ev->time_ns, ev};
}

/* Room for @capacity slots, placed so that the children of a node, slots
 * 4i + 1 to 4i + 4, fill one cache line: slot 0 sits 3 slots into a
 * line. */
static void allocate(struct ipa_evq *q, int capacity)
{
    enum { SLOTS_PER_LINE = IPA_CACHE_LINE / sizeof(struct ipa_evq_slot) };
    void *mem = g_aligned_alloc((size_t)capacity + SLOTS_PER_LINE,
                                sizeof(struct ipa_evq_slot), IPA_CACHE_LINE);
    struct ipa_evq_slot *heap = (struct ipa_evq_slot *)mem + SLOTS_PER_LINE - 1;
    if (q->heap)
        memcpy(heap, q->heap, sizeof *heap * (size_t)q->len);
    g_aligned_free(q->heap_mem);
    q->heap_mem = mem;
    q->heap = heap;
    q->cap = capacity;
}

void ipa_evq_init(struct ipa_evq *q, int capacity)
{
    IPA_ASSERT(capacity >= 1, "event queue capacity must be positive");
    q->heap = NULL;
    q->heap_mem = NULL;
    q->len = 0;
    allocate(q, capacity);
    q->next_seq = 0;
    for (int l = 0; l < IPA_EVQ_LANES; l++)
        q->lanes[l].head = q->lanes[l].tail = NULL;
    q->lanes_first = NULL;
}

/* Leaves still-queued events alone: their owners may already be freed. */
void ipa_evq_fini(struct ipa_evq *q)
{
    g_aligned_free(q->heap_mem);
    q->heap_mem = NULL;
    q->heap = NULL;
    q->len = q->cap = 0;
}

void ipa_event_init(struct ipa_event *ev, int kind)
{
    ev->time_ns = 0;
    ev->seq = 0;
    ev->heap_index = -1;
    ev->kind = kind;
    ev->lane_prev = ev->lane_next = NULL;
}

static bool event_before(const struct ipa_event *a, const struct ipa_event *b)
{
    return a->time_ns < b->time_ns ||
           (a->time_ns == b->time_ns && a->seq < b->seq);
}

static void find_lanes_first(struct ipa_evq *q)
{
    q->lanes_first = NULL;
    for (int l = 0; l < IPA_EVQ_LANES; l++) {
        struct ipa_event *h = q->lanes[l].head;
        if (h && (!q->lanes_first || event_before(h, q->lanes_first)))
            q->lanes_first = h;
    }
}

static void lane_unlink(struct ipa_evq *q, struct ipa_event *ev)
{
    struct ipa_evq_lane *lane =
        &q->lanes[IPA_EVQ_IN_LANE(0) - ev->heap_index];
    if (ev->lane_prev)
        ev->lane_prev->lane_next = ev->lane_next;
    else
        lane->head = ev->lane_next;
    if (ev->lane_next)
        ev->lane_next->lane_prev = ev->lane_prev;
    else
        lane->tail = ev->lane_prev;
    ev->lane_prev = ev->lane_next = NULL;
    ev->heap_index = -1;
    if (q->lanes_first == ev)
        find_lanes_first(q);
}

/* Catches an event queued in another queue, or a stale index. */
static void assert_in(const struct ipa_evq *q, const struct ipa_event *ev)
{
    IPA_ASSERT(ev->heap_index < q->len && q->heap[ev->heap_index].ev == ev,
               "event is queued in another event queue");
}

void ipa_evq_push(struct ipa_evq *q, struct ipa_event *ev, uint64_t time_ns)
{
    ev->time_ns = time_ns;
    ev->seq = q->next_seq++;
    if (ev->heap_index < -1)
        lane_unlink(q, ev);
    if (ipa_event_queued(ev)) {
        assert_in(q, ev);
        fix(q, ev->heap_index, slot_of(ev));
        return;
    }
    if (q->len == q->cap) {
        IPA_ASSERT(q->cap <= INT_MAX / 2, "event queue too large");
        allocate(q, q->cap * 2);
    }
    q->len++;
    sift_up(q, q->len - 1, slot_of(ev));
}

void ipa_evq_push_lane(struct ipa_evq *q, int lane, struct ipa_event *ev,
                       uint64_t time_ns)
{
    IPA_ASSERT(lane >= 0 && lane < IPA_EVQ_LANES, "no such event lane");
    struct ipa_evq_lane *l = &q->lanes[lane];
    ipa_evq_remove(q, ev);
    if (l->tail && time_ns < l->tail->time_ns) {
        ipa_evq_push(q, ev, time_ns);
        return;
    }
    ev->time_ns = time_ns;
    ev->seq = q->next_seq++;
    ev->heap_index = IPA_EVQ_IN_LANE(lane);
    ev->lane_prev = l->tail;
    ev->lane_next = NULL;
    if (l->tail) {
        l->tail->lane_next = ev;
    } else {
        l->head = ev;
        find_lanes_first(q);
    }
    l->tail = ev;
}

void ipa_evq_remove(struct ipa_evq *q, struct ipa_event *ev)
{
    struct ipa_evq_slot last;
    int i = ev->heap_index;

    if (i < -1) {
        lane_unlink(q, ev);
        return;
    }
    if (!ipa_event_queued(ev))
        return;
    assert_in(q, ev);
    ev->heap_index = -1;
    last = q->heap[--q->len];
    /* The last event fills the hole; it may belong above or below it,
     * except at the top (every pop), where it can only go down. */
    if (i == 0 && q->len)
        sift_down(q, 0, last);
    else if (i < q->len)
        fix(q, i, last);
}

struct ipa_event *ipa_evq_pop(struct ipa_evq *q)
{
    struct ipa_event *ev = ipa_evq_peek(q);

    if (ev)
        ipa_evq_remove(q, ev);
    return ev;
}
