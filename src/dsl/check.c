#include "dsl/check.h"
#include "dsl/check_internal.h"

/* The checker's driver: declarations first, then constants, initialisers,
 * the builder, functions and handlers, each through its pass
 * (check_internal.h lists them), then what needs all of them. */

const char *ipa_event_name(enum ipa_event ev)
{
    return events[ev].name;
}

int ipa_event_lookup(const char *name)
{
    for (int i = 0; i < IPA_EV_COUNT; i++) {
        if (!strcmp(events[i].name, name))
            return i;
    }
    return -1;
}

/* An interface function (Bossa's): a trace's "call" op runs it for the
 * calling thread, its first parameter, with the call's arguments, which
 * are numbers. Its body is checked as any function's: it may write that
 * thread's attributes, and moves no thread. */
static void check_interface(struct checker *ck, const struct ipa_node *n,
                            struct type rt)
{
    if (rt.k != T_VOID && rt.k != T_ERR)
        err(ck, n->a->span, "an interface function returns nothing to the "
            "trace that calls it: declare it 'interface void'");
    unsigned nr = ipa_node_count(n);
    struct type first =
        nr ? ck_resolve_type(ck, ipa_node_at(n, 0)->a) : t_err;
    if (!nr || (first.k != T_PROCESS && first.k != T_ERR)) {
        err(ck, nr ? ipa_node_at(n, 0)->a->span : name_span(n),
            "an interface function's first parameter is the calling "
            "thread: 'process'");
        return;
    }
    for (unsigned i = 1; i < nr; i++) {
        const struct ipa_node *pa = ipa_node_at(n, i);
        struct type t = ck_resolve_type(ck, pa->a);
        if (t.k != T_INT && t.k != T_TIME && t.k != T_BOOL && t.k != T_ERR)
            err(ck, pa->a->span, "a trace passes numbers to an interface "
                "function: parameter '%s' must be int, time or bool",
                pa->name);
    }
}

static void check_func(struct checker *ck, struct func *f)
{
    const struct ipa_node *n = f->node;
    struct ctx cx = {.event = -1, .func = f,
                     .in_try = n->ival == IPA_FUNC_TRY, .entity = -1};
    cx.locals = g_array_new(FALSE, FALSE, sizeof(struct local));
    struct type rt = ck_resolve_type(ck, n->a);
    if (ipa_node_count(n) > IPA_MAX_PARAMS)
        err(ck, name_span(n), "a function takes at most %d parameters",
            IPA_MAX_PARAMS);
    if (rt.k == T_SET)
        err(ck, n->a->span, "a function cannot return a set: return the "
            "core, group or domain that holds it");
    if (cx.in_try && rt.k != T_VOID)
        err(ck, n->a->span, "a 'try' function may fail quietly, so it "
            "returns nothing: declare it 'try void'");
    for (unsigned i = 0; i < ipa_node_count(n); i++) {
        const struct ipa_node *pa = ipa_node_at(n, i);
        struct type t = ck_resolve_type(ck, pa->a);
        struct val v = ck_vnone(t);
        if (t.k == T_VOID)
            err(ck, pa->a->span, "a parameter cannot be 'void'");
        else if (t.k == T_SET)
            err(ck, pa->a->span, "a parameter cannot be a set: pass the core, "
                "group or domain that holds it");
        if (t.k == T_CORE)
            v.loc = cx.in_try ? L_LOCKED : L_REMOTE;
        if (t.k == T_PROCESS)
            v.origin = O_PARAM;
        for (unsigned j = 0; j < i; j++) {
            if (!strcmp(ipa_node_at(n, j)->name, pa->name))
                err(ck, name_span(pa), "parameter '%s' is declared twice",
                    pa->name);
        }
        ck_push_local(&cx, pa->name, v, pa);
    }
    if (n->ival == IPA_FUNC_INTERFACE)
        check_interface(ck, n, rt);
    ck_check_block(ck, &cx, n->b);
    if (rt.k != T_VOID && rt.k != T_ERR && !ck_always_returns(n->b))
        err(ck, name_span(n), "function '%s' may end without returning a "
            "value", n->name);
    g_array_free(cx.locals, TRUE);
}

