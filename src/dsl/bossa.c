#include "dsl/bossa.h"

#include <string.h>

#include "dsl/check.h"
#include "dsl/parser_share.h"
#include "util/common.h"
#include "util/suggest.h"

/* Bossa's event names and the ipasim events they are. Every wake-up of
 * the simulator may preempt (`preempt(c)`), so `unblock.preemptive` is
 * the one unblock event, as `unblock.*` is. */
static const struct {
    const char *name;
    int event; /* IPA_EV_* */
} bossa_events[] = {
    {"process.new", IPA_EV_new},
    {"process.end", IPA_EV_terminate},
    {"block.*", IPA_EV_block},
    {"unblock.*", IPA_EV_unblock},
    {"unblock.preemptive", IPA_EV_unblock},
    {"yield.*", IPA_EV_yield},
    {"system.clocktick", IPA_EV_tick},
    {"bossa.schedule", IPA_EV_schedule},
};

struct bossa {
    struct ipa_parser *ps;
    const struct ipa_source *src;
    struct ipa_node *root;
    struct ipa_node *states;   /* the STATES of `states = {...}`, or NULL */
    struct ipa_node *sorted;   /* the state declared `sorted`, or NULL */
    struct ipa_node *criteria; /* ORDER of `ordering_criteria`, or NULL */
    struct ipa_node *handler;  /* the first HANDLER, or NULL */
    struct ipa_node *on_of[IPA_EV_COUNT]; /* the ON handling each event */
    bool select_reported;      /* "no sorted state" said once */
    struct ipa_span first;     /* the first token, where a missing part is */
};

static const struct ipa_token *cur(const struct bossa *b)
{
    return ipa_parser_cur(b->ps);
}

/* Whether the current token is the identifier @word: Bossa's own words
 * (states, sorted, On, ...) are not keywords of the shared lexer. */
static bool at_word(const struct bossa *b, const char *word)
{
    const struct ipa_token *t = cur(b);
    size_t n = strlen(word);
    return t->kind == IPA_TOK_IDENT && t->span.len == n &&
           !memcmp(b->src->text + t->span.off, word, n);
}

static bool at_keyword(const struct ipa_token *t)
{
    return t->kind >= IPA_TOK_KW_FIRST && t->kind <= IPA_TOK_KW_LAST;
}

static void error_found(struct bossa *b, const char *expected)
{
    char found[64];
    ipa_parser_describe(b->ps, found, sizeof found);
    ipa_parser_error(b->ps, cur(b)->span, "expected %s, found %s", expected,
                     found);
}

static bool at_decl(const struct bossa *b)
{
    return (cur(b)->kind == IPA_TOK_PROCESS &&
            ipa_parser_next(b->ps)->kind == IPA_TOK_ASSIGN) ||
           cur(b)->kind == IPA_TOK_HANDLER || at_word(b, "states") ||
           at_word(b, "ordering_criteria");
}

/* Skips to the next declaration after a syntax error. */
static void sync_decl(struct bossa *b)
{
    ipa_parser_recover(b->ps);
    while (cur(b)->kind != IPA_TOK_EOF && !at_decl(b)) {
        if (cur(b)->kind == IPA_TOK_LBRACE)
            ipa_parser_skip_group(b->ps);
        else
            ipa_parser_advance(b->ps);
    }
}

/* Skips to the end of a member (';', or before the closing '}'). */
static void sync_member(struct bossa *b)
{
    ipa_parser_recover(b->ps);
    while (cur(b)->kind != IPA_TOK_EOF && cur(b)->kind != IPA_TOK_RBRACE &&
           !at_decl(b)) {
        if (ipa_parser_match(b->ps, IPA_TOK_SEMI))
            return;
        ipa_parser_advance(b->ps);
    }
}

/* After a member of a block that began at @before: past an error to the
 * next member, and always past at least one token, so a member that
 * parsed nothing cannot loop. */
static void next_member(struct bossa *b, uint32_t before)
{
    if (ipa_parser_panicking(b->ps))
        sync_member(b);
    if (cur(b)->span.off == before && cur(b)->kind != IPA_TOK_RBRACE &&
        cur(b)->kind != IPA_TOK_EOF)
        ipa_parser_advance(b->ps);
}

/* '=' '{', for the declaration named by the token just read. */
static bool open_decl(struct bossa *b, const char *what,
                      struct ipa_token *open)
{
    ipa_parser_expect(b->ps, IPA_TOK_ASSIGN, what);
    *open = *cur(b);
    return ipa_parser_expect(b->ps, IPA_TOK_LBRACE, what);
}

