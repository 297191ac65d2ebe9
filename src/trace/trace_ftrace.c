/*
 * trace_ftrace.c - recorded kernel scheduler traces into native traces.
 *
 * Reads the text of `trace-cmd report` ("comm-pid [cpu] ts: event: ...",
 * raw fields or its sched plugin's form), the kernel's trace/trace_pipe
 * (flags before ts; also inside systrace HTML) and `perf script` ("comm
 * pid [cpu] ts: sched:event: ..."). From
 * sched_switch, sched_waking/sched_wakeup(_new), sched_process_fork/exit it
 * rebuilds what each thread did: CPU time between blocking points (run),
 * blocking ended by another thread's wake-up (a wait on a channel that the
 * waker signals at that moment: "who woke whom"), blocking ended from the
 * idle task or an interrupt (a sleep of the recorded length), and forks
 * (spawn of a template). Placement, migrations and queueing are left out:
 * they are what the replaying policy decides.
 *
 * CPU time is the kernel's billing (sched_stat_runtime) for a task it
 * billed, else the switches', followed per CPU (struct fcpu); every event
 * says which task its CPU runs, so lost or inconsistent events show as
 * gaps, where a run ends at the CPU's last event before the gap
 * (docs/trace-format.md, "CPU time" and "Gaps"). Runs keep both counts
 * until the end, when a task's billing is known to exist or not.
 *
 * Asked for (ipa_import.schedule), the same reading also writes down the
 * schedule itself (trace/recorded.h): each switch, wake-up, arrival and
 * gap as it changes the model, for `ipasim analyze`.
 */
#include "trace/import.h"

#include <inttypes.h>
#include <string.h>

#include <ipasim/runtime.h>

#include "trace/recorded.h"
#include "util/common.h"

enum fop_kind { F_RUN, F_SLEEP, F_WAIT, F_SIGNAL, F_SPAWN };

struct fop {
    enum fop_kind kind;
    uint64_t ns;     /* F_RUN (work by the switches), F_SLEEP */
    uint64_t billed; /* F_RUN: work by the kernel's billing */
    int ref;         /* F_WAIT, F_SIGNAL: channel; F_SPAWN: thread index */
};

enum fstate { S_NEW, S_RUNNING, S_RUNNABLE, S_BLOCKED, S_DEAD };

struct fthread {
    int pid;
    char *name;
    int prio; /* kernel prio, -1 unknown */
    bool is_template;
    uint64_t start_ns;
    enum fstate state;
    uint64_t since_ns; /* running since, or blocked since */
    /* CPU time not yet written as a run, in work units: each ns times
     * its CPU's capacity (1024 for a ns at full speed); 128 bits, as a
     * recording may span 10^18 ns */
    unsigned __int128 acc_work;
    /* ... and the same by sched_stat_runtime, the kernel's own billing,
     * which is what it becomes when the kernel billed it at all */
    unsigned __int128 acc_billed;
    uint64_t billed_ns;      /* all its billing, in CPU time; 0: never
                                billed, its runs are the switches' */
    uint64_t head_ns, tail_ns; /* switch time before its CPU's first
                                  switch, after its last */
    uint64_t billed_head_ns;   /* billing while running from the start */
    int cpu;           /* the CPU it runs on in the recording, -1 if none */
    int last_cpu;      /* the CPU it last ran on, -1 if none */
    bool exiting;      /* past sched_process_exit: runs until switched out */
    int index;         /* in reader.threads */
    GArray *ops;       /* struct fop */
};

/* What a CPU runs, as far as the recording says. */
enum { CPU_IDLE = -1, CPU_UNKNOWN = -2 };

struct fcpu {
    bool seen;        /* has had an event */
    bool from_start;  /* cur has run since the recording's start */
    int cur;          /* thread index, CPU_IDLE or CPU_UNKNOWN (after a gap) */
    uint64_t last_ns; /* its last event: the last moment cur was seen */
    uint64_t last_at; /* that event's own time, before clamping to now */
};

/* Kinds of gap in a recording: each ends the run there. */
enum gap_kind {
    GAP_LOST,
    GAP_OTHER_TASK,
    GAP_TWICE,
    GAP_NOT_RUNNING,
    GAP_OUT_OF_ORDER,
    NR_GAPS
};

struct reader {
    const char *file;
    GPtrArray *threads;   /* struct fthread * in order of appearance */
    GHashTable *by_pid;   /* pid -> index + 1 of its current thread */
    GHashTable *names;    /* thread names in use */
    GPtrArray *channels;  /* char *, "waker>wakee" */
    GHashTable *chan_idx; /* name -> index + 1 */
    GArray *cpus;         /* struct fcpu */
    GHashTable *unknown;  /* event name -> count */
    uint64_t t0, now;
    bool have_t0;
    long other_events; /* of kinds the importer does not model */
    long events, idle, migrations, unparsed, header, dropped_wakeups,
        open_blocks, rt_threads, not_woken;
    long lineno;
    long pretty;          /* events in trace-cmd's plugin form */
    const char *form;     /* the program that printed the text */
    bool html;            /* the text is a systrace page */
    long gaps[NR_GAPS];
    long lost_events;     /* as the LOST records count them */
    uint64_t gap_ns;      /* CPU time the gaps left to no task */
    long billings;        /* sched_stat_runtime events */
    uint64_t unbilled_ns; /* ... billed to a task no event showed running */
    GPtrArray *warnings;  /* the import's: the first gaps of each kind */
    struct ipa_recorded *sched; /* the schedule, when asked for */
    int header_cpus;      /* trace-cmd's "cpus=N" header line, or 0 */
    const struct ipa_import *im; /* the recording machine's capacities */
    int missing_cpu;      /* a CPU that machine lacks, or -1 */
    uint64_t slow_ns;     /* CPU time on CPUs below capacity 1024 */
};

/* ------------------------------------------------------------------ */
/* Lines */

struct line {
    const char *comm; /* of the current task, not NUL-terminated */
    int comm_len;
    int pid, cpu;
    uint64_t ts_ns;
    char event[64];
    const char *fields; /* NUL-terminated copy of the rest */
    const char *after_cpu; /* what follows "[CPU]": flags or the time */
    bool subsystem;        /* the event was named "sched:sched_switch:" */
};

