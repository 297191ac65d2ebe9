/*
 * trace.h - the workload model: threads and the programs they run.
 *
 * A trace lists threads (and templates that threads spawn), each with a
 * start time, weight or nice, an optional CPU affinity, a group label, a
 * partition, free-form integer attributes, and a program of operations. The
 * loaders (trace_json.c for the native format, later rt-app and ftrace)
 * build this model; the engine runs it. Names of channels, barriers,
 * mutexes, groups and attributes are interned into indices here, so the
 * engine never touches a string.
 */
#ifndef IPA_TRACE_TRACE_H
#define IPA_TRACE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

/* Threads a trace may list (templates included, after "count"), and that
 * may be alive at once in a run (spawned ones included): each costs a
 * record of about 0.6 KB and its share of every scan that names one. */
#define IPA_MAX_THREADS 100000

/* Operation kinds. Grep "ORDER OP" if you change this list. */
#define IPA_TRACE_OPS(X)                                                       \
    X(RUN, "run")             /* CPU work of dur */                            \
    X(SLEEP, "sleep")         /* block for dur, woken by a timer */            \
    X(WAIT, "wait")           /* take a token from channel obj, or block */    \
    X(SIGNAL, "signal")       /* add count tokens to channel obj */            \
    X(BROADCAST, "broadcast") /* wake every waiter of channel obj */           \
    X(BARRIER, "barrier")     /* block until all parties of obj arrive */      \
    X(LOCK, "lock")           /* take mutex obj, or block */                   \
    X(UNLOCK, "unlock")       /* release mutex obj to its next waiter */       \
    X(SPAWN, "spawn")         /* start a thread from template obj */           \
    X(YIELD, "yield")         /* give up the core, stay runnable */            \
    X(EXIT, "exit")           /* terminate */                                  \
    X(LOOP, "repeat")         /* run the body count times */                   \
    X(END_LOOP, "end")        /* end of a repeat body */                       \
    X(TIMER, "timer")         /* sleep to the next period boundary (dur) */ \
    X(CALL, "call")           /* an interface function, trace->calls[obj] */

enum ipa_op_kind {
#define IPA_OP_ENUM(name, word) IPA_OP_##name,
    IPA_TRACE_OPS(IPA_OP_ENUM)
#undef IPA_OP_ENUM
        IPA_OP_COUNT
};

extern const char *const ipa_op_names[IPA_OP_COUNT];

enum ipa_dur_kind {
    IPA_DUR_FIXED,   /* a */
    IPA_DUR_UNIFORM, /* uniform in [a, b] */
    IPA_DUR_EXP,     /* exponential with mean a */
};

/* A duration, drawn as its op's dur_kind says. */
struct ipa_dur {
    uint64_t a_ns, b_ns;
};

/* 32 bytes, the trace's form of an op; the engine runs each distinct
 * program in a denser form (engine/internal.h, struct ipa_step). */
/* "repeat": "forever" (rt-app's "loop": -1): so many iterations that only
 * the run's end (the trace's until, --until, --max-events) stops them. */
#define IPA_REPEAT_FOREVER UINT32_MAX

struct ipa_op {
    struct ipa_dur dur; /* RUN, SLEEP; TIMER: the period (fixed) */
    uint8_t kind;       /* enum ipa_op_kind */
    uint8_t dur_kind;   /* enum ipa_dur_kind */
    uint32_t count;     /* SIGNAL tokens; LOOP iterations
                           (IPA_REPEAT_FOREVER: until the run stops);
                           TIMER: 1 absolute, 0 relative (see program.c) */
    union {
        int obj;  /* channel, barrier, mutex or template index, else -1 */
        int jump; /* LOOP: index of its END_LOOP; END_LOOP: its LOOP */
    };
    uint32_t prob_ppm; /* chance the op happens, in millionths (1000000) */
};
G_STATIC_ASSERT(sizeof(struct ipa_op) == 32);

/* {"call": NAME, "args": [ARG, ...]}: an interface function of the
 * thread's policy; an argument is an integer, a duration (ns), a boolean
 * (1 or 0) or a name (its index in trace->words). */
#define IPA_CALL_MAX_ARGS 4
struct ipa_call {
    int name; /* in trace->call_names */
    int nr_args;
    int64_t args[IPA_CALL_MAX_ARGS];
    bool is_word[IPA_CALL_MAX_ARGS];
};