static void check_on(struct checker *ck, const struct ipa_node *h,
                     const struct ipa_node *on)
{
    int ev = ipa_event_lookup(on->name);
    bool core_handler = h->op == IPA_TOK_CORE_EVENT;
    if (ev < 0) {
        if (err(ck, name_span(on), "unknown event '%s'", on->name)) {
            GPtrArray *c = g_ptr_array_new();
            for (int i = 0; i < IPA_EV_COUNT; i++)
                g_ptr_array_add(c, (gpointer)events[i].name);
            suggest(ck, name_span(on), on->name, c);
            g_ptr_array_free(c, TRUE);
        }
        return;
    }
    if (events[ev].handler != HK_B &&
        (events[ev].handler == HK_C) != core_handler) {
        err(ck, name_span(on), "'%s' is a %s event: handle it in 'handler "
            "(%s e)'", on->name,
            events[ev].handler == HK_C ? "core" : "process",
            events[ev].handler == HK_C ? "core_event" : "process_event");
        return;
    }
    if (ck->on_nodes[ev]) {
        if (err(ck, name_span(on), "event '%s' is handled twice", on->name))
            note_pos(ck, name_span(ck->on_nodes[ev]), "first handled here");
        return;
    }
    ck->on_nodes[ev] = on;
    ck->handler_nodes[ev] = h;
    struct ctx cx = {.event = ev, .entity = -1};
    cx.locals = g_array_new(FALSE, FALSE, sizeof(struct local));
    struct local e = {h->a->name, ck_vnone((struct type){T_EVENT, 0}), h->a,
                      true};
    g_array_append_val(cx.locals, e);
    ck_check_block(ck, &cx, on->a);
    g_array_free(cx.locals, TRUE);
    ck_check_paths(ck, ev, on);
    if (ev == IPA_EV_core_exit)
        ck_check_core_exit(ck, on);
}

static void check_required(struct checker *ck)
{
    struct ipa_span top = {ck->src, 0, 0};
    const struct ipa_node *core = ck->entity_node[ENT_CORE];
    if (!core) {
        err(ck, top, "the policy declares no 'core = {...}' with its states");
        return;
    }
    int running = 0, ready = 0;
    for (unsigned i = 0; i < ck->states->len; i++) {
        enum sclass c = ck_state_class(ck, (int)i);
        running += c == C_RUNNING;
        ready += c == C_READY;
    }
    if (running != 1)
        err(ck, core->name_span, "'core' must declare exactly one RUNNING "
            "state (it has %d)", running);
    if (ready == 0)
        err(ck, core->name_span, "'core' must declare a READY state");
    static const int needed[] = {IPA_EV_new, IPA_EV_yield, IPA_EV_block,
                                 IPA_EV_unblock, IPA_EV_terminate,
                                 IPA_EV_schedule};
    for (size_t i = 0; i < G_N_ELEMENTS(needed); i++) {
        if (!ck->on_nodes[needed[i]])
            err(ck, top, "the policy has no 'on %s' handler: %s",
                events[needed[i]].name,
                needed[i] == IPA_EV_schedule
                    ? "no thread would ever run"
                    : "threads reaching that event would be lost");
    }
}

bool ipa_check(const struct ipa_ast *ast, const struct ipa_check_options *opts,
               struct ipa_diag_sink *sink)
{
    return ipa_check_model(ast, opts, sink, NULL);
}

