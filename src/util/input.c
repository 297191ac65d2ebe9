#include "util/input.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

bool ipa_input_check_size(const char *what, const char *path,
                          enum ipa_input_kind kind, uint64_t size,
                          GError **error)
{
    uint64_t cap = ipa_input_cap(kind);
    if (size <= cap)
        return true;
    static const char *const of[] = {
        [IPA_INPUT_FILE] = "an input file",
        [IPA_INPUT_TRACE] = "kernel trace text",
        [IPA_INPUT_RTAPP] = "an rt-app file",
    };
    char *limit = size_text(cap);
    g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                "%s '%s': %llu bytes, over the limit of %s for %s "
                "(--max-input-size raises it)",
                what, path, (unsigned long long)size, limit,
                max_size ? "any input" : of[kind]);
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