static bool parse_ts(const char *s, const char *e, uint64_t *out)
{
    uint64_t sec = 0, frac = 0;
    int digits = 0;
    const char *p = s;
    if (p == e || !g_ascii_isdigit(*p))
        return false;
    for (; p < e && g_ascii_isdigit(*p); p++)
        sec = sec * 10 + (uint64_t)(*p - '0');
    if (p < e && *p == '.') {
        for (p++; p < e && g_ascii_isdigit(*p); p++)
            if (digits < 9) {
                frac = frac * 10 + (uint64_t)(*p - '0');
                digits++;
            }
    }
    if (p != e || sec > 1000000000)
        return false;
    for (; digits < 9; digits++)
        frac *= 10;
    *out = sec * 1000000000 + frac;
    return true;
}

/* "COMM-PID [CPU] [FLAGS] TS: [SUBSYS:]EVENT: FIELDS" (trace-cmd) or
 * "COMM PID [CPU] TS: SUBSYS:EVENT: FIELDS" (perf script). */
static bool parse_line(char *s, struct line *l)
{
    char *b = strstr(s, " [");
    while (b) {
        char *d = b + 2;
        while (g_ascii_isdigit(*d))
            d++;
        /* at most 5 digits: a CPU number indexes a per-CPU table */
        if (d > b + 2 && d - (b + 2) <= 5 && *d == ']')
            break;
        b = strstr(b + 1, " [");
    }
    if (!b)
        return false;
    l->cpu = atoi(b + 2);
    char *head = s, *rest = strchr(b, ']') + 1;
    while (*head == ' ')
        head++;
    char *he = b;
    while (he > head && he[-1] == ' ')
        he--;
    /* perf: the pid is the last word; trace-cmd: after the last '-' */
    char *sp = he;
    while (sp > head && g_ascii_isdigit(sp[-1]))
        sp--;
    if (sp == he || sp == head || (sp[-1] != ' ' && sp[-1] != '-'))
        return false;
    l->pid = atoi(sp);
    char *ce = sp - 1;
    while (ce > head && ce[-1] == ' ')
        ce--;
    l->comm = head;
    l->comm_len = (int)(ce - head);
    /* the timestamp is the first word ending in ':' that parses */
    char *p = rest;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        char *w = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        if (w == p)
            return false;
        if (p[-1] == ':' && parse_ts(w, p - 1, &l->ts_ns))
            break;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    char *ev = p;
    while (*p && *p != ' ' && *p != '\t')
        p++;
    if (p == ev || p[-1] != ':')
        return false;
    /* "sched:sched_switch:" -> "sched_switch" */
    char *ee = p - 1, *es = ee;
    while (es > ev && es[-1] != ':')
        es--;
    l->subsystem = es > ev;
    l->after_cpu = rest;
    if (ee == es || ee - es >= (long)sizeof l->event)
        return false;
    memcpy(l->event, es, (size_t)(ee - es));
    l->event[ee - es] = 0;
    while (*p == ' ' || *p == '\t')
        p++;
    l->fields = p;
    return true;
}

/* The value of "key=" in @f (at the start or after a space), NULL if
 * absent. */
static const char *field(const char *f, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = f; (p = strstr(p, key)); p++)
        if ((p == f || p[-1] == ' ') && p[n] == '=')
            return p + n + 1;
    return NULL;
}

static bool int_field(const char *f, const char *key, int *out)
{
    const char *v = field(f, key);
    if (!v || !(g_ascii_isdigit(*v) || *v == '-'))
        return false;
    *out = atoi(v);
    return true;
}

/* A comm value runs to the next key (comms may hold spaces). */
static char *comm_field(const char *f, const char *key, const char *next)
{
    const char *v = field(f, key);
    if (!v)
        return NULL;
    char *pat = g_strdup_printf(" %s=", next);
    const char *e = strstr(v, pat);
    g_free(pat);
    return e ? g_strndup(v, (size_t)(e - v)) : NULL;
}

/* "COMM:PID [PRIO]" at the end of [@s, @e): trace-cmd's sched plugin
 * form of a task (libtraceevent plugin_sched_switch.c). Comms may hold ':'
 * and spaces, so the pid is after the last ':' before the priority. */
static bool pretty_task(const char *s, const char *e, GString *out,
                        const char *prefix)
{
    while (e > s && e[-1] == ' ')
        e--;
    const char *prio = NULL;
    if (e > s && e[-1] == ']') {
        const char *b = e - 1;
        while (b > s && b[-1] != '[')
            b--;
        if (b == s || b - 1 == s || b[-2] != ' ')
            return false;
        prio = b;
        e = b - 2;
    }
    const char *colon = e;
    while (colon > s && colon[-1] != ':')
        colon--;
    if (colon == s || colon == e)
        return false;
    for (const char *d = colon; d < e; d++)
        if (!g_ascii_isdigit(*d) && *d != '-')
            return false;
    g_string_append_printf(out, "%scomm=%.*s %spid=%.*s", prefix,
                           (int)(colon - 1 - s), s, prefix, (int)(e - colon),
                           colon);
    if (prio)
        g_string_append_printf(out, " %sprio=%d", prefix, atoi(prio));
    return true;
}

/* trace-cmd report without -R prints sched_switch as "PREV:PID [PRIO]
 * STATE ==> NEXT:PID [PRIO]" and sched_wakeup(_new) as "COMM:PID [PRIO]
 * [success=N] CPU:NNN"; rewritten as the raw form's key=value fields.
 * NULL when @f is not that form. */
