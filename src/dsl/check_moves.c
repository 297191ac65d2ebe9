#include "dsl/check_internal.h"

/* State transitions per event and ownership: which core's states and
 * attributes a handler may read, write or move threads into, and which
 * core each core-valued expression is (language.md, checks 2, 6, 8). */

int ck_core_field_index(const struct checker *ck, const struct field *f)
{
    return (int)(f - &g_array_index(ck->fields[ENT_CORE], struct field, 0));
}

/* A core's lazy attribute read for another core (checked at the end,
 * when what each lazy attribute reads is known). */
void ck_note_remote_lazy(struct checker *ck, const struct field *f,
                         struct ipa_span sp)
{
    struct remote_lazy r = {sp, ck_core_field_index(ck, f)};
    g_array_append_val(ck->remote_lazies, r);
}

/* What the core lazy attribute being checked reads of its own core. */
void ck_note_lazy_read(struct checker *ck, const struct field *f)
{
    int *unshared = &ck->lazy_unshared[ck->init_lazy];
    if (f->kind == F_LAZY) {
        struct lazy_edge edge = {ck->init_lazy, ck_core_field_index(ck, f)};
        g_array_append_val(ck->lazy_edges, edge);
    } else if (f->kind == F_STATE && *unshared < 0) {
        const struct state *st =
            &g_array_index(ck->states, struct state, f->state);
        if (!st->shared && st->cls != C_TERMINATED && st->cls != C_RUNNING)
            *unshared = f->state;
    }
}

const char *ck_state_name(const struct checker *ck, int i)
{
    return g_array_index(ck->states, struct state, i).name;
}

enum sclass ck_state_class(const struct checker *ck, int i)
{
    return g_array_index(ck->states, struct state, i).cls;
}

static bool is_balancing(int ev)
{
    return ev == IPA_EV_balancing_select || ev == IPA_EV_newly_idle;
}

/* stmt -> thread '=>' state: the transition rules of each event, and which
 * cores' containers the move touches. */
