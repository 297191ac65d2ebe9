/*
 * sim.c - a simulation's life: set-up from a topology, a trace and the
 * partitions, the event loop, the end conditions, and the results.
 *
 * The loop pops one event, dispatches it (dispatch.c, program.c), runs the
 * schedule points it caused, checks the runtime invariants and commits the
 * work-conservation monitors. Every check here is O(1) per event; the
 * searches that name a culprit run only once something is wrong.
 */
#include <string.h>
#include <sys/mman.h>

#include "engine/internal.h"
#include "util/common.h"
#include "util/cpuset.h"

/* A block of thread records (see ipa_sim_new_thread). */
struct chunk {
    char *mem;
    size_t size;
    bool mapped; /* by mmap, else from the C heap */
};

void ipa_sim_config_defaults(struct ipa_sim_config *c)
{
    memset(c, 0, sizeof *c);
    c->hz = 1000;
    c->balance_ns = 4000000;       /* 4 ms */
    c->wc_threshold_ns = 20000000; /* 20 ms: five balancing periods */
    c->seed = 1;
    c->stall_ns = UINT64_C(5000000000); /* 5 s */
    c->watchdog_ns = UINT64_C(2000000000); /* 2 s in one callback */
    c->numa_slowdown_pct = 100;
    c->spin_limit = IPA_SIM_SPIN_LIMIT;
}

static const char *const exit_names[] = {
    [IPA_SIM_DONE] = "done",         [IPA_SIM_UNTIL] = "until",
    [IPA_SIM_MAX_EVENTS] = "max-events", [IPA_SIM_DEADLOCK] = "deadlock",
    [IPA_SIM_FAULT] = "fault",       [IPA_SIM_STALL] = "stall",
    [IPA_SIM_TRACE_ERROR] = "trace-error",
};

const char *ipa_sim_exit_name(enum ipa_sim_exit kind)
{
    return exit_names[kind];
}

struct ipa_sim *ipa_sim_new(const struct ipa_topo *topo,
                            const struct ipa_trace *trace,
                            const struct ipa_sim_config *config)
{
    struct ipa_sim *sim = ipa_guard_place_sim();
    if (!sim)
        sim = g_new0(struct ipa_sim, 1);
    sim->config = *config;
    sim->topo = topo;
    sim->trace = trace;
    sim->nominal_speed =
        config->numa_slowdown_pct == 100 && !topo->heterogeneous;
    sim->tick_ns = UINT64_C(1000000000) / (config->hz ? config->hz : 1);
    if (!sim->tick_ns)
        sim->tick_ns = 1;
    sim->nr_cores = topo->nr_cores;
    sim->words = ipa_cpuset_words(topo->nr_cores);
    sim->cores = g_aligned_alloc0((gsize)sim->nr_cores, sizeof *sim->cores,
                                  alignof(struct ipa_core));
    for (int i = 0; i < sim->nr_cores; i++) {
        struct ipa_core *c = &sim->cores[i];
        c->id = i;
        c->online = true;
        ipa_event_init(&c->tick, EV_TICK);
        ipa_event_init(&c->balance, EV_BALANCE);
    }
    sim->threads = g_ptr_array_new();
    sim->rts = g_ptr_array_new();
    sim->chunks = g_array_new(FALSE, FALSE, sizeof(struct chunk));
    sim->locked = g_new(int, sim->nr_cores);
    sim->resched = g_new(int, sim->nr_cores);
    sim->cb_core = -1;
    sim->cb_tid = -1;
    sim->lock_rng = config->seed * UINT64_C(0x9e3779b97f4a7c15) | 1;
    return sim;
}

void ipa_sim_add_observer(struct ipa_sim *sim,
                          const struct ipa_sim_observer *observer)
{
    IPA_ASSERT(sim->nr_observers < (int)G_N_ELEMENTS(sim->observers),
               "too many observers");
    sim->observers[sim->nr_observers++] = observer;
    sim->move_hooks++;
}

static bool check_rq_desc(const char *name, const struct ipa_policy_ops *ops,
                          const struct ipa_rq_desc *d, GError **error)
{
    const char *rq = d->name ? d->name : "?";
    if (d->state != IPA_STATE_READY && d->state != IPA_STATE_BLOCKED) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                    "policy '%s': run queue '%s' must hold READY or BLOCKED "
                    "threads",
                    name, rq);
        return false;
    }
    if (!d->nr_keys)
        return true;
    /* the keys are read in place: whole, aligned int64_t of the data */
    size_t room = ops->thread_data_size / sizeof(int64_t);
    if (d->nr_keys < 0 || d->nr_keys > (int)sizeof d->highest * 8 || d->cmp ||
        d->key_offset % sizeof(int64_t) ||
        d->key_offset / sizeof(int64_t) > room ||
        (size_t)d->nr_keys > room - d->key_offset / sizeof(int64_t)) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                    "policy '%s': run queue '%s' has bad keys (%d at byte "
                    "%zu of %zu bytes of thread data%s)",
                    name, rq, d->nr_keys, d->key_offset,
                    ops->thread_data_size, d->cmp ? ", and a cmp" : "");
        return false;
    }
    return true;
}

