/*
 * random_modes.c - randomized differential test of the two DSL modes.
 *
 *   random_modes IPASIM SCRATCH-DIR CASES SEED
 *
 * Generates seeded random workloads (threads with start times, affinities,
 * nice values, loops of runs, sleeps, yields and wake-ups over channels)
 * on random small synthetic machines, runs each library policy on them
 * interpreted and compiled, and requires the same exit status and a
 * byte-identical event log. A case that differs is shrunk (threads, then
 * operations, then loop counts removed while it still differs) and the
 * smallest reproducer is printed as a trace and a command line.
 * Ends with `N passed, N failed`.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#define MAX_THREADS 12
#define MAX_OPS 6

struct op {
    char kind; /* r run, s sleep, y yield, w wait, g signal */
    int us;    /* run/sleep length */
    int chan;
};

struct thread {
    int start_us, nice, affinity_from, affinity_to; /* to < 0: all cores */
    int repeat;
    struct op ops[MAX_OPS];
    int nr_ops;
};

struct workload {
    char topo[64];
    int nr_cores;
    const char *policy;
    struct thread threads[MAX_THREADS];
    int nr_threads;
};

static const char *const policies[] = {"fifo.ipa", "rr.ipa", "quanta.ipa",
                                       "cfs.ipa", "cfs_cwc.ipa", "ule.ipa",
                                       "edf.ipa", "locality.ipa"};

static void generate(GRand *r, struct workload *w, int index)
{
    int packs = g_rand_int_range(r, 1, 3), cores = g_rand_int_range(r, 1, 5),
        pus = g_rand_int_range(r, 1, 3);
    bool numa = packs > 1 && g_rand_boolean(r);
    g_snprintf(w->topo, sizeof w->topo, "pack:%d %score:%d pu:%d", packs,
               numa ? "[numa] " : "", cores, pus);
    w->nr_cores = packs * cores * pus;
    w->policy = policies[index % G_N_ELEMENTS(policies)];
    w->nr_threads = g_rand_int_range(r, 2, MAX_THREADS + 1);
    for (int i = 0; i < w->nr_threads; i++) {
        struct thread *t = &w->threads[i];
        t->start_us = g_rand_boolean(r) ? 0 : g_rand_int_range(r, 0, 5000);
        t->nice = g_rand_int_range(r, 0, 4) ? 0 : g_rand_int_range(r, -5, 6);
        t->affinity_to = -1;
        if (w->nr_cores > 1 && !g_rand_int_range(r, 0, 4)) {
            t->affinity_from = g_rand_int_range(r, 0, w->nr_cores);
            t->affinity_to = g_rand_int_range(r, t->affinity_from,
                                              w->nr_cores);
        }
        t->repeat = g_rand_int_range(r, 1, 20);
        t->nr_ops = g_rand_int_range(r, 1, MAX_OPS + 1);
        for (int k = 0; k < t->nr_ops; k++) {
            static const char kinds[] = "rrrssywg";
            struct op *o = &t->ops[k];
            o->kind = kinds[g_rand_int_range(r, 0, (int)sizeof kinds - 1)];
            o->us = g_rand_int_range(r, 20, 8000);
            o->chan = g_rand_int_range(r, 0, 3);
        }
    }
}

static char *trace_json(const struct workload *w)
{
    GString *s = g_string_new("{\n  \"ipasim_trace\": 1,\n  \"name\": "
                              "\"random\",\n  \"threads\": [\n");
    for (int i = 0; i < w->nr_threads; i++) {
        const struct thread *t = &w->threads[i];
        g_string_append_printf(s, "    {\"name\": \"t%d\", \"start\": \"%dus\", "
                               "\"nice\": %d, ",
                               i, t->start_us, t->nice);
        if (t->affinity_to >= 0)
            g_string_append_printf(s, "\"affinity\": \"%d-%d\", ",
                                   t->affinity_from, t->affinity_to);
        g_string_append_printf(s, "\"ops\": [{\"repeat\": %d, \"ops\": [",
                               t->repeat);
        for (int k = 0; k < t->nr_ops; k++) {
            const struct op *o = &t->ops[k];
            const char *sep = k ? ", " : "";
            switch (o->kind) {
            case 'r':
                g_string_append_printf(s, "%s{\"run\": \"%dus\"}", sep, o->us);
                break;
            case 's':
                g_string_append_printf(s, "%s{\"sleep\": \"%dus\"}", sep,
                                       o->us);
                break;
            case 'y': g_string_append_printf(s, "%s{\"yield\": true}", sep); break;
            case 'w':
                g_string_append_printf(s, "%s{\"wait\": \"c%d\"}", sep,
                                       o->chan);
                break;
            default:
                g_string_append_printf(s, "%s{\"signal\": \"c%d\"}", sep,
                                       o->chan);
            }
        }
        g_string_append_printf(s, "]}]}%s\n",
                               i + 1 < w->nr_threads ? "," : "");
    }
    g_string_append(s, "  ]\n}\n");
    return g_string_free(s, FALSE);
}

