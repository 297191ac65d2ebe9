/*
 * trace_ftrace.c - recorded kernel scheduler traces into native traces.
 *
 * Reads the text of `trace-cmd report` ("comm-pid [cpu] ts: event: ...")
 * and `perf script` ("comm pid [cpu] ts: sched:event: ..."). From
 * sched_switch, sched_waking/sched_wakeup(_new), sched_process_fork/exit it
 * rebuilds what each thread did: CPU time between blocking points (run),
 * blocking ended by another thread's wake-up (a wait on a channel that the
 * waker signals at that moment: "who woke whom"), blocking ended from the
 * idle task or an interrupt (a sleep of the recorded length), and forks
 * (spawn of a template). Placement, migrations and queueing are left out:
 * they are what the replaying policy decides.
 */
#include "trace/import.h"

#include <inttypes.h>
#include <string.h>

#include "util/common.h"

enum fop_kind { F_RUN, F_SLEEP, F_WAIT, F_SIGNAL, F_SPAWN };

struct fop {
    enum fop_kind kind;
    uint64_t ns; /* F_RUN, F_SLEEP */
    int ref;     /* F_WAIT, F_SIGNAL: channel; F_SPAWN: thread index */
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
    uint64_t acc_ns;   /* CPU time not yet written as a run */
    GArray *ops;       /* struct fop */
};