/* process -> 'process' '=' '{' (type IDENT ';')* '}' [';'] */
static void parse_process(struct bossa *b)
{
    struct ipa_node *e = ipa_parser_node(b->ps, IPA_N_ENTITY, cur(b)->span);
    e->op = IPA_TOK_PROCESS;
    e->name_span = cur(b)->span;
    ipa_parser_advance(b->ps);
    ipa_node_push(b->root, e);
    struct ipa_token open;
    if (!open_decl(b, "after 'process'", &open))
        return;
    while (cur(b)->kind != IPA_TOK_RBRACE && cur(b)->kind != IPA_TOK_EOF &&
           !at_decl(b)) {
        uint32_t before = cur(b)->span.off;
        struct ipa_node *f = ipa_parser_node(b->ps, IPA_N_FIELD, cur(b)->span);
        f->a = ipa_parser_type(b->ps);
        struct ipa_node *nm = ipa_parser_name(b->ps, "an attribute name");
        f->name = nm->name;
        f->name_span = nm->name_span;
        ipa_parser_expect(b->ps, IPA_TOK_SEMI, "after the attribute");
        ipa_node_push(e, ipa_parser_finish(b->ps, f));
        next_member(b, before);
    }
    ipa_parser_expect_close(b->ps, IPA_TOK_RBRACE, open, "block");
    ipa_parser_match(b->ps, IPA_TOK_SEMI);
    ipa_parser_finish(b->ps, e);
}

static struct ipa_node *type_node(struct bossa *b, int op, struct ipa_span sp)
{
    struct ipa_node *t = ipa_parser_node(b->ps, IPA_N_TYPE, sp);
    t->op = op;
    return t;
}

/* kind -> {'sorted' | 'fifo'} ('queue' | 'process'): a state's container.
 * A queue is a set<process> kept in arrival (fifo) order; `sorted` marks
 * the state select() picks from. */
static void parse_state_kind(struct bossa *b, struct ipa_node *s)
{
    for (;;) {
        struct ipa_span sp = cur(b)->span;
        if (at_word(b, "sorted")) {
            if (b->sorted && b->sorted != s) {
                int line, col;
                ipa_source_position(b->src, b->sorted->span.off, &line, &col);
                ipa_parser_error(b->ps, sp,
                                 "a second 'sorted' state (the first is '%s' "
                                 "at %d:%d): select() picks from one",
                                 b->sorted->name, line, col);
            }
            b->sorted = s;
            ipa_parser_advance(b->ps);
        } else if (at_word(b, "fifo")) {
            ipa_parser_advance(b->ps);
        } else if (at_word(b, "lifo")) {
            ipa_parser_error(b->ps, sp,
                             "ipasim's queues keep arrival order: 'lifo' "
                             "is not supported (use 'fifo')");
            ipa_parser_advance(b->ps);
        } else if (at_word(b, "queue")) {
            s->a = type_node(b, IPA_TOK_SET, sp);
            s->a->a = type_node(b, IPA_TOK_PROCESS, sp);
            s->a->height = 2;
            ipa_parser_advance(b->ps);
            return;
        } else if (cur(b)->kind == IPA_TOK_PROCESS) {
            s->a = type_node(b, IPA_TOK_PROCESS, sp);
            ipa_parser_advance(b->ps);
            return;
        } else {
            error_found(b, "'queue' or 'process' (after 'sorted' or "
                           "'fifo', if any)");
            return;
        }
    }
}

/* state -> ('RUNNING' | 'READY' | 'BLOCKED' | 'TERMINATED') IDENT
 *          [':' kind] ';' */
static struct ipa_node *parse_state(struct bossa *b)
{
    struct ipa_node *s = ipa_parser_node(b->ps, IPA_N_STATE, cur(b)->span);
    switch (cur(b)->kind) {
    case IPA_TOK_RUNNING:
    case IPA_TOK_READY:
    case IPA_TOK_BLOCKED:
    case IPA_TOK_TERMINATED:
        s->op = cur(b)->kind;
        ipa_parser_advance(b->ps);
        break;
    default:
        error_found(b, "a state class (RUNNING, READY, BLOCKED or "
                       "TERMINATED)");
        return s;
    }
    struct ipa_node *nm = ipa_parser_name(b->ps, "a state name");
    s->name = nm->name;
    s->name_span = nm->name_span;
    if (ipa_parser_match(b->ps, IPA_TOK_COLON))
        parse_state_kind(b, s);
    ipa_parser_expect(b->ps, IPA_TOK_SEMI, "after the state declaration");
    return ipa_parser_finish(b->ps, s);
}

