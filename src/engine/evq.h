/*
 * evq.h - the event queue: an indexed 4-ary min-heap of events ordered by
 * (time_ns, seq). Events are embedded in the objects they belong to (a
 * thread's timer, a core's tick); each knows its heap slot, so cancelling or
 * moving one is O(log n), and nothing is allocated per event. seq is given
 * at push, so events at the same time fire in the order they were queued:
 * the run is deterministic. Streams pushed in time order (ticks,
 * balancing) may go through a lane instead: same order, no sifting.
 */
#ifndef IPA_ENGINE_EVQ_H
#define IPA_ENGINE_EVQ_H

#include <stdbool.h>
#include <stdint.h>

struct ipa_event {
    uint64_t time_ns;
    uint64_t seq;
    int heap_index; /* -1 when not queued, IPA_EVQ_IN_LANE(l) in lane l */
    int kind;       /* the owner's; evq does not look at it */
    struct ipa_event *lane_prev, *lane_next;
};

/* Lanes: FIFO queues beside the heap for events whose times never
 * decrease in the order they are pushed (a tick re-armed one period on,
 * balancing one interval on): pushing and popping one costs O(1) instead
 * of a sift through the heap. Each lane is one such stream. */
#define IPA_EVQ_LANES 2
#define IPA_EVQ_IN_LANE(l) (-2 - (l))

struct ipa_evq_lane {
    struct ipa_event *head, *tail;
};

/* A heap slot keeps a copy of its event's time, so that sifting compares
 * within the heap array instead of chasing pointers into threads and
 * cores (the queue's cost is cache misses, not comparisons); only events
 * of the same time read their seq. 16 bytes, and the array is placed so
 * that a node's four children share one cache line. */
struct ipa_evq_slot {
    uint64_t time_ns;
    struct ipa_event *ev;
};

struct ipa_evq {
    struct ipa_evq_slot *heap;
    void *heap_mem; /* the allocation heap points into */
    int len, cap;
    uint64_t next_seq;
    struct ipa_evq_lane lanes[IPA_EVQ_LANES];
    struct ipa_event *lanes_first; /* the earliest lane head, NULL: none */
};

void ipa_evq_init(struct ipa_evq *q, int capacity);
void ipa_evq_fini(struct ipa_evq *q);
/* Initialises an event as not queued. */
void ipa_event_init(struct ipa_event *ev, int kind);
static inline bool ipa_event_queued(const struct ipa_event *ev)
{
    return ev->heap_index != -1;
}
/* Queues @ev at @time_ns with the next sequence number; if it is already
 * queued it is moved (and takes a new sequence number). Grows the heap
 * only when full (amortised; size it with the capacity hint). */
void ipa_evq_push(struct ipa_evq *q, struct ipa_event *ev, uint64_t time_ns);
/* The same, through @lane: O(1) while the lane's times do not decrease
 * (an earlier time than its last goes to the heap: same order, only
 * slower). */
void ipa_evq_push_lane(struct ipa_evq *q, int lane, struct ipa_event *ev,
                       uint64_t time_ns);
/* Unqueues @ev if it is queued. */
void ipa_evq_remove(struct ipa_evq *q, struct ipa_event *ev);
/* Earliest event, NULL when empty. */
static inline struct ipa_event *ipa_evq_peek(const struct ipa_evq *q)
{
    const struct ipa_event *l = q->lanes_first;
    if (!q->len)
        return (struct ipa_event *)l;
    const struct ipa_evq_slot *top = &q->heap[0];
    if (l && (l->time_ns < top->time_ns ||
              (l->time_ns == top->time_ns && l->seq < top->ev->seq)))
        return (struct ipa_event *)l;
    return top->ev;
}
/* Unqueues and returns the earliest event, NULL when empty. */
struct ipa_event *ipa_evq_pop(struct ipa_evq *q);

#endif
