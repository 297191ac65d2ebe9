#include "util/jsonfile.h"

#include <limits.h>
#include <stdarg.h>
#include <string.h>

#include "util/common.h"
#include "util/suggest.h"

/* Friendlier words for json-c's syntax errors. */
static const char *syntax_message(enum json_tokener_error e)
{
    switch (e) {
    case json_tokener_continue:
    case json_tokener_error_parse_eof:
        return "unexpected end of file";
    case json_tokener_error_depth:
        return "nesting too deep";
    case json_tokener_error_parse_object_key_sep:
        return "expected ':' after the key";
    case json_tokener_error_parse_object_value_sep:
        return "expected ',' or '}' after an object member";
    case json_tokener_error_parse_array:
        return "expected ',' or ']' after an array element";
    case json_tokener_error_parse_object_key_name:
        return "expected a key in double quotes";
    case json_tokener_error_parse_boolean:
        return "expected true or false";
    case json_tokener_error_parse_null:
        return "expected null";
    case json_tokener_error_parse_number:
        return "bad number";
    default:
        return json_tokener_error_desc(e);
    }
}

void ipa_json_syntax_error(const char *path, const char *text, size_t len,
                           size_t off, enum json_tokener_error e,
                           const char *not_json, GError **error)
{
    int line = 1, col = 1;
    if (off > len)
        off = len;
    /* json-c notices a bad word or number at its end: point at its start */
    if (e == json_tokener_error_parse_boolean ||
        e == json_tokener_error_parse_null ||
        e == json_tokener_error_parse_number)
        while (off > 0 && (g_ascii_isalnum(text[off - 1]) ||
                           (text[off - 1] && strchr("+-.", text[off - 1]))))
            off--;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            col++; /* count characters, not UTF-8 continuation bytes */
        }
    }
    size_t lead = 0;
    while (lead < off && g_ascii_isspace(text[lead]))
        lead++;
    if (off < len && text[off] == '\0')
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s:%d:%d: error: unexpected NUL byte", path, line, col);
    else if (not_json && lead == off && off < len && text[off] != '{' &&
             text[off] != '[')
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT, "%s:%d:%d: error: %s",
                    path, line, col, not_json);
    else if (e == json_tokener_error_parse_unexpected && off < len &&
             g_ascii_isgraph(text[off]))
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s:%d:%d: error: unexpected character '%c'", path, line,
                    col, text[off]);
    else
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT, "%s:%d:%d: error: %s",
                    path, line, col, syntax_message(e));
}

bool ipa_json_parse(const char *path, const char *text, size_t len,
                    struct json_object **root, GError **error)
{
    struct json_tokener *tok = json_tokener_new_ex(64);
    bool ok = false;

    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    *root = json_tokener_parse_ex(tok, text, (int)MIN(len, (size_t)INT_MAX));
    enum json_tokener_error e = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    if (e != json_tokener_success) {
        ipa_json_syntax_error(path, text, len,
                              e == json_tokener_continue ? len : end, e, NULL,
                              error);
        goto out;
    }
    for (size_t i = end; i < len; i++) {
        if (!g_ascii_isspace(text[i])) {
            ipa_json_syntax_error(path, text, len, i,
                                  json_tokener_error_parse_unexpected, NULL,
                                  error);
            goto out;
        }
    }
    ok = true;
out:
    if (!ok && *root) {
        json_object_put(*root);
        *root = NULL;
    }
    json_tokener_free(tok);
    return ok;
}

bool ipa_json_fail(struct ipa_json_reader *rd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (rd->where->len)
        g_set_error(rd->error, IPA_ERROR, IPA_ERROR_INPUT, "%s: %s: %s",
                    rd->file, rd->where->str, msg);
    else
        g_set_error(rd->error, IPA_ERROR, IPA_ERROR_INPUT, "%s: %s", rd->file,
                    msg);
    g_free(msg);
    return false;
}

gsize ipa_json_push_key(struct ipa_json_reader *rd, const char *key)
{
    gsize mark = rd->where->len;
    if (mark)
        g_string_append_c(rd->where, '.');
    g_string_append(rd->where, key);
    return mark;
}

gsize ipa_json_push_index(struct ipa_json_reader *rd, size_t i)
{
    gsize mark = rd->where->len;
    g_string_append_printf(rd->where, "[%zu]", i);
    return mark;
}

void ipa_json_pop(struct ipa_json_reader *rd, gsize mark)
{
    g_string_truncate(rd->where, mark);
}

bool ipa_json_check_keys(struct ipa_json_reader *rd, struct json_object *obj,
                         const char *const *allowed)
{
    json_object_object_foreach(obj, key, val)
    {
        (void)val;
        bool known = false;
        for (int i = 0; allowed[i] && !known; i++)
            known = !strcmp(key, allowed[i]);
        if (known)
            continue;
        const char *close = ipa_suggest(key, allowed, -1);
        if (close)
            return ipa_json_fail(rd, "unknown key '%s' (did you mean '%s'?)",
                                 key, close);
        GString *all = g_string_new(NULL);
        for (int i = 0; allowed[i]; i++)
            g_string_append_printf(all, "%s%s", i ? ", " : "", allowed[i]);
        ipa_json_fail(rd, "unknown key '%s' (expected one of %s)", key,
                      all->str);
        g_string_free(all, true);
        return false;
    }
    return true;
}
