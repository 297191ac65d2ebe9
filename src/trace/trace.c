#include "trace/trace.h"

#include <stdio.h>
#include <string.h>

#include "trace/import.h"
#include "trace/recorded.h"
#include "util/common.h"
#include "util/input.h"
#include "util/cpuset.h"

const char *const ipa_op_names[IPA_OP_COUNT] = {
#define IPA_OP_NAME(name, word) [IPA_OP_##name] = word,
    IPA_TRACE_OPS(IPA_OP_NAME)
#undef IPA_OP_NAME
};

/* kernel/sched/core.c: each nice level is ~10% of CPU time apart. */
static const int prio_to_weight[40] = {
    /* -20 */ 88761, 71755, 56483, 46273, 36291,
    /* -15 */ 29154, 23254, 18705, 14949, 11916,
    /* -10 */ 9548,  7620,  6100,  4904,  3906,
    /*  -5 */ 3121,  2501,  1991,  1586,  1277,
    /*   0 */ 1024,  820,   655,   526,   423,
    /*   5 */ 335,   272,   215,   172,   137,
    /*  10 */ 110,   87,    70,    56,    45,
    /*  15 */ 36,    29,    23,    18,    15,
};

int ipa_nice_to_weight(int nice)
{
    IPA_ASSERT(nice >= -20 && nice <= 19, "nice out of -20..19");
    return prio_to_weight[nice + 20];
}

struct ipa_trace *ipa_trace_new(const char *name)
{
    struct ipa_trace *t = g_new0(struct ipa_trace, 1);
    t->name = g_strdup(name);
    t->threads =
        g_ptr_array_new_with_free_func((GDestroyNotify)ipa_thread_spec_free);
    t->templates =
        g_ptr_array_new_with_free_func((GDestroyNotify)ipa_thread_spec_free);
    t->channels = g_ptr_array_new_with_free_func(g_free);
    t->channel_tokens = g_array_new(false, true, sizeof(int64_t));
    t->barriers = g_ptr_array_new_with_free_func(g_free);
    t->barrier_parties = g_array_new(false, true, sizeof(int));
    t->mutexes = g_ptr_array_new_with_free_func(g_free);
    t->groups = g_ptr_array_new_with_free_func(g_free);
    t->attrs = g_ptr_array_new_with_free_func(g_free);
    t->hotplug = g_array_new(false, true, sizeof(struct ipa_hotplug));
    t->calls = g_array_new(false, true, sizeof(struct ipa_call));
    t->call_names = g_ptr_array_new_with_free_func(g_free);
    t->words = g_ptr_array_new_with_free_func(g_free);
    t->name_index = g_hash_table_new_full(
        g_direct_hash, g_direct_equal, NULL,
        (GDestroyNotify)g_hash_table_destroy);
    return t;
}

int ipa_trace_intern(struct ipa_trace *trace, GPtrArray *names,
                     const char *name)
{
    GHashTable *index = g_hash_table_lookup(trace->name_index, names);
    if (!index) {
        /* keys are the table's own strings, freed with it */
        index = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint i = 0; i < names->len; i++)
            g_hash_table_insert(index, g_ptr_array_index(names, i),
                                GINT_TO_POINTER(i + 1));
        g_hash_table_insert(trace->name_index, names, index);
    }
    int at = GPOINTER_TO_INT(g_hash_table_lookup(index, name));
    if (at)
        return at - 1;
    char *copy = g_strdup(name);
    g_ptr_array_add(names, copy);
    g_hash_table_insert(index, copy, GINT_TO_POINTER(names->len));
    return (int)names->len - 1;
}

struct ipa_thread_spec *ipa_thread_spec_new(const char *name)
{
    struct ipa_thread_spec *s = g_new0(struct ipa_thread_spec, 1);
    s->name = g_strdup(name);
    s->weight = ipa_nice_to_weight(0);
    s->group = -1;
    return s;
}

