/*
 * test_input.c - reading a user's file whole: a gzip-compressed trace
 * reads as its contents (every member), a damaged one fails naming the
 * file, and the size cap holds for what the compressed file expands to.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <zlib.h>

#include "util/common.h"
#include "util/input.h"

/* @len bytes of @text as one gzip member. */
static GByteArray *gzip_member(const char *text, size_t len)
{
    z_stream z = {.next_in = (Bytef *)text, .avail_in = (uInt)len};
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
                                  Z_DEFAULT_STRATEGY),
                     Z_OK);
    GByteArray *out = g_byte_array_new();
    unsigned char chunk[4096];
    int rc;
    do {
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        rc = deflate(&z, Z_FINISH);
        g_byte_array_append(out, chunk, (guint)(sizeof chunk - z.avail_out));
    } while (rc == Z_OK);
    assert_int_equal(rc, Z_STREAM_END);
    deflateEnd(&z);
    return out;
}

static char *write_temp(const void *data, size_t len)
{
    GError *error = NULL;
    char *path = NULL;
    int fd = g_file_open_tmp("ipasim-input-XXXXXX.gz", &path, &error);
    assert_true(fd >= 0);
    close(fd);
    assert_true(g_file_set_contents(path, data, (gssize)len, &error));
    return path;
}

/* Reads @path as a trace: NULL and the error's message in *@message on
 * failure. */
static char *read_trace(const char *path, size_t *len, char **message)
{
    GError *error = NULL;
    char *text = NULL;
    *message = NULL;
    if (!ipa_input_read("trace", path, IPA_INPUT_TRACE, &text, len, &error)) {
        *message = g_strdup(error->message);
        g_error_free(error);
        return NULL;
    }
    return text;
}

static void test_members(void **state)
{
    (void)state;
    static const char a[] = "  a-1 [000] 1.000000: sched_switch: x\n";
    static const char b[] = "  b-2 [001] 1.000001: sched_switch: y\n";
    GByteArray *whole = gzip_member(a, strlen(a));
    GByteArray *second = gzip_member(b, strlen(b));
    g_byte_array_append(whole, second->data, second->len);
    char *path = write_temp(whole->data, whole->len);
    size_t len;
    char *message;
    char *text = read_trace(path, &len, &message);
    assert_non_null(text);
    char *want = g_strconcat(a, b, NULL);
    assert_int_equal(len, strlen(want));
    assert_string_equal(text, want);
    g_free(want);
    g_free(text);
    /* any other input is read as it is, magic bytes and all */
    GError *error = NULL;
    assert_true(ipa_input_read("policy", path, IPA_INPUT_FILE, &text, &len,
                               &error));
    assert_int_equal(len, whole->len);
    assert_memory_equal(text, whole->data, len);
    g_free(text);
    g_unlink(path);
    g_free(path);
    g_byte_array_unref(second);
    g_byte_array_unref(whole);
}

static void test_damaged(void **state)
{
    (void)state;
    char *big = g_strnfill(200000, 'x');
    GByteArray *gz = gzip_member(big, strlen(big));
    size_t len;
    char *message;

    char *path = write_temp(gz->data, gz->len / 2);
    assert_null(read_trace(path, &len, &message));
    char *want = g_strdup_printf("trace '%s': the gzip data ends early (a "
                                 "truncated file?)",
                                 path);
    assert_string_equal(message, want);
    g_free(want);
    g_free(message);
    g_unlink(path);
    g_free(path);

    gz->data[12] ^= 0xff; /* inside the deflate stream */
    path = write_temp(gz->data, gz->len);
    assert_null(read_trace(path, &len, &message));
    assert_true(g_str_has_prefix(message, "trace '"));
    assert_non_null(strstr(message, path));
    g_free(message);
    g_unlink(path);
    g_free(path);
    g_byte_array_unref(gz);
    g_free(big);
}

/* 4 MiB of text compress to a few KiB: the cap is on the 4 MiB. */
static void test_cap_holds_decompressed(void **state)
{
    (void)state;
    size_t n = (size_t)4 << 20;
    char *big = g_strnfill(n, 'x');
    GByteArray *gz = gzip_member(big, n);
    assert_true(gz->len < 65536);
    char *path = write_temp(gz->data, gz->len);
    size_t len;
    char *message;
    ipa_input_set_max_size((uint64_t)1 << 20);
    assert_null(read_trace(path, &len, &message));
    char *want = g_strdup_printf("trace '%s': over 1 MiB once decompressed, "
                                 "the limit for any input (--max-input-size "
                                 "raises it)",
                                 path);
    assert_string_equal(message, want);
    g_free(want);
    g_free(message);
    ipa_input_set_max_size((uint64_t)4 << 20);
    char *text = read_trace(path, &len, &message);
    assert_non_null(text);
    assert_int_equal(len, n);
    g_free(text);
    ipa_input_set_max_size(0);
    g_unlink(path);
    g_free(path);
    g_byte_array_unref(gz);
    g_free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_members),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_cap_holds_decompressed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
