#include "dsl/check_internal.h"

/* Paths: no lost thread, a work-conserving election (language.md,
 * checks 3 and 4). */

/* One control-flow path through a handler, as far as the checks care. */
struct pst {
    uint8_t tmoves;  /* target moves: 0, 1, 2 (two or more) */
    uint8_t ended;   /* returned */
    uint8_t brk;     /* left the loop body (break/continue) */
    uint8_t nelect;  /* elections */
    uint8_t elected; /* elected from a state known to be non-empty */
    uint32_t empty, nonempty, tried; /* bit i: state i */
    struct ipa_span first_move;
    struct ipa_span why; /* last branch taken */
    int why_kind;        /* 0 none, 1 condition true, 2 false, 3 no loop */
    struct ipa_span end; /* the return statement */
};

struct walk {
    struct checker *ck;
    int event;
    int in_loop;
    bool overflow;
};

static bool pst_same(const struct pst *a, const struct pst *b)
{
    return a->tmoves == b->tmoves && a->ended == b->ended &&
           a->brk == b->brk && a->nelect == b->nelect &&
           a->elected == b->elected && a->empty == b->empty &&
           a->nonempty == b->nonempty && a->tried == b->tried;
}

static void pst_add(struct walk *w, GArray *set, const struct pst *p)
{
    for (unsigned i = 0; i < set->len; i++) {
        if (pst_same(&g_array_index(set, struct pst, i), p))
            return;
    }
    if (set->len >= 1024) {
        w->overflow = true;
        return;
    }
    g_array_append_val(set, *p);
}

static GArray *pst_set(void)
{
    return g_array_new(FALSE, FALSE, sizeof(struct pst));
}

static uint32_t bit(int i)
{
    return i >= 0 && i < 32 ? 1u << i : 0;
}

/* Whether @c decides that a READY state of the own core is empty: returns
 * +1 if true means non-empty (false: empty), -1 if true means empty. */
static int cond_fact(const struct checker *ck, const struct ipa_node *c,
                     int *state)
{
    if (c->kind == IPA_N_UNARY && c->op == IPA_TOK_BANG)
        return -cond_fact(ck, c->a, state);
    if (c->kind == IPA_N_CALL && !strcmp(c->name, "valid") &&
        ipa_node_count(c) == 1) {
        const struct val *v = ck_val_of(ck, ipa_node_at(c, 0));
        if (v && v->sel_state >= 0 && !v->filtered && v->sel_loc == L_OWN) {
            *state = v->sel_state;
            return 1;
        }
        return 0;
    }
    if (c->kind != IPA_N_BINARY || c->b->kind != IPA_N_INT_LIT)
        return 0;
    const struct ipa_node *l = c->a;
    const struct val *sv = NULL;
    if (l->kind == IPA_N_MEMBER && !strcmp(l->name, "size"))
        sv = ck_val_of(ck, l->a);
    else if (l->kind == IPA_N_CALL && !strcmp(l->name, "count") &&
             ipa_node_count(l) == 1)
        sv = ck_val_of(ck, ipa_node_at(l, 0));
    if (!sv || sv->state < 0 || sv->loc != L_OWN)
        return 0;
    *state = sv->state;
    int64_t k = c->b->ival;
    switch (c->op) {
    case IPA_TOK_GT: return k == 0 ? 1 : 0;
    case IPA_TOK_GE: return k == 1 ? 1 : 0;
    case IPA_TOK_NE: return k == 0 ? 1 : 0;
    case IPA_TOK_EQ: return k == 0 ? -1 : 0;
    case IPA_TOK_LT: return k == 1 ? -1 : 0;
    case IPA_TOK_LE: return k == 0 ? -1 : 0;
    default: return 0;
    }
}

static GArray *walk_stmt(struct walk *w, const struct ipa_node *s, GArray *in);

static GArray *walk_list(struct walk *w, const struct ipa_node *b, GArray *in)
{
    GArray *cur = in;
    for (unsigned i = 0; i < ipa_node_count(b); i++) {
        GArray *next = walk_stmt(w, ipa_node_at(b, i), cur);
        if (next != cur && cur != in)
            g_array_free(cur, TRUE);
        cur = next;
    }
    return cur;
}

