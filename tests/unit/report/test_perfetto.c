/*
 * test_perfetto.c - the --perfetto export of a tiny run is valid JSON with
 * the expected tracks, slices, flows, counters and instants.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "report/viz.h"

#include "tiny_run.h"

/* Core 0: a and b alternate at every tick (a 0-1, 2-3, 4-5; b 1-2, 3-4)
 * while core 1 idles: one flagged interval [0, 4ms) on core 1. At 5ms a
 * signals w, which runs on core 1: one wake-up flow from core 0. */
static const char scenario[] =
    "{\"ipasim_trace\": 1, \"threads\": ["
    "{\"name\": \"a\", \"ops\": [{\"run\": \"3ms\"}, {\"signal\": \"c\"}]},"
    "{\"name\": \"b\", \"group\": \"g\", \"ops\": [{\"run\": \"2ms\"}]},"
    "{\"name\": \"w\", \"attrs\": {\"core\": 1}, \"ops\": [{\"wait\": \"c\"},"
    " {\"run\": \"1ms\"}]}]}";

static json_object *export(struct tiny_run *r)
{
    assert_true(tiny_start(r, "pack:1 core:2 pu:1", scenario, 1));
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_true(ipa_report_perfetto(r->sim, r->rec, f));
    fclose(f);
    json_tokener *tok = json_tokener_new();
    json_object *root = json_tokener_parse_ex(tok, text, (int)len);
    assert_int_equal(json_tokener_get_error(tok), json_tokener_success);
    assert_non_null(root);
    json_tokener_free(tok);
    free(text);
    return root;
}

static const char *str(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v)
                                                 : "";
}

static int64_t num(json_object *o, const char *key)
{
    json_object *v = NULL;
    assert_true(json_object_object_get_ex(o, key, &v));
    return json_object_get_int64(v);
}

static void test_structure(void **state)
{
    (void)state;
    struct tiny_run r;
    json_object *root = export(&r);
    json_object *events = NULL;
    assert_true(json_object_object_get_ex(root, "traceEvents", &events));
    assert_true(json_object_is_type(events, json_type_array));
    int counts[128] = {0};
    double busy[2] = {0, 0};
    for (size_t i = 0; i < json_object_array_length(events); i++) {
        json_object *e = json_object_array_get_idx(events, i);
        const char *ph = str(e, "ph");
        assert_int_equal(strlen(ph), 1);
        counts[(unsigned char)ph[0]]++;
        assert_int_equal(num(e, "pid"), 1);
        if (ph[0] == 'X') {
            json_object *dur = NULL;
            json_object_object_get_ex(e, "dur", &dur);
            busy[num(e, "tid")] += json_object_get_double(dur);
        } else if (ph[0] == 's') {
            assert_int_equal(num(e, "tid"), 0); /* the waker's core */
            assert_string_equal(
                json_object_to_json_string(json_object_object_get(e, "ts")),
                "5000.000");
        } else if (ph[0] == 'f') {
            assert_int_equal(num(e, "tid"), 1); /* where the wakee ran */
            assert_string_equal(str(e, "bp"), "e");
        } else if (ph[0] == 'i') {
            assert_string_equal(str(e, "name"), "wc violation");
            assert_int_equal(num(e, "tid"), 1);
        } else if (ph[0] == 'M' && !strcmp(str(e, "name"), "process_name")) {
            assert_string_equal(str(json_object_object_get(e, "args"), "name"),
                                "cores");
        }
    }
    assert_int_equal(counts['M'], 1 + 2 * 2);
    assert_int_equal(counts['X'], 6);
    assert_int_equal(counts['s'], 1);
    assert_int_equal(counts['f'], 1);
    assert_int_equal(counts['i'], 1);
    assert_int_equal(counts['C'], (int)r.rec->rq->len);
    assert_true(counts['C'] >= 4);
    /* 5ms of work on core 0, 1ms on core 1, in microseconds. */
    assert_true(busy[0] > 4999.999 && busy[0] < 5000.001);
    assert_true(busy[1] > 999.999 && busy[1] < 1000.001);
    json_object_put(root);
    tiny_finish(&r);
}

static void test_slice_names(void **state)
{
    (void)state;
    struct tiny_run r;
    json_object *root = export(&r);
    json_object *events = json_object_object_get(root, "traceEvents");
    bool saw_group = false;
    for (size_t i = 0; i < json_object_array_length(events); i++) {
        json_object *e = json_object_array_get_idx(events, i);
        if (strcmp(str(e, "ph"), "X"))
            continue;
        json_object *args = json_object_object_get(e, "args");
        int tid = (int)num(args, "tid");
        assert_string_equal(str(e, "name"), tid == 0   ? "a"
                                            : tid == 1 ? "b"
                                                       : "w");
        if (tid == 1) {
            assert_string_equal(str(args, "group"), "g");
            saw_group = true;
        }
    }
    assert_true(saw_group);
    json_object *other = json_object_object_get(root, "otherData");
    assert_int_equal(num(other, "end_ns"), 6000000);
    json_object_put(root);
    tiny_finish(&r);
}

/* Past the recorder's limit the export stops and says where. */
static void test_truncated(void **state)
{
    (void)state;
    struct ipa_recorder_limits limits = {.max_exact = 3};
    tiny_limits = &limits;
    struct tiny_run r;
    json_object *root = export(&r);
    tiny_limits = NULL;
    assert_false(ipa_recorder_complete(r.rec));
    json_object *other = json_object_object_get(root, "otherData");
    assert_int_equal(num(other, "truncated_at_ns"), r.rec->exact_until_ns);
    assert_true(r.rec->exact_until_ns < 6000000);
    json_object *events = json_object_object_get(root, "traceEvents");
    int slices = 0;
    for (size_t i = 0; i < json_object_array_length(events); i++) {
        json_object *e = json_object_array_get_idx(events, i);
        if (!strcmp(str(e, "ph"), "X")) {
            slices++;
            json_object *ts = json_object_object_get(e, "ts");
            assert_true(json_object_get_double(ts) * 1000 <
                        (double)r.rec->exact_until_ns);
        }
    }
    assert_true(slices >= 1 && slices <= 3 + 2);
    json_object_put(root);
    tiny_finish(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_slice_names),
        cmocka_unit_test(test_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