static char *pretty_fields(const char *event, const char *f)
{
    GString *out = g_string_new(NULL);
    const char *arrow = strstr(f, " ==> ");
    if (!strcmp(event, "sched_switch") && arrow) {
        const char *st = arrow;
        while (st > f && st[-1] != ' ')
            st--;
        if (st > f && pretty_task(f, st, out, "prev_")) {
            g_string_append_printf(out, " prev_state=%.*s ",
                                   (int)(arrow - st), st);
            if (pretty_task(arrow + 5, f + strlen(f), out, "next_"))
                return g_string_free(out, false);
        }
    } else if (!strcmp(event, "sched_wakeup") ||
               !strcmp(event, "sched_wakeup_new") ||
               !strcmp(event, "sched_waking")) {
        const char *e = f + strlen(f);
        const char *cpu = strstr(f, " CPU:");
        const char *success = strstr(f, " success=");
        if (cpu)
            e = cpu;
        if (success && success < e)
            e = success;
        if (pretty_task(f, e, out, "")) {
            if (success)
                g_string_append_printf(out, " success=%d", atoi(success + 9));
            if (cpu)
                g_string_append_printf(out, " target_cpu=%d", atoi(cpu + 5));
            return g_string_free(out, false);
        }
    }
    g_string_free(out, true);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Threads */

static struct fthread *nth(struct reader *r, int i)
{
    return g_ptr_array_index(r->threads, i);
}

static int index_of(struct reader *r, int pid)
{
    return GPOINTER_TO_INT(g_hash_table_lookup(r->by_pid, GINT_TO_POINTER(pid))) -
           1;
}

/* The CPU a per-CPU kernel thread is bound to, as the name the kernel
 * gives it says ("ksoftirqd/3", "migration/3", "kworker/3:1", but not the
 * unbound "kworker/u8:1"); -1 for any other thread. */
static int pinned_cpu(const char *comm, int len)
{
    static const char *const bound[] = {"migration/", "ksoftirqd/",
                                        "cpuhp/",     "watchdog/",
                                        "rcuc/",      "idle_inject/",
                                        "kworker/"};
    for (size_t i = 0; i < G_N_ELEMENTS(bound); i++) {
        int n = (int)strlen(bound[i]);
        if (len <= n || strncmp(comm, bound[i], (size_t)n))
            continue;
        int d = n, cpu = 0;
        while (d < len && g_ascii_isdigit(comm[d]) && cpu < 100000)
            cpu = cpu * 10 + (comm[d++] - '0');
        bool kworker = i == G_N_ELEMENTS(bound) - 1;
        if (d > n && (kworker ? d < len && comm[d] == ':' : d == len))
            return cpu;
    }
    return -1;
}

static struct fthread *new_thread(struct reader *r, int pid, const char *comm,
                                  int comm_len)
{
    struct fthread *t = g_new0(struct fthread, 1);
    t->index = (int)r->threads->len;
    if (r->sched) {
        int cpu = pinned_cpu(comm, comm_len);
        g_array_append_val(r->sched->pinned, cpu);
    }
    t->pid = pid;
    t->prio = -1;
    t->cpu = -1;
    t->last_cpu = -1;
    t->ops = g_array_new(false, false, sizeof(struct fop));
    char *base = g_strdup_printf("%.*s-%d", comm_len, comm, pid);
    t->name = g_strdup(base);
    for (int n = 2; g_hash_table_contains(r->names, t->name); n++) {
        g_free(t->name);
        t->name = g_strdup_printf("%s#%d", base, n);
    }
    g_free(base);
    g_hash_table_add(r->names, t->name);
    g_ptr_array_add(r->threads, t);
    g_hash_table_insert(r->by_pid, GINT_TO_POINTER(pid),
                        GINT_TO_POINTER((int)r->threads->len));
    return t;
}

/* The thread of @pid, created if unseen; NULL for the idle task. */
static struct fthread *thread_of(struct reader *r, int pid, const char *comm,
                                 int comm_len)
{
    if (pid == 0)
        return NULL;
    int i = index_of(r, pid);
    if (i >= 0 && nth(r, i)->state != S_DEAD)
        return nth(r, i);
    return new_thread(r, pid, comm, comm_len);
}

/* The thread of @pid as the current task of a line: an exiting thread
 * still runs (and wakes its parent) after sched_process_exit. */
static struct fthread *current_of(struct reader *r, int pid, const char *comm,
                                  int comm_len)
{
    int i = index_of(r, pid);
    return i >= 0 ? nth(r, i) : new_thread(r, pid, comm, comm_len);
}

static void add_fop(struct fthread *t, enum fop_kind kind, uint64_t ns,
                    int ref)
{
    struct fop op = {.kind = kind, .ns = ns, .ref = ref};
    g_array_append_val(t->ops, op);
}

static void start(struct fthread *t, enum fstate state, uint64_t at)
{
    t->start_ns = at;
    t->state = state;
    t->since_ns = at;
}

static struct fcpu *cpu_at(struct reader *r, int cpu)
{
    if ((guint)cpu >= r->cpus->len)
        g_array_set_size(r->cpus, (guint)cpu + 1);
    return &g_array_index(r->cpus, struct fcpu, cpu);
}

/* Writes down a change of the recorded schedule, when one is asked for:
 * @waker (NULL: none) ran on @waker_cpu. */
static void note(struct reader *r, enum ipa_recorded_kind kind,
                 const struct fthread *t, int cpu,
                 const struct fthread *waker, int waker_cpu, uint64_t at)
{
    if (!r->sched || !t)
        return;
    struct ipa_recorded_event e = {
        .time_ns = at,
        .kind = kind,
        .thread = t->index,
        .cpu = cpu,
        .waker = waker ? waker->index : -1,
        .waker_cpu = waker ? waker_cpu : -1,
    };
    g_array_append_val(r->sched->events, e);
}

/* Seconds as the recording prints them, to find the line again. */
static char *stamp(struct reader *r, uint64_t ns)
{
    uint64_t abs = r->t0 + ns;
    return g_strdup_printf("%" PRIu64 ".%06" PRIu64, abs / 1000000000,
                           abs % 1000000000 / 1000);
}

/* The recording machine's capacity of @cpu (docs/trace-format.md, "Core
 * capacity"): a ns there is that much work. */
static unsigned capacity_of(struct reader *r, int cpu)
{
    const struct ipa_recording_machine *m = r->im->recorded_on;
    if (!m)
        return IPA_CAPACITY_SCALE;
    if (cpu < m->nr_cpus && m->capacity[cpu] > 0)
        return (unsigned)m->capacity[cpu];
    if (r->missing_cpu < 0)
        r->missing_cpu = cpu;
    return IPA_CAPACITY_SCALE;
}

/* @ns of CPU time of @t on @cpu by the switches, as work. */
static void credit(struct reader *r, struct fthread *t, int cpu, uint64_t ns)
{
    unsigned capacity = capacity_of(r, cpu);
    if (capacity < IPA_CAPACITY_SCALE)
        r->slow_ns += ns;
    t->acc_work += (unsigned __int128)ns * capacity;
}

/* The run of @c's task ends at @at: its CPU time so far is counted. */
static void run_ends(struct reader *r, struct fcpu *c, uint64_t at)
{
    if (c->cur >= 0) {
        struct fthread *t = nth(r, c->cur);
        uint64_t ran = at > t->since_ns ? at - t->since_ns : 0;
        credit(r, t, (int)(c - &g_array_index(r->cpus, struct fcpu, 0)), ran);
        if (c->from_start)
            t->head_ns += ran;
        t->since_ns = at;
        t->cpu = -1;
        if (t->state == S_RUNNING)
            t->state = S_RUNNABLE;
    }
    c->from_start = false;
}

/* A gap on @cpu: what ran there since its last event is unknown, so its
 * task's run ends at that event, never later; the CPU runs nobody until
 * an event says who runs there. The first few of each kind are named in
 * a warning, all are counted in the summary. */
static void gap(struct reader *r, int cpu, enum gap_kind kind,
                const char *what)
{
    static const char *const repair[NR_GAPS] = {
        [GAP_LOST] = "events lost",
        [GAP_OTHER_TASK] = "an event of a task not switched in there",
        [GAP_TWICE] = "a task switched in while running on another CPU",
        [GAP_NOT_RUNNING] = "a task switched out while not running there",
        [GAP_OUT_OF_ORDER] = "an event older than the CPU's last one "
                             "(dropped)",
    };
    struct fcpu *c = cpu_at(r, cpu);
    if (r->gaps[kind]++ < 3) {
        char *last = stamp(r, c->last_ns);
        g_ptr_array_add(r->warnings,
                        g_strdup_printf("%s:%ld: CPU %d: %s%s%s; the run "
                                        "there ends at the CPU's last event "
                                        "(%s s)",
                                        r->file, r->lineno, cpu, repair[kind],
                                        what ? ": " : "", what ? what : "",
                                        last));
        g_free(last);
    }
    if (c->cur != CPU_UNKNOWN) {
        if (c->cur >= 0)
            note(r, IPA_RECORDED_GAP, nth(r, c->cur), cpu, NULL, -1,
                 c->last_ns);
        run_ends(r, c, c->last_ns);
        c->cur = CPU_UNKNOWN;
    }
}

static int index_in(struct reader *r, struct fthread *t)
{
    return t ? index_of(r, t->pid) : CPU_IDLE;
}

/* @t (NULL: the idle task) runs on @cpu from @at. */
static void runs_on(struct reader *r, int cpu, struct fthread *t,
                    uint64_t at)
{
    struct fcpu *c = cpu_at(r, cpu);
    if (t && t->cpu >= 0 && t->cpu != cpu) {
        int other = t->cpu;
        char *since = stamp(r, t->since_ns);
        char *what = g_strdup_printf("%s, on CPU %d since %s s, is now on "
                                     "CPU %d",
                                     t->name, other, since, cpu);
        gap(r, other, GAP_TWICE, what);
        g_free(what);
        g_free(since);
    }
    c->cur = index_in(r, t);
    if (!t)
        return;
    if (t->state == S_NEW) {
        start(t, S_RUNNING, at);
        note(r, IPA_RECORDED_ARRIVE, t, cpu, NULL, -1, at);
    } else if (t->state == S_BLOCKED) {
        /* woken and switched in without events we could see */
        r->not_woken++;
        add_fop(t, F_SLEEP, at > t->since_ns ? at - t->since_ns : 0, 0);
    }
    t->state = S_RUNNING;
    t->since_ns = at;
    t->cpu = cpu;
    t->last_cpu = cpu;
    note(r, IPA_RECORDED_RUN, t, cpu, NULL, -1, at);
}

/* The event on @l's CPU ran in the context of @pid: that is the CPU's
 * task. When the model has another task there, events were lost: its run
 * ends at the CPU's previous event and @pid's begins now. A CPU's first
 * event names the task that ran there since the recording began. */
static struct fthread *current_is(struct reader *r, const struct line *l,
                                  int pid, const char *comm, int comm_len,
                                  enum gap_kind kind)
{
    struct fcpu *c = cpu_at(r, l->cpu);
    struct fthread *t = NULL;
    if (c->seen && c->cur >= 0 && nth(r, c->cur)->pid == pid)
        t = nth(r, c->cur);
    else if (pid)
        t = thread_of(r, pid, comm, comm_len);
    if (!c->seen) {
        c->seen = true;
        bool from_start = t && t->state == S_NEW;
        runs_on(r, l->cpu, t, from_start ? 0 : r->now);
        c->from_start = from_start;
    } else if (c->cur != index_in(r, t)) {
        if (c->cur != CPU_UNKNOWN) {
            char *what = g_strdup_printf(
                "%s where %s was switched in",
                t ? t->name : "the idle task",
                c->cur >= 0 ? nth(r, c->cur)->name : "the idle task");
            gap(r, l->cpu, kind, what);
            g_free(what);
        }
        r->gap_ns += r->now - c->last_ns;
        runs_on(r, l->cpu, t, r->now);
    }
    c->last_ns = r->now;
    return t;
}

/* Writes the CPU time so far as a run. */
static void flush_run(struct reader *r, struct fthread *t)
{
    if (t->state == S_DEAD)
        return;
    if (t->cpu >= 0) {
        credit(r, t, t->cpu, r->now - t->since_ns);
        t->since_ns = r->now;
    }
    /* to the nearest ns of work: a replay on the recorded cores then
     * lasts the recorded time within a ns per run */
    uint64_t work =
        (uint64_t)((t->acc_work + IPA_CAPACITY_SCALE / 2) / IPA_CAPACITY_SCALE);
    uint64_t billed = (uint64_t)((t->acc_billed + IPA_CAPACITY_SCALE / 2) /
                                 IPA_CAPACITY_SCALE);
    if (work || billed) {
        add_fop(t, F_RUN, work, 0);
        g_array_index(t->ops, struct fop, t->ops->len - 1).billed = billed;
    }
    t->acc_work = 0;
    t->acc_billed = 0;
}

static int channel(struct reader *r, struct fthread *waker,
                   struct fthread *wakee)
{
    char *name = g_strdup_printf("%s>%s", waker->name, wakee->name);
    int i = GPOINTER_TO_INT(g_hash_table_lookup(r->chan_idx, name)) - 1;
    if (i < 0) {
        g_ptr_array_add(r->channels, name);
        i = (int)r->channels->len - 1;
        g_hash_table_insert(r->chan_idx, name, GINT_TO_POINTER(i + 1));
    } else {
        g_free(name);
    }
    return i;
}

static void note_prio(struct fthread *t, const char *f, const char *key)
{
    int prio;
    if (t && t->prio < 0 && int_field(f, key, &prio))
        t->prio = prio;
}

/* prev_state: R/R+ (or 0, or the preempted bit) stays runnable, X/Z (or
 * the exit bits) is dead, anything else blocks. */
static enum fstate switched_out_state(const char *v)
{
    if (!v)
        return S_RUNNABLE;
    if (g_ascii_isdigit(*v)) {
        long s = strtol(v, NULL, 10);
        if (s == 0 || s >= 256)
            return S_RUNNABLE;
        if (s & (16 | 32))
            return S_DEAD;
        return S_BLOCKED;
    }
    if (*v == 'R')
        return S_RUNNABLE;
    if (*v == 'X' || *v == 'Z')
        return S_DEAD;
    return S_BLOCKED;
}

static void ev_switch(struct reader *r, const struct line *l)
{
    int prev_pid, next_pid;
    if (!int_field(l->fields, "prev_pid", &prev_pid) ||
        !int_field(l->fields, "next_pid", &next_pid)) {
        r->unparsed++;
        return;
    }
    if (!prev_pid || !next_pid)
        r->idle++;
    char *c = comm_field(l->fields, "prev_comm", "prev_pid");
    struct fthread *p = current_is(r, l, prev_pid, c ? c : "?",
                                   c ? (int)strlen(c) : 1, GAP_NOT_RUNNING);
    g_free(c);
    run_ends(r, cpu_at(r, l->cpu), r->now);
    if (p) {
        note_prio(p, l->fields, "prev_prio");
        enum fstate s = switched_out_state(field(l->fields, "prev_state"));
        /* after sched_process_exit, blocking is the end */
        if (p->exiting && s == S_BLOCKED)
            s = S_DEAD;
        note(r,
             s == S_RUNNABLE  ? IPA_RECORDED_PREEMPT
             : s == S_BLOCKED ? IPA_RECORDED_BLOCK
                              : IPA_RECORDED_EXIT,
             p, l->cpu, NULL, -1, r->now);
        if (s != S_RUNNABLE) {
            flush_run(r, p);
            p->state = s;
            p->since_ns = r->now;
        }
    }
    struct fthread *n = NULL;
    if (next_pid) {
        c = comm_field(l->fields, "next_comm", "next_pid");
        n = thread_of(r, next_pid, c ? c : "?", c ? (int)strlen(c) : 1);
        g_free(c);
        note_prio(n, l->fields, "next_prio");
    }
    runs_on(r, l->cpu, n, r->now);
}

/* sched_waking, sched_wakeup, sched_wakeup_new, in the waker's context
 * (@current: the task the event ran in, NULL for the idle task). */
static void ev_wakeup(struct reader *r, const struct line *l,
                      struct fthread *current, bool is_new)
{
    int pid, success;
    if (!int_field(l->fields, "pid", &pid)) {
        r->unparsed++;
        return;
    }
    if (int_field(l->fields, "success", &success) && !success) {
        r->dropped_wakeups++;
        return;
    }
    if (!pid)
        return;
    char *c = comm_field(l->fields, "comm", "pid");
    struct fthread *w =
        thread_of(r, pid, c ? c : "?", c ? (int)strlen(c) : 1);
    g_free(c);
    note_prio(w, l->fields, "prio");
    int target = -1;
    if (!int_field(l->fields, "target_cpu", &target) || target < 0)
        target = -1;
    if (w->state == S_NEW) {
        start(w, S_RUNNABLE, r->now);
        note(r, IPA_RECORDED_ARRIVE, w, target, current, l->cpu, r->now);
        return;
    }
    if (w->state != S_BLOCKED) {
        if (!is_new)
            r->dropped_wakeups++; /* already awake: waking then wakeup */
        return;
    }
    struct fthread *waker = current != w ? current : NULL;
    if (waker) {
        flush_run(r, waker);
        int ch = channel(r, waker, w);
        add_fop(waker, F_SIGNAL, 0, ch);
        add_fop(w, F_WAIT, 0, ch);
    } else {
        add_fop(w, F_SLEEP, r->now - w->since_ns, 0);
    }
    note(r, IPA_RECORDED_WAKE, w, target, waker, l->cpu, r->now);
    w->state = S_RUNNABLE;
    w->since_ns = r->now;
}

static void ev_fork(struct reader *r, const struct line *l,
                    struct fthread *current)
{
    int parent_pid, child_pid;
    if (!int_field(l->fields, "child_pid", &child_pid)) {
        r->unparsed++;
        return;
    }
    if (!int_field(l->fields, "pid", &parent_pid))
        parent_pid = l->pid;
    struct fthread *parent =
        current && current->pid == parent_pid
            ? current
            : parent_pid ? current_of(r, parent_pid, l->comm, l->comm_len)
                         : NULL;
    char *c = comm_field(l->fields, "child_comm", "child_pid");
    int old = index_of(r, child_pid);
    if (old >= 0 && nth(r, old)->state != S_DEAD)
        nth(r, old)->state = S_DEAD; /* the pid was reused */
    struct fthread *child =
        new_thread(r, child_pid, c ? c : "?", c ? (int)strlen(c) : 1);
    g_free(c);
    start(child, S_RUNNABLE, r->now);
    note(r, IPA_RECORDED_ARRIVE, child, -1, parent, l->cpu, r->now);
    if (parent) {
        flush_run(r, parent);
        child->is_template = true;
        add_fop(parent, F_SPAWN, 0, (int)r->threads->len - 1);
    }
}

/* The exiting thread still runs (and wakes its parent) until its last
 * switch-out, which ends it. */
static void ev_exit(struct reader *r, const struct line *l)
{
    int pid;
    if (!int_field(l->fields, "pid", &pid))
        pid = l->pid;
    int i = index_of(r, pid);
    if (pid && i >= 0)
        nth(r, i)->exiting = true;
}

/* sched_stat_runtime: CPU time the kernel billed a task (update_curr),
 * wherever the event ran: a wake-up from another CPU bills the target
 * CPU's task from the waker's. It charges a woken task from its enqueue,
 * which no switch shows (docs/trace-format.md, "CPU time"). */
static void ev_billed(struct reader *r, const struct line *l)
{
    int pid;
    const char *v = field(l->fields, "runtime");
    if (!int_field(l->fields, "pid", &pid) || !v || !g_ascii_isdigit(*v)) {
        r->unparsed++;
        return;
    }
    uint64_t ns = g_ascii_strtoull(v, NULL, 10);
    r->billings++;
    int i = pid ? index_of(r, pid) : -1;
    struct fthread *t = i >= 0 ? nth(r, i) : NULL;
    if (!t || t->state == S_NEW || t->state == S_DEAD) {
        r->unbilled_ns += ns;
        return;
    }
    int cpu = t->cpu >= 0 ? t->cpu : t->last_cpu >= 0 ? t->last_cpu : l->cpu;
    t->acc_billed += (unsigned __int128)ns * capacity_of(r, cpu);
    t->billed_ns += ns;
    if (t->cpu >= 0 && cpu_at(r, t->cpu)->from_start)
        t->billed_head_ns += ns;
}

/* "CPU:2 [LOST 120 EVENTS]" (trace-cmd), "... PERF_RECORD_LOST ..."
 * (perf script --show-lost-events): every CPU named, or all. */
static bool lost_line(struct reader *r, const char *s)
{
    const char *f = s + strspn(s, " \t");
    int cpu = -1;
    long n = 0;
    if (g_str_has_prefix(f, "CPU:") && strstr(f, "[LOST")) {
        cpu = atoi(f + 4);
        const char *v = strstr(f, "[LOST") + 5;
        n = strtol(v, NULL, 10);
    } else if (strstr(f, "PERF_RECORD_LOST")) {
        const char *b = strstr(f, " [");
        if (b && g_ascii_isdigit(b[2]))
            cpu = atoi(b + 2);
        const char *v = strstr(f, "lost");
        if (v)
            n = strtol(v + 4, NULL, 10);
    } else {
        return false;
    }
    if (cpu > 99999)
        return false;
    r->lost_events += n;
    for (int i = cpu < 0 ? 0 : cpu;
         i <= (cpu < 0 ? (int)r->cpus->len - 1 : cpu); i++) {
        struct fcpu *c = cpu_at(r, i);
        if (!c->seen) {
            /* nothing known there yet: not even what ran from the start */
            c->seen = true;
            c->cur = CPU_UNKNOWN;
            c->last_ns = r->now;
            r->gaps[GAP_LOST]++;
        } else {
            gap(r, i, GAP_LOST, NULL);
        }
    }
    return true;
}

/* Which program printed the first event line: perf script names the
 * subsystem ("sched:sched_switch:") and separates comm and pid by spaces;
 * the kernel's own trace and trace_pipe (and systrace, which embeds them)
 * print the irq/preempt flags ("d..3") between the CPU and the time;
 * trace-cmd report prints neither. */
static void note_form(struct reader *r, const struct line *l)
{
    if (r->form)
        return;
    const char *t = l->after_cpu + strspn(l->after_cpu, " ");
    if (l->subsystem)
        r->form = "perf script";
    else if (!g_ascii_isdigit(*t))
        r->form = r->html ? "systrace HTML (kernel trace text)"
                          : "kernel trace/trace_pipe text";
    else
        r->form = "trace-cmd report";
}

static void one_line(struct reader *r, char *s)
{
    struct line l;
    r->lineno++;
    if (lost_line(r, s))
        return;
    if (!parse_line(s, &l)) {
        /* before the first event: "version = 6", "CPU 3 is empty", perf's
         * "# ..." header */
        const char *f = s + strspn(s, " \t");
        if (!r->have_t0 && g_str_has_prefix(f, "cpus="))
            r->header_cpus = atoi(f + 5);
        if (*f == '#' || (*f && !r->have_t0))
            r->header++;
        else if (*f)
            r->unparsed++;
        return;
    }
    if (!r->have_t0) {
        r->t0 = l.ts_ns;
        r->have_t0 = true;
    }
    uint64_t at = l.ts_ns > r->t0 ? l.ts_ns - r->t0 : 0;
    struct fcpu *c = cpu_at(r, l.cpu);
    if (c->seen && at < c->last_at) {
        gap(r, l.cpu, GAP_OUT_OF_ORDER, NULL);
        return;
    }
    c->last_at = at;
    /* CPUs interleave: a line older than another CPU's counts from the
     * latest moment seen, so durations never run backwards */
    if (at > r->now)
        r->now = at;
    r->events++;
    note_form(r, &l);
    char *raw = NULL;
    if (!strstr(l.fields, "pid=") && (raw = pretty_fields(l.event, l.fields))) {
        l.fields = raw;
        r->pretty++;
    }
    if (!strcmp(l.event, "sched_switch")) {
        ev_switch(r, &l);
        g_free(raw);
        return;
    }
    struct fthread *current =
        current_is(r, &l, l.pid, l.comm, l.comm_len, GAP_OTHER_TASK);
    if (!strcmp(l.event, "sched_waking") ||
        !strcmp(l.event, "sched_wakeup")) {
        ev_wakeup(r, &l, current, false);
    } else if (!strcmp(l.event, "sched_wakeup_new")) {
        ev_wakeup(r, &l, current, true);
    } else if (!strcmp(l.event, "sched_process_fork")) {
        ev_fork(r, &l, current);
    } else if (!strcmp(l.event, "sched_process_exit")) {
        ev_exit(r, &l);
    } else if (!strcmp(l.event, "sched_stat_runtime")) {
        ev_billed(r, &l);
    } else if (!strcmp(l.event, "sched_migrate_task")) {
        r->migrations++;
    } else {
        r->other_events++;
        gpointer n = g_hash_table_lookup(r->unknown, l.event);
        if (!n)
            g_hash_table_insert(r->unknown, g_strdup(l.event),
                                GINT_TO_POINTER(1));
        else
            g_hash_table_insert(r->unknown, g_strdup(l.event),
                                GINT_TO_POINTER(GPOINTER_TO_INT(n) + 1));
    }
    g_free(raw);
}

/* ------------------------------------------------------------------ */
/* Output */

static struct json_object *thread_json(struct reader *r, struct fthread *t)
{
    struct json_object *th = json_object_new_object(), *ops;
    json_object_object_add(th, "name", json_object_new_string(t->name));
    if (!t->is_template && t->start_ns)
        json_object_object_add(th, "start", ipa_trace_dur_json(t->start_ns));
    if (t->prio >= 100 && t->prio <= 139 && t->prio != 120)
        json_object_object_add(th, "nice", json_object_new_int(t->prio - 120));
    if (t->prio >= 0 && t->prio < 100) {
        struct json_object *a = json_object_new_object();
        json_object_object_add(a, "rt_priority",
                               json_object_new_int(99 - t->prio));
        json_object_object_add(th, "attrs", a);
        r->rt_threads++;
    }
    ops = json_object_new_array();
    for (guint i = 0; i < t->ops->len; i++) {
        const struct fop *op = &g_array_index(t->ops, struct fop, i);
        struct json_object *o = json_object_new_object();
        uint64_t ran = t->billed_ns ? op->billed : op->ns;
        switch (op->kind) {
        case F_RUN:
            if (!ran) {
                json_object_put(o);
                continue;
            }
            json_object_object_add(o, "run", ipa_trace_dur_json(ran));
            break;
        case F_SLEEP:
            json_object_object_add(o, "sleep", ipa_trace_dur_json(op->ns));
            break;
        case F_WAIT:
        case F_SIGNAL:
            json_object_object_add(
                o, op->kind == F_WAIT ? "wait" : "signal",
                json_object_new_string(g_ptr_array_index(r->channels, op->ref)));
            break;
        case F_SPAWN:
            json_object_object_add(o, "spawn",
                                   json_object_new_string(nth(r, op->ref)->name));
            break;
        }
        json_object_array_add(ops, o);
    }
    json_object_object_add(th, "ops", ops);
    return th;
}

static char *summary(struct reader *r, int nr_threads, int nr_templates)
{
    GString *s = g_string_new(NULL);
    g_string_append_printf(s,
                           "%s: %s%s: imported %d threads and %d forked "
                           "templates "
                           "from %ld events; dropped: %ld idle-task switches, "
                           "%ld migrations (placement is the policy's), %ld "
                           "redundant wake-ups",
                           r->file, r->form,
                           r->pretty ? ", sched plugin form" : "", nr_threads,
                           nr_templates, r->events,
                           r->idle, r->migrations, r->dropped_wakeups);
    GPtrArray *names = g_ptr_array_new();
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, r->unknown);
    while (g_hash_table_iter_next(&it, &key, NULL))
        g_ptr_array_add(names, key);
    g_ptr_array_sort(names, ipa_cmp_strings);
    long total = 0;
    for (guint i = 0; i < names->len; i++)
        total += GPOINTER_TO_INT(
            g_hash_table_lookup(r->unknown, g_ptr_array_index(names, i)));
    g_string_append_printf(s, ", %ld unknown events", total);
    for (guint i = 0; i < names->len; i++)
        g_string_append_printf(
            s, "%s%s %d", i ? ", " : " (",
            (char *)g_ptr_array_index(names, i),
            GPOINTER_TO_INT(
                g_hash_table_lookup(r->unknown, g_ptr_array_index(names, i))));
    if (names->len)
        g_string_append_c(s, ')');
    g_ptr_array_unref(names);
    g_string_append_printf(s, ", %ld blocks still open at the end", r->open_blocks);
    if (r->not_woken)
        g_string_append_printf(s, ", %ld blocks without a wake-up (replayed "
                                  "as sleeps)",
                               r->not_woken);
    if (r->rt_threads)
        g_string_append_printf(s, ", %ld real-time threads (priority kept "
                                  "in attrs.rt_priority)",
                               r->rt_threads);
    if (r->unparsed)
        g_string_append_printf(s, ", %ld lines not understood", r->unparsed);
    uint64_t head = 0, tail = 0, billed = 0, billed_head = 0;
    int nr_billed = 0, nr_switched = 0;
    for (guint i = 0; i < r->threads->len; i++) {
        const struct fthread *t = nth(r, (int)i);
        if (t->billed_ns) {
            nr_billed++;
            billed += t->billed_ns;
            billed_head += t->billed_head_ns;
            continue;
        }
        head += t->head_ns;
        tail += t->tail_ns;
        for (guint k = 0; k < t->ops->len; k++)
            if (g_array_index(t->ops, struct fop, k).kind == F_RUN) {
                nr_switched++;
                break;
            }
    }
    if (r->billings) {
        g_string_append_printf(s,
                               "; CPU time as the kernel billed it "
                               "(sched_stat_runtime): %.3f ms to %d threads, "
                               "%.3f ms of it while they ran from the "
                               "recording's start",
                               billed / 1e6, nr_billed, billed_head / 1e6);
        if (r->unbilled_ns)
            g_string_append_printf(s,
                                   ", %.3f ms to tasks no event showed "
                                   "running (dropped)",
                                   r->unbilled_ns / 1e6);
    }
    if (!r->billings || nr_switched)
        g_string_append_printf(s,
                               "; CPU time from switches %s, %.3f ms of it "
                               "before CPUs' first switches (from the "
                               "recording's start) and %.3f ms after their "
                               "last (to its end)",
                               r->billings ? "for the threads never billed"
                                           : "only",
                               head / 1e6, tail / 1e6);
    long nr_gaps = 0;
    for (int k = 0; k < NR_GAPS; k++)
        nr_gaps += r->gaps[k];
    if (nr_gaps)
        g_string_append_printf(
            s,
            "; gaps: %ld LOST records (%ld events), %ld events of a task "
            "not switched in there, %ld switch-ins of a task running "
            "elsewhere, %ld switch-outs of a task not running there, %ld "
            "events out of order: each run ends at the CPU's last event "
            "before its gap, %.3f ms of %s counted to no task%s",
            r->gaps[GAP_LOST], r->lost_events, r->gaps[GAP_OTHER_TASK],
            r->gaps[GAP_TWICE], r->gaps[GAP_NOT_RUNNING],
            r->gaps[GAP_OUT_OF_ORDER], r->gap_ns / 1e6,
            r->billings ? "the switches' CPU time" : "CPU time",
            r->billings ? " (the kernel's billing still counts)" : "");
    return g_string_free(s, false);
}