struct reader {
    const char *file;
    GPtrArray *threads;   /* struct fthread * in order of appearance */
    GHashTable *by_pid;   /* pid -> index + 1 of its current thread */
    GHashTable *names;    /* thread names in use */
    GPtrArray *channels;  /* char *, "waker>wakee" */
    GHashTable *chan_idx; /* name -> index + 1 */
    GArray *cpu_since;    /* uint64_t per CPU: its last switch */
    GHashTable *unknown;  /* event name -> count */
    uint64_t t0, now;
    bool have_t0;
    long other_events; /* of kinds the importer does not model */
    long events, idle, migrations, unparsed, header, dropped_wakeups,
        open_blocks, rt_threads, not_woken;
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

static struct fthread *new_thread(struct reader *r, int pid, const char *comm,
                                  int comm_len)
{
    struct fthread *t = g_new0(struct fthread, 1);
    t->pid = pid;
    t->prio = -1;
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

/* @t is the task running on @cpu now: make it so in the model. */
static void on_cpu(struct reader *r, struct fthread *t, int cpu)
{
    if (t->state == S_NEW) {
        uint64_t since = (guint)cpu < r->cpu_since->len
                             ? g_array_index(r->cpu_since, uint64_t, cpu)
                             : 0;
        start(t, S_RUNNING, since);
    } else if (t->state == S_BLOCKED) {
        /* woken and switched in without events we could see */
        r->not_woken++;
        add_fop(t, F_SLEEP, r->now - t->since_ns, 0);
        t->state = S_RUNNING;
        t->since_ns = r->now;
    } else if (t->state == S_RUNNABLE) {
        t->state = S_RUNNING;
        t->since_ns = r->now;
    }
}

/* Writes the CPU time so far as a run. */
static void flush_run(struct reader *r, struct fthread *t)
{
    if (t->state == S_DEAD)
        return;
    if (t->state == S_RUNNING) {
        t->acc_ns += r->now - t->since_ns;
        t->since_ns = r->now;
    }
    if (t->acc_ns)
        add_fop(t, F_RUN, t->acc_ns, 0);
    t->acc_ns = 0;
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
    if (prev_pid) {
        char *c = comm_field(l->fields, "prev_comm", "prev_pid");
        struct fthread *p =
            current_of(r, prev_pid, c ? c : "?", c ? (int)strlen(c) : 1);
        g_free(c);
        note_prio(p, l->fields, "prev_prio");
        on_cpu(r, p, l->cpu);
    }
    if (prev_pid && nth(r, index_of(r, prev_pid))->state != S_DEAD) {
        struct fthread *p = nth(r, index_of(r, prev_pid));
        enum fstate s = switched_out_state(field(l->fields, "prev_state"));
        p->acc_ns += r->now - p->since_ns;
        p->since_ns = r->now;
        if (s == S_RUNNABLE) {
            p->state = S_RUNNABLE;
        } else {
            flush_run(r, p);
            p->state = s;
            p->since_ns = r->now;
        }
    }
    if (next_pid) {
        char *c = comm_field(l->fields, "next_comm", "next_pid");
        struct fthread *n =
            thread_of(r, next_pid, c ? c : "?", c ? (int)strlen(c) : 1);
        g_free(c);
        note_prio(n, l->fields, "next_prio");
        if (n->state == S_NEW)
            start(n, S_RUNNING, r->now);
        else
            on_cpu(r, n, l->cpu);
    }
    if ((guint)l->cpu >= r->cpu_since->len)
        g_array_set_size(r->cpu_since, (guint)l->cpu + 1);
    g_array_index(r->cpu_since, uint64_t, l->cpu) = r->now;
}

/* sched_waking, sched_wakeup, sched_wakeup_new, in the waker's context. */
static void ev_wakeup(struct reader *r, const struct line *l, bool is_new)
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
    if (w->state == S_NEW) {
        start(w, S_RUNNABLE, r->now);
        return;
    }
    if (w->state != S_BLOCKED) {
        if (!is_new)
            r->dropped_wakeups++; /* already awake: waking then wakeup */
        return;
    }
    struct fthread *waker =
        l->pid && l->pid != pid
            ? current_of(r, l->pid, l->comm, l->comm_len)
            : NULL;
    if (waker) {
        on_cpu(r, waker, l->cpu);
        flush_run(r, waker);
        int ch = channel(r, waker, w);
        add_fop(waker, F_SIGNAL, 0, ch);
        add_fop(w, F_WAIT, 0, ch);
    } else {
        add_fop(w, F_SLEEP, r->now - w->since_ns, 0);
    }
    w->state = S_RUNNABLE;
    w->since_ns = r->now;
}

static void ev_fork(struct reader *r, const struct line *l)
{
    int parent_pid, child_pid;
    if (!int_field(l->fields, "child_pid", &child_pid)) {
        r->unparsed++;
        return;
    }
    if (!int_field(l->fields, "pid", &parent_pid))
        parent_pid = l->pid;
    struct fthread *parent =
        parent_pid ? current_of(r, parent_pid, l->comm, l->comm_len) : NULL;
    char *c = comm_field(l->fields, "child_comm", "child_pid");
    int old = index_of(r, child_pid);
    if (old >= 0 && nth(r, old)->state != S_DEAD)
        nth(r, old)->state = S_DEAD; /* the pid was reused */
    struct fthread *child =
        new_thread(r, child_pid, c ? c : "?", c ? (int)strlen(c) : 1);
    g_free(c);
    start(child, S_RUNNABLE, r->now);
    if (parent) {
        on_cpu(r, parent, l->cpu);
        flush_run(r, parent);
        child->is_template = true;
        add_fop(parent, F_SPAWN, 0, (int)r->threads->len - 1);
    }
}

static void ev_exit(struct reader *r, const struct line *l)
{
    int pid;
    if (!int_field(l->fields, "pid", &pid))
        pid = l->pid;
    int i = index_of(r, pid);
    if (!pid || i < 0)
        return;
    struct fthread *t = nth(r, i);
    if (t->state == S_RUNNING || t->state == S_RUNNABLE)
        flush_run(r, t);
    t->state = S_DEAD;
}

static void one_line(struct reader *r, char *s)
{
    struct line l;
    if (!parse_line(s, &l)) {
        /* before the first event: "version = 6", "CPU 3 is empty", perf's
         * "# ..." header */
        const char *f = s + strspn(s, " \t");
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
    /* text traces are sorted; clamp the odd out-of-order line */
    uint64_t now = l.ts_ns > r->t0 ? l.ts_ns - r->t0 : 0;
    if (now > r->now)
        r->now = now;
    r->events++;
    if (!strcmp(l.event, "sched_switch")) {
        ev_switch(r, &l);
    } else if (!strcmp(l.event, "sched_waking") ||
               !strcmp(l.event, "sched_wakeup")) {
        ev_wakeup(r, &l, false);
    } else if (!strcmp(l.event, "sched_wakeup_new")) {
        ev_wakeup(r, &l, true);
    } else if (!strcmp(l.event, "sched_process_fork")) {
        ev_fork(r, &l);
    } else if (!strcmp(l.event, "sched_process_exit")) {
        ev_exit(r, &l);
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
        switch (op->kind) {
        case F_RUN:
        case F_SLEEP:
            json_object_object_add(o, op->kind == F_RUN ? "run" : "sleep",
                                   ipa_trace_dur_json(op->ns));
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

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *summary(struct reader *r, int nr_threads, int nr_templates)
{
    GString *s = g_string_new(NULL);
    g_string_append_printf(s,
                           "%s: imported %d threads and %d forked templates "
                           "from %ld events; dropped: %ld idle-task switches, "
                           "%ld migrations (placement is the policy's), %ld "
                           "redundant wake-ups",
                           r->file, nr_threads, nr_templates, r->events,
                           r->idle, r->migrations, r->dropped_wakeups);
    GPtrArray *names = g_ptr_array_new();
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, r->unknown);
    while (g_hash_table_iter_next(&it, &key, NULL))
        g_ptr_array_add(names, key);
    g_ptr_array_sort(names, cmp_str);
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
    return g_string_free(s, false);
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
    struct reader r = {.file = path};
    r.threads = g_ptr_array_new_with_free_func((GDestroyNotify)fthread_free);
    r.by_pid = g_hash_table_new(g_direct_hash, g_direct_equal);
    r.names = g_hash_table_new(g_str_hash, g_str_equal);
    r.channels = g_ptr_array_new_with_free_func(g_free);
    r.chan_idx = g_hash_table_new(g_str_hash, g_str_equal);
    r.cpu_since = g_array_new(false, true, sizeof(uint64_t));
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
    for (guint i = 0; i < r.threads->len; i++) {
        struct fthread *t = nth(&r, (int)i);
        if (t->state == S_RUNNING || t->state == S_RUNNABLE)
            flush_run(&r, t);
        else if (t->state == S_BLOCKED)
            r.open_blocks++;
    }

    struct json_object *root = json_object_new_object();
    struct json_object *threads = json_object_new_array();
    struct json_object *templates = json_object_new_array();
    char *base = g_path_get_basename(path);
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
    json_object_object_add(root, "threads", threads);
    if (np)
        json_object_object_add(root, "templates", templates);
    else
        json_object_put(templates);
    im->root = root;
    im->summary = summary(&r, nt, np);
    ok = true;
out:
    g_ptr_array_unref(r.threads);
    g_hash_table_unref(r.by_pid);
    g_hash_table_unref(r.names);
    g_hash_table_unref(r.chan_idx);
    g_ptr_array_unref(r.channels);
    g_array_unref(r.cpu_since);
    g_hash_table_unref(r.unknown);
    return ok;
}