static void walk_move(struct walk *w, const struct ipa_node *s, GArray *set)
{
    struct checker *ck = w->ck;
    const struct val *sv = ck_val_of(ck, s->a);
    const struct val *dv = ck_val_of(ck, s->b);
    if (!sv || !dv)
        return;
    if (sv->t.k == T_ERR || dv->t.k == T_ERR || dv->state < 0) {
        /* already reported: count it as the move it meant to be, so that
         * no "lost thread" or "idle core" error follows from it */
        for (unsigned i = 0; i < set->len; i++) {
            struct pst *p = &g_array_index(set, struct pst, i);
            if (!p->tmoves)
                p->tmoves = 1;
            p->elected = 1;
        }
        return;
    }
    bool target = sv->origin == O_TARGET;
    bool election = w->event == IPA_EV_schedule &&
                    ck_state_class(ck, dv->state) == C_RUNNING;
    if (target && w->in_loop)
        err(ck, s->span, "the target is moved inside a 'foreach': it could "
            "be moved more than once");
    for (unsigned i = 0; i < set->len; i++) {
        struct pst *p = &g_array_index(set, struct pst, i);
        if (p->ended || p->brk)
            continue;
        if (target) {
            if (p->tmoves >= 1) {
                int l, c;
                pos(ck, p->first_move, &l, &c);
                if (err(ck, s->span, "the target is moved twice on this "
                        "path (first moved at %d:%d)", l, c))
                    note_pos(ck, p->first_move, "first moved here");
            } else {
                p->first_move = s->span;
            }
            if (p->tmoves < 2)
                p->tmoves++;
        }
        if (election) {
            if (p->nelect >= 1)
                err(ck, s->span, "'schedule' elects twice on this path: a "
                    "core runs one thread at a time");
            if (p->nelect < 2)
                p->nelect++;
            if (sv->sel_state >= 0 && !sv->filtered && sv->sel_loc == L_OWN) {
                p->tried |= bit(sv->sel_state);
                if (p->nonempty & bit(sv->sel_state))
                    p->elected = 1;
            }
        }
    }
}

/* Whether @c, `x in s` or its negation where x is the event's target and
 * s a state, is decided by the event: the target of `unblock` is in its
 * core's BLOCKED state, that of `tick`, `yield`, `block` and `terminate`
 * in its RUNNING state, that of `new` in none (Bossa's `if (e.target in
 * blocked)`). Returns +1 if always true, -1 if always false, else 0. */
static int target_in_state(const struct checker *ck,
                           const struct ipa_node *c)
{
    if (c->kind == IPA_N_UNARY && c->op == IPA_TOK_BANG)
        return -target_in_state(ck, c->a);
    if (c->kind != IPA_N_BINARY || c->op != IPA_TOK_IN)
        return 0;
    const struct val *x = ck_val_of(ck, c->a), *s = ck_val_of(ck, c->b);
    if (!x || !s || x->origin != O_TARGET || x->oclass < 0 || s->state < 0)
        return 0;
    if (ck_state_class(ck, s->state) != (enum sclass)x->oclass)
        return -1;
    if (s->loc != L_OWN)
        return 0;
    for (unsigned i = 0; i < ck->states->len; i++)
        if ((int)i != s->state && ck_state_class(ck, (int)i) == x->oclass)
            return 0; /* in one of several: which is not known */
    return 1;
}

/* Splits the live paths of @in on condition @c: those where it holds go
 * to @t, the others to @f, each with what @c tells of the own core's
 * states (a path the fact contradicts is dropped); ended paths go to
 * @out. */
static void split_paths(struct walk *w, const struct ipa_node *c, GArray *in,
                        GArray *t, GArray *f, GArray *out)
{
    int st = -1;
    int fact = cond_fact(w->ck, c, &st);
    int known = target_in_state(w->ck, c);
    for (unsigned i = 0; i < in->len; i++) {
        struct pst p = g_array_index(in, struct pst, i);
        if (p.ended || p.brk) {
            pst_add(w, out, &p);
            continue;
        }
        struct pst pt = p, pf = p;
        pt.why = pf.why = c->span;
        pt.why_kind = 1;
        pf.why_kind = 2;
        bool t_ok = known >= 0, f_ok = known <= 0;
        if (fact) {
            uint32_t b = bit(st);
            struct pst *ne = fact > 0 ? &pt : &pf;
            struct pst *em = fact > 0 ? &pf : &pt;
            bool *ne_ok = fact > 0 ? &t_ok : &f_ok;
            bool *em_ok = fact > 0 ? &f_ok : &t_ok;
            if (ne->empty & b)
                *ne_ok = false;
            ne->nonempty |= b;
            if (em->nonempty & b)
                *em_ok = false;
            em->empty |= b;
        }
        if (t_ok)
            pst_add(w, t, &pt);
        if (f_ok)
            pst_add(w, f, &pf);
    }
}

static void pst_add_all(struct walk *w, GArray *out, const GArray *from)
{
    for (unsigned i = 0; i < from->len; i++)
        pst_add(w, out, &g_array_index(from, struct pst, i));
}

/* An `if` and its `else if` chain, link by link in a loop: the paths
 * where a link's condition fails reach the next link. */
static GArray *walk_if(struct walk *w, const struct ipa_node *s, GArray *in)
{
    GArray *out = pst_set(), *cur = in;
    const struct ipa_node *link = s;
    for (;; link = link->c) {
        GArray *t = pst_set(), *f = pst_set();
        split_paths(w, link->a, cur, t, f, out);
        if (cur != in)
            g_array_free(cur, TRUE);
        cur = f;
        GArray *t2 = walk_stmt(w, link->b, t);
        pst_add_all(w, out, t2);
        if (t2 != t)
            g_array_free(t2, TRUE);
        g_array_free(t, TRUE);
        if (!ipa_node_else_if(link))
            break;
    }
    GArray *f2 = link->c ? walk_stmt(w, link->c, cur) : cur;
    pst_add_all(w, out, f2);
    if (f2 != cur)
        g_array_free(f2, TRUE);
    g_array_free(cur, TRUE);
    return out;
}

