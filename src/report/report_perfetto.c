/*
 * report_perfetto.c - --perfetto FILE: the Chrome trace-event JSON that
 * Perfetto (ui.perfetto.dev) and chrome://tracing open
 * (docs/report-format.md). One process "cores" with one track per core
 * (tid = core id): run slices ("X"), wake-up flows from the waker's core to
 * the slice where the wakee next ran ("s"/"f"), a run-queue length counter
 * per core ("C"), and instants ("i") for migrations and flagged
 * work-conservation violations. Events are streamed from the recorder's
 * arrays; only thread names are prepared beforehand.
 */
#include "report/viz.h"

#include <inttypes.h>

#include <json-c/json.h>

#include "engine/sim.h"
#include "report/recorder.h"
#include "util/common.h"

#define PID 1

/* Microseconds with nanosecond digits, exact and locale-free. */
#define TS_FMT "%" PRIu64 ".%03" PRIu64
#define TS(ns) (uint64_t)(ns) / 1000, (uint64_t)(ns) % 1000

/* A JSON string literal (quotes and escapes) by json-c. */
static char *json_string(const char *s)
{
    json_object *o = json_object_new_string(s);
    char *out = g_strdup(
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return out;
}

static void write_metadata(FILE *f, int nr_cores)
{
    fprintf(f,
            "{\"ph\":\"M\",\"pid\":%d,\"name\":\"process_name\","
            "\"args\":{\"name\":\"cores\"}}",
            PID);
    for (int c = 0; c < nr_cores; c++) {
        fprintf(f,
                ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":"
                "\"thread_name\",\"args\":{\"name\":\"core %d\"}}",
                PID, c, c);
        fprintf(f,
                ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":"
                "\"thread_sort_index\",\"args\":{\"sort_index\":%d}}",
                PID, c, c);
    }
}

static void write_slices(FILE *f, const struct ipa_recorder *rec, char **names,
                         char **groups, int nr_names)
{
    for (guint i = 0; i < rec->segments->len; i++) {
        const struct ipa_rec_segment *s =
            &g_array_index(rec->segments, struct ipa_rec_segment, i);
        bool known = s->tid < nr_names;
        fprintf(f,
                ",\n{\"ph\":\"X\",\"pid\":%d,\"tid\":%d,\"ts\":" TS_FMT
                ",\"dur\":" TS_FMT ",\"name\":",
                PID, s->core, TS(s->start_ns), TS(s->end_ns - s->start_ns));
        if (known)
            fputs(names[s->tid], f);
        else
            fprintf(f, "\"thread %d\"", s->tid);
        fprintf(f, ",\"cat\":\"run\",\"args\":{\"tid\":%d,\"group\":%s}}",
                s->tid, known ? groups[s->tid] : "null");
    }
}

static void write_flows(FILE *f, const struct ipa_recorder *rec)
{
    for (guint i = 0; i < rec->wakeups->len; i++) {
        const struct ipa_rec_wakeup *w =
            &g_array_index(rec->wakeups, struct ipa_rec_wakeup, i);
        if (w->run_core < 0)
            continue;
        fprintf(f,
                ",\n{\"ph\":\"s\",\"pid\":%d,\"tid\":%d,\"ts\":" TS_FMT
                ",\"id\":%u,\"name\":\"wakeup\",\"cat\":\"wakeup\","
                "\"args\":{\"waker\":%d,\"wakee\":%d}}",
                PID, w->waker_core, TS(w->time_ns), i + 1, w->waker_tid,
                w->tid);
        fprintf(
            f,
            ",\n{\"ph\":\"f\",\"bp\":\"e\",\"pid\":%d,\"tid\":%d,\"ts\":" TS_FMT
            ",\"id\":%u,\"name\":\"wakeup\",\"cat\":\"wakeup\"}",
            PID, w->run_core, TS(w->run_ns), i + 1);
    }
}

static void write_counters(FILE *f, const struct ipa_recorder *rec)
{
    for (guint i = 0; i < rec->rq->len; i++) {
        const struct ipa_rec_rq *r =
            &g_array_index(rec->rq, struct ipa_rec_rq, i);
        fprintf(f,
                ",\n{\"ph\":\"C\",\"pid\":%d,\"ts\":" TS_FMT
                ",\"name\":\"runqueue core %d\",\"args\":{\"len\":%d}}",
                PID, TS(r->time_ns), r->core, r->len);
    }
}

static void write_instants(FILE *f, const struct ipa_sim *sim,
                           const struct ipa_recorder *rec)
{
    for (guint i = 0; i < rec->migrations->len; i++) {
        const struct ipa_rec_migration *m =
            &g_array_index(rec->migrations, struct ipa_rec_migration, i);
        fprintf(
            f,
            ",\n{\"ph\":\"i\",\"s\":\"t\",\"pid\":%d,\"tid\":%d,\"ts\":" TS_FMT
            ",\"name\":\"migration\",\"cat\":\"migration\","
            "\"args\":{\"tid\":%d,\"from\":%d,\"to\":%d}}",
            PID, m->to_core, TS(m->time_ns), m->tid, m->from_core, m->to_core);
    }
    for (int p = 0; p < ipa_sim_nr_partitions(sim); p++) {
        struct ipa_partition_result pr;
        ipa_sim_partition_result(sim, p, &pr);
        for (guint i = 0; i < pr.wc->flagged->len; i++) {
            const struct ipa_wc_interval *iv =
                &g_array_index(pr.wc->flagged, struct ipa_wc_interval, i);
            GString *threads = g_string_new(NULL);
            for (int t = 0; t < iv->nr_threads; t++)
                g_string_append_printf(threads, "%s%d", t ? "," : "",
                                       iv->threads[t]);
            for (int c = 0; c < iv->nr_cores; c++)
                fprintf(f,
                        ",\n{\"ph\":\"i\",\"s\":\"t\",\"pid\":%d,\"tid\":%d,"
                        "\"ts\":" TS_FMT ",\"name\":\"wc violation\","
                        "\"cat\":\"work_conservation\",\"args\":{"
                        "\"partition\":%d,\"duration_ns\":%" PRIu64
                        ",\"wasted_core_ns\":%" PRIu64 ",\"threads\":[%s]}}",
                        PID, iv->cores[c], TS(iv->start_ns), p,
                        iv->end_ns - iv->start_ns, iv->wasted_core_ns,
                        threads->str);
            g_string_free(threads, TRUE);
        }
    }
}

bool ipa_report_perfetto(const struct ipa_sim *sim,
                         const struct ipa_recorder *rec, FILE *f)
{
    int nr_names = ipa_sim_nr_threads(sim);
    char **names = g_new0(char *, nr_names + 1);
    char **groups = g_new0(char *, nr_names + 1);
    for (int t = 0; t < nr_names; t++) {
        struct ipa_thread_result r;
        ipa_sim_thread_result(sim, t, &r);
        names[t] = json_string(r.name);
        groups[t] = r.group ? json_string(r.group) : g_strdup("null");
    }
    fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", f);
    write_metadata(f, rec->nr_cores);
    write_slices(f, rec, names, groups, nr_names);
    write_flows(f, rec);
    write_counters(f, rec);
    write_instants(f, sim, rec);
    fprintf(f,
            "\n],\n\"otherData\":{\"generator\":\"ipasim %s\","
            "\"end_ns\":%" PRIu64,
            IPASIM_VERSION, rec->end_ns);
    if (!ipa_recorder_complete(rec))
        fprintf(f, ",\"truncated_at_ns\":%" PRIu64, rec->exact_until_ns);
    fputs("}}\n", f);
    g_strfreev(names);
    g_strfreev(groups);
    return !ferror(f);
}