struct ipa_recorded *ipa_recorded_new(void)
{
    struct ipa_recorded *rec = g_new0(struct ipa_recorded, 1);
    rec->events = g_array_new(false, false, sizeof(struct ipa_recorded_event));
    rec->names = g_ptr_array_new_with_free_func(g_free);
    rec->pinned = g_array_new(false, false, sizeof(int));
    rec->billed = g_array_new(false, false, sizeof(uint64_t));
    return rec;
}

void ipa_recorded_free(struct ipa_recorded *rec)
{
    if (!rec)
        return;
    g_array_unref(rec->events);
    g_ptr_array_unref(rec->names);
    g_array_unref(rec->pinned);
    g_array_unref(rec->billed);
    g_free(rec);
}

static gint by_time(gconstpointer a, gconstpointer b)
{
    uint64_t ta = ((const struct ipa_recorded_event *)a)->time_ns;
    uint64_t tb = ((const struct ipa_recorded_event *)b)->time_ns;
    return ta < tb ? -1 : ta > tb;
}

/* The schedule's events come in the order the text gave them, but a gap
 * ends a run at its CPU's last event, earlier than the line that shows
 * it: a stable sort puts it back in time. */
static void finish_schedule(struct reader *r)
{
    struct ipa_recorded *rec = r->sched;
    g_array_sort(rec->events, by_time);
    for (guint i = 0; i < r->threads->len; i++) {
        const struct fthread *t = nth(r, (int)i);
        uint64_t billed = t->billed_ns ? t->billed_ns : UINT64_MAX;
        g_ptr_array_add(rec->names, g_strdup(t->name));
        g_array_append_val(rec->billed, billed);
    }
    rec->nr_cpus = MAX((int)r->cpus->len, r->header_cpus);
    rec->end_ns = r->now;
}

