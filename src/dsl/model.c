#include "dsl/model.h"
#include "dsl/check_internal.h"

/* The checked model: what the checker resolved, handed to the back ends
 * (model.h). */

G_STATIC_ASSERT((int)IPA_MT_NONE == (int)T_NONE);
G_STATIC_ASSERT((int)IPA_ENT_GROUP == (int)ENT_GROUP);
G_STATIC_ASSERT((int)IPA_C_TERMINATED == (int)C_TERMINATED);

/* Hands the checker's resolution over to the back ends. */
struct ipa_model *ck_export_model(struct checker *ck)
{
    struct ipa_model *m = g_new0(struct ipa_model, 1);
    m->ast = ck->ast;
    for (int ent = 0; ent < ENT_COUNT; ent++) {
        m->fields[ent] = g_array_new(FALSE, FALSE, sizeof(struct ipa_mfield));
        for (unsigned i = 0; i < ck->fields[ent]->len; i++) {
            const struct field *f =
                &g_array_index(ck->fields[ent], struct field, i);
            struct ipa_mfield mf = {f->name, f->type.k, f->type.elem,
                                    (uint8_t)f->kind, f->state, f->node};
            g_array_append_val(m->fields[ent], mf);
        }
        m->entity[ent] = ck->entity_node[ent];
    }
    m->states = g_array_new(FALSE, FALSE, sizeof(struct ipa_mstate));
    for (unsigned i = 0; i < ck->states->len; i++) {
        const struct state *st = &g_array_index(ck->states, struct state, i);
        struct type t = st->node->a ? ck_resolve_type(ck, st->node->a)
                                    : (struct type){T_NONE, 0};
        struct ipa_mstate ms = {st->name, (uint8_t)st->cls, st->shared,
                                st->node->ival == IPA_STATE_GLOBAL, t.k,
                                t.elem, st->node};
        g_array_append_val(m->states, ms);
    }
    m->builder = ck->builder;
    m->consts = g_ptr_array_new();
    m->funcs = g_ptr_array_new();
    const struct ipa_node *root = ck->ast->root;
    for (unsigned i = 0; i < ipa_node_count(root); i++) {
        const struct ipa_node *d = ipa_node_at(root, i);
        if (d->kind == IPA_N_CONST)
            g_ptr_array_add(m->consts, (gpointer)d);
        else if (d->kind == IPA_N_FUNC)
            g_ptr_array_add(m->funcs, (gpointer)d);
    }
    m->const_values = g_new0(int64_t, m->consts->len + 1);
    for (unsigned i = 0; i < m->consts->len; i++) {
        const struct ipa_node *c = g_ptr_array_index(m->consts, i);
        const struct folded *f = g_hash_table_lookup(ck->folded, c->name);
        m->const_values[i] = f->value;
    }
    m->params = ck->param_values;
    ck->param_values = NULL;
    memcpy(m->on, ck->on_nodes, sizeof m->on);
    memcpy(m->handler, ck->handler_nodes, sizeof m->handler);
    m->exprs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                     g_free);
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, ck->vals);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const struct val *cv = v;
        struct ipa_mexpr *me = g_new(struct ipa_mexpr, 1);
        *me = (struct ipa_mexpr){cv->t.k, cv->t.elem, cv->bind, cv->bent,
                                 cv->bfield, cv->state, cv->bdecl};
        g_hash_table_insert(m->exprs, k, me);
    }
    return m;
}

void ipa_model_free(struct ipa_model *m)
{
    if (!m)
        return;
    for (int ent = 0; ent < IPA_ENT_COUNT; ent++)
        g_array_free(m->fields[ent], TRUE);
    g_array_free(m->states, TRUE);
    g_ptr_array_free(m->consts, TRUE);
    g_free(m->const_values);
    g_ptr_array_free(m->funcs, TRUE);
    g_hash_table_destroy(m->params);
    g_hash_table_destroy(m->exprs);
    g_free(m);
}

const struct ipa_mexpr *ipa_model_expr(const struct ipa_model *m,
                                       const struct ipa_node *e)
{
    const struct ipa_mexpr *x = g_hash_table_lookup(m->exprs, e);
    IPA_ASSERT(x, "expression node the checker did not see");
    return x;
}

const struct ipa_mfield *ipa_model_field(const struct ipa_model *m, int ent,
                                         int field)
{
    return &g_array_index(m->fields[ent], struct ipa_mfield, field);
}

const struct ipa_mstate *ipa_model_state(const struct ipa_model *m, int i)
{
    return &g_array_index(m->states, struct ipa_mstate, i);
}
