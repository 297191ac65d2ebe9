/*
 * test_rbtree.c - the intrusive red-black tree against a sorted reference
 * array: order (FIFO among equal keys), cached ends, count, neighbours, and
 * the red-black rules via ipa_rb_check. Most tests order by the compare
 * function alone (every node key 0); test_node_keys_first orders by node
 * keys, then the compare function among equal ones.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "util/rbtree.h"

struct item {
    struct ipa_rb_node node;
    int key;
};

static struct item *item_of(const struct ipa_rb_node *n)
{
    return IPA_CONTAINER_OF(n, struct item, node);
}

static int cmp_key(const struct ipa_rb_node *a, const struct ipa_rb_node *b,
                   void *arg)
{
    int x = item_of(a)->key, y = item_of(b)->key;
    (void)arg;
    return (x > y) - (x < y);
}

/* The reference: items in tree order, equal keys in insertion order. */
struct ref {
    struct item **v;
    int n;
};

static void ref_insert(struct ref *r, struct item *it)
{
    int lo = 0, hi = r->n;
    /* Upper bound: after every equal key, as the tree must place it. */
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (r->v[mid]->key <= it->key)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(&r->v[lo + 1], &r->v[lo], (size_t)(r->n - lo) * sizeof *r->v);
    r->v[lo] = it;
    r->n++;
}

static void ref_remove_at(struct ref *r, int i)
{
    memmove(&r->v[i], &r->v[i + 1], (size_t)(r->n - i - 1) * sizeof *r->v);
    r->n--;
}

/* The tree holds exactly the reference's items in the same order, both ways. */
static void assert_matches(const struct ipa_rb_tree *t, const struct ref *r)
{
    const struct ipa_rb_node *n;
    int i;

    assert_true(ipa_rb_check(t, cmp_key, NULL));
    assert_int_equal(t->count, r->n);
    assert_ptr_equal(t->first, r->n ? &r->v[0]->node : NULL);
    assert_ptr_equal(t->last, r->n ? &r->v[r->n - 1]->node : NULL);
    for (i = 0, n = t->first; n; n = ipa_rb_next(n), i++) {
        assert_true(i < r->n);
        assert_ptr_equal(n, &r->v[i]->node);
    }
    assert_int_equal(i, r->n);
    for (i = r->n - 1, n = t->last; n; n = ipa_rb_prev(n), i--) {
        assert_true(i >= 0);
        assert_ptr_equal(n, &r->v[i]->node);
    }
    assert_int_equal(i, -1);
}

static int tree_height(const struct ipa_rb_node *n)
{
    int l, r;
    if (!n)
        return 0;
    l = tree_height(n->left);
    r = tree_height(n->right);
    return 1 + (l > r ? l : r);
}

static void test_empty(void **state)
{
    struct ipa_rb_tree t;
    (void)state;

    ipa_rb_init(&t);
    assert_null(t.root);
    assert_null(t.first);
    assert_null(t.last);
    assert_int_equal(t.count, 0);
    assert_true(ipa_rb_check(&t, cmp_key, NULL));
}

static void test_only_node(void **state)
{
    struct ipa_rb_tree t;
    struct item a = {.key = 5};
    (void)state;

    ipa_rb_init(&t);
    ipa_rb_insert(&t, &a.node, cmp_key, NULL);
    assert_ptr_equal(t.root, &a.node);
    assert_ptr_equal(t.first, &a.node);
    assert_ptr_equal(t.last, &a.node);
    assert_int_equal(t.count, 1);
    assert_false(a.node.red);
    assert_null(ipa_rb_next(&a.node));
    assert_null(ipa_rb_prev(&a.node));
    assert_true(ipa_rb_check(&t, cmp_key, NULL));

    ipa_rb_remove(&t, &a.node);
    assert_null(t.root);
    assert_null(t.first);
    assert_null(t.last);
    assert_int_equal(t.count, 0);
    assert_true(ipa_rb_check(&t, cmp_key, NULL));

    /* A removed node can go back in. */
    ipa_rb_insert(&t, &a.node, cmp_key, NULL);
    assert_ptr_equal(t.first, &a.node);
    assert_true(ipa_rb_check(&t, cmp_key, NULL));
}

