#include "util/input.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "util/common.h"

static uint64_t max_size; /* --max-input-size, 0: the defaults */

void ipa_input_set_max_size(uint64_t bytes)
{
    max_size = bytes;
}

uint64_t ipa_input_cap(enum ipa_input_kind kind)
{
    if (max_size)
        return max_size;
    switch (kind) {
    case IPA_INPUT_FILE:
        return IPA_INPUT_MAX;
    case IPA_INPUT_TRACE:
        return IPA_INPUT_MAX_TEXT;
    case IPA_INPUT_RTAPP:
        return IPA_INPUT_MAX_RTAPP;
    }
    IPA_UNREACHABLE();
}

/* "64 MiB", or bytes when not a whole number of MiB. */
static char *size_text(uint64_t bytes)
{
    if (bytes && bytes % (1 << 20) == 0)
        return g_strdup_printf("%llu MiB", (unsigned long long)(bytes >> 20));
    return g_strdup_printf("%llu bytes", (unsigned long long)bytes);
}

/* What the cap of @kind applies to, for messages. */
static const char *capped_input(enum ipa_input_kind kind)
{
    static const char *const of[] = {
        [IPA_INPUT_FILE] = "an input file",
        [IPA_INPUT_TRACE] = "kernel trace text",
        [IPA_INPUT_RTAPP] = "an rt-app file",
    };
    return max_size ? "any input" : of[kind];
}

bool ipa_input_check_size(const char *what, const char *path,
                          enum ipa_input_kind kind, uint64_t size,
                          GError **error)
{
    uint64_t cap = ipa_input_cap(kind);
    if (size <= cap)
        return true;
    char *limit = size_text(cap);
    g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                "%s '%s': %llu bytes, over the limit of %s for %s "
                "(--max-input-size raises it)",
                what, path, (unsigned long long)size, limit,
                capped_input(kind));
    g_free(limit);
    return false;
}

/* Does @head (the file's first bytes) start, after white space and
 * comments, as JSON does? Then a trace is JSON, with JSON's cap. */
static bool starts_as_json(const char *head, size_t len)
{
    size_t i = 0;
    for (;;) {
        while (i < len && g_ascii_isspace(head[i]))
            i++;
        if (i + 1 < len && head[i] == '/' && head[i + 1] == '*') {
            const char *e =
                g_strstr_len(head + i + 2, (gssize)(len - i - 2), "*/");
            if (!e)
                return true; /* a long comment: only rt-app files have them */
            i = (size_t)(e - head) + 2;
        } else if (i + 1 < len && head[i] == '/' && head[i + 1] == '/') {
            const char *nl = memchr(head + i, '\n', len - i);
            if (!nl)
                return true;
            i = (size_t)(nl - head) + 1;
        } else {
            return i < len && (head[i] == '{' || head[i] == '[');
        }
    }
}

static bool is_gzip(const GString *buf)
{
    return buf->len >= 2 && (unsigned char)buf->str[0] == 0x1f &&
           (unsigned char)buf->str[1] == 0x8b;
}

/* The contents of the gzip file @in (all its members, as `gzip -c a b`
 * writes them) into *@out, inflated only to one byte over the cap of
 * @kind (JSON's, if the contents start as JSON): a small file must not
 * expand to what the cap keeps out. */
static bool gunzip(const char *what, const char *path, const GString *in,
                   enum ipa_input_kind kind, GString **out, GError **error)
{
    z_stream z = {.next_in = (Bytef *)in->str, .avail_in = (uInt)in->len};
    if (in->len > UINT_MAX || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s '%s': cannot decompress it", what, path);
        return false;
    }
    GString *o = g_string_sized_new(MIN(in->len * 4, (gsize)1 << 26));
    enum ipa_input_kind capped = kind;
    const char *bad = NULL;
    unsigned char chunk[65536];
    for (;;) {
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        int rc = inflate(&z, Z_NO_FLUSH);
        size_t got = sizeof chunk - z.avail_out;
        bool first = !o->len;
        g_string_append_len(o, (const char *)chunk, (gssize)got);
        if (first && got && kind == IPA_INPUT_TRACE &&
            starts_as_json(o->str, o->len))
            capped = IPA_INPUT_FILE;
        if (o->len > ipa_input_cap(capped))
            break;
        if (rc == Z_STREAM_END) {
            if (!z.avail_in)
                break;
            inflateReset(&z); /* the next member */
        } else if (rc == Z_BUF_ERROR || (rc == Z_OK && !got && !z.avail_in)) {
            bad = "the gzip data ends early (a truncated file?)";
            break;
        } else if (rc != Z_OK) {
            bad = z.msg ? z.msg : "invalid gzip data";
            break;
        }
    }
    inflateEnd(&z);
    if (!bad && o->len > ipa_input_cap(capped)) {
        char *limit = size_text(ipa_input_cap(capped));
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s '%s': over %s once decompressed, the limit for %s "
                    "(--max-input-size raises it)",
                    what, path, limit, capped_input(capped));
        g_free(limit);
        g_string_free(o, TRUE);
        return false;
    }
    if (bad) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT, "%s '%s': %s", what,
                    path, bad);
        g_string_free(o, TRUE);
        return false;
    }
    *out = o;
    return true;
}

bool ipa_input_read(const char *what, const char *path,
                    enum ipa_input_kind kind, char **text, size_t *len,
                    GError **error)
{
    GString *buf = NULL;
    struct stat st;
    bool ok = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    *text = NULL;
    *len = 0;
    if (fd < 0 || fstat(fd, &st) < 0)
        goto fail_errno;
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        goto fail_errno;
    }
    /* a regular file's size is known before reading; a pipe's is counted
     * as it comes. A trace is checked against the larger cap until its
     * first bytes say whether it is JSON. */
    uint64_t known = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    if (!ipa_input_check_size(what, path, kind, known, error))
        goto out;
    enum ipa_input_kind capped = kind;
    buf = g_string_sized_new(known ? (gsize)known + 1 : 65536);
    char chunk[65536];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            goto fail_errno;
        }
        bool first = !buf->len;
        g_string_append_len(buf, chunk, n);
        if (first && kind == IPA_INPUT_TRACE &&
            starts_as_json(buf->str, buf->len))
            capped = IPA_INPUT_FILE;
        if (MAX(known, buf->len) > ipa_input_cap(capped))
            break;
    }
    if (!ipa_input_check_size(what, path, capped, MAX(known, buf->len),
                              error))
        goto out;
    if (kind == IPA_INPUT_TRACE && is_gzip(buf)) {
        GString *plain;
        if (!gunzip(what, path, buf, kind, &plain, error))
            goto out;
        g_string_free(buf, TRUE);
        buf = plain;
    }
    *len = buf->len;
    *text = g_string_free(buf, FALSE);
    buf = NULL;
    ok = true;
    goto out;
fail_errno:
    g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT, "%s '%s': %s", what, path,
                g_strerror(errno));
out:
    if (fd >= 0)
        close(fd);
    if (buf)
        g_string_free(buf, TRUE);
    return ok;
}
