#include "dsl/ast.h"

#include <string.h>

static const char *const node_names[] = {
#define IPA_NODE_NAME(kind, doc) #kind,
    IPA_NODES(IPA_NODE_NAME)
#undef IPA_NODE_NAME
};

const char *ipa_node_kind_name(enum ipa_node_kind kind)
{
    return node_names[kind];
}

static void free_node(gpointer p)
{
    struct ipa_node *n = p;
    if (n->list)
        g_ptr_array_free(n->list, TRUE);
    g_free(n);
}

struct ipa_ast *ipa_ast_new(void)
{
    struct ipa_ast *ast = g_new0(struct ipa_ast, 1);
    ast->nodes = g_ptr_array_new_with_free_func(free_node);
    ast->strings = g_string_chunk_new(1024);
    ast->comments = g_array_new(FALSE, FALSE, sizeof(struct ipa_comment));
    return ast;
}

void ipa_ast_free(struct ipa_ast *ast)
{
    if (!ast)
        return;
    g_ptr_array_free(ast->nodes, TRUE);
    g_string_chunk_free(ast->strings);
    g_array_free(ast->comments, TRUE);
    g_free(ast);
}

struct ipa_node *ipa_ast_node(struct ipa_ast *ast, enum ipa_node_kind kind,
                              struct ipa_span span)
{
    struct ipa_node *n = g_new0(struct ipa_node, 1);
    n->kind = kind;
    n->span = span;
    g_ptr_array_add(ast->nodes, n);
    return n;
}

void ipa_node_push(struct ipa_node *parent, struct ipa_node *child)
{
    if (!parent->list)
        parent->list = g_ptr_array_new();
    g_ptr_array_add(parent->list, child);
}

const char *ipa_ast_intern(struct ipa_ast *ast, const char *s, size_t n)
{
    return g_string_chunk_insert_len(ast->strings, s, (gssize)n);
}

/* Child @i of @n: a..d, then its list (NULL where there is none). */
static const struct ipa_node *child_at(const struct ipa_node *n, unsigned i)
{
    switch (i) {
    case 0: return n->a;
    case 1: return n->b;
    case 2: return n->c;
    case 3: return n->d;
    default: return ipa_node_at(n, i - 4);
    }
}

static unsigned nr_children(const struct ipa_node *n)
{
    return 4 + ipa_node_count(n);
}

struct walk_item {
    const struct ipa_node *a, *b;
    int depth;
};

/* Both walks below keep their own stack: a tree deeper than the parser
 * allows must not overflow the C stack before a pass can refuse it. */
int ipa_node_height(const struct ipa_node *root)
{
    int height = 0;
    GArray *stack = g_array_new(FALSE, FALSE, sizeof(struct walk_item));
    struct walk_item top = {root, NULL, 1};
    if (root)
        g_array_append_val(stack, top);
    while (stack->len) {
        top = g_array_index(stack, struct walk_item, stack->len - 1);
        g_array_set_size(stack, stack->len - 1);
        height = MAX(height, top.depth);
        for (unsigned i = 0; i < nr_children(top.a); i++) {
            bool link = i == 2 && ipa_node_else_if(top.a);
            struct walk_item item = {child_at(top.a, i), NULL,
                                     top.depth + (link ? 0 : 1)};
            if (item.a)
                g_array_append_val(stack, item);
        }
    }
    g_array_free(stack, TRUE);
    return height;
}

static bool same_node(const struct ipa_node *a, const struct ipa_node *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind || a->op != b->op || a->ival != b->ival)
        return false;
    if ((a->name == NULL) != (b->name == NULL))
        return false;
    if (a->name && strcmp(a->name, b->name) != 0)
        return false;
    return ipa_node_count(a) == ipa_node_count(b);
}

bool ipa_node_equal(const struct ipa_node *a, const struct ipa_node *b)
{
    bool equal = true;
    GArray *stack = g_array_new(FALSE, FALSE, sizeof(struct walk_item));
    struct walk_item top = {a, b, 0};
    g_array_append_val(stack, top);
    while (equal && stack->len) {
        top = g_array_index(stack, struct walk_item, stack->len - 1);
        g_array_set_size(stack, stack->len - 1);
        equal = same_node(top.a, top.b);
        if (!equal || !top.a)
            continue;
        for (unsigned i = 0; i < nr_children(top.a); i++) {
            struct walk_item item = {child_at(top.a, i), child_at(top.b, i), 0};
            g_array_append_val(stack, item);
        }
    }
    g_array_free(stack, TRUE);
    return equal;
}

struct ipa_span ipa_span_join(struct ipa_span a, struct ipa_span b)
{
    uint32_t end = b.off + b.len;
    if (end < a.off + a.len)
        end = a.off + a.len;
    a.len = end > a.off ? end - a.off : 0;
    return a;
}