/* Builds keys 0..n-1 inserted in a scrambled order. */
static void build_small(struct ipa_rb_tree *t, struct ref *r, struct item *it,
                        int n)
{
    assert_true(n % 2 == 1); /* the stride 4 must be coprime with n */
    ipa_rb_init(t);
    r->n = 0;
    for (int i = 0; i < n; i++) {
        struct item *x = &it[(i * 4) % n];
        x->key = (int)(x - it);
        ipa_rb_insert(t, &x->node, cmp_key, NULL);
        ref_insert(r, x);
        assert_matches(t, r);
    }
}

static void test_remove_first_last_middle(void **state)
{
    struct ipa_rb_tree t;
    struct item it[13] = {0};
    struct item *v[13];
    struct ref r = {v, 0};
    (void)state;

    build_small(&t, &r, it, 13);
    ipa_rb_remove(&t, t.first);
    ref_remove_at(&r, 0);
    assert_matches(&t, &r);
    assert_int_equal(item_of(t.first)->key, 1);

    ipa_rb_remove(&t, t.last);
    ref_remove_at(&r, r.n - 1);
    assert_matches(&t, &r);
    assert_int_equal(item_of(t.last)->key, 11);

    ipa_rb_remove(&t, &it[6].node);
    ref_remove_at(&r, 5); /* keys 1..11: 6 is at index 5 */
    assert_matches(&t, &r);
    assert_ptr_equal(ipa_rb_next(&it[5].node), &it[7].node);
    assert_ptr_equal(ipa_rb_prev(&it[7].node), &it[5].node);

    /* The root has two children: the successor-splice path. */
    {
        struct item *root = item_of(t.root);
        int i = 0;
        while (r.v[i] != root)
            i++;
        ipa_rb_remove(&t, t.root);
        ref_remove_at(&r, i);
        assert_matches(&t, &r);
    }
    while (r.n) {
        ipa_rb_remove(&t, &r.v[r.n / 2]->node);
        ref_remove_at(&r, r.n / 2);
        assert_matches(&t, &r);
    }
}

static void test_next_prev_ends(void **state)
{
    struct ipa_rb_tree t;
    struct item it[7] = {0};
    struct item *v[7];
    struct ref r = {v, 0};
    (void)state;

    build_small(&t, &r, it, 7);
    assert_null(ipa_rb_prev(t.first));
    assert_null(ipa_rb_next(t.last));
    for (int i = 0; i + 1 < 7; i++) {
        assert_ptr_equal(ipa_rb_next(&it[i].node), &it[i + 1].node);
        assert_ptr_equal(ipa_rb_prev(&it[i + 1].node), &it[i].node);
    }
}

static void test_equal_keys_fifo(void **state)
{
    struct ipa_rb_tree t;
    struct item it[64] = {0};
    struct item *v[64];
    struct ref r = {v, 0};
    (void)state;

    ipa_rb_init(&t);
    for (int i = 0; i < 64; i++) {
        it[i].key = i % 3 == 0 ? 1 : 7; /* interleaved ties */
        ipa_rb_insert(&t, &it[i].node, cmp_key, NULL);
        ref_insert(&r, &it[i]);
        assert_matches(&t, &r);
    }
    /* The 22 key-1 items first, each tie group in insertion order. */
    {
        const struct ipa_rb_node *n = t.first;
        for (int i = 0; i < 64; i += 3, n = ipa_rb_next(n))
            assert_ptr_equal(n, &it[i].node);
        for (int i = 0; i < 64; i++) {
            if (i % 3 == 0)
                continue;
            assert_ptr_equal(n, &it[i].node);
            n = ipa_rb_next(n);
        }
        assert_null(n);
    }
    /* Removing and re-inserting the head of a tie group sends it last. */
    ipa_rb_remove(&t, &it[0].node);
    ipa_rb_insert(&t, &it[0].node, cmp_key, NULL);
    ref_remove_at(&r, 0);
    ref_insert(&r, &it[0]);
    assert_matches(&t, &r);
    assert_ptr_equal(t.first, &it[3].node);
    assert_ptr_equal(ipa_rb_next(&it[63].node), &it[0].node);
}

