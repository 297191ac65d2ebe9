/*
 * classes.c - partitions composed of scheduling classes.
 *
 * A partition may run several policies on the same cores, in a fixed
 * order of priority, as Linux's scheduling classes (stop, deadline, rt,
 * fair, idle) and Bossa's virtual schedulers do. Each thread belongs to
 * one class, which alone moves it. On each core:
 * - a schedule point asks the classes in order, and the first that elects
 *   a thread wins (dispatch.c);
 * - a class sees a core that runs a lower class's thread as idle (its
 *   idle set and ipa_core_idle say so) and none of that thread (not its
 *   current thread, which is another policy's data);
 * - a thread of a higher class made READY for a core that runs a lower
 *   class's thread preempts it at once: at the schedule point that follows,
 *   the lower class's `yield` puts its thread back in its own queue (as
 *   Linux's put_prev_task), and the classes are asked again.
 *
 * Share groups. Consecutive classes with a share form a group at the place
 * of their first member, which divides each core's time among them in
 * proportion to their shares, as Linux's CFS group scheduling divides it
 * among task groups by weight. Each member has, per core, a virtual time:
 * its run time there divided by its share. A schedule point asks the
 * group's members in order of least virtual time (ties: the first
 * declared); at a tick, a member with threads waiting on the core and a
 * lower virtual time than the running member's takes the core, through
 * the same mark and yield as a higher class. A member with no thread
 * READY or running on a core banks nothing there: when it gets one, its
 * virtual time is raised to the group's floor on the core, the least
 * virtual time of the active members seen so far (CFS's min_vruntime),
 * so it shares from then on and cannot make up for the time it had no
 * work.
 *
 * The work-conservation monitor is the partition's: an idle core while a
 * thread of any class waits is flagged, a core busy with any class is not
 * idle. None of this costs a partition of one policy anything: the hook
 * on moves runs only when some partition has classes (sim->stacked).
 */
#include <string.h>

#include "engine/internal.h"
#include "util/common.h"
#include "util/cpuset.h"

/* The class named @name among @top's, or NULL. */
static struct ipa_rt *class_named(struct ipa_rt *top, const char *name)
{
    for (struct ipa_rt *rt = top; rt; rt = rt->lower)
        if (!strcmp(rt->class_name, name))
            return rt;
    return NULL;
}

/* The names of @top's classes, for messages. */
static char *class_names(const struct ipa_rt *top)
{
    GString *s = g_string_new(NULL);
    for (const struct ipa_rt *rt = top; rt; rt = rt->lower)
        g_string_append_printf(s, "%s'%s'", s->len ? ", " : "",
                               rt->class_name);
    return g_string_free(s, FALSE);
}

/* A spec's "class" must name a class of its partition. */
static bool check_spec(struct ipa_sim *sim, const struct ipa_thread_spec *spec,
                       GError **error)
{
    if (!spec->class_name)
        return true;
    struct ipa_rt *top = sim->parts[spec->partition];
    if (top->class_name && class_named(top, spec->class_name))
        return true;
    char *names = top->class_name ? class_names(top) : NULL;
    char *where = spec->where ? g_strdup_printf("%s.class", spec->where)
                              : g_strdup_printf("thread '%s'", spec->name);
    if (names)
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s: %s: no class '%s' in policy '%s' (its classes: %s)",
                    sim->trace->path, where, spec->class_name, top->name,
                    names);
    else
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s: %s: class '%s', but policy '%s' is not composed of "
                    "classes",
                    sim->trace->path, where, spec->class_name, top->name);
    g_free(where);
    g_free(names);
    return false;
}

/* "db.json: threads[3] (op 2)", or "thread 'x' (op 2)" for a generated
 * one. */
static char *op_where(const struct ipa_sim *sim,
                      const struct ipa_thread_spec *spec, int op)
{
    if (spec->where)
        return g_strdup_printf("%s: %s (op %d)", sim->trace->path,
                               spec->where, op + 1);
    return g_strdup_printf("%s: thread '%s' (op %d)", sim->trace->path,
                           spec->name, op + 1);
}

