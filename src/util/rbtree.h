/*
 * rbtree.h - intrusive red-black tree, the ordered container behind run
 * queues. Nodes live inside the objects they order (a thread has one), so
 * insert and remove never allocate. Nodes order by the key they carry,
 * then, among equal keys, by the tree's compare function, if any; nodes
 * still equal keep insertion order: a new node goes after every node that
 * compares equal to it. A key in the node lets a descent compare without
 * reading the objects it passes (each a cache miss with many threads) or
 * calling anything.
 */
#ifndef IPA_UTIL_RBTREE_H
#define IPA_UTIL_RBTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ipa_rb_node {
    struct ipa_rb_node *parent, *left, *right;
    int64_t key; /* set by the owner before insertion, fixed while in */
    bool red;
};

struct ipa_rb_tree {
    struct ipa_rb_node *root;
    struct ipa_rb_node *first, *last; /* cached ends: O(1) first/last */
    int count;
};

/* Negative if @a orders before @b, 0 if equal, positive after; asked
 * only of nodes with equal keys. */
typedef int (*ipa_rb_cmp_fn)(const struct ipa_rb_node *a,
                             const struct ipa_rb_node *b, void *arg);

#define IPA_CONTAINER_OF(ptr, type, member)                                    \
    ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

void ipa_rb_init(struct ipa_rb_tree *tree);
/* O(log n). @node must not be in a tree; @cmp may be NULL (keys alone). */
void ipa_rb_insert(struct ipa_rb_tree *tree, struct ipa_rb_node *node,
                   ipa_rb_cmp_fn cmp, void *arg);
/* O(log n). @node must be in @tree. */
void ipa_rb_remove(struct ipa_rb_tree *tree, struct ipa_rb_node *node);
/* In-order neighbours, NULL past the ends. O(log n) worst, O(1) amortised. */
struct ipa_rb_node *ipa_rb_next(const struct ipa_rb_node *node);
struct ipa_rb_node *ipa_rb_prev(const struct ipa_rb_node *node);

/* Walks the whole tree checking the red-black rules, parent links, the
 * cached ends and count, and that the order holds under the keys and
 * @cmp; for tests. */
bool ipa_rb_check(const struct ipa_rb_tree *tree, ipa_rb_cmp_fn cmp, void *arg);

#endif