/* states -> 'states' '=' '{' state* '}' [';'], which becomes Ipanema's
 * `core = { processes = { ... } }`: each core has its own copy. */
static void parse_states(struct bossa *b)
{
    struct ipa_span at = cur(b)->span;
    if (b->states) {
        int line, col;
        ipa_source_position(b->src, b->states->span.off, &line, &col);
        ipa_parser_error(b->ps, at, "the states are declared twice (first "
                         "at %d:%d)", line, col);
        return;
    }
    struct ipa_node *core = ipa_parser_node(b->ps, IPA_N_ENTITY, at);
    core->op = IPA_TOK_CORE;
    core->name_span = at;
    struct ipa_node *st = ipa_parser_node(b->ps, IPA_N_STATES, at);
    ipa_node_push(core, st);
    ipa_node_push(b->root, core);
    b->states = st;
    ipa_parser_advance(b->ps);
    struct ipa_token open;
    if (!open_decl(b, "after 'states'", &open))
        return;
    while (cur(b)->kind != IPA_TOK_RBRACE && cur(b)->kind != IPA_TOK_EOF &&
           !at_decl(b)) {
        uint32_t before = cur(b)->span.off;
        ipa_node_push(st, parse_state(b));
        next_member(b, before);
    }
    ipa_parser_expect_close(b->ps, IPA_TOK_RBRACE, open, "block");
    ipa_parser_match(b->ps, IPA_TOK_SEMI);
    ipa_parser_finish(b->ps, st);
    ipa_parser_finish(b->ps, core);
}

/* criteria -> 'ordering_criteria' '=' order [';'] */
static void parse_criteria(struct bossa *b)
{
    struct ipa_span at = cur(b)->span;
    ipa_parser_advance(b->ps);
    ipa_parser_expect(b->ps, IPA_TOK_ASSIGN, "after 'ordering_criteria'");
    struct ipa_node *o = ipa_parser_order(b->ps);
    ipa_parser_match(b->ps, IPA_TOK_SEMI);
    if (b->criteria) {
        int line, col;
        ipa_source_position(b->src, b->criteria->span.off, &line, &col);
        ipa_parser_error(b->ps, at, "the ordering criteria are declared twice "
                         "(first at %d:%d)", line, col);
        return;
    }
    b->criteria = o;
}

/* event -> part {'.' part} ['.' '*']; part -> IDENT | keyword.
 * Returns the ipasim event, or -1 after an error. */
static int parse_event_name(struct bossa *b, struct ipa_span *span,
                            char **text)
{
    GString *name = g_string_new(NULL);
    struct ipa_span first = cur(b)->span, last = first;
    int ev = -1;
    for (;;) {
        const struct ipa_token *t = cur(b);
        if (t->kind != IPA_TOK_IDENT && !at_keyword(t) &&
            !(name->len && t->kind == IPA_TOK_STAR)) {
            error_found(b, name->len ? "an event name part or '*' after '.'"
                                     : "an event name ('process.new', "
                                       "'block.*', ...)");
            goto out;
        }
        g_string_append_len(name, b->src->text + t->span.off, t->span.len);
        last = t->span;
        bool star = t->kind == IPA_TOK_STAR;
        ipa_parser_advance(b->ps);
        if (star || cur(b)->kind != IPA_TOK_DOT)
            break;
        g_string_append_c(name, '.');
        ipa_parser_advance(b->ps);
    }
    *span = ipa_span_join(first, last);
    /* the name was read whole: what follows is not out of step */
    ipa_parser_recover(b->ps);
    for (size_t i = 0; i < G_N_ELEMENTS(bossa_events); i++)
        if (!strcmp(name->str, bossa_events[i].name))
            ev = bossa_events[i].event;
    if (ev >= 0)
        goto out;
    if (!strcmp(name->str, "unblock.nonpreemptive")) {
        ipa_parser_error(b->ps, *span,
                         "every wake-up of the simulator may preempt: "
                         "handle it with 'unblock.preemptive' or "
                         "'unblock.*'");
        ipa_parser_recover(b->ps);
        goto out;
    }
    ipa_parser_error(b->ps, *span, "unknown Bossa event '%s'", name->str);
    const char *names[G_N_ELEMENTS(bossa_events)];
    for (size_t i = 0; i < G_N_ELEMENTS(bossa_events); i++)
        names[i] = bossa_events[i].name;
    const char *close = ipa_suggest(name->str, names, (int)G_N_ELEMENTS(names));
    GString *all = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(bossa_events); i++)
        g_string_append_printf(all, "%s'%s'", i ? ", " : "", names[i]);
    if (close)
        ipa_diag_note(ipa_parser_sink(b->ps), *span, "did you mean '%s'?",
                      close);
    else
        ipa_diag_note(ipa_parser_sink(b->ps), *span, "the events are %s",
                      all->str);
    g_string_free(all, TRUE);
    ipa_parser_recover(b->ps);
