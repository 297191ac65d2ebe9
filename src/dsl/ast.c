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

bool ipa_node_equal(const struct ipa_node *a, const struct ipa_node *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind || a->op != b->op || a->ival != b->ival)
        return false;
    if ((a->name == NULL) != (b->name == NULL))
        return false;
    if (a->name && strcmp(a->name, b->name) != 0)
        return false;
    if (!ipa_node_equal(a->a, b->a) || !ipa_node_equal(a->b, b->b) ||
        !ipa_node_equal(a->c, b->c) || !ipa_node_equal(a->d, b->d))
        return false;
    if (ipa_node_count(a) != ipa_node_count(b))
        return false;
    for (unsigned i = 0; i < ipa_node_count(a); i++) {
        if (!ipa_node_equal(ipa_node_at(a, i), ipa_node_at(b, i)))
            return false;
    }
    return true;
}

struct ipa_span ipa_span_join(struct ipa_span a, struct ipa_span b)
{
    uint32_t end = b.off + b.len;
    if (end < a.off + a.len)
        end = a.off + a.len;
    a.len = end > a.off ? end - a.off : 0;
    return a;
}
