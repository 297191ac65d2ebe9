#include "monitor/wc.h"

#include <stdlib.h>
#include <string.h>

#include "util/common.h"
#include "util/cpuset.h"

/*
 * The engine reports a thread starting or stopping to wait at every
 * enqueue and dequeue, so that report touches only bit sets indexed by tid
 * (12.5 KB each for 100,000 threads: they stay in cache), never a record
 * per thread whose list neighbours are threads the event did not touch.
 * Only a waiting thread with a restricted affinity has a record, on the
 * list measure() walks.
 */
/* thread ids a word of the waiting set's summary covers */
#define SUMMARY_SPAN (64 * 64)

struct wc_restricted {
    const uint64_t *affinity;
    int rprev, rnext;
};

struct ipa_wc {
    int max_core, words;
    uint64_t *watched, *idle, *scratch;
    int nr_idle;
    uint32_t *core_member; /* [max_core]: interval epoch recorded in */
    bool *core_pending;    /* [max_core] */
    int *pending_cores;    /* went idle since the last commit, interval open */
    int nr_pending_cores;

    /* by thread id, below cap (a multiple of SUMMARY_SPAN) */
    int cap;
    uint64_t *waiting;       /* bit per thread */
    uint64_t *waiting_summary; /* bit per word of waiting: it is not 0 */
    uint64_t *restricted_set; /* waiting with a restricted affinity */
    uint64_t *pending_set;   /* started waiting since the last commit,
                              * interval open: in pending_threads */
    struct wc_restricted *restricted; /* valid in restricted_set */
    uint32_t *member; /* interval epoch it was recorded in */
    int *pending_threads;
    int nr_pending_threads;
    int restricted_head; /* -1: empty */
    int nr_waiting, nr_restricted;

    uint64_t last_ns;
    uint64_t rate; /* min(|E|, |W|) as of the last commit */
    bool open;
    /* Every core idle at the last commit of the open interval is recorded. */
    bool all_idle_members;
    bool finished;
    uint32_t epoch;
    struct ipa_wc_interval cur;
    GArray *member_cores, *member_threads; /* int, reused across intervals */
    struct ipa_wc_result result;
};

static void clear_interval(gpointer p)
{
    struct ipa_wc_interval *iv = p;
    g_free(iv->cores);
    g_free(iv->threads);
}

struct ipa_wc *ipa_wc_new(const int *cores, int nr_cores, int max_core,
                          uint64_t threshold_ns)
{
    IPA_ASSERT(nr_cores >= 0 && max_core >= 0, "negative core count");
    struct ipa_wc *wc = g_new0(struct ipa_wc, 1);
    wc->max_core = max_core;
    wc->words = ipa_cpuset_words(max_core);
    wc->watched = g_new0(uint64_t, wc->words);
    wc->idle = g_new0(uint64_t, wc->words);
    wc->scratch = g_new0(uint64_t, wc->words);
    for (int i = 0; i < nr_cores; i++) {
        IPA_ASSERT(cores[i] >= 0 && cores[i] < max_core,
                   "watched core out of range");
        IPA_ASSERT(i == 0 || cores[i - 1] < cores[i],
                   "watched cores not ascending");
        ipa_cpuset_set(wc->watched, cores[i]);
    }
    wc->core_member = g_new0(uint32_t, max_core);
    wc->core_pending = g_new0(bool, max_core);
    wc->pending_cores = g_new0(int, max_core);
    wc->restricted_head = -1;
    wc->epoch = 0;
    wc->member_cores = g_array_new(FALSE, FALSE, sizeof(int));
    wc->member_threads = g_array_new(FALSE, FALSE, sizeof(int));
    wc->result.threshold_ns = threshold_ns;
    wc->result.flagged =
        g_array_new(FALSE, TRUE, sizeof(struct ipa_wc_interval));
    g_array_set_clear_func(wc->result.flagged, clear_interval);
    return wc;
}

void ipa_wc_free(struct ipa_wc *wc)
{
    if (!wc)
        return;
    g_free(wc->watched);
    g_free(wc->idle);
    g_free(wc->scratch);
    g_free(wc->core_member);
    g_free(wc->core_pending);
    g_free(wc->pending_cores);
    g_free(wc->waiting);
    g_free(wc->waiting_summary);
    g_free(wc->restricted_set);
    g_free(wc->pending_set);
    g_free(wc->restricted);
    g_free(wc->member);
    g_free(wc->pending_threads);
    g_array_free(wc->member_cores, TRUE);
    g_array_free(wc->member_threads, TRUE);
    g_array_free(wc->result.flagged, TRUE);
    g_free(wc);
}

