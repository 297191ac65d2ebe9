/*
 * jsonfile.h - reading a user's JSON file (scenarios, sweep specs): json-c
 * parses the text, syntax errors name line:column; errors of meaning name
 * the JSON path of the offending value ("spec.json: params.quantum[1]:
 * expected ..."), as json-c keeps no positions of the values it parsed.
 */
#ifndef IPA_UTIL_JSONFILE_H
#define IPA_UTIL_JSONFILE_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>
#include <json-c/json.h>

/* Parses @len bytes of @text (strict JSON, nothing but white space after
 * it) into *@root (json_object_put it). False with *error
 * "PATH:LINE:COL: error: what" (IPA_ERROR_INPUT) on a syntax error. */
bool ipa_json_parse(const char *path, const char *text, size_t len,
                    struct json_object **root, GError **error);

/* Sets *error to "PATH:LINE:COL: error: what" for json-c's error @e at
 * byte @off of @text, pointing at the start of a bad word or number and
 * naming a NUL byte or an unexpected character. @not_json, when given, is
 * what a text that does not start as JSON at all is told instead. */
void ipa_json_syntax_error(const char *path, const char *text, size_t len,
                           size_t off, enum json_tokener_error e,
                           const char *not_json, GError **error);

/* Where a reader is in a file: errors name @file and @where. */
struct ipa_json_reader {
    const char *file;
    GString *where; /* JSON path of the value being read */
    GError **error;
};

/* Sets *error to "FILE: WHERE: message"; returns false. */
G_GNUC_PRINTF(2, 3)
bool ipa_json_fail(struct ipa_json_reader *rd, const char *fmt, ...);
/* Appends ".@key" ("[@i]") to the path; returns the mark ipa_json_pop
 * goes back to. */
gsize ipa_json_push_key(struct ipa_json_reader *rd, const char *key);
gsize ipa_json_push_index(struct ipa_json_reader *rd, size_t i);
void ipa_json_pop(struct ipa_json_reader *rd, gsize mark);
/* Every key of the object @obj must be one of @allowed (NULL-terminated);
 * else fails naming the closest (did you mean) or all of them. */
bool ipa_json_check_keys(struct ipa_json_reader *rd, struct json_object *obj,
                         const char *const *allowed);

#endif
