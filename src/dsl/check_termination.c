#include "dsl/check_internal.h"

/* Termination: no loop but foreach, and calls that form no cycle
 * (language.md, check 5). */

/* The call graph must be acyclic, so that every handler terminates. */
bool ck_find_cycle(struct checker *ck, struct func *f, GPtrArray *stack)
{
    f->mark = 1;
    for (unsigned i = 0; i < f->callees->len; i++) {
        const struct ipa_node *call = g_ptr_array_index(f->callees, i);
        struct func *g = ck_find_func(ck, call->name);
        if (!g)
            continue;
        if (g->mark == 1) {
            GString *chain = g_string_new(g->name);
            bool on = false;
            for (unsigned j = 0; j < stack->len; j++) {
                struct func *s = g_ptr_array_index(stack, j);
                if (s == g)
                    on = true;
                if (on && s != g)
                    g_string_append_printf(chain, " -> %s", s->name);
            }
            g_string_append_printf(chain, " -> %s", g->name);
            err(ck, name_span(call), "recursive call: %s (calls must not "
                "form a cycle, so that every event handler terminates)",
                chain->str);
            g_string_free(chain, TRUE);
            continue;
        }
        if (g->mark == 0) {
            g_ptr_array_add(stack, g);
            ck_find_cycle(ck, g, stack);
            g_ptr_array_remove_index(stack, stack->len - 1);
        }
    }
    f->mark = 2;
    return false;
}