void ipa_wc_core_idle(struct ipa_wc *wc, int core, bool idle)
{
    IPA_ASSERT(!wc->finished, "event after ipa_wc_finish");
    IPA_ASSERT(core >= 0 && core < wc->max_core, "core out of range");
    IPA_ASSERT(ipa_cpuset_test(wc->watched, core), "core not watched");
    IPA_ASSERT(ipa_cpuset_test(wc->idle, core) != idle,
               idle ? "core already idle" : "core already busy");
    if (!idle) {
        ipa_cpuset_clear(wc->idle, core);
        wc->nr_idle--;
        return;
    }
    ipa_cpuset_set(wc->idle, core);
    wc->nr_idle++;
    if (wc->open && !wc->core_pending[core]) {
        wc->core_pending[core] = true;
        wc->pending_cores[wc->nr_pending_cores++] = core;
    }
}

static void *grow_zeroed(void *p, size_t old_n, size_t n, size_t size)
{
    char *q = g_realloc_n(p, n, size);
    memset(q + old_n * size, 0, (n - old_n) * size);
    return q;
}

/* Amortised growth so that @tid indexes the thread sets and arrays. */
static void grow_threads(struct ipa_wc *wc, int tid)
{
    int cap = wc->cap ? wc->cap : SUMMARY_SPAN;
    while (cap <= tid) {
        IPA_ASSERT(cap <= G_MAXINT / 2, "thread id too large");
        cap *= 2;
    }
    size_t old = (size_t)wc->cap, n = (size_t)cap;
    wc->waiting = grow_zeroed(wc->waiting, old / 64, n / 64, sizeof(uint64_t));
    wc->waiting_summary =
        grow_zeroed(wc->waiting_summary, old / SUMMARY_SPAN, n / SUMMARY_SPAN,
                    sizeof(uint64_t));
    wc->restricted_set =
        grow_zeroed(wc->restricted_set, old / 64, n / 64, sizeof(uint64_t));
    wc->pending_set =
        grow_zeroed(wc->pending_set, old / 64, n / 64, sizeof(uint64_t));
    wc->restricted = g_renew(struct wc_restricted, wc->restricted, n);
    wc->member = grow_zeroed(wc->member, old, n, sizeof(uint32_t));
    wc->pending_threads = g_renew(int, wc->pending_threads, n);
    wc->cap = cap;
}

static bool thread_waiting(const struct ipa_wc *wc, int tid)
{
    return tid < wc->cap && ipa_cpuset_test(wc->waiting, tid);
}

/* NULL unless @tid waits with a restricted affinity. */
static const uint64_t *affinity_of(const struct ipa_wc *wc, int tid)
{
    return ipa_cpuset_test(wc->restricted_set, tid)
               ? wc->restricted[tid].affinity
               : NULL;
}

/* Restricted: some watched core is missing from @affinity. */
static bool restricted(const struct ipa_wc *wc, const uint64_t *affinity)
{
    if (!affinity)
        return false;
    for (int i = 0; i < wc->words; i++)
        if (wc->watched[i] & ~affinity[i])
            return true;
    return false;
}

void ipa_wc_thread_waiting(struct ipa_wc *wc, int tid, const uint64_t *affinity,
                           bool waiting)
{
    IPA_ASSERT(!wc->finished, "event after ipa_wc_finish");
    IPA_ASSERT(tid >= 0, "negative thread id");
    if (!waiting) {
        IPA_ASSERT(thread_waiting(wc, tid), "thread is not waiting");
        ipa_cpuset_clear(wc->waiting, tid);
        if (!wc->waiting[tid / 64])
            ipa_cpuset_clear(wc->waiting_summary, tid / 64);
        if (ipa_cpuset_test(wc->restricted_set, tid)) {
            struct wc_restricted *t = &wc->restricted[tid];
            if (t->rprev >= 0)
                wc->restricted[t->rprev].rnext = t->rnext;
            else
                wc->restricted_head = t->rnext;
            if (t->rnext >= 0)
                wc->restricted[t->rnext].rprev = t->rprev;
            ipa_cpuset_clear(wc->restricted_set, tid);
            wc->nr_restricted--;
        }
        wc->nr_waiting--;
        return;
    }
    if (tid >= wc->cap)
        grow_threads(wc, tid);
    IPA_ASSERT(!thread_waiting(wc, tid), "thread already waiting");
    ipa_cpuset_set(wc->waiting, tid);
    ipa_cpuset_set(wc->waiting_summary, tid / 64);
    if (restricted(wc, affinity)) {
        wc->restricted[tid] = (struct wc_restricted){
            .affinity = affinity, .rprev = -1, .rnext = wc->restricted_head};
        if (wc->restricted_head >= 0)
            wc->restricted[wc->restricted_head].rprev = tid;
        wc->restricted_head = tid;
        ipa_cpuset_set(wc->restricted_set, tid);
        wc->nr_restricted++;
    }
    wc->nr_waiting++;
    if (wc->open && !ipa_cpuset_test(wc->pending_set, tid)) {
        ipa_cpuset_set(wc->pending_set, tid);
        wc->pending_threads[wc->nr_pending_threads++] = tid;
    }
}

