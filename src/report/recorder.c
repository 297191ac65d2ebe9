/*
 * recorder.c - the run observer behind --plot, --perfetto and --ascii
 * (recorder.h).
 */
#include "report/recorder.h"

#include <string.h>

#include "engine/sim.h"
#include "util/common.h"

struct ipa_recorder_thread {
    enum ipa_state state;
    int core;     /* as of the last state change */
    int last_ran; /* core it last ran on, -1 for none */
    int wake;     /* index of its pending wake-up edge, -1 for none */
};

struct ipa_recorder_core {
    int tid; /* running thread, -1 for none */
    uint64_t run_since_ns;
    int rq_len;
    uint64_t rq_since_ns;
    int64_t rq_last; /* index of its last exact rq record, -1 for none */
};

void ipa_rec_bucket_merge(struct ipa_rec_bucket *dst,
                          const struct ipa_rec_bucket *src)
{
    dst->busy_ns += src->busy_ns;
    dst->rq_area += src->rq_area;
    if (src->rq_max > dst->rq_max)
        dst->rq_max = src->rq_max;
    /* Weighted Boyer-Moore majority vote: merging two votes keeps the
     * majority of the union when there is one. */
    if (src->dom_tid < 0) {
        return;
    } else if (dst->dom_tid < 0 || dst->dom_tid == src->dom_tid) {
        dst->dom_tid = src->dom_tid;
        dst->dom_weight += src->dom_weight;
    } else if (dst->dom_weight >= src->dom_weight) {
        dst->dom_weight -= src->dom_weight;
    } else {
        dst->dom_tid = src->dom_tid;
        dst->dom_weight = src->dom_weight - dst->dom_weight;
    }
}

static void bucket_clear(struct ipa_rec_bucket *b)
{
    *b = (struct ipa_rec_bucket){.dom_tid = -1};
}

struct ipa_recorder *ipa_recorder_new(int nr_cores,
                                      const struct ipa_recorder_limits *limits)
{
    IPA_ASSERT(nr_cores > 0, "a recorder needs cores");
    struct ipa_recorder *rec = g_new0(struct ipa_recorder, 1);
    rec->nr_cores = nr_cores;
    rec->limits = (struct ipa_recorder_limits){
        .max_exact = 1000000, .nr_buckets = 1024, .bucket_ns = 1000};
    if (limits) {
        if (limits->max_exact)
            rec->limits.max_exact = limits->max_exact;
        if (limits->nr_buckets)
            rec->limits.nr_buckets = limits->nr_buckets;
        if (limits->bucket_ns)
            rec->limits.bucket_ns = limits->bucket_ns;
    }
    IPA_ASSERT(rec->limits.nr_buckets >= 2 && rec->limits.nr_buckets % 2 == 0,
               "bucket count must be even");
    rec->exact_until_ns = UINT64_MAX;
    rec->segments = g_array_new(FALSE, FALSE, sizeof(struct ipa_rec_segment));
    rec->wakeups = g_array_new(FALSE, FALSE, sizeof(struct ipa_rec_wakeup));
    rec->migrations =
        g_array_new(FALSE, FALSE, sizeof(struct ipa_rec_migration));
    rec->rq = g_array_new(FALSE, FALSE, sizeof(struct ipa_rec_rq));
    rec->threads =
        g_array_new(FALSE, FALSE, sizeof(struct ipa_recorder_thread));
    rec->bucket_ns = rec->limits.bucket_ns;
    size_t n = (size_t)nr_cores * (size_t)rec->limits.nr_buckets;
    rec->buckets = g_new(struct ipa_rec_bucket, n);
    for (size_t i = 0; i < n; i++)
        bucket_clear(&rec->buckets[i]);
    rec->cores = g_new0(struct ipa_recorder_core, nr_cores);
    for (int c = 0; c < nr_cores; c++)
        rec->cores[c] = (struct ipa_recorder_core){.tid = -1, .rq_last = -1};
    rec->max_tid = -1;
    return rec;
}

void ipa_recorder_free(struct ipa_recorder *rec)
{
    if (!rec)
        return;
    g_array_free(rec->segments, TRUE);
    g_array_free(rec->wakeups, TRUE);
    g_array_free(rec->migrations, TRUE);
    g_array_free(rec->rq, TRUE);
    g_array_free(rec->threads, TRUE);
    g_free(rec->buckets);
    g_free(rec->cores);
    g_free(rec);
}

