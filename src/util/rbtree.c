/*
 * rbtree.c - intrusive red-black tree (CLRS ch. 13 with NULL leaves). The
 * cached ends and count are updated by insert and remove themselves, so
 * the engine reads the head of a run queue in O(1).
 */
#include "util/rbtree.h"

#include "util/common.h"

static bool is_red(const struct ipa_rb_node *n)
{
    return n && n->red;
}

/* Points @parent's link (or the root) that held @old at @new. */
static void change_child(struct ipa_rb_tree *tree, struct ipa_rb_node *parent,
                         struct ipa_rb_node *old, struct ipa_rb_node *new)
{
    if (!parent)
        tree->root = new;
    else if (parent->left == old)
        parent->left = new;
    else
        parent->right = new;
}

static void rotate_left(struct ipa_rb_tree *tree, struct ipa_rb_node *x)
{
    struct ipa_rb_node *y = x->right;

    x->right = y->left;
    if (y->left)
        y->left->parent = x;
    y->parent = x->parent;
    change_child(tree, x->parent, x, y);
    y->left = x;
    x->parent = y;
}

static void rotate_right(struct ipa_rb_tree *tree, struct ipa_rb_node *x)
{
    struct ipa_rb_node *y = x->left;

    x->left = y->right;
    if (y->right)
        y->right->parent = x;
    y->parent = x->parent;
    change_child(tree, x->parent, x, y);
    y->right = x;
    x->parent = y;
}

/* The tree's order: keys, then @cmp among equal keys. */
static inline int order(const struct ipa_rb_node *a, const struct ipa_rb_node *b,
                        ipa_rb_cmp_fn cmp, void *arg)
{
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return cmp ? cmp(a, b, arg) : 0;
}

void ipa_rb_init(struct ipa_rb_tree *tree)
{
    tree->root = tree->first = tree->last = NULL;
    tree->count = 0;
}

void ipa_rb_insert(struct ipa_rb_tree *tree, struct ipa_rb_node *node,
                   ipa_rb_cmp_fn cmp, void *arg)
{
    struct ipa_rb_node *parent = NULL, **link = &tree->root;
    bool leftmost = true, rightmost = true;

    /* ">= 0 goes right" puts a node after its equals: FIFO among ties.
     * A node going to either end lands where the descent would take it,
     * without the descent: a FIFO queue, or a woken thread going first,
     * touches no node on the way (each is in another thread, a cache miss
     * with many threads). */
    if (tree->last && order(node, tree->last, cmp, arg) >= 0) {
        parent = tree->last;
        link = &parent->right;
        leftmost = false;
    } else if (tree->first && order(node, tree->first, cmp, arg) < 0) {
        parent = tree->first;
        link = &parent->left;
        rightmost = false;
    }
    while (*link) {
        parent = *link;
        if (order(node, parent, cmp, arg) >= 0) {
            link = &parent->right;
            leftmost = false;
        } else {
            link = &parent->left;
            rightmost = false;
        }
    }
    node->parent = parent;
    node->left = node->right = NULL;
    node->red = true;
    *link = node;
    if (leftmost)
        tree->first = node;
    if (rightmost)
        tree->last = node;
    tree->count++;

    /* Fix the only possible violation: a red node under a red parent. */
    while (is_red(node->parent)) {
        struct ipa_rb_node *p = node->parent, *g = p->parent;

        if (p == g->left) {
            struct ipa_rb_node *u = g->right;
            if (is_red(u)) {
                p->red = u->red = false;
                g->red = true;
                node = g;
                continue;
            }
            if (node == p->right) {
                rotate_left(tree, p);
                p = node;
            }
            p->red = false;
            g->red = true;
            rotate_right(tree, g);
            break; /* the rotated-up p is black: done */
        } else {
            struct ipa_rb_node *u = g->left;
            if (is_red(u)) {
                p->red = u->red = false;
                g->red = true;
                node = g;
                continue;
            }
            if (node == p->left) {
                rotate_right(tree, p);
                p = node;
            }
            p->red = false;
            g->red = true;
            rotate_left(tree, g);
            break; /* the rotated-up p is black: done */
        }
    }
    tree->root->red = false;
}

/*
 * Restores the black height after a black node was unlinked: @x (possibly
 * NULL, a leaf) under @parent carries one extra black to push up or absorb.
 */