struct ipa_thread_spec {
    char *name;
    uint64_t start_ns;
    int weight;     /* load weight, 1024 = nice 0 */
    int nice;       /* -20..19 */
    int group;      /* index into trace->groups, -1 for none */
    int partition;  /* index of the --policy the thread runs under */
    int *affinity;  /* ascending core ids, NULL = every core */
    int nr_affinity;
    int *attr_ids;  /* into trace->attrs */
    int64_t *attr_values;
    int nr_attrs;
    struct ipa_op *ops;
    int nr_ops;
    int loop_depth; /* deepest LOOP nesting, for the engine's counters */
    char *where;    /* origin for messages ("threads[3]"), NULL if generated */
    char *class_name; /* the scheduling class it asks for, NULL: none */
};

struct ipa_hotplug {
    uint64_t at_ns;
    int core;
    bool online;
    int index; /* position in the file's "hotplug" array, for messages */
};

struct ipa_trace {
    char *path; /* for messages */
    char *name;
    GPtrArray *threads;   /* struct ipa_thread_spec *, started at start_ns */
    GPtrArray *templates; /* struct ipa_thread_spec *, started by SPAWN */
    GPtrArray *channels;  /* names (char *) */
    GArray *channel_tokens; /* int64_t initial tokens per channel */
    GPtrArray *barriers;  /* names */
    GArray *barrier_parties; /* int per barrier */
    GPtrArray *mutexes;   /* names */
    GPtrArray *groups;    /* names */
    GPtrArray *attrs;     /* names */
    GArray *hotplug;      /* struct ipa_hotplug, by time */
    GArray *calls;        /* struct ipa_call, of the "call" operations */
    GPtrArray *call_names; /* names of the functions they call */
    GPtrArray *words;     /* names given as call arguments ("rt") */
    uint64_t until_ns;    /* stop time from the trace, 0 = run to the end */
    /* name table -> (name -> index + 1), for ipa_trace_intern: a trace of
     * 100,000 threads may name 50,000 channels */
    GHashTable *name_index;
};

/* Loads a trace in any format ipasim reads, chosen by its content: the
 * native JSON format, an rt-app workload, or trace-cmd/perf text
 * (trace/import.h). An import's warnings and summary go to stderr. */
bool ipa_trace_load(const char *path, struct ipa_trace **out, GError **error);
/* ipa_trace_load of a kernel recording made on @machine, whose CPUs'
 * capacities turn recorded time into work (docs/trace-format.md, "Core
 * capacity"); any other format is an error (IPA_ERROR_INPUT). */
struct ipa_recording_machine;
bool ipa_trace_load_on(const char *path,
                       const struct ipa_recording_machine *machine,
                       struct ipa_trace **out, GError **error);
/* Loads a kernel recording (trace-cmd, trace_pipe, systrace or perf
 * script text) as ipa_trace_load does, and its recorded schedule
 * (trace/recorded.h) into *@schedule; any other format is an error
 * (IPA_ERROR_INPUT). */
struct ipa_recorded;
bool ipa_trace_load_recorded(const char *path, struct ipa_trace **out,
                             struct ipa_recorded **schedule, GError **error);

/* Loads a native JSON trace (docs/trace-format.md). Errors name the file
 * and, for a JSON syntax error, line:column, else the JSON path:
 * "db.json: threads[3].ops[7].run: expected a duration" (IPA_ERROR_INPUT). */
bool ipa_trace_load_json(const char *path, struct ipa_trace **out,
                         GError **error);
/* The same from @len bytes of @text; @path only names it in messages. */
bool ipa_trace_parse_json(const char *path, const char *text, size_t len,
                          struct ipa_trace **out, GError **error);

/* Checks what needs the machine: affinities name existing cores and meet
 * their partition's cores (@partition_cores[p], ascending, @nr[p]),
 * partitions exist, hot-plug cores exist. @partition_cores NULL means
 * every partition spans every core. */
bool ipa_trace_validate(const struct ipa_trace *trace, int nr_cores,
                        int nr_partitions, int *const *partition_cores,
                        const int *partition_nr_cores, GError **error);

/* An empty trace that a generator fills (bench, tests). */
struct ipa_trace *ipa_trace_new(const char *name);
/* Interns a name in one of the trace's name tables (@names is one of
 * @trace's), returns its index. O(1): the tables are indexed. */
int ipa_trace_intern(struct ipa_trace *trace, GPtrArray *names,
                     const char *name);
struct ipa_thread_spec *ipa_thread_spec_new(const char *name);
void ipa_thread_spec_free(struct ipa_thread_spec *spec);
void ipa_trace_free(struct ipa_trace *trace);

/* Weight for a nice value, Linux's sched_prio_to_weight table. */
int ipa_nice_to_weight(int nice);

#endif