void ck_check_move(struct checker *ck, struct ctx *cx,
                   const struct ipa_node *s)
{
    struct val sv = ck_check_value(ck, cx, s->a);
    struct val dv = ck_check_expr(ck, cx, s->b);
    char tb[32];
    struct ipa_span arrow = s->name_span;
    if (sv.t.k != T_PROCESS && sv.t.k != T_ERR) {
        err(ck, s->a->span, "only a process can be moved, not '%s'",
            ck_type_name(sv.t, tb, sizeof tb));
        return;
    }
    if (dv.state < 0) {
        if (dv.t.k != T_ERR)
            err(ck, s->b->span, "the right of '=>' must name a state, such "
                "as 'ready' or 'c.ready'");
        return;
    }
    if (sv.t.k == T_ERR)
        return;
    enum sclass dc = ck_state_class(ck, dv.state);
    const char *dn = ck_state_name(ck, dv.state);
    bool target = sv.origin == O_TARGET;
    int ev = cx->event;
    if (cx->func) {
        cx->func->moves = true;
        if (!cx->in_try) {
            err(ck, arrow, "only 'try' functions may move threads: they lock "
                "the cores they touch");
            return;
        }
        if (sv.origin == O_PARAM) {
            err(ck, s->a->span, "a function cannot move a thread it was "
                "given; take it from a state ('foreach (p in c.ready)')");
            return;
        }
        if (sv.oclass != C_READY || dc != C_READY) {
            err(ck, arrow, "a 'try' function may only move READY threads "
                "between READY states (stealing)");
            return;
        }
        if (sv.loc != L_LOCKED || dv.loc != L_LOCKED)
            err(ck, arrow, "a 'try' function moves threads only between the "
                "cores it was given as parameters (the cores it locks)");
        return;
    }
    if (ev < 0)
        return;
    const char *en = events[ev].name;
    switch (ev) {
    case IPA_EV_new:
    case IPA_EV_unblock:
    case IPA_EV_tick:
    case IPA_EV_yield:
    case IPA_EV_block:
    case IPA_EV_terminate: {
        enum sclass want = ev == IPA_EV_block       ? C_BLOCKED
                           : ev == IPA_EV_terminate ? C_TERMINATED
                                                    : C_READY;
        if (!target) {
            err(ck, s->a->span, "'%s' may move only its target (e.target)",
                en);
            return;
        }
        if (dc != want) {
            if (err(ck, s->b->span, "'%s' must move its target to a %s "
                    "state; '%s' is %s", en, class_names[want], dn,
                    class_names[dc]))
                note_pos(ck, arrow, "the runtime allows %s -> %s here",
                         class_names[sv.oclass], class_names[want]);
            return;
        }
        if (dv.loc == L_REMOTE && ev != IPA_EV_new && ev != IPA_EV_unblock)
            err(ck, s->b->span, "'%s' may move its target only to a state "
                "of its own core; choosing a core is for 'new' and "
                "'unblock'", en);
        return;
    }
    case IPA_EV_schedule:
        if (dc != C_RUNNING) {
            err(ck, s->b->span, "'schedule' elects a thread by moving it to "
                "a RUNNING state; '%s' is %s", dn, class_names[dc]);
            return;
        }
        if (sv.oclass != C_READY) {
            err(ck, s->a->span, "'schedule' elects a READY thread; this one "
                "is %s", sv.oclass >= 0 ? class_names[sv.oclass]
                                        : "in an unknown state");
            return;
        }
        if (sv.loc != L_OWN || dv.loc != L_OWN)
            err(ck, arrow, "'schedule' elects a thread queued on its own core "
                "('first(ready) => current')");
        return;
    case IPA_EV_balancing_select:
    case IPA_EV_newly_idle:
        if (sv.oclass != C_READY || dc != C_READY) {
            err(ck, arrow, "'%s' may only move READY threads between READY "
                "states", en);
            return;
        }
        if (dv.loc == L_REMOTE)
            err(ck, s->b->span, "'%s' may move threads only into its own "
                "core's states; pushing to another core needs a 'try' "
                "function", en);
        return;
    case IPA_EV_core_exit:
        if (!(sv.oclass == C_READY && dc == C_READY)) {
            err(ck, arrow, "'core_exit' moves the core's READY threads to "
                "READY states of other cores (blocked threads stay: their "
                "wake-up places them)");
            return;
        }
        if (sv.loc != L_OWN)
            err(ck, s->a->span, "'core_exit' may only move threads of the "
                "exiting core");
        else if (dv.loc == L_OWN &&
                 err(ck, s->b->span, "'core_exit' may not move threads into "
                     "'%s' of the exiting core: it is already offline", dn))
            note_pos(ck, s->b->span, "choose another core, as in "
                     "'first(cores filter = { online }).%s'", dn);
        return;
    default:
        err(ck, arrow, "'%s' may not move threads", en);
        return;
    }
}

/* Where a thread comes from when it is taken from another core: only try
 * functions and balancing handlers may do that (best effort). */
void ck_check_steal(struct checker *ck, struct ctx *cx,
                    const struct ipa_node *s)
{
    const struct val *sv = ck_val_of(ck, s->a);
    if (!sv || sv->origin != O_STATE || sv->loc != L_REMOTE)
        return;
    if (cx->func || is_balancing(cx->event) ||
        cx->event == IPA_EV_schedule)
        return; /* schedule: reported by check_move */
    if (cx->event >= 0 && events[cx->event].target == TG_PROCESS &&
        cx->event != IPA_EV_schedule)
        return; /* reported as "may move only its target" */
    err(ck, s->a->span, "a thread of another core can be taken only in a "
        "'try' function or a balancing handler (they lock it first)");
}