/*
 * |E| and |W| of the current state. O(1) unless restricted threads wait;
 * then O(restricted waiting threads * words).
 */
static void measure(struct ipa_wc *wc, int *nr_e, int *nr_w)
{
    int unrestricted = wc->nr_waiting - wc->nr_restricted;
    *nr_e = *nr_w = 0;
    if (wc->nr_idle == 0 || wc->nr_waiting == 0)
        return;
    if (wc->nr_restricted == 0) {
        *nr_e = wc->nr_idle;
        *nr_w = wc->nr_waiting;
        return;
    }
    *nr_w = unrestricted;
    if (unrestricted) {
        *nr_e = wc->nr_idle;
        for (int r = wc->restricted_head; r >= 0; r = wc->restricted[r].rnext)
            if (ipa_cpuset_intersects(wc->restricted[r].affinity, wc->idle,
                                      wc->words))
                (*nr_w)++;
        return;
    }
    memset(wc->scratch, 0, (size_t)wc->words * sizeof(uint64_t));
    for (int r = wc->restricted_head; r >= 0; r = wc->restricted[r].rnext) {
        const uint64_t *a = wc->restricted[r].affinity;
        uint64_t any = 0;
        for (int i = 0; i < wc->words; i++) {
            uint64_t m = a[i] & wc->idle[i];
            wc->scratch[i] |= m;
            any |= m;
        }
        if (any)
            (*nr_w)++;
    }
    *nr_e = ipa_cpuset_count(wc->scratch, wc->words);
}

static void add_core(struct ipa_wc *wc, int core)
{
    if (wc->core_member[core] == wc->epoch)
        return;
    wc->core_member[core] = wc->epoch;
    g_array_append_val(wc->member_cores, core);
}

static void add_thread(struct ipa_wc *wc, int tid)
{
    if (wc->member[tid] == wc->epoch)
        return;
    wc->member[tid] = wc->epoch;
    g_array_append_val(wc->member_threads, tid);
}

static void add_all_idle(struct ipa_wc *wc)
{
    IPA_CPUSET_FOREACH(c, wc->idle, wc->words) { add_core(wc, c); }
}

/* Records the idle cores @affinity allows; returns whether there are any. */
static bool add_allowed_idle(struct ipa_wc *wc, const uint64_t *affinity)
{
    bool any = false;
    for (int i = 0; i < wc->words; i++) {
        uint64_t m = affinity[i] & wc->idle[i];
        any |= m != 0;
        while (m) {
            add_core(wc, i * 64 + __builtin_ctzll(m));
            m &= m - 1;
        }
    }
    return any;
}

/* One scan of the idle set and the waiting list: once per interval. */
static void open_interval(struct ipa_wc *wc, uint64_t now_ns)
{
    if (++wc->epoch == 0) {
        memset(wc->core_member, 0, (size_t)wc->max_core * sizeof(uint32_t));
        if (wc->cap)
            memset(wc->member, 0, (size_t)wc->cap * sizeof(uint32_t));
        wc->epoch = 1;
    }
    wc->open = true;
    memset(&wc->cur, 0, sizeof(wc->cur));
    wc->cur.start_ns = now_ns;
    g_array_set_size(wc->member_cores, 0);
    g_array_set_size(wc->member_threads, 0);
    bool unrestricted = wc->nr_waiting > wc->nr_restricted;
    if (unrestricted)
        add_all_idle(wc);
    /* the words with a waiting thread, then their threads: about
     * O(waiting), plus a word per 4,096 threads */
    IPA_CPUSET_FOREACH(w, wc->waiting_summary, wc->cap / SUMMARY_SPAN)
    IPA_CPUSET_FOREACH(bit, wc->waiting + w, 1)
    {
        int t = w * 64 + bit;
        const uint64_t *a = affinity_of(wc, t);
        if (!a) {
            add_thread(wc, t);
        } else if (unrestricted) {
            if (ipa_cpuset_intersects(a, wc->idle, wc->words))
                add_thread(wc, t);
        } else if (add_allowed_idle(wc, a)) {
            add_thread(wc, t);
        }
    }
    wc->all_idle_members = unrestricted;
}