void ipa_thread_spec_free(struct ipa_thread_spec *spec)
{
    if (!spec)
        return;
    g_free(spec->name);
    g_free(spec->affinity);
    g_free(spec->attr_ids);
    g_free(spec->attr_values);
    g_free(spec->ops);
    g_free(spec->where);
    g_free(spec->class_name);
    g_free(spec);
}

void ipa_trace_free(struct ipa_trace *trace)
{
    if (!trace)
        return;
    g_free(trace->path);
    g_free(trace->name);
    g_ptr_array_unref(trace->threads);
    g_ptr_array_unref(trace->templates);
    g_ptr_array_unref(trace->channels);
    g_array_unref(trace->channel_tokens);
    g_ptr_array_unref(trace->barriers);
    g_array_unref(trace->barrier_parties);
    g_ptr_array_unref(trace->mutexes);
    g_ptr_array_unref(trace->groups);
    g_ptr_array_unref(trace->attrs);
    g_array_unref(trace->hotplug);
    g_array_unref(trace->calls);
    g_ptr_array_unref(trace->call_names);
    g_ptr_array_unref(trace->words);
    g_hash_table_destroy(trace->name_index);
    g_free(trace);
}

/* "db.json: threads[3].affinity: ", for a generated thread "thread 'x': " */
static void spec_prefix(GString *out, const struct ipa_trace *trace,
                        const struct ipa_thread_spec *spec, const char *field)
{
    if (trace->path)
        g_string_append_printf(out, "%s: ", trace->path);
    if (spec->where)
        g_string_append_printf(out, "%s.%s: ", spec->where, field);
    else
        g_string_append_printf(out, "thread '%s': %s: ", spec->name, field);
}

static bool spec_validate(const struct ipa_trace *trace,
                          const struct ipa_thread_spec *spec, int nr_cores,
                          int nr_partitions, int *const *partition_cores,
                          const int *partition_nr_cores, GError **error)
{
    GString *msg = g_string_new(NULL);
    bool ok = false;

    if (spec->partition < 0 || spec->partition >= nr_partitions) {
        spec_prefix(msg, trace, spec, "partition");
        g_string_append_printf(msg,
                               "partition %d does not exist (%d given: one "
                               "per --policy, numbered from 0)",
                               spec->partition, nr_partitions);
        goto out;
    }
    for (int i = 0; i < spec->nr_affinity; i++) {
        if (spec->affinity[i] < 0 || spec->affinity[i] >= nr_cores) {
            spec_prefix(msg, trace, spec, "affinity");
            g_string_append_printf(
                msg, "core %d does not exist (the topology has %d cores)",
                spec->affinity[i], nr_cores);
            goto out;
        }
    }
    if (partition_cores) {
        const int *pc = partition_cores[spec->partition];
        int npc = partition_nr_cores[spec->partition];
        bool meet = false;
        if (!spec->affinity) {
            meet = npc > 0;
        } else {
            /* both ascending: a merge finds a common core */
            for (int i = 0, j = 0; i < spec->nr_affinity && j < npc;) {
                if (spec->affinity[i] == pc[j]) {
                    meet = true;
                    break;
                }
                if (spec->affinity[i] < pc[j])
                    i++;
                else
                    j++;
            }
        }
        if (!meet) {
            spec_prefix(msg, trace, spec, "affinity");
            g_string_append(msg, "no core of ");
            if (spec->affinity)
                ipa_cpulist_format(msg, spec->affinity, spec->nr_affinity);
            else
                g_string_append(msg, "the machine");
            g_string_append_printf(msg, " belongs to partition %d (cores ",
                                   spec->partition);
            if (npc)
                ipa_cpulist_format(msg, pc, npc);
            else
                g_string_append(msg, "none");
            g_string_append(msg, ")");
            goto out;
        }
    }
    ok = true;
out:
    if (!ok)
        g_set_error_literal(error, IPA_ERROR, IPA_ERROR_INPUT, msg->str);
    g_string_free(msg, true);
    return ok;
}

