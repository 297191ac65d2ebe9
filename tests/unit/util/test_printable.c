#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>

#include "util/printable.h"

static void check(const char *in, const char *want)
{
    char *got = ipa_printable(in);
    assert_string_equal(got, want);
    g_free(got);
}

static void test_printable(void **state)
{
    (void)state;
    check("worker.12", "worker.12");
    check("caf\xc3\xa9 \xe2\x9c\x93", "caf\xc3\xa9 \xe2\x9c\x93");
    /* an OSC title sequence and a CSI colour */
    check("x\x1b]0;pwned\x07y", "x\\x1b]0;pwned\\x07y");
    check("\x1b[31mred", "\\x1b[31mred");
    check("a\nb\tc\x7f", "a\\x0ab\\x09c\\x7f");
    /* C1 control U+009B (CSI) in UTF-8, and bytes that are not UTF-8 */
    check("\xc2\x9b" "2J", "\\xc2\\x9b2J");
    check("\xff\xfe" "ok", "\\xff\\xfeok");
    check("cut\xe2\x9c", "cut\\xe2\\x9c");
    check("", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_printable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