/* Sorted and reverse-sorted runs are the rotation-heavy worst cases. */
static void test_monotonic_inserts_balanced(void **state)
{
    enum { N = 4095 };
    static struct item it[N];
    struct ipa_rb_tree t;
    (void)state;

    for (int dir = 0; dir < 2; dir++) {
        ipa_rb_init(&t);
        for (int i = 0; i < N; i++) {
            it[i].key = dir ? N - i : i;
            ipa_rb_insert(&t, &it[i].node, cmp_key, NULL);
        }
        assert_true(ipa_rb_check(&t, cmp_key, NULL));
        /* Red-black bound: height <= 2 log2(n + 1) = 24 here. */
        assert_true(tree_height(t.root) <= 24);
        assert_ptr_equal(t.first, &it[dir ? N - 1 : 0].node);
        assert_ptr_equal(t.last, &it[dir ? 0 : N - 1].node);
        for (int i = 0; i < N; i++) {
            ipa_rb_remove(&t, &it[i].node);
            if (i % 256 == 0)
                assert_true(ipa_rb_check(&t, cmp_key, NULL));
        }
        assert_int_equal(t.count, 0);
        assert_null(t.root);
    }
}

/* The checker must catch broken trees, or the other tests prove little. */
static void test_check_detects_corruption(void **state)
{
    struct ipa_rb_tree t;
    struct item it[15] = {0};
    struct item *v[15];
    struct ref r = {v, 0};
    struct ipa_rb_node *leaf;
    (void)state;

    build_small(&t, &r, it, 15);

    t.root->red = true; /* red root */
    assert_false(ipa_rb_check(&t, cmp_key, NULL));
    t.root->red = false;

    it[0].key = 100; /* out of order */
    assert_false(ipa_rb_check(&t, cmp_key, NULL));
    it[0].key = 0;

    t.count++; /* wrong count */
    assert_false(ipa_rb_check(&t, cmp_key, NULL));
    t.count--;

    t.first = &it[1].node; /* stale cached end */
    assert_false(ipa_rb_check(&t, cmp_key, NULL));
    t.first = &it[0].node;

    leaf = t.first; /* black-height or red-red: flip a leaf's colour */
    leaf->red = !leaf->red;
    assert_false(ipa_rb_check(&t, cmp_key, NULL));
    leaf->red = !leaf->red;

    leaf->parent = t.root == leaf->parent ? NULL : t.root; /* bad parent */
    assert_false(ipa_rb_check(&t, cmp_key, NULL));
}

/* Stable order of the reference for node keys: node key, then item key,
 * then insertion (the index), as the tree must give. */
