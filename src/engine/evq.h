/*
 * evq.h - the event queue: an indexed 4-ary min-heap of events ordered by
 * (time_ns, seq). Events are embedded in the objects they belong to (a
 * thread's timer, a core's tick); each knows its heap slot, so cancelling or
 * moving one is O(log n), and nothing is allocated per event. seq is given
 * at push, so events at the same time fire in the order they were queued:
 * the run is deterministic.
 */
#ifndef IPA_ENGINE_EVQ_H
#define IPA_ENGINE_EVQ_H

#include <stdbool.h>
#include <stdint.h>

struct ipa_event {
    uint64_t time_ns;
    uint64_t seq;
    int heap_index; /* -1 when not queued */
    int kind;       /* the owner's; evq does not look at it */
};

/* A heap slot keeps a copy of its event's key, so that sifting compares
 * within the heap array instead of chasing pointers into threads and
 * cores (the queue's cost is cache misses, not comparisons). */
struct ipa_evq_slot {
    uint64_t time_ns;
    uint64_t seq;
    struct ipa_event *ev;
};

struct ipa_evq {
    struct ipa_evq_slot *heap;
    int len, cap;
    uint64_t next_seq;
};

void ipa_evq_init(struct ipa_evq *q, int capacity);
void ipa_evq_fini(struct ipa_evq *q);
/* Initialises an event as not queued. */
void ipa_event_init(struct ipa_event *ev, int kind);
static inline bool ipa_event_queued(const struct ipa_event *ev)
{
    return ev->heap_index >= 0;
}
/* Queues @ev at @time_ns with the next sequence number; if it is already
 * queued it is moved (and takes a new sequence number). Grows the heap
 * only when full (amortised; size it with the capacity hint). */
void ipa_evq_push(struct ipa_evq *q, struct ipa_event *ev, uint64_t time_ns);
/* Unqueues @ev if it is queued. */
void ipa_evq_remove(struct ipa_evq *q, struct ipa_event *ev);
/* Earliest event, NULL when empty. */
static inline struct ipa_event *ipa_evq_peek(const struct ipa_evq *q)
{
    return q->len ? q->heap[0].ev : 0;
}
/* Unqueues and returns the earliest event, NULL when empty. */
struct ipa_event *ipa_evq_pop(struct ipa_evq *q);

#endif