out:
    *text = g_string_free(name, FALSE);
    return ev;
}

/* on -> ('On' | 'on') event block */
static void parse_on(struct bossa *b, struct ipa_node *h)
{
    struct ipa_node *on = ipa_parser_node(b->ps, IPA_N_ON, cur(b)->span);
    ipa_parser_advance(b->ps);
    struct ipa_span nsp;
    char *text = NULL;
    int ev = parse_event_name(b, &nsp, &text);
    on->a = ipa_parser_block(b->ps, "the event's body");
    ipa_parser_finish(b->ps, on);
    if (ev < 0) {
        g_free(text);
        return;
    }
    on->name = ipa_event_name(ev);
    on->name_span = nsp;
    struct ipa_node *before = b->on_of[ev];
    if (before) {
        int line, col;
        ipa_source_position(b->src, before->name_span.off, &line, &col);
        char *was = g_strndup(b->src->text + before->name_span.off,
                              before->name_span.len);
        if (strcmp(was, text))
            ipa_parser_error(b->ps, nsp, "'%s' is handled twice: '%s' at "
                             "%d:%d is the same ipasim event ('%s')", text,
                             was, line, col, on->name);
        else
            ipa_parser_error(b->ps, nsp, "'%s' is handled twice (first at "
                             "%d:%d)", text, line, col);
        g_free(was);
    } else {
        b->on_of[ev] = on;
    }
    g_free(text);
    ipa_node_push(h, on);
}

/* handler -> 'handler' '(' 'event' IDENT ')' '{' on* '}' [';'] */
static void parse_handler(struct bossa *b)
{
    struct ipa_node *h = ipa_parser_node(b->ps, IPA_N_HANDLER, cur(b)->span);
    h->op = IPA_TOK_PROCESS_EVENT;
    ipa_node_push(b->root, h);
    if (!b->handler)
        b->handler = h;
    ipa_parser_advance(b->ps);
    struct ipa_token po = *cur(b);
    ipa_parser_expect(b->ps, IPA_TOK_LPAREN, "after 'handler'");
    if (at_word(b, "event"))
        ipa_parser_advance(b->ps);
    else
        error_found(b, "'event' (a Bossa handler reads 'handler(event e)')");
    h->a = ipa_parser_name(b->ps, "the event variable");
    ipa_parser_expect_close(b->ps, IPA_TOK_RPAREN, po, "'('");
    struct ipa_token open = *cur(b);
    if (!ipa_parser_expect(b->ps, IPA_TOK_LBRACE, "to open the handler")) {
        ipa_parser_finish(b->ps, h);
        return;
    }
    while (cur(b)->kind != IPA_TOK_RBRACE && cur(b)->kind != IPA_TOK_EOF) {
        ipa_parser_recover(b->ps);
        if (at_word(b, "On") || cur(b)->kind == IPA_TOK_ON) {
            parse_on(b, h);
            continue;
        }
        if (at_decl(b))
            break;
        error_found(b, "'On' to start an event handler");
        /* skip to the next 'On' */
        while (cur(b)->kind != IPA_TOK_EOF && cur(b)->kind != IPA_TOK_RBRACE &&
               !at_word(b, "On") && cur(b)->kind != IPA_TOK_ON &&
               !at_decl(b)) {
            if (cur(b)->kind == IPA_TOK_LBRACE)
                ipa_parser_skip_group(b->ps);
            else
                ipa_parser_advance(b->ps);
        }
    }
    ipa_parser_expect_close(b->ps, IPA_TOK_RBRACE, open, "block");
    ipa_parser_match(b->ps, IPA_TOK_SEMI);
    ipa_parser_finish(b->ps, h);
}