/* Widens the buckets until [0, @t_ns) fits: pairs merge, width doubles. */
static void cover(struct ipa_recorder *rec, uint64_t t_ns)
{
    int nb = rec->limits.nr_buckets;
    while (t_ns > rec->bucket_ns * (uint64_t)nb) {
        for (int c = 0; c < rec->nr_cores; c++) {
            struct ipa_rec_bucket *b = &rec->buckets[(size_t)c * (size_t)nb];
            for (int i = 0; i < nb / 2; i++) {
                struct ipa_rec_bucket m = b[2 * i];
                ipa_rec_bucket_merge(&m, &b[2 * i + 1]);
                b[i] = m;
            }
            for (int i = nb / 2; i < nb; i++)
                bucket_clear(&b[i]);
        }
        rec->bucket_ns *= 2;
    }
}

/* Spreads [@a, @b) of @tid running (tid >= 0) or of a run queue @rq_len
 * long (tid < 0) over @core's buckets. */
static void spread(struct ipa_recorder *rec, int core, uint64_t a, uint64_t b,
                   int tid, int rq_len)
{
    if (b <= a)
        return;
    cover(rec, b);
    uint64_t w = rec->bucket_ns;
    struct ipa_rec_bucket *row =
        &rec->buckets[(size_t)core * (size_t)rec->limits.nr_buckets];
    for (uint64_t i = a / w; i * w < b; i++) {
        uint64_t lo = i * w > a ? i * w : a;
        uint64_t hi = (i + 1) * w < b ? (i + 1) * w : b;
        struct ipa_rec_bucket *bk = &row[i];
        if (tid >= 0) {
            struct ipa_rec_bucket one = {
                .busy_ns = hi - lo, .dom_tid = tid, .dom_weight = hi - lo};
            ipa_rec_bucket_merge(bk, &one);
        } else {
            bk->rq_area += (uint64_t)rq_len * (hi - lo);
            if (rq_len > bk->rq_max)
                bk->rq_max = rq_len;
        }
    }
}

/* Exact records stop, for every kind at once, when one kind is full;
 * running segments are closed at that time so that the exact view stays
 * consistent. */
static bool exact_room(struct ipa_recorder *rec, GArray *a, uint64_t now)
{
    if (rec->exact_until_ns != UINT64_MAX)
        return false;
    if (a->len < rec->limits.max_exact)
        return true;
    rec->exact_until_ns = now;
    for (int c = 0; c < rec->nr_cores; c++) {
        struct ipa_recorder_core *k = &rec->cores[c];
        if (k->tid >= 0 && now > k->run_since_ns) {
            struct ipa_rec_segment s = {k->run_since_ns, now, c, k->tid};
            g_array_append_val(rec->segments, s);
        }
    }
    return false;
}

static void rq_set(struct ipa_recorder *rec, int core, int delta, uint64_t now)
{
    struct ipa_recorder_core *k = &rec->cores[core];
    spread(rec, core, k->rq_since_ns, now, -1, k->rq_len);
    k->rq_since_ns = now;
    k->rq_len += delta;
    IPA_ASSERT(k->rq_len >= 0, "negative run-queue length");
    cover(rec, now + 1);
    struct ipa_rec_bucket *bk = (struct ipa_rec_bucket *)ipa_recorder_bucket(
        rec, core, (int)(now / rec->bucket_ns));
    if (k->rq_len > bk->rq_max)
        bk->rq_max = k->rq_len;
    if (k->rq_last >= 0) {
        struct ipa_rec_rq *last =
            &g_array_index(rec->rq, struct ipa_rec_rq, k->rq_last);
        if (last->time_ns == now) {
            last->len = k->rq_len;
            return;
        }
    }
    if (exact_room(rec, rec->rq, now)) {
        struct ipa_rec_rq r = {now, core, k->rq_len};
        k->rq_last = rec->rq->len;
        g_array_append_val(rec->rq, r);
    }
}