static void remove_fixup(struct ipa_rb_tree *tree, struct ipa_rb_node *x,
                         struct ipa_rb_node *parent)
{
    while (x != tree->root && !is_red(x)) {
        /* x is short one black, so its sibling w is a real node. */
        if (x == parent->left) {
            struct ipa_rb_node *w = parent->right;
            if (w->red) {
                w->red = false;
                parent->red = true;
                rotate_left(tree, parent);
                w = parent->right;
            }
            if (!is_red(w->left) && !is_red(w->right)) {
                w->red = true;
                x = parent;
                parent = x->parent;
                continue;
            }
            if (!is_red(w->right)) {
                w->left->red = false;
                w->red = true;
                rotate_right(tree, w);
                w = parent->right;
            }
            w->red = parent->red;
            parent->red = false;
            w->right->red = false;
            rotate_left(tree, parent);
        } else {
            struct ipa_rb_node *w = parent->left;
            if (w->red) {
                w->red = false;
                parent->red = true;
                rotate_right(tree, parent);
                w = parent->left;
            }
            if (!is_red(w->left) && !is_red(w->right)) {
                w->red = true;
                x = parent;
                parent = x->parent;
                continue;
            }
            if (!is_red(w->left)) {
                w->right->red = false;
                w->red = true;
                rotate_left(tree, w);
                w = parent->left;
            }
            w->red = parent->red;
            parent->red = false;
            w->left->red = false;
            rotate_right(tree, parent);
        }
        x = tree->root;
    }
    if (x)
        x->red = false;
}

/* Replaces the subtree at @u by the one at @v (v may be NULL). */
static void transplant(struct ipa_rb_tree *tree, struct ipa_rb_node *u,
                       struct ipa_rb_node *v)
{
    change_child(tree, u->parent, u, v);
    if (v)
        v->parent = u->parent;
}

void ipa_rb_remove(struct ipa_rb_tree *tree, struct ipa_rb_node *node)
{
    struct ipa_rb_node *x, *x_parent;
    bool removed_red;

    IPA_ASSERT(tree->count > 0, "remove from an empty tree");
    if (node == tree->first)
        tree->first = ipa_rb_next(node);
    if (node == tree->last)
        tree->last = ipa_rb_prev(node);
    tree->count--;

    if (!node->left || !node->right) {
        x = node->left ? node->left : node->right;
        x_parent = node->parent;
        removed_red = node->red;
        transplant(tree, node, x);
    } else {
        /* Two children: the successor y takes node's place and colour, so
         * the black that may go missing is y's, at y's old spot. */
        struct ipa_rb_node *y = node->right;
        while (y->left)
            y = y->left;
        removed_red = y->red;
        x = y->right;
        if (y->parent == node) {
            x_parent = y;
        } else {
            x_parent = y->parent;
            transplant(tree, y, x);
            y->right = node->right;
            y->right->parent = y;
        }
        transplant(tree, node, y);
        y->left = node->left;
        y->left->parent = y;
        y->red = node->red;
    }
    if (!removed_red)
        remove_fixup(tree, x, x_parent);
    node->parent = node->left = node->right = NULL;
}

struct ipa_rb_node *ipa_rb_next(const struct ipa_rb_node *node)
{
    if (node->right) {
        node = node->right;
        while (node->left)
            node = node->left;
        return (struct ipa_rb_node *)node;
    }
    while (node->parent && node == node->parent->right)
        node = node->parent;
    return node->parent;
}

struct ipa_rb_node *ipa_rb_prev(const struct ipa_rb_node *node)
{
    if (node->left) {
        node = node->left;
        while (node->right)
            node = node->right;
        return (struct ipa_rb_node *)node;
    }
    while (node->parent && node == node->parent->left)
        node = node->parent;
    return node->parent;
}

struct check_walk {
    ipa_rb_cmp_fn cmp;
    void *arg;
    const struct ipa_rb_node *first, *prev;
    int seen, limit;
};

/*
 * In-order walk of the subtree at @n; returns its black height, or -1 on a
 * broken rule. Recursion depth is the tree height, and the depth cap and
 * node limit stop it on a corrupt (cyclic or unbalanced) tree.
 */
static int check_subtree(const struct ipa_rb_node *n,
                         const struct ipa_rb_node *parent, int depth,
                         struct check_walk *w)
{
    int lh, rh;

    if (!n)
        return 0;
    /* A red-black tree of INT_MAX nodes is at most 2 * 31 deep. */
    if (depth > 64 || n->parent != parent || ++w->seen > w->limit)
        return -1;
    if (n->red && (is_red(n->left) || is_red(n->right)))
        return -1;
    lh = check_subtree(n->left, n, depth + 1, w);
    if (lh < 0)
        return -1;
    if (w->prev && order(w->prev, n, w->cmp, w->arg) > 0)
        return -1;
    if (!w->first)
        w->first = n;
    w->prev = n;
    rh = check_subtree(n->right, n, depth + 1, w);
    if (rh != lh)
        return -1;
    return lh + !n->red;
}

bool ipa_rb_check(const struct ipa_rb_tree *tree, ipa_rb_cmp_fn cmp, void *arg)
{
    struct check_walk w = {.cmp = cmp, .arg = arg, .limit = tree->count};

    if (is_red(tree->root))
        return false;
    if (check_subtree(tree->root, NULL, 0, &w) < 0)
        return false;
    return w.seen == tree->count && w.first == tree->first &&
           w.prev == tree->last;
}