/* Runs one mode; its exit status and log. */
static int run(const char *ipasim, const char *dir, const struct workload *w,
               const char *mode, char **log)
{
    char *trace = g_build_filename(dir, "trace.json", NULL);
    char *log_path = g_strdup_printf("%s/%s.log", dir, mode);
    char *json = trace_json(w);
    g_file_set_contents(trace, json, -1, NULL);
    char *argv[] = {(char *)ipasim, "--topo", (char *)w->topo, "--policy",
                    (char *)w->policy, "--trace", trace, "--mode",
                    (char *)mode, "--log", log_path, "--until", "2s", "-q",
                    NULL};
    int status = -1;
    char *out = NULL, *err = NULL;
    if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                      &err, &status, NULL))
        status = -1;
    *log = NULL;
    if (!g_file_get_contents(log_path, log, NULL, NULL))
        *log = g_strdup("");
    /* a run that ends in an error writes no log: compare the errors */
    if (err && **log == 0) {
        g_free(*log);
        *log = g_strdup(err);
    }
    g_free(out);
    g_free(err);
    g_free(json);
    g_free(trace);
    g_free(log_path);
    return status;
}

static int completed; /* cases both modes ran to their end (exit 0) */

static bool differs(const char *ipasim, const char *dir,
                    const struct workload *w)
{
    char *a, *b;
    int ra = run(ipasim, dir, w, "interpreted", &a);
    int rb = run(ipasim, dir, w, "compiled", &b);
    bool d = ra != rb || strcmp(a, b);
    completed += !d && ra == 0;
    g_free(a);
    g_free(b);
    return d;
}

/* Removes what the difference does not need. */
static void shrink(const char *ipasim, const char *dir, struct workload *w)
{
    bool progress = true;
    while (progress) {
        progress = false;
        for (int i = 0; i < w->nr_threads && w->nr_threads > 1; i++) {
            struct workload c = *w;
            memmove(&c.threads[i], &c.threads[i + 1],
                    sizeof c.threads[0] * (size_t)(c.nr_threads - i - 1));
            c.nr_threads--;
            if (differs(ipasim, dir, &c)) {
                *w = c;
                progress = true;
                i--;
            }
        }
        for (int i = 0; i < w->nr_threads; i++) {
            struct thread *t = &w->threads[i];
            for (int k = 0; k < t->nr_ops && t->nr_ops > 1; k++) {
                struct workload c = *w;
                struct thread *ct = &c.threads[i];
                memmove(&ct->ops[k], &ct->ops[k + 1],
                        sizeof ct->ops[0] * (size_t)(ct->nr_ops - k - 1));
                ct->nr_ops--;
                if (differs(ipasim, dir, &c)) {
                    *w = c;
                    progress = true;
                    k--;
                }
            }
            while (t->repeat > 1) {
                struct workload c = *w;
                c.threads[i].repeat = t->repeat / 2;
                if (!differs(ipasim, dir, &c))
                    break;
                *w = c;
                progress = true;
            }
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: random_modes IPASIM SCRATCH-DIR CASES SEED\n");
        return 2;
    }
    const char *ipasim = argv[1], *dir = argv[2];
    int cases = atoi(argv[3]);
    g_mkdir_with_parents(dir, 0755);
    GRand *r = g_rand_new_with_seed((guint32)strtoul(argv[4], NULL, 10));
    int passed = 0, failed = 0;
    for (int i = 0; i < cases; i++) {
        struct workload w;
        generate(r, &w, i);
        if (!differs(ipasim, dir, &w)) {
            passed++;
            continue;
        }
        failed++;
        shrink(ipasim, dir, &w);
        char *json = trace_json(&w);
        printf("case %d: %s differs between the modes; smallest reproducer:\n"
               "  ipasim --topo \"%s\" --policy %s --trace repro.json --mode "
               "interpreted|compiled --log L --until 2s\nrepro.json:\n%s",
               i, w.policy, w.topo, w.policy, json);
        g_free(json);
    }
    g_rand_free(r);
    /* a case that fails in both modes alike (a deadlock, a policy fault)
     * still compares their messages */
    printf("%d of %d cases ran to the end in both modes\n", completed, cases);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