/*
 * Records the cores and threads that joined E or W since the last commit
 * of the open interval. Both sets only grow when a core goes idle or a
 * thread starts waiting, so only those (pending) need looking at: a new
 * idle core brings itself and the restricted threads it suits, a new
 * waiting thread itself and the idle cores it may use. Threads without
 * restriction are in W at every commit of an interval (some core is idle),
 * so an idle core never needs to look for them.
 */
static void track_members(struct ipa_wc *wc)
{
    bool unrestricted = wc->nr_waiting > wc->nr_restricted;
    if (unrestricted && !wc->all_idle_members)
        add_all_idle(wc);
    for (int i = 0; i < wc->nr_pending_cores; i++) {
        int c = wc->pending_cores[i];
        if (!ipa_cpuset_test(wc->idle, c))
            continue;
        if (unrestricted)
            add_core(wc, c);
        for (int r = wc->restricted_head; r >= 0; r = wc->restricted[r].rnext) {
            if (ipa_cpuset_test(wc->restricted[r].affinity, c)) {
                add_thread(wc, r);
                add_core(wc, c);
            }
        }
    }
    for (int i = 0; i < wc->nr_pending_threads; i++) {
        int t = wc->pending_threads[i];
        if (!thread_waiting(wc, t))
            continue;
        const uint64_t *a = affinity_of(wc, t);
        if (!a || add_allowed_idle(wc, a))
            add_thread(wc, t);
    }
    wc->all_idle_members = unrestricted;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int *sorted_copy(GArray *a, int *n)
{
    *n = (int)a->len;
    if (!a->len)
        return NULL;
    qsort(a->data, a->len, sizeof(int), cmp_int);
    return g_memdup2(a->data, a->len * sizeof(int));
}

static void close_interval(struct ipa_wc *wc, uint64_t now_ns)
{
    struct ipa_wc_interval *iv = &wc->cur;
    uint64_t len = now_ns - iv->start_ns;
    wc->open = false;
    if (len == 0)
        return;
    wc->result.violations++;
    if (len > wc->result.longest_ns)
        wc->result.longest_ns = len;
    if (len < wc->result.threshold_ns)
        return;
    iv->end_ns = now_ns;
    iv->cores = sorted_copy(wc->member_cores, &iv->nr_cores);
    iv->threads = sorted_copy(wc->member_threads, &iv->nr_threads);
    g_array_append_val(wc->result.flagged, *iv);
    memset(iv, 0, sizeof(*iv));
}

void ipa_wc_commit(struct ipa_wc *wc, uint64_t now_ns)
{
    IPA_ASSERT(!wc->finished, "commit after ipa_wc_finish");
    IPA_ASSERT(now_ns >= wc->last_ns, "time went backwards");
    uint64_t wasted = wc->rate * (now_ns - wc->last_ns);
    wc->result.wasted_core_ns += wasted;
    if (wc->open)
        wc->cur.wasted_core_ns += wasted;
    wc->last_ns = now_ns;

    int nr_e, nr_w;
    measure(wc, &nr_e, &nr_w);
    int rate = nr_e < nr_w ? nr_e : nr_w;
    if (wc->open && rate == 0)
        close_interval(wc, now_ns);
    else if (wc->open)
        track_members(wc);
    else if (rate > 0)
        open_interval(wc, now_ns);
    if (wc->open) {
        if (nr_e > wc->cur.max_idle)
            wc->cur.max_idle = nr_e;
        if (nr_w > wc->cur.max_waiting)
            wc->cur.max_waiting = nr_w;
    }
    wc->rate = (uint64_t)rate;

    for (int i = 0; i < wc->nr_pending_cores; i++)
        wc->core_pending[wc->pending_cores[i]] = false;
    wc->nr_pending_cores = 0;
    for (int i = 0; i < wc->nr_pending_threads; i++)
        ipa_cpuset_clear(wc->pending_set, wc->pending_threads[i]);
    wc->nr_pending_threads = 0;
}

bool ipa_wc_violating(const struct ipa_wc *wc) { return wc->open; }

const struct ipa_wc_result *ipa_wc_finish(struct ipa_wc *wc, uint64_t now_ns)
{
    if (wc->finished)
        return &wc->result;
    ipa_wc_commit(wc, now_ns);
    if (wc->open)
        close_interval(wc, now_ns);
    wc->rate = 0;
    wc->finished = true;
    return &wc->result;
}