/* The bit of the parameter of @f that value @v names, or 0. */
static uint32_t param_bit(const struct func *f, const struct val *v)
{
    for (unsigned i = 0; i < ipa_node_count(f->node) && i < 32; i++)
        if (v->bind == IPA_B_LOCAL && v->bdecl == ipa_node_at(f->node, i))
            return 1u << i;
    return 0;
}

struct type ck_check_lvalue(struct checker *ck, struct ctx *cx,
                             const struct ipa_node *e)
{
    if (e->kind == IPA_N_IDENT) {
        struct local *l = ck_find_local(cx, e->name);
        if (l) {
            if (l->is_event) {
                err(ck, e->span, "the event variable cannot be assigned");
                return t_err;
            }
            return ck_remember(ck, e, ck_bound_decl(l->v, IPA_B_LOCAL, l->node)).t;
        }
        if (g_hash_table_lookup(ck->consts, e->name)) {
            err(ck, e->span, "'%s' is a constant (set it with --param)",
                e->name);
            return t_err;
        }
    }
    if (e->kind != IPA_N_IDENT && e->kind != IPA_N_MEMBER) {
        err(ck, e->span, "this expression cannot be assigned to");
        ck_check_expr(ck, cx, e);
        return t_err;
    }
    struct val v = ck_check_expr(ck, cx, e);
    if (v.t.k == T_ERR)
        return t_err;
    /* find the field written */
    const struct field *f = NULL;
    enum loc owner = L_OWN;
    if (e->kind == IPA_N_MEMBER) {
        const struct val *o = ck_val_of(ck, e->a);
        int ent = o ? ck_ent_of_kind(o->t.k) : -1;
        if (ent >= 0)
            f = ck_find_field(ck, ent, e->name);
        if (o && o->t.k == T_CORE)
            owner = o->loc;
        if (!f) {
            err(ck, e->span, "'%s' cannot be assigned to",
                e->name ? e->name : "this");
            return t_err;
        }
    } else {
        f = ck_find_field(ck, cx->entity >= 0 ? cx->entity : ENT_CORE, e->name);
        if (!f)
            f = ck_find_field(ck, ENT_CORE, e->name);
    }
    if (f && f->kind == F_STATE) {
        err(ck, e->span, "'%s' is a state: threads enter it with '=>'",
            f->name);
        return t_err;
    }
    if (f && f->kind == F_LAZY) {
        err(ck, e->span, "'%s' is lazy: it is computed when read and cannot "
            "be assigned", f->name);
        return t_err;
    }
    if (f && f->kind == F_SYSTEM) {
        err(ck, e->span, "'%s' is a system attribute, maintained by the "
            "runtime: it cannot be assigned", f->name);
        return t_err;
    }
    if (f && f->type.k == T_SET)
        err(ck, e->span, "set attribute '%s' is filled by the domains "
            "builder and cannot be assigned", f->name);
    bool core_field = e->kind == IPA_N_MEMBER
                          ? (ck_val_of(ck, e->a) &&
                             ck_val_of(ck, e->a)->t.k == T_CORE)
                          : (f && cx->entity < 0 && !ck_find_local(cx, e->name));
    if (f && core_field &&
        (cx->event == IPA_EV_new || cx->event == IPA_EV_unblock)) {
        err(ck, e->span, "'%s' runs before its core is chosen and locked: "
            "it may change only the target's attributes",
            events[cx->event].name);
        return t_err;
    }
    if (f && owner == L_REMOTE)
        err(ck, e->span, "cannot write attribute '%s' of another core: a "
            "handler locks only its own core", f->name);
    const struct val *obj = e->kind == IPA_N_MEMBER ? ck_val_of(ck, e->a) : NULL;
    if (f && obj && obj->t.k == T_PROCESS && obj->origin == O_PARAM &&
        cx->func)
        cx->func->writes |= param_bit(cx->func, obj);
    if (f && obj && obj->t.k == T_PROCESS && obj->loc == L_REMOTE)
        err(ck, e->span, "cannot write attribute '%s' of a thread queued on "
            "another core: that core's lock is not held here (write it in a "
            "'try' function that locks the core)", f->name);
    return v.t;
}

