/*
 * trace_import.c - what the importers share: telling the formats apart,
 * reading files, and printing a native trace tree.
 */
#include "trace/import.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "trace/recorded.h"
#include "trace/taskset.h"
#include "trace/trace.h"
#include "util/common.h"
#include "util/duration.h"
#include "util/input.h"

#define INLINE_WIDTH 76

void ipa_import_init(struct ipa_import *im)
{
    memset(im, 0, sizeof *im);
    im->warnings = g_ptr_array_new_with_free_func(g_free);
}

void ipa_import_fini(struct ipa_import *im)
{
    if (im->root)
        json_object_put(im->root);
    if (im->warnings)
        g_ptr_array_unref(im->warnings);
    g_free(im->summary);
    ipa_recorded_free(im->schedule);
    memset(im, 0, sizeof *im);
}

const char *ipa_trace_format_name(enum ipa_trace_format format)
{
    switch (format) {
    case IPA_TRACE_FMT_NATIVE:
        return "ipasim";
    case IPA_TRACE_FMT_RTAPP:
        return "rt-app";
    case IPA_TRACE_FMT_FTRACE:
        return "ftrace";
    case IPA_TRACE_FMT_TASKSET:
        return "taskset";
    }
    IPA_UNREACHABLE();
}

/* Does @line (up to @end) look like "COMM-PID [CPU] ... TS: EVENT:"? */
static bool event_line(const char *line, const char *end)
{
    const char *b = line;
    while (b < end && *b != '[')
        b++;
    if (b == end || b == line || b[-1] != ' ')
        return false;
    const char *d = b + 1;
    while (d < end && g_ascii_isdigit(*d))
        d++;
    if (d == b + 1 || d == end || *d != ']')
        return false;
    /* a timestamp "12.345678:" then an event name ending in ':' */
    const char *ts = memchr(d, ':', (size_t)(end - d));
    return ts && ts + 1 < end && memchr(ts + 1, ':', (size_t)(end - ts - 1));
}

enum ipa_trace_format ipa_trace_detect(const char *text, size_t len)
{
    if (ipa_taskset_detect(text, len))
        return IPA_TRACE_FMT_TASKSET;
    size_t i = 0;
    /* skip white space and comments to the first significant character */
    for (;;) {
        while (i < len && g_ascii_isspace(text[i]))
            i++;
        if (i + 1 < len && text[i] == '/' && text[i + 1] == '*') {
            const char *e = g_strstr_len(text + i + 2, (gssize)(len - i - 2),
                                         "*/");
            /* only rt-app files have comments: its reader says where the
             * unterminated one starts */
            if (!e)
                return IPA_TRACE_FMT_RTAPP;
            i = (size_t)(e - text) + 2;
            continue;
        }
        break;
    }
    if (i < len && text[i] == '{') {
        if (g_strstr_len(text, (gssize)len, "\"tasks\"") &&
            !g_strstr_len(text, (gssize)len, "\"ipasim_trace\""))
            return IPA_TRACE_FMT_RTAPP;
        return IPA_TRACE_FMT_NATIVE;
    }
    /* an event line among the first lines (after perf's or trace-cmd's
     * header) decides */
    const char *p = text, *end = text + len;
    for (int n = 0; n < 256 && p < end; n++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (event_line(p, le))
            return IPA_TRACE_FMT_FTRACE;
        p = le + 1;
    }
    return IPA_TRACE_FMT_NATIVE;
}