/* The interface functions @rt declares, and `attach` for a class, as a
 * message's list. */
static char *iface_names(const struct ipa_rt *rt)
{
    GString *s = g_string_new(rt->class_name ? "attach" : "");
    for (int i = 0; i < rt->ops->nr_ifaces; i++)
        g_string_append_printf(s, "%s%s (%d argument%s)", s->len ? ", " : "",
                               rt->ops->ifaces[i].name,
                               rt->ops->ifaces[i].nr_args,
                               rt->ops->ifaces[i].nr_args == 1 ? "" : "s");
    return g_string_free(s, FALSE);
}

/* The first argument of @call that is a name, or -1. */
static int word_arg(const struct ipa_call *call)
{
    for (int a = 0; a < call->nr_args; a++)
        if (call->is_word[a])
            return a;
    return -1;
}

/* A call op of @spec: `attach` to a class of its partition (a
 * composition's own interface function), or one the policy of the class
 * the thread starts in declares. */
static bool check_call(struct ipa_sim *sim, const struct ipa_thread_spec *spec,
                       int op, GError **error)
{
    const struct ipa_trace *tr = sim->trace;
    int index = spec->ops[op].obj;
    const struct ipa_call *call = &g_array_index(tr->calls, struct ipa_call,
                                                 index);
    const char *name = g_ptr_array_index(tr->call_names, call->name);
    struct ipa_rt *top = sim->parts[spec->partition];
    struct ipa_rt *rt = top->lower ? ipa_classes_pick(sim, top, spec) : top;
    char *where = op_where(sim, spec, op);
    bool ok = false;
    if (top->class_name && !strcmp(name, "attach")) {
        struct ipa_rt *to =
            call->nr_args == 1 && call->is_word[0]
                ? class_named(top, g_ptr_array_index(tr->words, call->args[0]))
                : NULL;
        if (!to) {
            char *names = class_names(top);
            g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                        "%s: 'attach' takes one argument, the name of a "
                        "class of '%s': %s",
                        where, top->name, names);
            g_free(names);
            goto out;
        }
        sim->call_class[index] = to;
    } else if (!rt->call_iface[index] && word_arg(call) >= 0) {
        int a = word_arg(call);
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s: '%s' takes numbers, and argument %d is the name "
                    "'%s'",
                    where, name, a + 1,
                    (const char *)g_ptr_array_index(tr->words, call->args[a]));
        goto out;
    } else if (!rt->call_iface[index]) {
        char *names = iface_names(rt);
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s: calls '%s' with %d argument%s, which %s%s%s"
                    "policy '%s' does not declare (%s%s)",
                    where, name, call->nr_args,
                    call->nr_args == 1 ? "" : "s",
                    rt->class_name ? "class '" : "",
                    rt->class_name ? rt->class_name : "",
                    rt->class_name ? "' of " : "", rt->name,
                    *names ? "its interface functions: " : "it declares no "
                                                          "interface function",
                    names);
        g_free(names);
        goto out;
    }
    ok = true;
out:
    g_free(where);
    return ok;
}

/* Which interface function of @rt each trace call names: the same name
 * and number of arguments, all numbers. */
static void resolve_calls(struct ipa_sim *sim, struct ipa_rt *rt)
{
    const struct ipa_trace *tr = sim->trace;
    rt->call_iface = g_new0(int, tr->calls->len + 1);
    for (guint c = 0; c < tr->calls->len; c++) {
        const struct ipa_call *call =
            &g_array_index(tr->calls, struct ipa_call, c);
        bool numbers = word_arg(call) < 0;
        const char *name = g_ptr_array_index(tr->call_names, call->name);
        for (int i = 0; numbers && i < rt->ops->nr_ifaces; i++)
            if (!strcmp(rt->ops->ifaces[i].name, name) &&
                rt->ops->ifaces[i].nr_args == call->nr_args)
                rt->call_iface[c] = i + 1;
    }
}