bool ipa_trace_validate(const struct ipa_trace *trace, int nr_cores,
                        int nr_partitions, int *const *partition_cores,
                        const int *partition_nr_cores, GError **error)
{
    IPA_ASSERT(nr_cores > 0 && nr_partitions > 0, "empty machine");
    GPtrArray *lists[2] = {trace->threads, trace->templates};
    for (int l = 0; l < 2; l++) {
        for (guint i = 0; i < lists[l]->len; i++) {
            if (!spec_validate(trace, g_ptr_array_index(lists[l], i), nr_cores,
                               nr_partitions, partition_cores,
                               partition_nr_cores, error))
                return false;
        }
    }
    for (guint i = 0; i < trace->hotplug->len; i++) {
        const struct ipa_hotplug *h =
            &g_array_index(trace->hotplug, struct ipa_hotplug, i);
        if (h->core >= nr_cores) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                        "%s%shotplug[%d].core: core %d does not exist (the "
                        "topology has %d cores)",
                        trace->path ? trace->path : "", trace->path ? ": " : "",
                        h->index, h->core, nr_cores);
            return false;
        }
    }
    return true;
}

/* ipa_trace_load, and the recorded schedule into *@schedule when it is
 * not NULL (only a kernel recording has one); @machine (or NULL) the
 * recording's. */
static bool load(const char *path, const struct ipa_recording_machine *machine,
                 struct ipa_trace **out, struct ipa_recorded **schedule,
                 GError **error)
{
    char *text = NULL;
    size_t len = 0;
    struct ipa_import im;
    bool ok = false;

    *out = NULL;
    if (!ipa_input_read("trace", path, IPA_INPUT_TRACE, &text, &len, error))
        return false;
    enum ipa_trace_format format = ipa_trace_detect(text, len);
    if (schedule && format != IPA_TRACE_FMT_FTRACE) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s: not a kernel recording (%s format); expected the "
                    "text of "
                    "trace-cmd report, trace_pipe, a systrace page or "
                    "perf script with sched_switch lines",
                    path, ipa_trace_format_name(format));
        g_free(text);
        return false;
    }
    if (machine && format != IPA_TRACE_FMT_FTRACE) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s: not a kernel recording (%s format); "
                    "--recorded-on applies to kernel traces only",
                    path, ipa_trace_format_name(format));
        g_free(text);
        return false;
    }
    if (format == IPA_TRACE_FMT_NATIVE) {
        ok = ipa_trace_parse_json(path, text, len, out, error);
        g_free(text);
        return ok;
    }
    /* an import is a native trace in memory, checked by the same loader */
    ipa_import_init(&im);
    if (schedule)
        im.schedule = ipa_recorded_new();
    im.recorded_on = machine;
    if (ipa_trace_import(path, text, len, &im, error)) {
        for (guint i = 0; i < im.warnings->len; i++)
            fprintf(stderr, "ipasim: warning: %s\n",
                    (char *)g_ptr_array_index(im.warnings, i));
        if (im.summary)
            fprintf(stderr, "ipasim: %s\n", im.summary);
        char *json = ipa_trace_json_text(im.root);
        ok = ipa_trace_parse_json(path, json, strlen(json), out, error);
        g_free(json);
    }
    if (ok && schedule) {
        *schedule = im.schedule;
        im.schedule = NULL;
    }
    ipa_import_fini(&im);
    g_free(text);
    return ok;
}

bool ipa_trace_load(const char *path, struct ipa_trace **out, GError **error)
{
    return load(path, NULL, out, NULL, error);
}

bool ipa_trace_load_on(const char *path,
                       const struct ipa_recording_machine *machine,
                       struct ipa_trace **out, GError **error)
{
    return load(path, machine, out, NULL, error);
}

bool ipa_trace_load_recorded(const char *path, struct ipa_trace **out,
                             struct ipa_recorded **schedule, GError **error)
{
    *schedule = NULL;
    return load(path, NULL, out, schedule, error);
}
