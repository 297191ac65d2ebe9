/*
 * rt_check.c - periodic task sets for the real-time tests (label e2e).
 *
 *   rt_check trace CSV HORIZON_MS OUT.json
 *     writes the native trace of a task set (`id,period_ms,wcet_us`, as in
 *     ../shared/data/tasksets/): one thread per task, released at 0, with
 *     attribute period, running its WCET then sleeping to its next period,
 *     HORIZON / period times;
 *   rt_check gen M N SEED OUT.csv
 *     writes a task set of N tasks for M cores (total utilisation 0.7 M,
 *     periods 10/20/50/100 ms, each task's utilisation at most 1), from a
 *     fixed generator, so that the tests need no data file;
 *   rt_check check CSV LOG
 *     reads the --log of a run of that trace and prints
 *     `jobs J misses M inversion_ns I`: J jobs completed (a job ends when
 *     its thread blocks or exits), M of them after their deadline (release
 *     + period), and I the time during which some waiting job had a
 *     strictly earlier deadline than some running one.
 * Thread ids follow the CSV's order, as the trace lists them.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OTHER, WAITING, RUNNING };

struct task {
    int64_t period_ns, wcet_ns;
    int64_t deadline_ns; /* of the current job */
    int state;
};

static int load_tasks(const char *csv, struct task **out)
{
    FILE *f = fopen(csv, "r");
    if (!f) {
        perror(csv);
        exit(2);
    }
    char line[256];
    int n = 0, cap = 16;
    struct task *t = calloc((size_t)cap, sizeof *t);
    while (fgets(line, sizeof line, f)) {
        long id, period_ms, wcet_us;
        if (sscanf(line, "%ld,%ld,%ld", &id, &period_ms, &wcet_us) != 3)
            continue; /* the header */
        if (n == cap)
            t = realloc(t, sizeof *t * (size_t)(cap *= 2));
        t[n] = (struct task){period_ms * 1000000, wcet_us * 1000, 0, OTHER};
        n++;
    }
    fclose(f);
    *out = t;
    return n;
}

static int write_trace(const char *csv, long horizon_ms, const char *out)
{
    struct task *t;
    int n = load_tasks(csv, &t);
    FILE *f = fopen(out, "w");
    if (!f) {
        perror(out);
        return 2;
    }
    fprintf(f, "{\"ipasim_trace\": 1, \"name\": \"taskset\", \"threads\": [\n");
    for (int i = 0; i < n; i++)
        fprintf(f,
                "  {\"name\": \"task%d\", \"attrs\": {\"period\": \"%" PRId64
                "ns\"}, \"ops\": [{\"repeat\": %" PRId64 ", \"ops\": "
                "[{\"run\": \"%" PRId64 "ns\"}, {\"timer\": \"%" PRId64
                "ns\"}]}]}%s\n",
                i + 1, t[i].period_ns, horizon_ms * 1000000 / t[i].period_ns,
                t[i].wcet_ns, t[i].period_ns, i + 1 < n ? "," : "");
    fprintf(f, "]}\n");
    free(t);
    return fclose(f) ? 2 : 0;
}

/* A fixed linear congruential generator: the same task set everywhere. */
static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return *s >> 33;
}

static int write_taskset(int m, int n, uint64_t seed, const char *out)
{
    static const int periods[] = {10, 20, 50, 100};
    FILE *f = fopen(out, "w");
    if (!f) {
        perror(out);
        return 2;
    }
    fprintf(f, "id,period_ms,wcet_us\n");
    /* utilisations: random weights scaled to 0.7 m, each at most 1 */
    double *w = calloc((size_t)n, sizeof *w), sum = 0;
    for (int i = 0; i < n; i++)
        sum += w[i] = 1 + (double)(lcg(&seed) % 1000);
    for (int i = 0; i < n; i++) {
        double u = w[i] / sum * 0.7 * m;
        if (u > 0.95)
            u = 0.95;
        int p = periods[lcg(&seed) % 4];
        long wcet = (long)(u * p * 1000);
        fprintf(f, "%d,%d,%ld\n", i + 1, p, wcet > 0 ? wcet : 1);
    }
    free(w);
    return fclose(f) ? 2 : 0;
}

/* Whether a waiting job is due strictly before a running one. */
static bool inverted(const struct task *t, int n)
{
    int64_t latest_running = INT64_MIN, earliest_waiting = INT64_MAX;
    for (int i = 0; i < n; i++) {
        if (t[i].state == RUNNING && t[i].deadline_ns > latest_running)
            latest_running = t[i].deadline_ns;
        if (t[i].state == WAITING && t[i].deadline_ns < earliest_waiting)
            earliest_waiting = t[i].deadline_ns;
    }
    return earliest_waiting < latest_running;
}

static int check(const char *csv, const char *log)
{
    struct task *t;
    int n = load_tasks(csv, &t);
    FILE *f = fopen(log, "r");
    if (!f) {
        perror(log);
        return 2;
    }
    char line[256], cb[64], from[32], to[32];
    int64_t now = 0, jobs = 0, misses = 0, inversion = 0;
    bool bad = false; /* inverted since `now` */
    while (fgets(line, sizeof line, f)) {
        int64_t time;
        int core, tid;
        if (sscanf(line, "%" SCNd64 " %63s %d %d %31s %31s", &time, cb, &core,
                   &tid, from, to) != 6 ||
            tid < 0 || tid >= n)
            continue;
        if (time != now) {
            if (bad)
                inversion += time - now;
            now = time;
        }
        struct task *k = &t[tid];
        if ((!strcmp(from, "NOT_QUEUED") || !strcmp(from, "BLOCKED")) &&
            !strcmp(to, "READY"))
            k->deadline_ns = time + k->period_ns; /* a release */
        if (!strcmp(to, "BLOCKED") || !strcmp(to, "TERMINATED")) {
            jobs++;
            misses += time > k->deadline_ns;
        }
        k->state = !strcmp(to, "RUNNING")                                ? RUNNING
                   : !strcmp(to, "READY") || !strcmp(to, "READY_TICK") ? WAITING
                                                                       : OTHER;
        bad = inverted(t, n);
    }
    fclose(f);
    printf("jobs %" PRId64 " misses %" PRId64 " inversion_ns %" PRId64 "\n",
           jobs, misses, inversion);
    free(t);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && !strcmp(argv[1], "trace"))
        return write_trace(argv[2], atol(argv[3]), argv[4]);
    if (argc == 6 && !strcmp(argv[1], "gen"))
        return write_taskset(atoi(argv[2]), atoi(argv[3]),
                             strtoull(argv[4], NULL, 10), argv[5]);
    if (argc == 4 && !strcmp(argv[1], "check"))
        return check(argv[2], argv[3]);
    fprintf(stderr, "usage: rt_check trace CSV HORIZON_MS OUT | gen M N SEED "
                    "OUT | check CSV LOG\n");
    return 2;
}