static bool check_ops(const char *name, const struct ipa_policy_ops *ops,
                      GError **error)
{
    if (ops->abi != IPA_RUNTIME_ABI) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "policy '%s' was built for runtime ABI %d, ipasim has %d",
                    name, ops->abi, IPA_RUNTIME_ABI);
        return false;
    }
    static const struct {
        size_t offset;
        const char *name;
    } required[] = {
        {offsetof(struct ipa_policy_ops, new_place), "new_place"},
        {offsetof(struct ipa_policy_ops, unblock_place), "unblock_place"},
        {offsetof(struct ipa_policy_ops, block), "block"},
        {offsetof(struct ipa_policy_ops, terminate), "terminate"},
        {offsetof(struct ipa_policy_ops, schedule), "schedule"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(required); i++) {
        void *fn;
        memcpy(&fn, (const char *)ops + required[i].offset, sizeof fn);
        if (!fn) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                        "policy '%s' has no %s callback", name,
                        required[i].name);
            return false;
        }
    }
    if (ops->nr_ifaces < 0 || (ops->nr_ifaces && (!ops->ifaces || !ops->call))) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                    "policy '%s': bad interface function table (needs "
                    "ifaces and call)",
                    name);
        return false;
    }
    for (int i = 0; i < ops->nr_ifaces; i++)
        if (!ops->ifaces[i].name || ops->ifaces[i].nr_args < 0 ||
            ops->ifaces[i].nr_args > IPA_CALL_MAX_ARGS) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                        "policy '%s': interface function %d has no name or "
                        "more than %d arguments",
                        name, i, IPA_CALL_MAX_ARGS);
            return false;
        }
    const struct ipa_rq_desc *descs[2] = {ops->core_rqs, ops->global_rqs};
    int counts[2] = {ops->nr_core_rqs, ops->nr_global_rqs};
    for (int k = 0; k < 2; k++) {
        if (counts[k] < 0 || (counts[k] && !descs[k])) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                        "policy '%s': bad run queue table", name);
            return false;
        }
        for (int i = 0; i < counts[k]; i++)
            if (!check_rq_desc(name, ops, &descs[k][i], error))
                return false;
    }
    return true;
}

/* What every policy instance has of its own: queues, data, the sets
 * its view of the cores keeps. Its cores are set. */
static void init_rt(struct ipa_sim *sim, struct ipa_rt *rt, const char *name,
                    const struct ipa_policy_ops *ops, void *ctx)
{
    rt->sim = sim;
    rt->name = g_strdup(name);
    rt->ops = ops;
    rt->ctx = ctx;
    rt->idle_set = g_new0(uint64_t, sim->words);
    rt->waiting_set = g_new0(uint64_t, sim->words);
    rt->pub.policy_data = g_malloc0(ops->policy_data_size ? ops->policy_data_size
                                                      : 1);
    rt->domain_data =
        g_malloc0((size_t)rt->nr_cores * (size_t)rt->hier->nr_levels *
                      ops->domain_data_size +
                  1);
    rt->global_rqs = g_new0(struct ipa_rq, ops->nr_global_rqs + 1);
    for (int i = 0; i < ops->nr_global_rqs; i++)
        ipa_rq_init(&rt->global_rqs[i], &ops->global_rqs[i], -1);
    rt->core_rqs = g_new0(struct ipa_rq *, sim->nr_cores);
    rt->core_data = g_new0(void *, sim->nr_cores);
    for (int i = 0; i < rt->nr_cores; i++) {
        int core = rt->cores[i];
        rt->core_rqs[core] = g_new0(struct ipa_rq, ops->nr_core_rqs + 1);
        for (int q = 0; q < ops->nr_core_rqs; q++)
            ipa_rq_init(&rt->core_rqs[core][q], &ops->core_rqs[q], core);
        rt->core_data[core] = g_malloc0(ops->core_data_size + 1);
    }
    g_ptr_array_add(sim->rts, rt);
}

bool ipa_sim_add_partition(struct ipa_sim *sim, const char *name,
                           const struct ipa_policy_ops *ops, void *ctx,
                           const int *cores, int nr_cores, GError **error)
{
    if (!check_ops(name, ops, error))
        return false;
    GArray *set = g_array_new(FALSE, FALSE, sizeof(int));
    if (cores) {
        for (int i = 0; i < nr_cores; i++) {
            if (cores[i] < 0 || cores[i] >= sim->nr_cores) {
                g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                            "partition of '%s': core %d does not exist (the "
                            "topology has %d cores)",
                            name, cores[i], sim->nr_cores);
                g_array_free(set, TRUE);
                return false;
            }
            if (sim->cores[cores[i]].rt) {
                g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                            "partition of '%s': core %d is already run by "
                            "'%s'",
                            name, cores[i], sim->cores[cores[i]].rt->name);
                g_array_free(set, TRUE);
                return false;
            }
            g_array_append_val(set, cores[i]);
        }
    } else {
        for (int i = 0; i < sim->nr_cores; i++)
            if (!sim->cores[i].rt)
                g_array_append_val(set, i);
    }
    if (!set->len) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "partition of '%s' has no cores", name);
        g_array_free(set, TRUE);
        return false;
    }

    struct ipa_hier *hier =
        ipa_hier_build(sim->topo, (int *)(void *)set->data, (int)set->len);
    GError *herr = NULL;
    if (!ipa_hier_validate(hier, &herr)) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "partition of '%s': invalid scheduling domains: %s", name,
                    herr->message);
        g_error_free(herr);
        ipa_hier_free(hier);
        g_array_free(set, TRUE);
        return false;
    }

    struct ipa_rt *rt = g_new0(struct ipa_rt, 1);
    rt->index = sim->nr_parts;
    rt->hier = hier;
    rt->nr_cores = (int)set->len;
    rt->cores = (int *)(void *)g_array_free(set, FALSE);
    rt->coreset = g_new0(uint64_t, sim->words);
    for (int i = 0; i < rt->nr_cores; i++) {
        ipa_cpuset_set(rt->coreset, rt->cores[i]);
        sim->cores[rt->cores[i]].rt = rt;
    }
    rt->wc = ipa_wc_new(rt->cores, rt->nr_cores, sim->nr_cores,
                        sim->config.wc_threshold_ns);
    rt->migrations_by_distance = g_new0(uint64_t, sim->topo->nr_distances);
    rt->top = rt;
    init_rt(sim, rt, name, ops, ctx);
    sim->parts = g_renew(struct ipa_rt *, sim->parts, sim->nr_parts + 1);
    sim->parts[sim->nr_parts++] = rt;
    return true;
}