static GArray *walk_stmt(struct walk *w, const struct ipa_node *s, GArray *in)
{
    GArray *out;
    switch (s->kind) {
    case IPA_N_BLOCK:
        return walk_list(w, s, in);
    case IPA_N_MOVE:
        walk_move(w, s, in);
        return in;
    case IPA_N_RETURN:
    case IPA_N_BREAK:
    case IPA_N_CONTINUE:
        for (unsigned i = 0; i < in->len; i++) {
            struct pst *p = &g_array_index(in, struct pst, i);
            if (p->ended || p->brk)
                continue;
            if (s->kind == IPA_N_RETURN) {
                p->ended = 1;
                p->end = s->span;
            } else {
                p->brk = 1;
            }
        }
        return in;
    case IPA_N_IF:
        return walk_if(w, s, in);
    case IPA_N_FOREACH: {
        out = pst_set();
        GArray *body = pst_set();
        for (unsigned i = 0; i < in->len; i++) {
            struct pst p = g_array_index(in, struct pst, i);
            if (!p.ended && !p.brk) {
                pst_add(w, body, &p);
                p.why = s->span;
                p.why_kind = 3;
            }
            pst_add(w, out, &p);
        }
        w->in_loop++;
        GArray *b2 = walk_stmt(w, s->c, body);
        w->in_loop--;
        for (unsigned i = 0; i < b2->len; i++) {
            struct pst p = g_array_index(b2, struct pst, i);
            p.brk = 0;
            pst_add(w, out, &p);
        }
        if (b2 != body)
            g_array_free(b2, TRUE);
        g_array_free(body, TRUE);
        return out;
    }
    default:
        return in;
    }
}

static void note_why(struct checker *ck, const struct pst *p)
{
    switch (p->why_kind) {
    case 1:
        note_pos(ck, p->why, "on the path where this condition is true");
        break;
    case 2:
        note_pos(ck, p->why, "on the path where this condition is false");
        break;
    case 3:
        note_pos(ck, p->why, "on the path where this loop runs no "
                 "iteration");
        break;
    default:
        break;
    }
}

static bool must_move_target(int ev)
{
    return ev == IPA_EV_new || ev == IPA_EV_yield || ev == IPA_EV_block ||
           ev == IPA_EV_unblock || ev == IPA_EV_terminate;
}

void ck_check_paths(struct checker *ck, int ev, const struct ipa_node *on)
{
    struct walk w = {ck, ev, 0, false};
    GArray *in = pst_set();
    struct pst start;
    memset(&start, 0, sizeof start);
    g_array_append_val(in, start);
    GArray *out = walk_stmt(&w, on->a, in);
    const struct ipa_node *body = on->a;
    struct ipa_span close = {ck->src, body->span.off + body->span.len - 1, 1};
    uint32_t ready_mask = 0;
    for (unsigned i = 0; i < ck->states->len && i < 32; i++) {
        if (ck_state_class(ck, (int)i) == C_READY)
            ready_mask |= bit((int)i);
    }
    for (unsigned i = 0; i < out->len; i++) {
        const struct pst *p = &g_array_index(out, struct pst, i);
        struct ipa_span at = p->ended ? p->end : close;
        if (must_move_target(ev) && p->tmoves == 0) {
            if (err(ck, at, "'%s' must move its target, but this path ends "
                    "without moving it (the thread would be lost)",
                    events[ev].name))
                note_why(ck, p);
        }
        if (ev == IPA_EV_schedule && !p->elected) {
            uint32_t missing = ready_mask & ~(p->empty | p->tried);
            if (missing && p->nelect == 0 && ready_mask & ~p->empty) {
                int st = 0;
                while (!(missing & bit(st)))
                    st++;
                if (err(ck, at, "'schedule' may leave the core idle while "
                        "'%s' holds threads (not work-conserving)",
                        ck_state_name(ck, st)))
                    note_why(ck, p);
            } else if (missing && p->nelect) {
                int st = 0;
                while (!(missing & bit(st)))
                    st++;
                if (err(ck, at, "'schedule' may elect nothing while '%s' "
                        "holds threads: elect with an unfiltered selection "
                        "('first(%s)') or test the state first",
                        ck_state_name(ck, st), ck_state_name(ck, st)))
                    note_why(ck, p);
            }
        }
    }
    if (w.overflow)
        warn(ck, on->name_span, "too many paths: the path checks of '%s' are "
             "incomplete", events[ev].name);
    if (out != in)
        g_array_free(out, TRUE);
    g_array_free(in, TRUE);
}