static int by_node_then_item(const void *pa, const void *pb)
{
    const struct item *a = *(const struct item *const *)pa;
    const struct item *b = *(const struct item *const *)pb;
    if (a->node.key != b->node.key)
        return a->node.key < b->node.key ? -1 : 1;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* Node keys order first, including negative and extreme ones; the compare
 * function only among equal node keys; with no compare function, equal
 * node keys keep insertion order. */
static void test_node_keys_first(void **state)
{
    enum { N = 2000 };
    static const int64_t keys[] = {INT64_MIN, -7, 0, 3, INT64_MAX};
    struct item *it = g_new0(struct item, N);
    struct item **want = g_new(struct item *, N);
    GRand *rnd = g_rand_new_with_seed(77);
    (void)state;

    for (int with_cmp = 0; with_cmp < 2; with_cmp++) {
        struct ipa_rb_tree t;
        ipa_rb_init(&t);
        for (int i = 0; i < N; i++) {
            it[i].node.key = keys[g_rand_int_range(rnd, 0, 5)];
            /* without a compare function, item keys must not matter */
            it[i].key = with_cmp ? g_rand_int_range(rnd, 0, 4) : 0;
            want[i] = &it[i];
            ipa_rb_insert(&t, &it[i].node, with_cmp ? cmp_key : NULL, NULL);
        }
        /* the reference: insertion order is the index order */
        qsort(want, N, sizeof *want, by_node_then_item);
        assert_true(ipa_rb_check(&t, with_cmp ? cmp_key : NULL, NULL));
        const struct ipa_rb_node *n = t.first;
        for (int i = 0; i < N; i++, n = ipa_rb_next(n))
            assert_ptr_equal(n, &want[i]->node);
        assert_null(n);
        /* a node whose key goes up leaves its place for the new one */
        struct item *head = item_of(t.first);
        ipa_rb_remove(&t, &head->node);
        head->node.key = INT64_MAX;
        head->key = with_cmp ? 1000 : 0; /* above every item key */
        ipa_rb_insert(&t, &head->node, with_cmp ? cmp_key : NULL, NULL);
        assert_ptr_equal(t.last, &head->node);
        assert_true(ipa_rb_check(&t, with_cmp ? cmp_key : NULL, NULL));
        /* the checker reads the node keys too */
        struct ipa_rb_node *first = t.first;
        int64_t k = first->key;
        first->key = INT64_MAX - 1;
        assert_false(ipa_rb_check(&t, with_cmp ? cmp_key : NULL, NULL));
        first->key = k;
    }
    g_rand_free(rnd);
    g_free(want);
    g_free(it);
}

/*
 * 10,000 items, random keys with many ties, random inserts and removes
 * (growing then draining), checked against the reference after every one
 * of the first 500 operations and every 97th after that.
 */
static void test_random_against_reference(void **state)
{
    enum { N = 10000, OPS = 60000 };
    struct item *it = g_new0(struct item, N);
    struct item **out = g_new(struct item *, N); /* items not in the tree */
    struct ref r = {g_new(struct item *, N), 0};
    GRand *rnd = g_rand_new_with_seed(20240607);
    struct ipa_rb_tree t;
    int n_out = N, ops = 0;
    (void)state;

    for (int i = 0; i < N; i++)
        out[i] = &it[i];
    ipa_rb_init(&t);
    for (int phase = 0; phase < 3; phase++) {
        /* Phase 0 grows, 1 churns, 2 drains. */
        int insert_pct = phase == 0 ? 75 : phase == 1 ? 50 : 0;
        int steps = phase == 2 ? N : OPS / 2;
        for (int s = 0; s < steps && (phase < 2 || r.n); s++, ops++) {
            bool insert =
                n_out && (!r.n || g_rand_int_range(rnd, 0, 100) < insert_pct);
            if (insert) {
                int j = g_rand_int_range(rnd, 0, n_out);
                struct item *x = out[j];
                out[j] = out[--n_out];
                x->key = g_rand_int_range(rnd, 0, 500);
                ipa_rb_insert(&t, &x->node, cmp_key, NULL);
                ref_insert(&r, x);
            } else {
                int j = g_rand_int_range(rnd, 0, r.n);
                struct item *x = r.v[j];
                ipa_rb_remove(&t, &x->node);
                ref_remove_at(&r, j);
                out[n_out++] = x;
            }
            if (ops < 500 || ops % 97 == 0)
                assert_matches(&t, &r);
        }
        assert_matches(&t, &r);
    }
    assert_int_equal(t.count, 0);
    assert_int_equal(n_out, N);

    g_rand_free(rnd);
    g_free(r.v);
    g_free(out);
    g_free(it);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_only_node),
        cmocka_unit_test(test_remove_first_last_middle),
        cmocka_unit_test(test_next_prev_ends),
        cmocka_unit_test(test_equal_keys_fifo),
        cmocka_unit_test(test_monotonic_inserts_balanced),
        cmocka_unit_test(test_check_detects_corruption),
        cmocka_unit_test(test_node_keys_first),
        cmocka_unit_test(test_random_against_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