/* The share group @rt (the class just added after @above, or NULL for
 * the first) joins or opens, with its per-core times. */
static bool join_share_group(struct ipa_sim *sim, struct ipa_rt *rt,
                             struct ipa_rt *above, int share, GError **error)
{
    rt->share = share;
    if (!share)
        return true;
    if (!rt->ops->yield) {
        /* the group takes the core from a member at a tick through it */
        g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                    "policy '%s': class '%s' has a share but no yield "
                    "callback, through which its group takes a core from it",
                    rt->name, rt->class_name);
        return false;
    }
    struct ipa_rt *first = above && above->share_first ? above->share_first
                                                       : rt;
    int members = 0;
    for (struct ipa_rt *m = first; m && m != rt; m = m->lower)
        members++;
    if (members >= 64) {
        /* the schedule point marks the members it asked in a word */
        g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                    "policy '%s': class '%s': a share group has at most 64 "
                    "classes",
                    rt->name, rt->class_name);
        return false;
    }
    rt->share_first = first;
    rt->share_vtime = g_new0(uint64_t, sim->nr_cores);
    rt->share_runnable = g_new0(int, sim->nr_cores);
    if (first == rt) {
        rt->share_floor = g_new0(uint64_t, sim->nr_cores);
        rt->share_since_ns = g_new0(uint64_t, sim->nr_cores);
    }
    return true;
}

bool ipa_sim_add_class(struct ipa_sim *sim, const char *name,
                       const char *class_name,
                       const struct ipa_policy_ops *ops, void *ctx,
                       const char *const *attach_attrs, int share,
                       GError **error)
{
    IPA_ASSERT(sim->nr_parts, "a class needs a partition");
    if (!check_ops(name, ops, error))
        return false;
    struct ipa_rt *top = sim->parts[sim->nr_parts - 1];
    struct ipa_rt *above = top;
    if (!top->class_name) {
        /* the partition's policy is its first class */
        top->class_name = g_strdup(class_name);
        top->attach_names = g_strdupv((char **)attach_attrs);
        IPA_ASSERT(top->ops == ops, "the first class is the partition's");
        return join_share_group(sim, top, NULL, share, error);
    }
    if (!ops->yield) {
        /* a higher class's thread takes the core through it */
        g_set_error(error, IPA_ERROR, IPA_ERROR_POLICY,
                    "policy '%s': class '%s' has no yield callback, which "
                    "a class below another needs",
                    name, class_name);
        return false;
    }
    while (above->lower)
        above = above->lower;
    struct ipa_rt *rt = g_new0(struct ipa_rt, 1);
    rt->index = top->index;
    rt->hier = top->hier;
    rt->nr_cores = top->nr_cores;
    rt->cores = top->cores;
    rt->coreset = top->coreset;
    rt->wc = top->wc;
    rt->migrations_by_distance = top->migrations_by_distance;
    rt->top = top;
    /* a share group's members take turns: none is above another */
    rt->class_level = above->class_level + (share && above->share ? 0 : 1);
    rt->class_name = g_strdup(class_name);
    rt->attach_names = g_strdupv((char **)attach_attrs);
    init_rt(sim, rt, name, ops, ctx);
    above->lower = rt;
    /* a thread starting or leaving a core changes what the classes
     * above see as free (classes.c) */
    if (!sim->stacked++)
        sim->move_hooks++;
    return join_share_group(sim, rt, above, share, error);
}

/* ---- threads ------------------------------------------------------------- */

