#include "dsl/diag.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "util/common.h"
#include "util/input.h"

static void index_lines(struct ipa_source *src)
{
    src->line_starts = g_array_new(FALSE, FALSE, sizeof(size_t));
    size_t zero = 0;
    g_array_append_val(src->line_starts, zero);
    for (size_t i = 0; i < src->len; i++) {
        if (src->text[i] == '\n') {
            size_t next = i + 1;
            g_array_append_val(src->line_starts, next);
        }
    }
}

struct ipa_source *ipa_source_new(const char *name, const char *text,
                                  size_t len)
{
    struct ipa_source *src = g_new0(struct ipa_source, 1);
    src->name = g_strdup(name);
    src->text = g_malloc(len + 1);
    if (len) /* an empty text may come as NULL (g_memdup2 of nothing) */
        memcpy(src->text, text, len);
    src->text[len] = '\0';
    src->len = len;
    index_lines(src);
    return src;
}

struct ipa_source *ipa_source_load(const char *path, GError **error)
{
    char *text = NULL;
    size_t len = 0;
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "policy '%s': is a directory, not a policy file", path);
        return NULL;
    }
    if (!ipa_input_read("policy", path, IPA_INPUT_FILE, &text, &len, error))
        return NULL;
    if (len > UINT32_MAX / 2) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "policy '%s': file too large", path);
        g_free(text);
        return NULL;
    }
    struct ipa_source *src = ipa_source_new(path, text, len);
    g_free(text);
    return src;
}

void ipa_source_free(struct ipa_source *src)
{
    if (!src)
        return;
    g_free(src->name);
    g_free(src->text);
    g_array_free(src->line_starts, TRUE);
    g_free(src);
}

static size_t line_index(const struct ipa_source *src, size_t off)
{
    size_t lo = 0, hi = src->line_starts->len;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (g_array_index(src->line_starts, size_t, mid) <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static int advance_col(int col0, char c)
{
    /* col0 is 0-based; tabs stop at multiples of 8 */
    return c == '\t' ? (col0 / 8 + 1) * 8 : col0 + 1;
}

/* Bytes of the character at @i when it is a valid multi-byte UTF-8
 * sequence, else 1: such a character takes one column (as in gcc) and is
 * echoed as is; any other byte of 0x80 or more is shown as '?', so that a
 * binary or Latin-1 file never sends invalid UTF-8 to the terminal. */
static size_t utf8_len(const struct ipa_source *src, size_t i, size_t end)
{
    unsigned char uc = (unsigned char)src->text[i];
    if (uc < 0x80)
        return 1;
    size_t n = (size_t)g_utf8_skip[uc];
    if (n < 2 || n > end - i)
        return 1;
    gunichar u = g_utf8_get_char_validated(src->text + i, (gssize)n);
    return u < 0x110000 ? n : 1;
}

int ipa_source_line(const struct ipa_source *src, size_t off)
{
    return (int)line_index(src, off > src->len ? src->len : off) + 1;
}

void ipa_source_position(const struct ipa_source *src, size_t off, int *line,
                         int *col)
{
    if (off > src->len)
        off = src->len;
    size_t li = line_index(src, off);
    size_t start = g_array_index(src->line_starts, size_t, li);
    int c = 0;
    for (size_t i = start; i < off; i += utf8_len(src, i, off))
        c = advance_col(c, src->text[i]);
    *line = (int)li + 1;
    *col = c + 1;
}

void ipa_diag_sink_init(struct ipa_diag_sink *sink, FILE *out)
{
    memset(sink, 0, sizeof(*sink));
    sink->out = out;
}

static const char *const severity_names[] = {"error", "warning", "note"};

void ipa_diag_print(FILE *out, const struct ipa_diag *d)
{
    const struct ipa_source *src = d->span.file;
    fprintf(out, "%s:%d:%d: %s: %s\n", src ? src->name : "<input>", d->line,
            d->col, severity_names[d->severity], d->message);
    if (!src)
        return;
    size_t off = d->span.off > src->len ? src->len : d->span.off;
    size_t li = line_index(src, off);
    size_t start = g_array_index(src->line_starts, size_t, li);
    size_t end = start;
    while (end < src->len && src->text[end] != '\n')
        end++;
    if (end > start && src->text[end - 1] == '\r')
        end--;
    /* An error at the end of a file that ends with a newline points past
     * the last line: show nothing rather than an empty echo. */
    if (start == src->len && off == src->len && li > 0)
        return;
    /* a line that long is not worth echoing (generated or garbage input) */
    if (end - start > 400)
        return;
    GString *line = g_string_new(NULL);
    GString *mark = g_string_new(NULL);
    int col = 0;
    size_t span_end = off + (d->span.len ? d->span.len : 1);
    for (size_t i = start, n; i < end; i += n) {
        char c = src->text[i];
        int next = advance_col(col, c);
        unsigned char uc = (unsigned char)c;
        n = utf8_len(src, i, end);
        if (n > 1)
            g_string_append_len(line, src->text + i, (gssize)n);
        else if (c == '\t')
            for (int k = col; k < next; k++)
                g_string_append_c(line, ' ');
        else
            g_string_append_c(line, uc >= 0x20 && uc < 0x7f ? c : '?');
        for (int k = col; k < next; k++) {
            if (i + n <= off)
                g_string_append_c(mark, ' ');
            else if (i <= off)
                g_string_append_c(mark, k == col ? '^' : '~');
            else if (i < span_end)
                g_string_append_c(mark, '~');
        }
        col = next;
    }
    if (off >= end)
        g_string_append_c(mark, '^');
    else {
        /* strip trailing spaces of the mark line */
        while (mark->len && mark->str[mark->len - 1] == ' ')
            g_string_truncate(mark, mark->len - 1);
    }
    if (off >= end) {
        /* caret one past the last character of the line */
        GString *pad = g_string_new(NULL);
        for (int k = 0; k < col; k++)
            g_string_append_c(pad, ' ');
        g_string_append_c(pad, '^');
        g_string_assign(mark, pad->str);
        g_string_free(pad, TRUE);
    }
    fprintf(out, "%5d | %s\n      | %s\n", (int)li + 1, line->str, mark->str);
    g_string_free(line, TRUE);
    g_string_free(mark, TRUE);
}

void ipa_diag_report(struct ipa_diag_sink *sink, enum ipa_severity sev,
                     struct ipa_span span, const char *fmt, ...)
{
    if (sink->errors >= IPA_DIAG_MAX_ERRORS) {
        /* garbage input: counting is enough, and formatting each of a
         * million errors would take forever */
        if (sev == IPA_SEV_ERROR)
            sink->errors++;
        else if (sev == IPA_SEV_WARNING)
            sink->warnings++;
        if (sev != IPA_SEV_NOTE && sink->suppressed++ == 0 && !sink->fn)
            fprintf(sink->out ? sink->out : stderr,
                    "%s: too many errors; not showing the rest\n",
                    span.file ? span.file->name : "<input>");
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    struct ipa_diag d = {.severity = sev, .span = span, .message = msg};
    if (span.file)
        ipa_source_position(span.file, span.off, &d.line, &d.col);
    if (sev == IPA_SEV_ERROR)
        sink->errors++;
    else if (sev == IPA_SEV_WARNING)
        sink->warnings++;
    if (sink->fn)
        sink->fn(sink->data, &d);
    else
        ipa_diag_print(sink->out ? sink->out : stderr, &d);
    g_free(msg);
}

