/*
 * sums.c - the sums ipa_rq_sum keeps per run queue (a queue's load).
 *
 * A summed value may read only what a thread's spec fixes (weight, nice,
 * group, trace attributes) and its group's size, so threads of equal
 * specs share it: they form a value class. A queue counts its threads by
 * class, and its sum is the sum of count * value over its classes. A
 * group changing size, which every arrival and exit of a grouped thread
 * does, then costs a queue its number of classes instead of its threads:
 * 100,000 threads arriving in two groups no longer recompute 100,000
 * values each.
 */
#include <string.h>

#include "engine/internal.h"
#include "util/common.h"

/* The class key of @spec: what a value may read of it. */
static char *class_key(const struct ipa_thread_spec *spec)
{
    GString *key = g_string_new(NULL);
    g_string_printf(key, "%d %d %d %d", spec->partition, spec->weight,
                    spec->nice, spec->group);
    for (int i = 0; i < spec->nr_attrs; i++)
        g_string_append_printf(key, " %d=%lld", spec->attr_ids[i],
                               (long long)spec->attr_values[i]);
    return g_string_free(key, FALSE);
}

static void classify_specs(struct ipa_sim *sim, GHashTable *by_key,
                           GPtrArray *specs)
{
    for (guint i = 0; i < specs->len; i++) {
        const struct ipa_thread_spec *spec = g_ptr_array_index(specs, i);
        char *key = class_key(spec);
        gpointer cls = g_hash_table_lookup(by_key, key);
        if (cls) {
            g_free(key);
        } else {
            cls = GINT_TO_POINTER(++sim->nr_classes);
            g_hash_table_insert(by_key, key, cls);
        }
        g_hash_table_insert(sim->spec_class, (gpointer)spec, cls);
    }
}

void ipa_sums_setup(struct ipa_sim *sim)
{
    GHashTable *by_key = g_hash_table_new_full(g_str_hash, g_str_equal,
                                               g_free, NULL);
    sim->spec_class = g_hash_table_new(g_direct_hash, g_direct_equal);
    sim->nr_classes = 0;
    classify_specs(sim, by_key, sim->trace->threads);
    classify_specs(sim, by_key, sim->trace->templates);
    g_hash_table_destroy(by_key);
    sim->class_rep = g_new0(struct ipa_thread *, sim->nr_classes + 1);
}

void ipa_sums_fini(struct ipa_sim *sim)
{
    if (sim->spec_class)
        g_hash_table_destroy(sim->spec_class);
    g_free(sim->class_rep);
    for (guint r = 0; r < sim->rts->len; r++) {
        struct ipa_rt *rt = g_ptr_array_index(sim->rts, r);
        for (int s = 0; s < IPA_RQ_SUMS; s++)
            g_free(rt->class_values[s]);
    }
}

void ipa_sums_classify(struct ipa_sim *sim, struct ipa_thread *t)
{
    int cls = GPOINTER_TO_INT(g_hash_table_lookup(sim->spec_class, t->spec));
    IPA_ASSERT(cls > 0, "thread spec without a value class");
    t->sum_class = cls - 1;
    if (!sim->class_rep[t->sum_class])
        sim->class_rep[t->sum_class] = t;
}

/* ---- a queue's threads by class ----------------------------------------- */

static unsigned class_hash(int cls, unsigned mask)
{
    return ((unsigned)cls * 2654435761u) & mask;
}

static inline struct ipa_class_count *find_class(const struct ipa_rq *rq,
                                                 int cls)
{
    unsigned i = class_hash(cls, rq->class_mask);
    while (rq->classes[i].cls != cls && rq->classes[i].cls >= 0)
        i = (i + 1) & rq->class_mask;
    return &rq->classes[i];
}

/* Rebuilds the table at most a quarter full of its live classes; classes
 * whose count fell to 0 are dropped here, not when they empty (a class
 * that leaves a queue often comes back). */