/* The STATE named @name, or NULL. */
static const struct ipa_node *state_named(const struct bossa *b,
                                          const char *name)
{
    for (unsigned i = 0; b->states && i < ipa_node_count(b->states); i++) {
        const struct ipa_node *s = ipa_node_at(b->states, i);
        if (s->name && !strcmp(s->name, name))
            return s;
    }
    return NULL;
}

/* Rewrites `empty(S)` in place: `S.size == 0` for a queue, `!valid(S)`
 * for a state of one process, the tests the checker reads emptiness
 * from. Returns @n's new height, or 0 after an error. */
static int lower_empty(struct bossa *b, struct ipa_node *n)
{
    struct ipa_diag_sink *sink = ipa_parser_sink(b->ps);
    struct ipa_node *arg = ipa_node_count(n) == 1 ? ipa_node_at(n, 0) : NULL;
    const struct ipa_node *st =
        arg && arg->kind == IPA_N_IDENT && !n->b && !n->c
            ? state_named(b, arg->name)
            : NULL;
    if (!st) {
        ipa_diag_error(sink, n->span, "empty() takes one state, as in "
                       "'empty(active)'");
        return 0;
    }
    if (!st->a) {
        ipa_diag_error(sink, arg->span, "'%s' keeps no process: it is never "
                       "empty or full", st->name);
        return 0;
    }
    g_ptr_array_set_size(n->list, 0);
    n->name = NULL;
    if (st->a->op == IPA_TOK_SET) {
        struct ipa_node *size = ipa_parser_node(b->ps, IPA_N_MEMBER, n->span);
        size->a = arg;
        size->name = "size";
        size->name_span = n->name_span;
        size->height = 2;
        struct ipa_node *zero = ipa_parser_node(b->ps, IPA_N_INT_LIT, n->span);
        zero->height = 1;
        n->kind = IPA_N_BINARY;
        n->op = IPA_TOK_EQ;
        n->a = size;
        n->b = zero;
    } else {
        struct ipa_node *valid = ipa_parser_node(b->ps, IPA_N_CALL, n->span);
        valid->name = "valid";
        valid->name_span = n->name_span;
        ipa_node_push(valid, arg);
        valid->height = 2;
        n->kind = IPA_N_UNARY;
        n->op = IPA_TOK_BANG;
        n->a = valid;
    }
    return 3;
}

/* Rewrites every `select()` under @n as `first(SORTED)`: Bossa's election
 * from the sorted state, in its ordering criteria, is Ipanema's head of
 * that state in its `order`; and every `empty(S)` (lower_empty). Returns
 * @n's height, kept up to date. */
static int lower_select(struct bossa *b, struct ipa_node *n)
{
    if (!n)
        return 0;
    int height = 0;
    struct ipa_node *fixed[] = {n->a, n->b, n->c, n->d};
    for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++) {
        int h = lower_select(b, fixed[i]);
        height = MAX(height, h);
    }
    for (unsigned i = 0; i < ipa_node_count(n); i++) {
        int h = lower_select(b, ipa_node_at(n, i));
        height = MAX(height, h);
    }
    if (n->kind == IPA_N_CALL && !strcmp(n->name, "select")) {
        if (ipa_node_count(n) || n->b || n->c) {
            ipa_diag_error(ipa_parser_sink(b->ps), n->span,
                           "select() takes no arguments: it picks from the "
                           "'sorted' state by the ordering criteria");
        } else if (!b->sorted || !b->sorted->name) {
            if (!b->select_reported)
                ipa_diag_error(ipa_parser_sink(b->ps), n->span,
                               "select() picks from the 'sorted' state, and "
                               "no state is declared 'sorted' (as in 'READY "
                               "active : sorted fifo queue;')");
            b->select_reported = true;
        } else {
            struct ipa_node *st =
                ipa_parser_node(b->ps, IPA_N_IDENT, n->name_span);
            st->name = b->sorted->name;
            st->name_span = n->name_span;
            n->name = "first";
            ipa_node_push(n, st);
            height = MAX(height, 1);
        }
    }
    if (n->kind == IPA_N_CALL && !strcmp(n->name, "empty")) {
        int h = lower_empty(b, n);
        if (h) {
            n->height = h;
            return h;
        }
    }
    n->height = height + 1;
    return n->height;
}

/* Bossa's article shows no handler for a yielding process; ipasim's
 * runtime has the event, so a policy without `On yield.*` gets the round
 * robin's: back to the end of the sorted (else the first READY) state. */
