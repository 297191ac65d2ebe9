/*
 * report_ascii.c - --ascii: the per-core character timeline of the Bossa
 * articles, for small runs and for teaching (docs/report-format.md):
 *
 *     timeline: one character = 1ms, '.' idle; 1 loop1, 2 loop2, 3 loop3
 *     [0ms]
 *     c0 1111222233331111222233331111...
 *
 * Each character is one unit of time on one core: the thread that ran
 * longest in it. Threads are labelled by the first character of their
 * name when those are all different, else by 1-9, a-z, A-Z.
 */
#include "report/viz.h"

#include <string.h>

#include "engine/sim.h"
#include "report/recorder.h"
#include "util/common.h"
#include "util/duration.h"
#include "util/printable.h"

static const char labels[] =
    "123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

struct cell {
    int tid;
    uint64_t ns;
};

/* Labels of the threads that appear (label[tid] != 0). */
static void assign_labels(const struct ipa_sim *sim, const bool *seen, int nr,
                          char *label)
{
    bool first_unique = true;
    bool used[256] = {false};
    for (int t = 0; t < nr && first_unique; t++) {
        if (!seen[t])
            continue;
        struct ipa_thread_result r;
        ipa_sim_thread_result(sim, t, &r);
        unsigned char ch = (unsigned char)r.name[0];
        if (ch <= ' ' || ch >= 127 || ch == '.' || used[ch])
            first_unique = false;
        else
            used[ch] = true;
    }
    size_t next = 0;
    for (int t = 0; t < nr; t++) {
        if (!seen[t])
            continue;
        if (first_unique) {
            struct ipa_thread_result r;
            ipa_sim_thread_result(sim, t, &r);
            label[t] = r.name[0];
        } else {
            label[t] = next < sizeof labels - 1 ? labels[next++] : '#';
        }
    }
}

void ipa_report_ascii(const struct ipa_sim *sim, const struct ipa_recorder *rec,
                      uint64_t unit_ns, int width, int max_columns, FILE *out)
{
    IPA_ASSERT(unit_ns > 0 && width > 0 && max_columns > 0, "bad ascii layout");
    uint64_t end = MIN(rec->end_ns, rec->exact_until_ns);
    uint64_t want = (end + unit_ns - 1) / unit_ns;
    int cols = (int)MIN(want, (uint64_t)max_columns);
    int nr = ipa_sim_nr_threads(sim);
    GString *unit = g_string_new(NULL);
    ipa_duration_format(unit, unit_ns);

    struct cell *cells = g_new(struct cell, (size_t)rec->nr_cores * cols);
    for (size_t i = 0; i < (size_t)rec->nr_cores * cols; i++)
        cells[i] = (struct cell){-1, 0};
    bool *seen = g_new0(bool, nr + 1);
    for (guint i = 0; i < rec->segments->len; i++) {
        const struct ipa_rec_segment *s =
            &g_array_index(rec->segments, struct ipa_rec_segment, i);
        if (s->tid >= nr)
            continue;
        for (uint64_t k = s->start_ns / unit_ns;
             k < (uint64_t)cols && k * unit_ns < s->end_ns; k++) {
            uint64_t lo = MAX(k * unit_ns, s->start_ns);
            uint64_t hi = MIN((k + 1) * unit_ns, s->end_ns);
            struct cell *c = &cells[(size_t)s->core * cols + k];
            if (hi - lo > c->ns) {
                c->ns = hi - lo;
                c->tid = s->tid;
            }
        }
    }
    for (size_t i = 0; i < (size_t)rec->nr_cores * cols; i++)
        if (cells[i].tid >= 0)
            seen[cells[i].tid] = true;
    char *label = g_new0(char, nr + 1);
    assign_labels(sim, seen, nr, label);

    fprintf(out, "\ntimeline: one character = %s, '.' idle;", unit->str);
    const char *sep = " ";
    for (int t = 0; t < nr; t++) {
        if (!label[t])
            continue;
        struct ipa_thread_result r;
        ipa_sim_thread_result(sim, t, &r);
        char *name = ipa_printable(r.name);
        fprintf(out, "%s%c %s", sep, label[t], name);
        g_free(name);
        sep = ", ";
    }
    fputc('\n', out);
    int pad = snprintf(NULL, 0, "c%d", rec->nr_cores - 1);
    char *line = g_new(char, width + 1);
    for (int start = 0; start < cols; start += width) {
        int n = MIN(width, cols - start);
        GString *at = g_string_new(NULL);
        if (start)
            ipa_duration_format(at, (uint64_t)start * unit_ns);
        else
            g_string_append_c(at, '0');
        fprintf(out, "[%s]\n", at->str);
        g_string_free(at, TRUE);
        for (int c = 0; c < rec->nr_cores; c++) {
            for (int k = 0; k < n; k++) {
                const struct cell *cl = &cells[(size_t)c * cols + start + k];
                line[k] = cl->tid >= 0 ? label[cl->tid] : '.';
            }
            line[n] = '\0';
            fprintf(out, "c%-*d %s\n", pad - 1, c, line);
        }
    }
    if (want > (uint64_t)cols || end < rec->end_ns) {
        GString *at = g_string_new(NULL);
        ipa_duration_format(at, (uint64_t)cols * unit_ns);
        fprintf(out,
                "(timeline stops at %s; a coarser --ascii-unit or --until "
                "shows more)\n",
                at->str);
        g_string_free(at, TRUE);
    }
    g_free(line);
    g_free(label);
    g_free(seen);
    g_free(cells);
    g_string_free(unit, TRUE);
}