bool ipa_classes_setup(struct ipa_sim *sim, GError **error)
{
    GPtrArray *lists[] = {sim->trace->threads, sim->trace->templates};
    sim->call_class = g_new0(struct ipa_rt *, sim->trace->calls->len + 1);
    for (guint r = 0; r < sim->rts->len; r++) {
        struct ipa_rt *rt = g_ptr_array_index(sim->rts, r);
        int n = rt->attach_names ? (int)g_strv_length(rt->attach_names) : 0;
        rt->attach_attrs = g_new(int, n + 1);
        for (int i = 0; i < n; i++)
            rt->attach_attrs[i] = ipa_attr_id(rt, rt->attach_names[i]);
        rt->attach_attrs[n] = -2; /* the end */
        resolve_calls(sim, rt);
    }
    for (size_t l = 0; l < G_N_ELEMENTS(lists); l++)
        for (guint i = 0; i < lists[l]->len; i++) {
            const struct ipa_thread_spec *spec = g_ptr_array_index(lists[l], i);
            if (!check_spec(sim, spec, error))
                return false;
            for (int op = 0; op < spec->nr_ops; op++)
                if (spec->ops[op].kind == IPA_OP_CALL &&
                    !check_call(sim, spec, op, error))
                    return false;
        }
    return true;
}

struct ipa_rt *ipa_classes_pick(struct ipa_sim *sim, struct ipa_rt *top,
                                const struct ipa_thread_spec *spec)
{
    (void)sim;
    if (spec->class_name)
        return class_named(top, spec->class_name);
    struct ipa_rt *last = top;
    for (struct ipa_rt *rt = top; rt; rt = rt->lower) {
        for (const int *a = rt->attach_attrs; *a != -2; a++)
            for (int i = 0; *a >= 0 && i < spec->nr_attrs; i++)
                if (spec->attr_ids[i] == *a && spec->attr_values[i])
                    return rt;
        last = rt;
    }
    return last;
}

void ipa_classes_refresh(struct ipa_sim *sim, const struct ipa_core *c)
{
    (void)sim;
    const struct ipa_thread *cur = c->current;
    for (struct ipa_rt *rt = c->rt; rt; rt = rt->lower) {
        bool free = c->idle || (cur && cur->rt->class_level > rt->class_level);
        if (free)
            ipa_cpuset_set(rt->idle_set, c->id);
        else
            ipa_cpuset_clear(rt->idle_set, c->id);
    }
}

/* Virtual time is run time scaled by this over the share: a share of 3
 * then loses under a nanosecond in a second to the division. */
#define SHARE_SCALE 1024

static bool is_runnable(enum ipa_state state)
{
    return state == IPA_STATE_READY || state == IPA_STATE_RUNNING ||
           state == IPA_STATE_READY_TICK;
}

/* The run of @rt's thread on @core since it started or was last charged,
 * added to @rt's virtual time there; the group's floor follows the least
 * virtual time of its active members. */
static void share_charge(struct ipa_sim *sim, struct ipa_rt *rt, int core)
{
    struct ipa_rt *first = rt->share_first;
    uint64_t ran = sim->now - first->share_since_ns[core];
    first->share_since_ns[core] = sim->now;
    rt->share_vtime[core] += ran * SHARE_SCALE / (uint64_t)rt->share;
    uint64_t least = UINT64_MAX;
    for (struct ipa_rt *m = first; m && m->share_first == first; m = m->lower)
        if (m->share_runnable[core] && m->share_vtime[core] < least)
            least = m->share_vtime[core];
    if (least != UINT64_MAX && least > first->share_floor[core])
        first->share_floor[core] = least;
}

/* A move of @t, whose class has a share: its run charged when it leaves
 * a core, and its class's count of runnable threads on each core kept;
 * a class that had none on a core starts there at the group's floor. */