static void end_segment(struct ipa_recorder *rec, int core, uint64_t now)
{
    struct ipa_recorder_core *k = &rec->cores[core];
    if (k->tid < 0)
        return;
    spread(rec, core, k->run_since_ns, now, k->tid, 0);
    if (now > k->run_since_ns && exact_room(rec, rec->segments, now)) {
        struct ipa_rec_segment s = {k->run_since_ns, now, core, k->tid};
        g_array_append_val(rec->segments, s);
    }
    k->tid = -1;
}

static struct ipa_recorder_thread *thread_of(struct ipa_recorder *rec, int tid)
{
    IPA_ASSERT(tid >= 0, "negative thread id");
    while ((guint)tid >= rec->threads->len) {
        struct ipa_recorder_thread t = {IPA_STATE_NOT_QUEUED, -1, -1, -1};
        g_array_append_val(rec->threads, t);
    }
    if (tid > rec->max_tid)
        rec->max_tid = tid;
    return &g_array_index(rec->threads, struct ipa_recorder_thread, tid);
}

static void on_change(void *ctx, uint64_t now, const char *event, int core,
                      int tid, enum ipa_state from, enum ipa_state to)
{
    (void)event;
    struct ipa_recorder *rec = ctx;
    IPA_ASSERT(!rec->finished, "event after the recorder finished");
    struct ipa_recorder_thread *t = thread_of(rec, tid);
    if (from == IPA_STATE_READY && t->core >= 0)
        rq_set(rec, t->core, -1, now);
    if (from == IPA_STATE_RUNNING && t->core >= 0 &&
        rec->cores[t->core].tid == tid)
        end_segment(rec, t->core, now);
    if (to == IPA_STATE_RUNNING && core >= 0) {
        struct ipa_recorder_core *k = &rec->cores[core];
        if (k->tid >= 0)
            end_segment(rec, core, now);
        k->tid = tid;
        k->run_since_ns = now;
        if (t->last_ran >= 0 && t->last_ran != core &&
            exact_room(rec, rec->migrations, now)) {
            struct ipa_rec_migration m = {now, tid, t->last_ran, core};
            g_array_append_val(rec->migrations, m);
        }
        t->last_ran = core;
        if (t->wake >= 0) {
            struct ipa_rec_wakeup *w =
                &g_array_index(rec->wakeups, struct ipa_rec_wakeup, t->wake);
            w->run_core = core;
            w->run_ns = now;
            t->wake = -1;
        }
    }
    if (to == IPA_STATE_READY && core >= 0)
        rq_set(rec, core, +1, now);
    t->state = to;
    t->core = core;
}

static void on_wakeup(void *ctx, uint64_t now, int tid, bool arrival,
                      int waker_tid, int waker_core)
{
    (void)arrival;
    struct ipa_recorder *rec = ctx;
    struct ipa_recorder_thread *t = thread_of(rec, tid);
    t->wake = -1;
    if (waker_core < 0 || waker_tid < 0 || !exact_room(rec, rec->wakeups, now))
        return;
    struct ipa_rec_wakeup w = {now, tid, waker_tid, waker_core, -1, 0};
    t->wake = (int)rec->wakeups->len;
    g_array_append_val(rec->wakeups, w);
}

void ipa_recorder_observer(struct ipa_recorder *rec,
                           struct ipa_sim_observer *observer)
{
    *observer = (struct ipa_sim_observer){
        .ctx = rec,
        .state_change = on_change,
        .wakeup = on_wakeup,
    };
}

void ipa_recorder_finish(struct ipa_recorder *rec, uint64_t end_ns)
{
    IPA_ASSERT(!rec->finished, "recorder finished twice");
    for (int c = 0; c < rec->nr_cores; c++) {
        end_segment(rec, c, end_ns);
        struct ipa_recorder_core *k = &rec->cores[c];
        spread(rec, c, k->rq_since_ns, end_ns, -1, k->rq_len);
        k->rq_since_ns = end_ns;
    }
    cover(rec, end_ns);
    rec->end_ns = end_ns;
    rec->finished = true;
}

int ipa_recorder_nr_buckets(const struct ipa_recorder *rec)
{
    uint64_t n = (rec->end_ns + rec->bucket_ns - 1) / rec->bucket_ns;
    return n < 1 ? 1 : (int)n;
}