static void fthread_free(struct fthread *t)
{
    g_array_unref(t->ops);
    g_free(t->name);
    g_free(t);
}

bool ipa_trace_import_ftrace(const char *path, const char *text, size_t len,
                             struct ipa_import *im, GError **error)
{
    struct reader r = {.file = path, .im = im, .missing_cpu = -1};
    r.threads = g_ptr_array_new_with_free_func((GDestroyNotify)fthread_free);
    r.by_pid = g_hash_table_new(g_direct_hash, g_direct_equal);
    r.names = g_hash_table_new(g_str_hash, g_str_equal);
    r.channels = g_ptr_array_new_with_free_func(g_free);
    r.chan_idx = g_hash_table_new(g_str_hash, g_str_equal);
    r.cpus = g_array_new(false, true, sizeof(struct fcpu));
    r.warnings = im->warnings;
    r.sched = im->schedule;
    r.html = g_strstr_len(text, (gssize)MIN(len, 4096), "<html") ||
             g_strstr_len(text, (gssize)MIN(len, 4096), "<!DOCTYPE html");
    r.unknown = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    bool ok = false;

    char *copy = g_strndup(text, len);
    for (char *s = copy, *nl; s && *s; s = nl ? nl + 1 : NULL) {
        nl = strchr(s, '\n');
        if (nl)
            *nl = 0;
        size_t n = strlen(s);
        while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
            s[--n] = 0;
        one_line(&r, s);
    }
    g_free(copy);
    if (r.events == r.other_events) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s: no scheduler events found (expected trace-cmd "
                    "report or perf script text with sched_switch lines)",
                    path);
        goto out;
    }
    /* the task a CPU's last switch put there ran to the recording's end */
    for (guint i = 0; i < r.cpus->len; i++) {
        struct fcpu *c = &g_array_index(r.cpus, struct fcpu, i);
        if (c->seen && c->cur >= 0) {
            struct fthread *t = nth(&r, c->cur);
            if (!c->from_start)
                t->tail_ns += r.now - t->since_ns;
            run_ends(&r, c, r.now);
        }
    }
    for (guint i = 0; i < r.threads->len; i++) {
        struct fthread *t = nth(&r, (int)i);
        /* billing printed after a block (another CPU's clock) is
         * still the thread's */
        if (t->state == S_RUNNING || t->state == S_RUNNABLE ||
            (t->state == S_BLOCKED && t->acc_billed))
            flush_run(&r, t);
        if (t->state == S_BLOCKED)
            r.open_blocks++;
    }

    struct json_object *root = json_object_new_object();
    struct json_object *threads = json_object_new_array();
    struct json_object *templates = json_object_new_array();
    char *base = g_path_get_basename(path);
    if (g_str_has_suffix(base, ".gz") && strlen(base) > 3)
        base[strlen(base) - 3] = 0;
    char *dot = strrchr(base, '.');
    if (dot && dot != base)
        *dot = 0;
    json_object_object_add(root, "ipasim_trace", json_object_new_int(1));
    json_object_object_add(root, "name", json_object_new_string(base));
    g_free(base);
    for (guint i = 0; i < r.threads->len; i++) {
        struct fthread *t = nth(&r, (int)i);
        json_object_array_add(t->is_template ? templates : threads,
                              thread_json(&r, t));
    }
    int nt = (int)json_object_array_length(threads);
    int np = (int)json_object_array_length(templates);
    if (!nt) {
        json_object_put(root);
        json_object_put(threads);
        json_object_put(templates);
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s: no thread other than the idle task", path);
        goto out;
    }
    if (r.missing_cpu >= 0) {
        json_object_put(root);
        json_object_put(threads);
        json_object_put(templates);
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s: the recording ran tasks on CPU %d, which %s lacks "
                    "(give the topology of the machine it was recorded on)",
                    path, r.missing_cpu,
                    im->recorded_on ? im->recorded_on->name : "the topology");
        goto out;
    }
    json_object_object_add(root, "threads", threads);
    if (np)
        json_object_object_add(root, "templates", templates);
    else
        json_object_put(templates);
    im->root = root;
    im->summary = summary(&r, nt, np);
    if (r.sched)
        finish_schedule(&r);
    if (im->recorded_on) {
        char *s = g_strdup_printf("%s; runs in work at capacity 1024, "
                                  "by the capacities of %s (%.3f ms of "
                                  "CPU time on slower CPUs)",
                                  im->summary, im->recorded_on->name,
                                  r.slow_ns / 1e6);
        g_free(im->summary);
        im->summary = s;
    }
    ok = true;
out:
    g_ptr_array_unref(r.threads);
    g_hash_table_unref(r.by_pid);
    g_hash_table_unref(r.names);
    g_hash_table_unref(r.chan_idx);
    g_ptr_array_unref(r.channels);
    g_array_unref(r.cpus);
    g_hash_table_unref(r.unknown);
    return ok;
}