/* A move of the variable @var somewhere in @s. */
static bool moves_var(const struct ipa_node *s, const char *var)
{
    for (; s && ipa_node_else_if(s); s = s->c)
        if (moves_var(s->b, var))
            return true;
    if (!s)
        return false;
    if (s->kind == IPA_N_MOVE)
        return s->a->kind == IPA_N_IDENT && !strcmp(s->a->name, var);
    for (unsigned i = 0; i < ipa_node_count(s); i++)
        if (moves_var(ipa_node_at(s, i), var))
            return true;
    return (s->kind != IPA_N_FOREACH && moves_var(s->a, var)) ||
           moves_var(s->b, var) || moves_var(s->c, var);
}

/* A `foreach (p in S)` over the own core's state @state whose body moves
 * p, somewhere in @s. */
static bool empties_state(const struct checker *ck, const struct ipa_node *s,
                          int state)
{
    for (; s && ipa_node_else_if(s); s = s->c)
        if (empties_state(ck, s->b, state))
            return true;
    if (!s)
        return false;
    if (s->kind == IPA_N_FOREACH) {
        const struct val *v = ck_val_of(ck, s->b);
        if (v && v->state == state && v->loc == L_OWN &&
            moves_var(s->c, s->a->name))
            return true;
    }
    if (s->kind == IPA_N_BLOCK)
        for (unsigned i = 0; i < ipa_node_count(s); i++)
            if (empties_state(ck, ipa_node_at(s, i), state))
                return true;
    return (s->kind == IPA_N_IF || s->kind == IPA_N_FOREACH) &&
           (empties_state(ck, s->b, state) || empties_state(ck, s->c, state));
}

/* core_exit gets its running thread requeued in the first READY state;
 * every READY state must then be walked and its threads moved away. */
void ck_check_core_exit(struct checker *ck, const struct ipa_node *on)
{
    for (unsigned i = 0; i < ck->states->len; i++) {
        const struct state *st = &g_array_index(ck->states, struct state, i);
        if (st->cls != C_READY || st->global ||
            empties_state(ck, on->a, (int)i))
            continue;
        if (err(ck, name_span(on), "'core_exit' must move the threads of "
                "'%s' to other cores: a thread left on an offline core never "
                "runs", st->name))
            note_pos(ck, name_span(on), "walk it: 'foreach (p in %s) { p "
                     "=> c.%s; }' (the running thread is already back in the "
                     "first READY state)", st->name, st->name);
    }
}

/* A core's lazy attribute read for another core reads that core's
 * states, its own or through the lazy attributes it reads: they must be
 * shared, as a direct read must. */
void ck_check_remote_lazies(struct checker *ck)
{
    for (bool changed = true; changed;) {
        changed = false;
        for (unsigned i = 0; i < ck->lazy_edges->len; i++) {
            const struct lazy_edge *e =
                &g_array_index(ck->lazy_edges, struct lazy_edge, i);
            if (ck->lazy_unshared[e->from] < 0 &&
                ck->lazy_unshared[e->to] >= 0) {
                ck->lazy_unshared[e->from] = ck->lazy_unshared[e->to];
                changed = true;
            }
        }
    }
    for (unsigned i = 0; i < ck->remote_lazies->len; i++) {
        const struct remote_lazy *r =
            &g_array_index(ck->remote_lazies, struct remote_lazy, i);
        int st = ck->lazy_unshared[r->field];
        if (st < 0)
            continue;
        const struct state *s = &g_array_index(ck->states, struct state, st);
        if (err(ck, r->sp, "lazy attribute '%s' of another core reads its "
                "state '%s', which is not shared",
                g_array_index(ck->fields[ENT_CORE], struct field,
                              r->field).name, s->name))
            note_pos(ck, name_span(s->node), "declare it 'shared %s ...'",
                     class_names[s->cls]);
    }
}

