#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/suggest.h"

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(ipa_edit_distance("quanta", "quanta"), 0);
    assert_int_equal(ipa_edit_distance("guanta", "quanta"), 1);
    assert_int_equal(ipa_edit_distance("vruntme", "vruntime"), 1);
    assert_int_equal(ipa_edit_distance("", "abc"), 3);
    assert_int_equal(ipa_edit_distance("kitten", "sitting"), 3);
    /* a swap of neighbours is one edit */
    assert_int_equal(ipa_edit_distance("no_falgged", "no_flagged"), 1);
}

static void test_suggest(void **state)
{
    (void)state;
    const char *keys[] = {"no_flagged", "max_wasted", "exit", NULL};
    assert_string_equal(ipa_suggest("no_flaged", keys, -1), "no_flagged");
    assert_string_equal(ipa_suggest("exti", keys, -1), "exit");
    assert_null(ipa_suggest("latency", keys, -1));
    /* two edits in a two-letter word make another word, not a typo */
    const char *two[] = {"xy", NULL};
    assert_null(ipa_suggest("ab", two, -1));
    const char *files[] = {"cfs.c", "cfs.ipa", "fifo.c"};
    assert_string_equal(ipa_suggest("cfs.ipx", files, 3), "cfs.ipa");
    assert_null(ipa_suggest("zzz", files, 3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