static void add_yield(struct bossa *b)
{
    if (b->on_of[IPA_EV_yield] || !b->handler || !b->states)
        return;
    struct ipa_node *ready = b->sorted;
    for (unsigned i = 0; !ready && i < ipa_node_count(b->states); i++)
        if (ipa_node_at(b->states, i)->op == IPA_TOK_READY)
            ready = ipa_node_at(b->states, i);
    if (!ready || !ready->name || ready->op != IPA_TOK_READY)
        return;
    struct ipa_node *h = b->handler;
    /* an empty span at the end of the handler's last `On`, so that the
     * printer keeps comments in their order */
    struct ipa_span at = h->span;
    at.off = ipa_node_count(h)
                 ? ipa_node_at(h, ipa_node_count(h) - 1)->span.off +
                       ipa_node_at(h, ipa_node_count(h) - 1)->span.len
                 : h->span.off;
    at.len = 0;
    struct ipa_node *target = ipa_parser_node(b->ps, IPA_N_IDENT, at);
    target->name = h->a->name;
    struct ipa_node *member = ipa_parser_node(b->ps, IPA_N_MEMBER, at);
    member->a = target;
    member->name = "target";
    member->height = 2;
    struct ipa_node *dest = ipa_parser_node(b->ps, IPA_N_IDENT, at);
    dest->name = ready->name;
    struct ipa_node *move = ipa_parser_node(b->ps, IPA_N_MOVE, at);
    move->a = member;
    move->b = dest;
    move->height = 3;
    struct ipa_node *body = ipa_parser_node(b->ps, IPA_N_BLOCK, at);
    ipa_node_push(body, move);
    body->height = 4;
    struct ipa_node *on = ipa_parser_node(b->ps, IPA_N_ON, at);
    on->name = ipa_event_name(IPA_EV_yield);
    on->a = body;
    on->height = 5;
    ipa_node_push(h, on);
    h->height = MAX(h->height, 6);
    b->on_of[IPA_EV_yield] = on;
}

/* After the whole file: the criteria go on the sorted state, select()
 * becomes its head, and a missing yield handler is added. */
static void lower(struct bossa *b)
{
    if (!b->states) {
        ipa_diag_error(ipa_parser_sink(b->ps), b->first,
                       "a Bossa policy declares its states ('states = { "
                       "RUNNING running : process; ... }')");
        return;
    }
    if (b->criteria && ipa_node_count(b->criteria)) {
        if (b->sorted) {
            b->sorted->b = b->criteria;
            b->sorted->height = MAX(b->sorted->height,
                                    b->criteria->height + 1);
        } else {
            ipa_diag_error(ipa_parser_sink(b->ps), b->criteria->span,
                           "the ordering criteria apply to the 'sorted' "
                           "state, and no state is declared 'sorted'");
        }
    }
    for (unsigned i = 0; i < ipa_node_count(b->root); i++) {
        struct ipa_node *d = ipa_node_at(b->root, i);
        if (d->kind == IPA_N_HANDLER)
            lower_select(b, d);
    }
    add_yield(b);
}

/* program -> (process | states | criteria | handler)* EOF */
struct ipa_ast *ipa_bossa_parse(const struct ipa_source *src,
                                struct ipa_diag_sink *sink)
{
    struct bossa b = {0};
    int errors_before = sink->errors;
    b.ps = ipa_parser_new(src, sink);
    b.src = src;
    b.root = ipa_parser_ast(b.ps)->root;
    b.first = cur(&b)->span;
    while (cur(&b)->kind != IPA_TOK_EOF) {
        uint32_t before = cur(&b)->span.off;
        if (cur(&b)->kind == IPA_TOK_PROCESS &&
            ipa_parser_next(b.ps)->kind == IPA_TOK_ASSIGN)
            parse_process(&b);
        else if (at_word(&b, "states"))
            parse_states(&b);
        else if (at_word(&b, "ordering_criteria"))
            parse_criteria(&b);
        else if (cur(&b)->kind == IPA_TOK_HANDLER)
            parse_handler(&b);
        else
            error_found(&b, "a Bossa declaration ('process = {', 'states = "
                            "{', 'ordering_criteria = {' or 'handler(event "
                            "e) {')");
        if (ipa_parser_panicking(b.ps) || cur(&b)->span.off == before) {
            if (cur(&b)->span.off == before && cur(&b)->kind != IPA_TOK_EOF)
                ipa_parser_advance(b.ps);
            sync_decl(&b);
        }
    }
    if (sink->errors == errors_before)
        lower(&b);
    return ipa_parser_free(b.ps);
}