/* Which events may call a function that moves threads: those that may
 * take threads from other cores or hand their own away. Elsewhere the
 * runtime would refuse the moves, and the call would quietly do nothing. */
static bool may_call_movers(int ev)
{
    return is_balancing(ev) || ev == IPA_EV_core_exit;
}

/* Arguments of call @call: a thread queued on another core may not be
 * given to a function that writes its attributes (it holds no lock). */
static void check_call_args(struct checker *ck, const struct ipa_node *call,
                            const struct func *g)
{
    for (unsigned i = 0; i < ipa_node_count(call) && i < 32; i++) {
        const struct val *a = ck_val_of(ck, ipa_node_at(call, i));
        if (!(g->writes & (1u << i)) || !a || a->t.k != T_PROCESS ||
            a->loc != L_REMOTE)
            continue;
        if (err(ck, ipa_node_at(call, i)->span, "'%s' writes attributes "
                "of this thread, which may be queued on another core: that "
                "core's lock is not held here", g->name))
            note_pos(ck, name_span(ipa_node_at(g->node, i)), "'%s' writes "
                     "the attributes of parameter '%s'", g->name,
                     ipa_node_at(g->node, i)->name);
    }
}

/* What functions do through their callees (moving threads, writing the
 * attributes of a thread they are given), then the calls that break an
 * event's rules or the lock rules through it. */
void ck_check_calls(struct checker *ck)
{
    for (bool changed = true; changed;) {
        changed = false;
        for (unsigned i = 0; i < ck->funcs->len; i++) {
            struct func *f = &g_array_index(ck->funcs, struct func, i);
            for (unsigned j = 0; j < f->callees->len; j++) {
                const struct ipa_node *call = g_ptr_array_index(f->callees, j);
                const struct func *g = ck_find_func(ck, call->name);
                if (!g)
                    continue;
                uint32_t writes = f->writes;
                for (unsigned k = 0; k < ipa_node_count(call) && k < 32; k++) {
                    const struct val *a = ck_val_of(ck, ipa_node_at(call, k));
                    if ((g->writes & (1u << k)) && a && a->origin == O_PARAM)
                        writes |= param_bit(f, a);
                }
                changed |= (g->moves && !f->moves) || writes != f->writes;
                f->moves |= g->moves;
                f->writes = writes;
            }
        }
    }
    for (unsigned i = 0; i < ck->funcs->len; i++) {
        const struct func *f = &g_array_index(ck->funcs, struct func, i);
        for (unsigned j = 0; j < f->callees->len; j++) {
            const struct ipa_node *call = g_ptr_array_index(f->callees, j);
            const struct func *g = ck_find_func(ck, call->name);
            if (g)
                check_call_args(ck, call, g);
        }
    }
    for (unsigned i = 0; i < ck->handler_calls->len; i++) {
        const struct site *site = &g_array_index(ck->handler_calls,
                                                 struct site, i);
        const struct func *g = ck_find_func(ck, site->call->name);
        if (!g)
            continue;
        check_call_args(ck, site->call, g);
        if (!g->moves || may_call_movers(site->event))
            continue;
        const char *en = events[site->event].name;
        bool target_only = events[site->event].target == TG_PROCESS;
        if (err(ck, name_span(site->call), "'%s' %s: '%s' moves threads "
                "(it would do nothing here)", en,
                site->event == IPA_EV_schedule
                    ? "only elects a thread of its own core"
                : target_only ? "may move only its target"
                              : "may not move threads",
                g->name))
            note_pos(ck, name_span(g->node), "functions that move threads "
                     "are for 'balancing_select', 'newly_idle' and "
                     "'core_exit'");
    }
}