bool ipa_check_model(const struct ipa_ast *ast,
                     const struct ipa_check_options *opts,
                     struct ipa_diag_sink *sink, struct ipa_model **out)
{
    struct checker ck = {0};
    int errors0 = sink->errors;
    ck.ast = ast;
    ck.src = ast->root->span.file;
    ck.sink = sink;
    ck.reported = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (int i = 0; i < ENT_COUNT; i++)
        ck.fields[i] = g_array_new(FALSE, FALSE, sizeof(struct field));
    ck.states = g_array_new(FALSE, FALSE, sizeof(struct state));
    ck.consts = g_hash_table_new(g_str_hash, g_str_equal);
    ck.funcs = g_array_new(FALSE, FALSE, sizeof(struct func));
    ck.vals = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                    g_free);
    ck.handler_calls = g_array_new(FALSE, FALSE, sizeof(struct site));
    ck.init_lazy = -1;
    ck.lazy_edges = g_array_new(FALSE, FALSE, sizeof(struct lazy_edge));
    ck.remote_lazies = g_array_new(FALSE, FALSE, sizeof(struct remote_lazy));
    ck.param_values = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                            g_free);
    ck.valid_consts = g_hash_table_new(g_direct_hash, g_direct_equal);
    ck.folded = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    const struct ipa_node *root = ast->root;
    /* the parser bounds nesting; a tree built otherwise could overflow
     * the stack of every recursive pass from here on */
    if (ipa_node_height(root) > IPA_AST_MAX_HEIGHT) {
        err(&ck, (struct ipa_span){ck.src, 0, 0},
            "the policy nests more than %d levels deep", IPA_AST_MAX_HEIGHT);
        goto out;
    }

    /* declarations first: handlers may use what is declared after them */
    for (unsigned i = 0; i < ipa_node_count(root); i++) {
        const struct ipa_node *d = ipa_node_at(root, i);
        switch (d->kind) {
        case IPA_N_ENTITY:
            ck_declare_entity(&ck, d);
            break;
        case IPA_N_CONST:
            if (g_hash_table_contains(ck.consts, d->name))
                err(&ck, name_span(d), "constant '%s' is declared twice",
                    d->name);
            else
                g_hash_table_insert(ck.consts, (gpointer)d->name,
                                    (gpointer)d);
            break;
        case IPA_N_FUNC: {
            if (ck_find_func(&ck, d->name)) {
                err(&ck, name_span(d), "function '%s' is declared twice",
                    d->name);
                break;
            }
            bool builtin = false;
            for (size_t j = 0; j < G_N_ELEMENTS(builtins); j++)
                builtin |= !strcmp(builtins[j], d->name);
            if (builtin) {
                err(&ck, name_span(d), "'%s' is a built-in function",
                    d->name);
                break;
            }
            struct func f = {d->name, d, g_ptr_array_new(), 0, false, 0};
            g_array_append_val(ck.funcs, f);
            break;
        }
        default:
            break;
        }
    }
    if (ck.states->len > 32)
        err(&ck, ck.entity_node[ENT_CORE]->name_span,
            "a core may declare at most 32 states");
    ck.lazy_unshared = g_new(int, ck.fields[ENT_CORE]->len + 1);
    for (unsigned i = 0; i <= ck.fields[ENT_CORE]->len; i++)
        ck.lazy_unshared[i] = -1;
    ck_check_consts(&ck);
    ck_check_params(&ck, opts);
    ck_fold_consts(&ck);
    for (int ent = 0; ent < ENT_COUNT; ent++)
        ck_check_entity_inits(&ck, ent);
    ck_check_state_orders(&ck);
    ck_check_builder(&ck);
    for (unsigned i = 0; i < ck.funcs->len; i++)
        check_func(&ck, &g_array_index(ck.funcs, struct func, i));
    for (unsigned i = 0; i < ipa_node_count(root); i++) {
        const struct ipa_node *h = ipa_node_at(root, i);
        /* without a core, every state name would be an error of its own */
        if (h->kind != IPA_N_HANDLER || !ck.entity_node[ENT_CORE])
            continue;
        for (unsigned j = 0; j < ipa_node_count(h); j++)
            check_on(&ck, h, ipa_node_at(h, j));
    }
    GPtrArray *stack = g_ptr_array_new();
    for (unsigned i = 0; i < ck.funcs->len; i++) {
        struct func *f = &g_array_index(ck.funcs, struct func, i);
        if (f->mark == 0) {
            g_ptr_array_add(stack, f);
            ck_find_cycle(&ck, f, stack);
            g_ptr_array_set_size(stack, 0);
        }
    }
    g_ptr_array_free(stack, TRUE);
    ck_check_calls(&ck);
    ck_check_remote_lazies(&ck);
    check_required(&ck);
out:;
    bool passed = sink->errors == errors0;
    if (out)
        *out = passed ? ck_export_model(&ck) : NULL;

    for (unsigned i = 0; i < ck.funcs->len; i++)
        g_ptr_array_free(g_array_index(ck.funcs, struct func, i).callees,
                         TRUE);
    g_array_free(ck.funcs, TRUE);
    for (int i = 0; i < ENT_COUNT; i++)
        g_array_free(ck.fields[i], TRUE);
    g_array_free(ck.states, TRUE);
    g_hash_table_destroy(ck.consts);
    g_hash_table_destroy(ck.vals);
    g_array_free(ck.handler_calls, TRUE);
    g_array_free(ck.lazy_edges, TRUE);
    g_array_free(ck.remote_lazies, TRUE);
    g_free(ck.lazy_unshared);
    g_hash_table_destroy(ck.reported);
    if (ck.param_values)
        g_hash_table_destroy(ck.param_values);
    g_hash_table_destroy(ck.valid_consts);
    g_hash_table_destroy(ck.folded);
    return passed;
}
