/*
 * test_sweep.c - sweep specs' cells (zip, exclude, names) and the CSV
 * fields of results.csv.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "sweep/results.c"
#include "../scratch.h"

static char *scratch;

static int setup(void **state)
{
    (void)state;
    scratch = g_dir_make_tmp("ipasim-sweep-XXXXXX", NULL);
    return scratch ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    scratch_remove_tree(scratch);
    g_free(scratch);
    return 0;
}

static struct ipa_sweep_spec *load(const char *json)
{
    char *path = g_build_filename(scratch, "spec.json", NULL);
    assert_true(g_file_set_contents(path, json, -1, NULL));
    struct ipa_sweep_spec *spec = NULL;
    GError *error = NULL;
    bool ok = ipa_sweep_spec_load(path, &spec, &error);
    if (!ok)
        fail_msg("%s", error->message);
    g_free(path);
    return spec;
}

/* "topology policy trace seed" of cell @i. */
static char *cell_text(const struct ipa_sweep_spec *spec, guint i)
{
    const struct ipa_sweep_cell *c = g_ptr_array_index(spec->cells, i);
    GString *s = g_string_new(NULL);
    for (guint k = 0; k < spec->axes->len; k++)
        g_string_append_printf(s, "%s%s", k ? " " : "",
                               ipa_sweep_value(spec, c, k));
    return g_string_free(s, FALSE);
}

static void test_zip_and_exclude(void **state)
{
    (void)state;
    struct ipa_sweep_spec *spec =
        load("{\"topologies\": [\"t1\", \"t2\"], \"policies\": [\"a\", "
             "\"b\"], \"traces\": [\"x\", \"y\"], \"params\": {\"q\": [1, "
             "\"2ms\"]}, \"seeds\": [5, 6], \"zip\": [[\"trace\", "
             "\"topology\"], [\"seed\", \"q\"]], \"exclude\": [{\"policy\": "
             "\"b\", \"q\": [\"2ms\"]}]}");
    /* 2 (topology = trace) x 2 policies x 2 (q = seed), less b with 2ms */
    static const char *const want[] = {
        "t1 a x 1 5", "t1 a x 2ms 6", "t1 b x 1 5",
        "t2 a y 1 5", "t2 a y 2ms 6", "t2 b y 1 5",
    };
    assert_int_equal(spec->cells->len, G_N_ELEMENTS(want));
    for (guint i = 0; i < spec->cells->len; i++) {
        char *t = cell_text(spec, i);
        assert_string_equal(t, want[i]);
        g_free(t);
    }
    ipa_sweep_spec_free(spec);
}

static void test_names(void **state)
{
    (void)state;
    const char *json = "{\"topologies\": [\"4core.xml\"], \"policies\": "
                       "[\"dir/f`x`$(y) 'z'.ipa\"], \"traces\": "
                       "[\"db.json\"], \"seeds\": [1, 2]%s}";
    char *plain = g_strdup_printf(json, "");
    char *with_hz = g_strdup_printf(json, ", \"options\": {\"hz\": 250}");
    struct ipa_sweep_spec *a = load(plain), *b = load(plain),
                          *c = load(with_hz);
    const struct ipa_sweep_cell *a0 = g_ptr_array_index(a->cells, 0);
    const struct ipa_sweep_cell *a1 = g_ptr_array_index(a->cells, 1);
    const struct ipa_sweep_cell *b0 = g_ptr_array_index(b->cells, 0);
    const struct ipa_sweep_cell *c0 = g_ptr_array_index(c->cells, 0);
    /* stable, told apart by seed, and by the shared options */
    assert_string_equal(a0->name, b0->name);
    assert_string_not_equal(a0->name, a1->name);
    assert_string_not_equal(a0->name, c0->name);
    assert_true(g_str_has_prefix(a0->name,
                                 "f_x___y___z_.ipa_db.json_4core.xml_seed1-"));
    for (const char *p = a0->name; *p; p++)
        assert_true(g_ascii_isalnum(*p) || strchr("._=+-", *p));
    ipa_sweep_spec_free(a);
    ipa_sweep_spec_free(b);
    ipa_sweep_spec_free(c);
    g_free(plain);
    g_free(with_hz);
}

/* Fields that need quoting come back from results.csv as written. */
static void test_csv_round_trip(void **state)
{
    (void)state;
    static const char *const fields[] = {
        "plain", "a,b", "say \"hi\"", "two\nlines", " lead", "", "last\r",
    };
    GString *csv = g_string_new(NULL);
    for (int row = 0; row < 2; row++)
        for (size_t i = 0; i < G_N_ELEMENTS(fields); i++)
            csv_field(csv, fields[i], i + 1 == G_N_ELEMENTS(fields));
    GPtrArray *rows =
        g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    GError *error = NULL;
    assert_true(parse_csv("t.csv", csv->str, rows, &error));
    assert_int_equal(rows->len, 2);
    for (int row = 0; row < 2; row++) {
        GPtrArray *r = g_ptr_array_index(rows, row);
        assert_int_equal(r->len, G_N_ELEMENTS(fields));
        for (size_t i = 0; i < G_N_ELEMENTS(fields); i++)
            assert_string_equal(g_ptr_array_index(r, i), fields[i]);
    }
    g_ptr_array_unref(rows);
    /* a quote never closed is an error naming its line */
    rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    assert_false(parse_csv("t.csv", "a,b\nc,\"d\n", rows, &error));
    assert_string_equal(error->message,
                        "t.csv:2: error: quoted field never closed");
    g_error_free(error);
    g_ptr_array_unref(rows);
    g_string_free(csv, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zip_and_exclude),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_csv_round_trip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
