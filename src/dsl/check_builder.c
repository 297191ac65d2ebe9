#include "dsl/check_internal.h"

/* The domains builder: its shape, and the hierarchy rules its
 * predicates prove (language.md, check 7). */

/* distance(x, y) <= dist + k (or < dist + k + 1): returns true and sets
 * @k when @e has that shape over the variables @x and @y (either order). */
static bool distance_bound(const struct ipa_node *e, const char *x,
                           const char *y, const char *dist, int64_t *k)
{
    if (e->kind != IPA_N_BINARY ||
        (e->op != IPA_TOK_LE && e->op != IPA_TOK_LT))
        return false;
    const struct ipa_node *c = e->a, *r = e->b;
    if (c->kind != IPA_N_CALL || strcmp(c->name, "distance") != 0 ||
        ipa_node_count(c) != 2 || c->b || c->c)
        return false;
    const struct ipa_node *a0 = ipa_node_at(c, 0), *a1 = ipa_node_at(c, 1);
    if (a0->kind != IPA_N_IDENT || a1->kind != IPA_N_IDENT)
        return false;
    if (!((!strcmp(a0->name, x) && !strcmp(a1->name, y)) ||
          (!strcmp(a0->name, y) && !strcmp(a1->name, x))))
        return false;
    int64_t off;
    if (r->kind == IPA_N_IDENT && !strcmp(r->name, dist))
        off = 0;
    else if (r->kind == IPA_N_BINARY &&
             (r->op == IPA_TOK_PLUS || r->op == IPA_TOK_MINUS) &&
             r->a->kind == IPA_N_IDENT && !strcmp(r->a->name, dist) &&
             r->b->kind == IPA_N_INT_LIT)
        off = r->op == IPA_TOK_PLUS ? r->b->ival : -r->b->ival;
    else
        return false;
    *k = e->op == IPA_TOK_LT ? off - 1 : off;
    return true;
}

/* "dist", "dist + 2", "dist - 1" */
static char *dist_plus(const char *dist, int64_t k)
{
    if (k == 0)
        return g_strdup(dist);
    return g_strdup_printf("%s %c %" G_GINT64_FORMAT, dist, k > 0 ? '+' : '-',
                           k > 0 ? k : -k);
}

static void builder_field(struct checker *ck, int ent,
                          const struct ipa_node *name, int elem)
{
    struct field *f = ck_find_field(ck, ent, name->name);
    if (!f) {
        if (err(ck, name->span, "'%s' has no attribute '%s' to hold the %s",
                ent_names[ent], name->name,
                elem == T_DOMAIN ? "domains" : elem == T_GROUP ? "groups"
                                                                : "cores")) {
            GPtrArray *c = g_ptr_array_new();
            ck_field_names(ck, ent, c);
            suggest(ck, name->span, name->name, c);
            g_ptr_array_free(c, TRUE);
            note_pos(ck, name->span, "declare it in '%s' as 'set<%s> %s;'",
                     ent_names[ent], ck_kind_name(elem), name->name);
        }
        return;
    }
    if (f->type.k != T_SET || f->type.elem != elem || f->kind != F_PLAIN)
        err(ck, name->span, "'%s' of %s must be declared 'set<%s>'",
            name->name, ent_names[ent], ck_kind_name(elem));
}

void ck_check_builder(struct checker *ck)
{
    const struct ipa_node *b = ck->builder;
    if (!b)
        return;
    char ta[32];
    const struct ipa_node *lv = b->c, *d = lv->c, *g = d->d;
    builder_field(ck, ENT_CORE, b->b, T_DOMAIN);
    if (!ck->entity_node[ENT_DOMAIN])
        err(ck, d->span, "the builder makes domains, but no 'domain = "
            "{...}' is declared");
    else
        builder_field(ck, ENT_DOMAIN, d->c, T_GROUP);
    if (!ck->entity_node[ENT_GROUP])
        err(ck, g->span, "the builder makes groups, but no 'group = {...}' "
            "is declared");
    else
        builder_field(ck, ENT_GROUP, g->d, T_CORE);

    struct ctx cx = {.event = -1, .entity = -1};
    cx.locals = g_array_new(FALSE, FALSE, sizeof(struct local));
    struct val core = ck_vnone((struct type){T_CORE, 0});
    core.loc = L_REMOTE;
    ck_push_local(&cx, b->a->name, core, b->a);
    int64_t start = 1;
    if (lv->b) {
        struct val v = ck_check_value(ck, &cx, lv->b);
        if (!ck_type_ok(t_int, v.t))
            err(ck, lv->b->span, "'starting_at' takes an int, not '%s'",
                ck_type_name(v.t, ta, sizeof ta));
        if (lv->b->kind == IPA_N_INT_LIT)
            start = lv->b->ival;
    }
    ck_push_local(&cx, lv->a->name, ck_vnone(t_int), lv->a);
    unsigned mark = cx.locals->len;
    ck_push_local(&cx, d->a->name, core, d->a);
    struct val pv = ck_check_value(ck, &cx, d->b);
    if (!ck_type_ok(t_bool, pv.t))
        err(ck, d->b->span, "a domain predicate is a 'bool', not '%s'",
            ck_type_name(pv.t, ta, sizeof ta));
    g_array_set_size(cx.locals, mark);
    ck_push_local(&cx, g->a->name, core, g->a);
    ck_push_local(&cx, g->b->name, core, g->b);
    struct val gv = ck_check_value(ck, &cx, g->c);
    if (!ck_type_ok(t_bool, gv.t))
        err(ck, g->c->span, "a group relation is a 'bool', not '%s'",
            ck_type_name(gv.t, ta, sizeof ta));
    g_array_free(cx.locals, TRUE);

    /* The three hierarchy rules, when the predicates have the talk's
     * shape: domain = cores within dist + kd of self, groups = classes of
     * cores within dist + kg of each other. Distance ranks nest (cores
     * within rank r of a core form a class), so groups never overlap. */
    int64_t kd, kg;
    if (!distance_bound(d->b, d->a->name, b->a->name, lv->a->name, &kd) ||
        !distance_bound(g->c, g->a->name, g->b->name, lv->a->name, &kg)) {
        warn(ck, b->span, "cannot check this hierarchy statically: it is "
             "checked when the policy is loaded on a topology");
        return;
    }
    if (kd < 0) {
        char *bound = dist_plus(lv->a->name, kd);
        err(ck, d->b->span, "the top domain does not hold all cores: at the "
            "last level, cores farther than '%s' are left out", bound);
        g_free(bound);
        return;
    }
    if (kg != kd - 1) {
        char *bound = dist_plus(lv->a->name, kd - 1);
        if (err(ck, g->c->span, "each group must be a domain one level "
                "down: the relation must be 'distance(%s, %s) <= %s'",
                g->a->name, g->b->name, bound))
            note_pos(ck, d->b->span, "the domains are built with this "
                     "predicate");
        g_free(bound);
    }
    if (start + kg < 0 && kd >= 0 && kg == kd - 1)
        err(ck, lv->b ? lv->b->span : lv->span, "at the first level the "
            "groups hold no core: start at %" G_GINT64_FORMAT " or later",
            -kg);
}
