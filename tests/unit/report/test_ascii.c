/*
 * test_ascii.c - the --ascii timeline, character for character, on tiny
 * round-robin runs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "report/viz.h"

#include "tiny_run.h"

#define MS 1000000ull

static char *ascii(const char *topo, const char *json, uint64_t unit, int width,
                   int max_columns)
{
    struct tiny_run r;
    assert_true(tiny_start(&r, topo, json, 0));
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ipa_report_ascii(r.sim, r.rec, unit, width, max_columns, f);
    fclose(f);
    tiny_finish(&r);
    return text;
}

/* One core, a tick of 1ms, a switch at every tick while the other waits:
 * alpha 0-1, 2-3, 4-5 (done), beta 1-2, 3-4, 5-6. */
static const char two_threads[] =
    "{\"ipasim_trace\": 1, \"threads\": ["
    "{\"name\": \"alpha\", \"ops\": [{\"run\": \"3ms\"}]},"
    "{\"name\": \"beta\", \"ops\": [{\"run\": \"3ms\"}]}]}";

static void test_round_robin(void **state)
{
    (void)state;
    char *t = ascii("pack:1 core:1 pu:1", two_threads, MS, 100, 1000);
    assert_string_equal(t, "\ntimeline: one character = 1ms, '.' idle; "
                           "a alpha, b beta\n"
                           "[0]\n"
                           "c0 ababab\n");
    free(t);
}

static void test_wrap_and_idle(void **state)
{
    (void)state;
    char *t = ascii("pack:1 core:2 pu:1",
                    "{\"ipasim_trace\": 1, \"threads\": ["
                    "{\"name\": \"loop1\", \"ops\": [{\"run\": \"3ms\"}]},"
                    "{\"name\": \"loop2\", \"ops\": [{\"run\": \"3ms\"}]},"
                    "{\"name\": \"loop3\", \"attrs\": {\"core\": 1}, "
                    "\"start\": \"1ms\", \"ops\": [{\"run\": \"2ms\"}]}]}",
                    MS, 4, 1000);
    /* Names share their first letter: labels 1, 2, 3 and a legend. */
    assert_string_equal(t, "\ntimeline: one character = 1ms, '.' idle; "
                           "1 loop1, 2 loop2, 3 loop3\n"
                           "[0]\n"
                           "c0 1212\n"
                           "c1 .33.\n"
                           "[4ms]\n"
                           "c0 12\n"
                           "c1 ..\n");
    free(t);
}

static void test_coarse_unit_and_cut(void **state)
{
    (void)state;
    /* 2ms per character: alpha and beta each ran 1ms of every 2ms; the
     * earlier one wins the tie. Only 2 columns allowed. */
    char *t = ascii("pack:1 core:1 pu:1", two_threads, 2 * MS, 100, 2);
    assert_string_equal(t, "\ntimeline: one character = 2ms, '.' idle; "
                           "a alpha\n"
                           "[0]\n"
                           "c0 aa\n"
                           "(timeline stops at 4ms; a coarser --ascii-unit "
                           "or --until shows more)\n");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_robin),
        cmocka_unit_test(test_wrap_and_idle),
        cmocka_unit_test(test_coarse_unit_and_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
