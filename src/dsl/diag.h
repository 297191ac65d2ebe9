/*
 * diag.h - source files and compiler-style diagnostics for the DSL.
 *
 * A struct ipa_source holds one policy file's text; every token and AST node
 * points into it with a struct ipa_span {file, offset, len}. Diagnostics go
 * to a struct ipa_diag_sink, which counts them and either prints them like
 * gcc 12 (file:line:col: error: msg, the source line with a "   12 |"
 * gutter, a caret/tilde underline, tabs expanded to 8) or hands them to a
 * callback (the golden-test driver collects them this way).
 */
#ifndef IPA_DSL_DIAG_H
#define IPA_DSL_DIAG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

struct ipa_source {
    char *name;       /* as given by the user */
    char *text;       /* NUL-terminated; may contain other NULs (garbage) */
    size_t len;
    GArray *line_starts; /* size_t offsets of each line's first byte */
};

struct ipa_span {
    const struct ipa_source *file;
    uint32_t off;
    uint32_t len;
};

enum ipa_severity {
    IPA_SEV_ERROR,
    IPA_SEV_WARNING,
    IPA_SEV_NOTE,
};

struct ipa_diag {
    enum ipa_severity severity;
    struct ipa_span span;
    int line; /* 1-based */
    int col;  /* 1-based display column (tabs stop at 8) */
    const char *message;
};

typedef void (*ipa_diag_fn)(void *data, const struct ipa_diag *diag);

struct ipa_diag_sink {
    ipa_diag_fn fn; /* NULL: print to @out */
    void *data;
    FILE *out;      /* NULL: stderr */
    int errors;
    int warnings;
    int suppressed; /* diagnostics past IPA_DIAG_MAX_ERRORS, not shown */
};

/* After this many errors a sink counts diagnostics without showing them. */
#define IPA_DIAG_MAX_ERRORS 100

/* Reads @path into a new source; on failure sets @error (IPA_ERROR_INPUT). */
struct ipa_source *ipa_source_load(const char *path, GError **error);
/* A source from memory (tests, fmt of stdin); @text is copied. */
struct ipa_source *ipa_source_new(const char *name, const char *text,
                                  size_t len);
void ipa_source_free(struct ipa_source *src);
/* 1-based line of byte @off (O(log lines)). */
int ipa_source_line(const struct ipa_source *src, size_t off);
/* 1-based line and display column of byte @off. */
void ipa_source_position(const struct ipa_source *src, size_t off, int *line,
                         int *col);

/* A sink printing to @out (NULL for stderr). */
void ipa_diag_sink_init(struct ipa_diag_sink *sink, FILE *out);

/* Reports a diagnostic at @span; notes belong to the diagnostic before. */
void ipa_diag_report(struct ipa_diag_sink *sink, enum ipa_severity sev,
                     struct ipa_span span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define ipa_diag_error(sink, span, ...)                                        \
    ipa_diag_report((sink), IPA_SEV_ERROR, (span), __VA_ARGS__)
#define ipa_diag_warning(sink, span, ...)                                      \
    ipa_diag_report((sink), IPA_SEV_WARNING, (span), __VA_ARGS__)
#define ipa_diag_note(sink, span, ...)                                         \
    ipa_diag_report((sink), IPA_SEV_NOTE, (span), __VA_ARGS__)

/* Prints @diag in gcc's layout. */
void ipa_diag_print(FILE *out, const struct ipa_diag *diag);


#endif