static void share_after_move(struct ipa_sim *sim, const struct ipa_thread *t,
                             enum ipa_state from, enum ipa_state to,
                             int core, const struct ipa_core *old)
{
    struct ipa_rt *rt = t->rt;
    struct ipa_rt *first = rt->share_first;
    if (from == IPA_STATE_RUNNING && old)
        share_charge(sim, rt, old->id);
    int left = old && is_runnable(from) ? old->id : -1;
    int joined = core >= 0 && is_runnable(to) ? core : -1;
    if (left != joined) {
        if (left >= 0) {
            IPA_ASSERT(rt->share_runnable[left] > 0,
                       "a share class left a core it was not counted on");
            rt->share_runnable[left]--;
        }
        if (joined >= 0 && !rt->share_runnable[joined]++ &&
            rt->share_vtime[joined] < first->share_floor[joined])
            rt->share_vtime[joined] = first->share_floor[joined];
    }
    if (to == IPA_STATE_RUNNING)
        first->share_since_ns[core] = sim->now;
}

/* Whether a member of @cur's group other than @cur has threads waiting
 * on @core and less virtual time there. */
static bool share_someone_behind(const struct ipa_rt *cur, int core)
{
    struct ipa_rt *first = cur->share_first;
    for (struct ipa_rt *m = first; m && m->share_first == first; m = m->lower)
        if (m != cur && m->share_runnable[core] &&
            m->share_vtime[core] < cur->share_vtime[core])
            return true;
    return false;
}

void ipa_classes_share_tick(struct ipa_sim *sim, struct ipa_core *c,
                            const struct ipa_thread *t)
{
    share_charge(sim, t->rt, c->id);
    if (share_someone_behind(t->rt, c->id)) {
        c->class_preempt = true;
        c->class_waker = NULL; /* the group's turn, not a thread's */
        ipa_sim_resched(sim, c->id);
    }
}

struct ipa_rt *ipa_classes_share_next(struct ipa_rt *first, int core,
                                      uint64_t asked, uint64_t *bit)
{
    struct ipa_rt *best = NULL;
    uint64_t b = 1;
    for (struct ipa_rt *m = first; m && m->share_first == first;
         m = m->lower, b <<= 1)
        if (!(asked & b) &&
            (!best || m->share_vtime[core] < best->share_vtime[core])) {
            best = m;
            *bit = b;
        }
    return best;
}

void ipa_classes_after_move(struct ipa_sim *sim, const struct ipa_thread *t,
                            enum ipa_state from, enum ipa_state to, int core,
                            const struct ipa_core *old)
{
    if (!t->rt->top->lower)
        return; /* a partition of one policy */
    if (t->rt->share_first)
        share_after_move(sim, t, from, to, core, old);
    if (to == IPA_STATE_RUNNING)
        ipa_classes_refresh(sim, &sim->cores[core]);
    if (old && (from == IPA_STATE_RUNNING || from == IPA_STATE_READY_TICK))
        ipa_classes_refresh(sim, old);
    if (to != IPA_STATE_READY || core < 0)
        return;
    struct ipa_core *c = &sim->cores[core];
    const struct ipa_thread *cur = c->current;
    if (cur && cur->rt->class_level > t->rt->class_level) {
        c->class_preempt = true;
        c->class_waker = (struct ipa_thread *)t;
        ipa_sim_resched(sim, core);
    }
}

bool ipa_classes_should_preempt(struct ipa_core *c)
{
    c->class_preempt = false;
    const struct ipa_thread *w = c->class_waker;
    const struct ipa_thread *cur = c->current;
    c->class_waker = NULL;
    if (!w) /* a share group's turn (ipa_classes_share_tick) */
        return cur && cur->rt->share_first &&
               share_someone_behind(cur->rt, c->id);
    /* the waker may have been elected elsewhere meanwhile */
    return w && cur && w->pub.state == IPA_STATE_READY &&
           w->pub.core == c->id && cur->rt->class_level > w->rt->class_level;
}

const char *ipa_classes_event_name(struct ipa_rt *rt, const char *event)
{
    if (!rt->event_names)
        rt->event_names =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    const char *name = g_hash_table_lookup(rt->event_names, event);
    if (!name) {
        char *made = g_strdup_printf("%s.%s", rt->class_name, event);
        g_hash_table_insert(rt->event_names, g_strdup(event), made);
        name = made;
    }
    return name;
}