static void rebuild_classes(struct ipa_rq *rq)
{
    struct ipa_class_count *old = rq->classes;
    unsigned old_size = old ? rq->class_mask + 1 : 0;
    int live = 0;
    for (unsigned i = 0; i < old_size; i++)
        live += old[i].count > 0;
    unsigned size = 8;
    while (size < 4 * (unsigned)live)
        size *= 2;
    rq->classes = g_new(struct ipa_class_count, size);
    for (unsigned i = 0; i < size; i++)
        rq->classes[i] = (struct ipa_class_count){-1, 0};
    rq->class_mask = size - 1;
    rq->nr_classes = live;
    for (unsigned i = 0; i < old_size; i++)
        if (old[i].count > 0)
            *find_class(rq, old[i].cls) = old[i];
    g_free(old);
}

/* The slot of a class not yet in the table, made room for. */
static G_GNUC_NO_INLINE struct ipa_class_count *add_class(struct ipa_rq *rq,
                                                          int cls)
{
    if (2 * (unsigned)(rq->nr_classes + 1) > rq->class_mask + 1)
        rebuild_classes(rq);
    struct ipa_class_count *e = find_class(rq, cls);
    e->cls = cls;
    rq->nr_classes++;
    return e;
}

static inline struct ipa_class_count *class_slot(struct ipa_rq *rq, int cls)
{
    struct ipa_class_count *e = find_class(rq, cls);
    return e->cls >= 0 ? e : add_class(rq, cls);
}

/* The queue counts by class from its first sum on. */
static void start_counting(struct ipa_rq *rq)
{
    rebuild_classes(rq);
    for (struct ipa_rb_node *n = rq->tree.first; n; n = ipa_rb_next(n))
        class_slot(rq, IPA_CONTAINER_OF(n, struct ipa_thread, rb)->sum_class)
            ->count++;
}

void ipa_sums_count(struct ipa_rq *rq, const struct ipa_thread *t, int delta)
{
    class_slot(rq, t->sum_class)->count += delta;
    for (unsigned m = rq->sums_kept; m; m &= m - 1) {
        int s = __builtin_ctz(m);
        const struct ipa_class_value *v =
            &t->rt->class_values[s][t->sum_class];
        if (v->version == rq->sum_version[s]) {
            rq->sum[s] += delta > 0 ? v->value : -v->value;
        } else {
            /* a value of another version: the next ipa_rq_sum recomputes */
            rq->sum_version[s] = 0;
            rq->sums_kept &= ~(1u << s);
        }
    }
}

/* ---- the runtime call ----------------------------------------------------- */

static uint64_t class_value(struct ipa_rt *rt, int slot, int cls,
                            uint64_t version)
{
    struct ipa_class_value *v = &rt->class_values[slot][cls];
    if (v->version != version) {
        v->value = (uint64_t)rt->sum_value[slot](rt, rt->sim->class_rep[cls],
                                                 rt->sum_arg[slot]);
        v->version = version;
    }
    return v->value;
}

int64_t ipa_rq_sum(struct ipa_rt *rt, struct ipa_rq *rq, int slot,
                   ipa_thread_value_fn value, void *arg)
{
    if (slot < 0 || slot >= IPA_RQ_SUMS)
        ipa_fault(rt, "ipa_rq_sum: no slot %d (slots 0 to %d)", slot,
                  IPA_RQ_SUMS - 1);
    if (!rt->sum_value[slot]) {
        rt->sum_value[slot] = value;
        rt->sum_arg[slot] = arg;
        rt->class_values[slot] =
            g_new0(struct ipa_class_value, rt->sim->nr_classes + 1);
    } else if (rt->sum_value[slot] != value || rt->sum_arg[slot] != arg) {
        ipa_fault(rt, "ipa_rq_sum: slot %d already sums another value", slot);
    }
    uint64_t version = rt->sim->attrs_version;
    if (rq->sum_version[slot] == version)
        return (int64_t)rq->sum[slot];
    if (!rq->classes)
        start_counting(rq);
    /* a fault inside value() must not leave a half sum marked kept */
    rq->sum_version[slot] = 0;
    rq->sums_kept &= ~(1u << slot);
    uint64_t sum = 0;
    for (unsigned i = 0; i <= rq->class_mask; i++) {
        const struct ipa_class_count *e = &rq->classes[i];
        if (e->count > 0)
            sum += (uint64_t)e->count * class_value(rt, slot, e->cls, version);
    }
    rq->sum[slot] = sum;
    rq->sum_version[slot] = version;
    rq->sums_kept |= 1u << slot;
    return (int64_t)sum;
}