bool ipa_trace_import(const char *path, const char *text, size_t len,
                      struct ipa_import *im, GError **error)
{
    switch (ipa_trace_detect(text, len)) {
    case IPA_TRACE_FMT_RTAPP:
        /* its import is a native trace about twice as large, parsed again:
         * the costliest input per byte */
        if (!ipa_input_check_size("trace", path, IPA_INPUT_RTAPP, len, error))
            return false;
        return ipa_trace_import_rtapp(path, text, len, im, error);
    case IPA_TRACE_FMT_FTRACE:
        return ipa_trace_import_ftrace(path, text, len, im, error);
    case IPA_TRACE_FMT_TASKSET:
        return ipa_trace_import_taskset(path, text, len,
                                        IPA_TASKSET_HORIZON_NS, im, error);
    case IPA_TRACE_FMT_NATIVE:
        break;
    }
    struct ipa_trace *t = NULL;
    if (!ipa_trace_parse_json(path, text, len, &t, error))
        return false;
    ipa_trace_free(t);
    struct json_tokener *tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
    im->root = json_tokener_parse_ex(tok, text, (int)len);
    json_tokener_free(tok);
    IPA_ASSERT(im->root, "json-c refused what it just parsed");
    return true;
}

bool ipa_trace_import_taskset(const char *path, const char *text, size_t len,
                              uint64_t horizon_ns, struct ipa_import *im,
                              GError **error)
{
    GArray *tasks = ipa_taskset_parse_csv(path, text, len, error);
    if (!tasks)
        return false;
    char *base = g_path_get_basename(path);
    GString *horizon = g_string_new(NULL);
    ipa_duration_format(horizon, horizon_ns);
    char *description = g_strdup_printf(
        "%u periodic tasks from %s, released at 0, up to %s", tasks->len,
        base, horizon->str);
    char *dot = strrchr(base, '.');
    if (dot && dot != base)
        *dot = '\0';
    im->root = ipa_taskset_trace(tasks, horizon_ns, base, description);
    g_free(description);
    g_string_free(horizon, TRUE);
    g_free(base);
    ipa_taskset_free(tasks);
    return true;
}

struct json_object *ipa_trace_dur_json(uint64_t ns)
{
    static const struct {
        uint64_t ns;
        const char *unit;
    } units[] = {{1000000000, "s"}, {1000000, "ms"}, {1000, "us"}};
    if (!ns)
        return json_object_new_int64(0);
    for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
        if (ns % units[i].ns == 0) {
            char buf[32];
            g_snprintf(buf, sizeof buf, "%" PRIu64 "%s", ns / units[i].ns,
                       units[i].unit);
            return json_object_new_string(buf);
        }
    }
    return json_object_new_int64((int64_t)ns);
}

static const int plain = JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE;

/* Containers that fit on a line stay on one line; others get one member
 * per line, indented by two. */
static void print(GString *out, struct json_object *v, int indent)
{
    const char *flat = json_object_to_json_string_ext(v, plain);
    bool obj = json_object_is_type(v, json_type_object);
    bool arr = json_object_is_type(v, json_type_array);
    if ((!obj && !arr) || strlen(flat) + (size_t)indent <= INLINE_WIDTH) {
        g_string_append(out, flat);
        return;
    }
    g_string_append_c(out, obj ? '{' : '[');
    bool first = true;
    if (obj) {
        json_object_object_foreach(v, key, val)
        {
            g_string_append_printf(out, "%s\n%*s", first ? "" : ",",
                                   indent + 2, "");
            struct json_object *k = json_object_new_string(key);
            g_string_append(out, json_object_to_json_string_ext(k, plain));
            json_object_put(k);
            g_string_append(out, ": ");
            print(out, val, indent + 2);
            first = false;
        }
    } else {
        size_t n = json_object_array_length(v);
        for (size_t i = 0; i < n; i++) {
            g_string_append_printf(out, "%s\n%*s", first ? "" : ",",
                                   indent + 2, "");
            print(out, json_object_array_get_idx(v, i), indent + 2);
            first = false;
        }
    }
    g_string_append_printf(out, "\n%*s%c", indent, "", obj ? '}' : ']');
}

char *ipa_trace_json_text(struct json_object *root)
{
    GString *out = g_string_new(NULL);
    print(out, root, 0);
    g_string_append_c(out, '\n');
    return g_string_free(out, false);
}