static uint64_t splitmix(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* Where the parts of a thread's block lie, from its start. Threads live
 * in blocks so that pointers stay valid while spawns add more. What a
 * scheduling cycle reads lies together, in as few cache lines as it fits
 * (a thread's lines are what the engine misses on most): the record,
 * its loop counters, its encoded program (program.c; not the trace's
 * scattered allocation) unless an earlier thread's is the same, its
 * affinity words and the policy's data. */
struct thread_layout {
    size_t loop_left, program, affinity, data, size;
};

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

/* @own_slots: of the program the thread's block holds (0: shared). */
static struct thread_layout thread_layout(const struct ipa_sim *sim,
                                          const struct ipa_thread_spec *spec,
                                          int own_slots)
{
    struct thread_layout l;
    l.loop_left = sizeof(struct ipa_thread);
    l.program = round_up(l.loop_left + sizeof(uint32_t) *
                                           (size_t)(spec->loop_depth + 1),
                         sizeof(union ipa_slot));
    l.affinity = l.program + sizeof(union ipa_slot) * (size_t)own_slots;
    size_t words = spec->affinity ? (size_t)sim->words : 0;
    l.data = round_up(l.affinity + sizeof(uint64_t) * words, 16);
    /* the policy's data, read at every event of the thread, within one
     * cache line when it fits in one */
    if (sim->thread_data_size <= IPA_CACHE_LINE &&
        l.data % IPA_CACHE_LINE + sim->thread_data_size > IPA_CACHE_LINE)
        l.data = round_up(l.data, IPA_CACHE_LINE);
    /* records start on a cache line: struct ipa_thread groups its fields
     * by line */
    l.size = round_up(l.data + sim->thread_data_size,
                      _Alignof(struct ipa_thread));
    return l;
}

/* Thread records are most of what a run with many threads touches, at
 * random: on 2 MB pages (transparent huge pages, which the kernel gives on
 * request) 100,000 of them take 30 TLB entries instead of 15,000 of 4 KB,
 * and a cold record costs no page walk. Such chunks are mapped, aligned,
 * by the engine: the C library's aligned allocation of 2 MB would hold 4. */
#define HUGE_PAGE ((size_t)2 << 20)

/* Chunks double from 256 KB (a few hundred threads) to a huge page, so a
 * small run keeps a small footprint; a block larger than that (a recorded
 * trace's thread may have 100,000 ops) gets a chunk of its own size, not
 * a multiple no thread uses. */
static size_t next_chunk_size(size_t last, size_t block)
{
    size_t size = last ? MIN(last * 2, HUGE_PAGE) : (size_t)256 << 10;
    return MAX(size, block);
}

/* Zeroed: anonymous memory is, and is backed only where touched. */
static char *map_huge(size_t size)
{
    size_t span = size + HUGE_PAGE;
    char *p = mmap(NULL, span, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    char *mem = p + (round_up((uintptr_t)p, HUGE_PAGE) - (uintptr_t)p);
    size_t tail = span - (size_t)(mem - p) - size;
    if (mem > p)
        munmap(p, (size_t)(mem - p));
    if (tail)
        munmap(mem + size, tail);
#ifdef MADV_HUGEPAGE
    /* before the first touch, which would map small pages; only a hint */
    madvise(mem, size, MADV_HUGEPAGE);
#endif
    return mem;
}

static void add_chunk(struct ipa_sim *sim, size_t size)
{
    struct chunk c = {NULL, size, false};
    if (size >= HUGE_PAGE) {
        c.size = round_up(size, HUGE_PAGE);
        c.mem = map_huge(c.size);
        c.mapped = c.mem != NULL;
    }
    if (c.mapped) {
        sim->mapped_bytes += c.size;
    } else {
        c.size = size;
        c.mem = g_aligned_alloc0(size, 1, _Alignof(struct ipa_thread));
    }
    g_array_append_val(sim->chunks, c);
    sim->chunk_size = c.size;
    sim->chunk_used = 0;
}

static void free_chunks(struct ipa_sim *sim)
{
    for (guint i = 0; i < sim->chunks->len; i++) {
        struct chunk *c = &g_array_index(sim->chunks, struct chunk, i);
        if (c->mapped)
            munmap(c->mem, c->size);
        else
            g_aligned_free(c->mem);
    }
    g_array_free(sim->chunks, TRUE);
}

size_t ipa_sim_mapped_bytes(const struct ipa_sim *sim)
{
    return sim->mapped_bytes;
}

struct ipa_thread *ipa_sim_new_thread(struct ipa_sim *sim,
                                      const struct ipa_thread_spec *spec)
{
    const union ipa_slot *shared = g_hash_table_lookup(sim->programs, spec);
    int slots = ipa_program_slots(spec);
    struct thread_layout l = thread_layout(sim, spec, shared ? 0 : slots);
    if (sim->chunk_used + l.size > sim->chunk_size || !sim->chunks->len)
        add_chunk(sim, next_chunk_size(sim->chunk_size, l.size));
    const struct chunk *last =
        &g_array_index(sim->chunks, struct chunk, sim->chunks->len - 1);
    char *mem = last->mem + sim->chunk_used;
    sim->chunk_used += l.size;

    struct ipa_thread *t = (struct ipa_thread *)(void *)mem;
    struct ipa_rt *rt = sim->parts[spec->partition];
    if (rt->lower)
        rt = ipa_classes_pick(sim, rt, spec);
    t->pub.data = mem + l.data;
    t->nr_slots = slots;
    if (shared) {
        t->program = shared;
    } else {
        union ipa_slot *own = (union ipa_slot *)(void *)(mem + l.program);
        ipa_program_encode(spec, own);
        g_hash_table_insert(sim->programs, (gpointer)spec, own);
        t->program = own;
    }
    if (spec->affinity) {
        /* within the policy's cores: the monitor and the moves look at
         * no other core, and the runtime's allowed test is then one bit */
        uint64_t *aff = (uint64_t *)(void *)(mem + l.affinity);
        for (int i = 0; i < spec->nr_affinity; i++)
            if (ipa_cpuset_test(rt->coreset, spec->affinity[i]))
                ipa_cpuset_set(aff, spec->affinity[i]);
        t->affinity = aff;
    }
    t->pub.allowed = t->affinity ? t->affinity : rt->coreset;
    t->pub.nr_cores = sim->nr_cores;

    t->tid = (int)sim->threads->len;
    t->pub.state = IPA_STATE_NOT_QUEUED;
    t->pub.core = -1;
    t->rt = rt;
    t->spec = spec;
    t->pub.weight = spec->weight;
    t->nice = spec->nice;
    t->pub.group = spec->group;
    ipa_sums_classify(sim, t);
    ipa_jobs_attach(sim, t);
    t->last_ran_core = -1;
    t->home_node = -1;
    t->rng = splitmix(sim->config.seed ^ splitmix((uint64_t)t->tid + 1)) | 1;
    ipa_event_init(&t->timer, EV_ARRIVE);
    g_ptr_array_add(sim->threads, t);
    sim->live++;
    return t;
}

static void setup_threads(struct ipa_sim *sim)
{
    const struct ipa_trace *tr = sim->trace;
    sim->thread_data_size = 0;
    for (guint r = 0; r < sim->rts->len; r++) {
        const struct ipa_rt *rt = g_ptr_array_index(sim->rts, r);
        if (rt->ops->thread_data_size > sim->thread_data_size)
            sim->thread_data_size = rt->ops->thread_data_size;
    }

    sim->channels = g_new0(struct channel, tr->channels->len + 1);
    for (guint i = 0; i < tr->channels->len; i++)
        sim->channels[i].tokens = g_array_index(tr->channel_tokens, int64_t, i);
    sim->mutexes = g_new0(struct mutex, tr->mutexes->len + 1);
    sim->barriers = g_new0(struct barrier, tr->barriers->len + 1);
    for (guint i = 0; i < tr->barriers->len; i++)
        sim->barriers[i].parties = g_array_index(tr->barrier_parties, int, i);
    sim->group_live = g_new0(int, tr->groups->len + 1);
    sim->attrs_version = 1;
    ipa_sums_setup(sim);
    ipa_jobs_setup(sim);
    sim->group_latency = g_new0(struct ipa_hist, tr->groups->len + 1);
    sim->programs = ipa_program_table_new();

    for (guint i = 0; i < tr->threads->len; i++) {
        struct ipa_thread *t =
            ipa_sim_new_thread(sim, g_ptr_array_index(tr->threads, i));
        ipa_evq_push(&sim->evq, &t->timer, t->spec->start_ns);
        sim->timers++;
    }
    sim->hotplug = g_new0(struct ipa_event, tr->hotplug->len + 1);
    for (guint i = 0; i < tr->hotplug->len; i++) {
        ipa_event_init(&sim->hotplug[i], EV_HOTPLUG);
        ipa_evq_push(&sim->evq, &sim->hotplug[i],
                     g_array_index(tr->hotplug, struct ipa_hotplug, i).at_ns);
    }
}

/* Balancing starts staggered across each partition's cores, as the kernel
 * spreads next_balance, so that cores do not all balance at once. */
static void setup_balancing(struct ipa_sim *sim)
{
    for (int p = 0; p < sim->nr_parts; p++) {
        struct ipa_rt *rt = sim->parts[p];
        for (int i = 0; i < rt->nr_cores; i++) {
            struct ipa_core *c = &sim->cores[rt->cores[i]];
            uint64_t offset = sim->config.balance_ns * (uint64_t)i /
                              (uint64_t)rt->nr_cores;
            ipa_evq_push(&sim->evq, &c->balance,
                         sim->config.balance_ns + offset);
        }
    }
}

/* ---- stopping ------------------------------------------------------------ */

void ipa_sim_stop(struct ipa_sim *sim, enum ipa_sim_exit kind, char *message)
{
    sim->exit = kind;
    g_free(sim->exit_message);
    sim->exit_message = message;
    IPA_ASSERT(sim->running, "stop outside a run");
    siglongjmp(sim->fault_jmp, 1);
}

/* Names the first thread in @state, for a lost-thread fault. */
static struct ipa_thread *find_in_state(struct ipa_sim *sim,
                                        enum ipa_state state)
{
    for (guint i = 0; i < sim->threads->len; i++) {
        struct ipa_thread *t = g_ptr_array_index(sim->threads, i);
        if (t->started && t->pub.state == state)
            return t;
    }
    return NULL;
}

static const char *event_name(int kind)
{
    static const char *const names[] = {
        [EV_ARRIVE] = "arrival",   [EV_RUN_END] = "end of run phase",
        [EV_WAKE] = "timer wake-up", [EV_TICK] = "tick",
        [EV_BALANCE] = "balancing",  [EV_HOTPLUG] = "hot-plug",
        [EV_DEADLINE] = "job deadline",
    };
    return names[kind];
}

/* After each event: nothing half-moved, nothing lost. O(1) unless a rule
 * broke, when it finds the thread to name. */
static void check_invariants(struct ipa_sim *sim, const struct ipa_event *ev)
{
    static const enum ipa_state transient[] = {
        IPA_STATE_NOT_QUEUED, IPA_STATE_MIGRATING, IPA_STATE_READY_TICK};
    for (size_t i = 0; i < G_N_ELEMENTS(transient); i++) {
        if (!sim->state_count[transient[i]])
            continue;
        struct ipa_thread *t = find_in_state(sim, transient[i]);
        IPA_ASSERT(t, "state counts out of step");
        sim->cb = event_name(ev->kind);
        sim->cb_thread = t;
        sim->cb_core = t->pub.core;
        ipa_fault(t->rt, "lost thread: thread %d was left in %s after the %s",
                  t->tid, ipa_state_name(transient[i]), event_name(ev->kind));
    }
}

static char *deadlock_message(struct ipa_sim *sim)
{
    GString *msg = g_string_new(NULL);
    int n = 0;
    for (guint i = 0; i < sim->threads->len; i++) {
        struct ipa_thread *t = g_ptr_array_index(sim->threads, i);
        if (t->pub.state == IPA_STATE_BLOCKED)
            n++;
    }
    g_string_printf(msg, "deadlock at %llu ns: %d thread%s blocked forever:",
                    (unsigned long long)sim->now, n, n == 1 ? "" : "s");
    int shown = 0;
    for (guint i = 0; i < sim->threads->len && shown < 20; i++) {
        struct ipa_thread *t = g_ptr_array_index(sim->threads, i);
        if (t->pub.state != IPA_STATE_BLOCKED)
            continue;
        char *on = ipa_program_blocked_on(sim, t);
        g_string_append_printf(msg, "%s %s (on %s)", shown ? "," : "",
                               t->spec->name, on);
        g_free(on);
        shown++;
    }
    if (shown < n)
        g_string_append_printf(msg, ", and %d more", n - shown);
    return g_string_free(msg, FALSE);
}

/* The end conditions the loop checks after each event. */
static void check_progress(struct ipa_sim *sim)
{
    if (!sim->live)
        ipa_sim_stop(sim, IPA_SIM_DONE, NULL);
    int running = sim->state_count[IPA_STATE_RUNNING];
    int ready = sim->state_count[IPA_STATE_READY];
    if (!running && !ready && !sim->timers)
        ipa_sim_stop(sim, IPA_SIM_DEADLOCK, deadlock_message(sim));
    if (running || !ready) {
        sim->stall_since_ns = UINT64_MAX;
        return;
    }
    if (sim->stall_since_ns == UINT64_MAX)
        sim->stall_since_ns = sim->now;
    else if (sim->config.stall_ns &&
             sim->now - sim->stall_since_ns >= sim->config.stall_ns) {
        struct ipa_thread *t = find_in_state(sim, IPA_STATE_READY);
        ipa_sim_stop(
            sim, IPA_SIM_STALL,
            g_strdup_printf("stall: %d thread%s ready and no core running "
                            "anything for %llu ns (since %llu ns); thread %d "
                            "(%s) waits on core %d under '%s'",
                            ready, ready == 1 ? "" : "s",
                            (unsigned long long)(sim->now -
                                                 sim->stall_since_ns),
                            (unsigned long long)sim->stall_since_ns, t->tid,
                            t->spec->name, t->pub.core, t->rt->name));
    }
}

static void handle(struct ipa_sim *sim, struct ipa_event *ev)
{
    switch ((enum ev_kind)ev->kind) {
    case EV_ARRIVE: {
        struct ipa_thread *t = IPA_CONTAINER_OF(ev, struct ipa_thread, timer);
        sim->timers--;
        ipa_dispatch_arrive(sim, t, -1);
        break;
    }
    case EV_RUN_END: {
        struct ipa_thread *t = IPA_CONTAINER_OF(ev, struct ipa_thread, timer);
        ipa_program_advance(sim, t);
        break;
    }
    case EV_WAKE: {
        struct ipa_thread *t = IPA_CONTAINER_OF(ev, struct ipa_thread, timer);
        sim->timers--;
        ipa_dispatch_wake(sim, t, -1);
        break;
    }
    case EV_TICK:
        ipa_dispatch_tick(sim, IPA_CONTAINER_OF(ev, struct ipa_core, tick));
        break;
    case EV_BALANCE:
        ipa_dispatch_balance(sim,
                             IPA_CONTAINER_OF(ev, struct ipa_core, balance));
        break;
    case EV_DEADLINE:
        ipa_jobs_deadline(sim, ev);
        break;
    case EV_HOTPLUG: {
        const struct ipa_hotplug *h = &g_array_index(
            sim->trace->hotplug, struct ipa_hotplug, ev - sim->hotplug);
        ipa_dispatch_hotplug(sim, &sim->cores[h->core], h->online);
        break;
    }
    }
}

static void loop(struct ipa_sim *sim)
{
    uint64_t until = sim->config.until_ns;
    if (sim->trace->until_ns && (!until || sim->trace->until_ns < until))
        until = sim->trace->until_ns;
    for (;;) {
        struct ipa_event *ev = ipa_evq_peek(&sim->evq);
        if (!ev)
            ipa_sim_stop(sim, IPA_SIM_DEADLOCK, deadlock_message(sim));
        if (until && ev->time_ns > until) {
            sim->now = until;
            ipa_sim_stop(
                sim, IPA_SIM_UNTIL,
                g_strdup_printf("stopped at %llu ns (%s)",
                                (unsigned long long)until,
                                until == sim->config.until_ns
                                    ? "--until"
                                    : "the trace's \"until\""));
        }
        if (sim->config.max_events && sim->nr_events >= sim->config.max_events)
            ipa_sim_stop(
                sim, IPA_SIM_MAX_EVENTS,
                g_strdup_printf("stopped after %llu events (--max-events) at "
                                "%llu ns",
                                (unsigned long long)sim->nr_events,
                                (unsigned long long)sim->now));
        ipa_evq_remove(&sim->evq, ev);
        sim->now = ev->time_ns;
        sim->nr_events++;
        sim->event_ops = 0;
        handle(sim, ev);
        ipa_dispatch_resched(sim);
        check_invariants(sim, ev);
        for (int p = 0; p < sim->nr_parts; p++)
            ipa_wc_commit(sim->parts[p]->wc, sim->now);
        check_progress(sim);
    }
}

bool ipa_sim_run(struct ipa_sim *sim, GError **error)
{
    if (!sim->nr_parts) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT, "no policy to run");
        return false;
    }
    int **cores = g_new(int *, sim->nr_parts);
    int *counts = g_new(int, sim->nr_parts);
    for (int p = 0; p < sim->nr_parts; p++) {
        cores[p] = sim->parts[p]->cores;
        counts[p] = sim->parts[p]->nr_cores;
    }
    bool ok = ipa_trace_validate(sim->trace, sim->nr_cores, sim->nr_parts,
                                 cores, counts, error);
    g_free(cores);
    g_free(counts);
    if (!ok || !ipa_classes_setup(sim, error))
        return false;

    ipa_sim_prepare(sim);
    setup_balancing(sim);
    sim->stall_since_ns = UINT64_MAX;
    sim->event_ops_limit =
        sim->config.spin_limit ? sim->config.spin_limit : UINT64_MAX;
    if (sim->config.max_events && sim->config.max_events < sim->event_ops_limit)
        sim->event_ops_limit = sim->config.max_events;
    sim->running = true;
    ipa_guard_install(sim);
    if (sigsetjmp(sim->fault_jmp, 1) == 0) {
        for (guint r = 0; r < sim->rts->len; r++) {
            struct ipa_rt *rt = g_ptr_array_index(sim->rts, r);
            int rc = 0;
            if (rt->ops->init) {
                ipa_policy_enter(sim, rt, "init");
                rc = rt->ops->init(rt);
                ipa_policy_leave(sim);
            }
            rt->initialised = true;
            if (rc)
                ipa_fault(rt, "init failed with %d", rc);
        }
        loop(sim);
    }
    if (sim->guard_signal) {
        sim->exit = IPA_SIM_FAULT;
        g_free(sim->exit_message);
        sim->exit_message = ipa_guard_message(sim);
    }
    sim->in_policy = false;
    /* Stopped: a clean end or a fault. fini only after a clean end, so a
     * faulting policy is not run further. */
    ipa_dispatch_leave_cb(sim);
    if (sim->exit != IPA_SIM_FAULT && sigsetjmp(sim->fault_jmp, 1) == 0) {
        for (guint r = 0; r < sim->rts->len; r++) {
            struct ipa_rt *rt = g_ptr_array_index(sim->rts, r);
            if (rt->initialised && rt->ops->fini) {
                ipa_policy_enter(sim, rt, "fini");
                rt->ops->fini(rt);
                ipa_policy_leave(sim);
            }
        }
    }
    if (sim->guard_signal && sim->exit != IPA_SIM_FAULT) {
        sim->exit = IPA_SIM_FAULT;
        g_free(sim->exit_message);
        sim->exit_message = ipa_guard_message(sim);
    }
    ipa_guard_remove(sim);
    sim->in_policy = false;
    sim->cb = NULL;
    sim->running = false;
    ipa_sim_finish(sim);
    return true;
}

void ipa_sim_prepare(struct ipa_sim *sim)
{
    ipa_evq_init(&sim->evq, (int)sim->trace->threads->len +
                                2 * sim->nr_cores +
                                (int)sim->trace->hotplug->len + 16);
    setup_threads(sim);
    for (int i = 0; i < sim->nr_cores; i++)
        if (sim->cores[i].rt) {
            sim->cores[i].idle = true;
            for (struct ipa_rt *rt = sim->cores[i].rt; rt; rt = rt->lower)
                ipa_cpuset_set(rt->idle_set, i);
            ipa_wc_core_idle(sim->cores[i].rt->wc, i, true);
        }
}

void ipa_sim_finish(struct ipa_sim *sim)
{
    for (int p = 0; p < sim->nr_parts; p++)
        sim->parts[p]->wc_result = ipa_wc_finish(sim->parts[p]->wc, sim->now);
}

void ipa_sim_free(struct ipa_sim *sim)
{
    if (!sim)
        return;
    ipa_sums_fini(sim);
    ipa_jobs_fini(sim);
    for (guint r = 0; r < sim->rts->len; r++) {
        struct ipa_rt *rt = g_ptr_array_index(sim->rts, r);
        for (int i = 0; i < rt->nr_cores; i++) {
            int core = rt->cores[i];
            for (int q = 0; q < rt->ops->nr_core_rqs; q++)
                ipa_rq_fini(&rt->core_rqs[core][q]);
            g_free(rt->core_rqs[core]);
            g_free(rt->core_data[core]);
        }
        g_free(rt->core_rqs);
        g_free(rt->core_data);
        g_free(rt->name);
        g_free(rt->class_name);
        if (rt->event_names)
            g_hash_table_destroy(rt->event_names);
        g_strfreev(rt->attach_names);
        g_free(rt->attach_attrs);
        g_free(rt->call_iface);
        g_free(rt->share_vtime);
        g_free(rt->share_runnable);
        g_free(rt->share_floor);
        g_free(rt->share_since_ns);
        g_free(rt->idle_set);
        g_free(rt->waiting_set);
        g_free(rt->domain_data);
        g_free(rt->pub.policy_data);
        for (int i = 0; i < rt->ops->nr_global_rqs; i++)
            ipa_rq_fini(&rt->global_rqs[i]);
        g_free(rt->global_rqs);
        if (rt->core_order)
            g_free(rt->core_order->nodes);
        g_free(rt->core_order);
    }
    for (guint r = 0; r < sim->rts->len; r++) {
        struct ipa_rt *rt = g_ptr_array_index(sim->rts, r);
        if (rt->top == rt) { /* what its classes share */
            g_free(rt->cores);
            g_free(rt->coreset);
            ipa_hier_free(rt->hier);
            ipa_wc_free(rt->wc);
            g_free(rt->migrations_by_distance);
        }
    }
    for (guint r = 0; r < sim->rts->len; r++)
        g_free(g_ptr_array_index(sim->rts, r));
    g_ptr_array_free(sim->rts, TRUE);
    g_free(sim->call_class);
    g_free(sim->parts);
    g_aligned_free(sim->cores);
    g_ptr_array_free(sim->threads, TRUE);
    if (sim->programs)
        g_hash_table_destroy(sim->programs);
    free_chunks(sim);
    ipa_evq_fini(&sim->evq);
    g_free(sim->hotplug);
    g_free(sim->channels);
    g_free(sim->mutexes);
    g_free(sim->barriers);
    g_free(sim->group_live);
    g_free(sim->group_latency);
    g_free(sim->locked);
    g_free(sim->resched);
    g_free(sim->exit_message);
    if (!ipa_guard_placed(sim))
        g_free(sim);
}

/* ---- results ------------------------------------------------------------- */

enum ipa_sim_exit ipa_sim_exit_kind(const struct ipa_sim *sim)
{
    return sim->exit;
}

const char *ipa_sim_exit_message(const struct ipa_sim *sim)
{
    return sim->exit_message;
}

uint64_t ipa_sim_now_ns(const struct ipa_sim *sim)
{
    return sim->now;
}

uint64_t ipa_sim_makespan_ns(const struct ipa_sim *sim)
{
    return sim->exit == IPA_SIM_DONE ? sim->last_exit_ns : sim->now;
}

uint64_t ipa_sim_events(const struct ipa_sim *sim)
{
    return sim->nr_events;
}

int ipa_sim_nr_threads(const struct ipa_sim *sim)
{
    return (int)sim->threads->len;
}

void ipa_sim_thread_result(const struct ipa_sim *sim, int tid,
                           struct ipa_thread_result *out)
{
    const struct ipa_thread *t = g_ptr_array_index(sim->threads, tid);
    memset(out, 0, sizeof *out);
    out->tid = t->tid;
    out->name = t->spec->name;
    out->group = t->pub.group >= 0 ? g_ptr_array_index(sim->trace->groups, t->pub.group)
                               : NULL;
    out->partition = t->rt->index;
    out->class_name = t->rt->class_name;
    out->state = t->pub.state;
    out->started = t->started;
    out->start_ns = t->start_ns;
    out->end_ns = t->end_ns;
    out->runtime_ns = t->runtime_ns;
    if (t->pub.state == IPA_STATE_RUNNING)
        out->runtime_ns += sim->now - t->run_since_ns;
    out->wait_ns = t->wait_ns;
    if (t->pub.state == IPA_STATE_READY)
        out->wait_ns += sim->now - t->ready_since_ns;
    out->nr_switches = t->nr_switches;
    out->nr_migrations = t->nr_migrations;
    out->nr_wakeups = t->nr_wakeups;
    out->latency_max_ns = t->latency_max_ns;
    out->latency_sum_ns = t->latency_sum_ns;
    switch (t->wait) {
    case WAIT_NONE:
        out->blocked_on = NULL;
        break;
    case WAIT_SLEEP:
        out->blocked_on = "sleep";
        break;
    case WAIT_CHANNEL:
        out->blocked_on = g_ptr_array_index(sim->trace->channels, t->wait_obj);
        break;
    case WAIT_BARRIER:
        out->blocked_on = g_ptr_array_index(sim->trace->barriers, t->wait_obj);
        break;
    case WAIT_MUTEX:
        out->blocked_on = g_ptr_array_index(sim->trace->mutexes, t->wait_obj);
        break;
    }
}

int ipa_sim_nr_cores(const struct ipa_sim *sim)
{
    return sim->nr_cores;
}

void ipa_sim_core_result(const struct ipa_sim *sim, int core,
                         struct ipa_core_result *out)
{
    const struct ipa_core *c = &sim->cores[core];
    out->id = c->id;
    out->partition = c->rt ? c->rt->index : -1;
    out->busy_ns = c->busy_ns;
    if (c->current && c->current->pub.state == IPA_STATE_RUNNING)
        out->busy_ns += sim->now - c->busy_since_ns;
    uint64_t span = ipa_sim_makespan_ns(sim);
    out->idle_ns = span > out->busy_ns ? span - out->busy_ns : 0;
    out->nr_switches = c->nr_switches;
}

int ipa_sim_nr_partitions(const struct ipa_sim *sim)
{
    return sim->nr_parts;
}

void ipa_sim_partition_result(const struct ipa_sim *sim, int part,
                              struct ipa_partition_result *out)
{
    const struct ipa_rt *rt = sim->parts[part];
    out->name = rt->name;
    out->nr_cores = rt->nr_cores;
    out->cores = rt->cores;
    out->wc = rt->wc_result;
    out->migrations_by_distance = rt->migrations_by_distance;
}

const struct ipa_hist *ipa_sim_latency(const struct ipa_sim *sim)
{
    return &sim->latency;
}

const struct ipa_hist *ipa_sim_group_latency(const struct ipa_sim *sim,
                                             int group)
{
    return &sim->group_latency[group + 1];
}

const struct ipa_topo *ipa_sim_topo(const struct ipa_sim *sim)
{
    return sim->topo;
}

const struct ipa_trace *ipa_sim_trace(const struct ipa_sim *sim)
{
    return sim->trace;
}
