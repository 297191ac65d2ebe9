/*
 * classes_check.c - the fixed priority of scheduling classes, over a
 * whole run (label e2e).
 *
 *   classes_check LOG CLASS
 *     reads the --log of a run under a composed policy, where each move a
 *     class makes is logged as "CLASS.EVENT" (runtime moves as "runtime"),
 *     so that it knows every thread's class at every move, attachments
 *     included. At the end of each instant (after the last line of a
 *     timestamp), it checks that no thread of class CLASS is READY while
 *     a thread of another class runs: every core of the partition may run
 *     any thread of the traces it is given (they set no affinity). Prints
 *     `instants I waiting W preemptions P attaches A violations V` (W:
 *     instants at which a CLASS thread waited; P: class_preempt moves; A:
 *     threads that changed class) and the first violation, if any.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 100000

static char cls[MAX_THREADS][32]; /* "" before its first move */
static char state[MAX_THREADS][16];
static int run_core[MAX_THREADS]; /* while RUNNING */
static int nr_threads;
/* kept as lines come: CLASS threads READY, other threads RUNNING */
static long want_ready, others_running;

/* @t's part in the two counts, added (@sign 1) or taken back (-1). */
static void count(const char *want, int t, int sign)
{
    if (!strcmp(state[t], "READY") && !strcmp(cls[t], want))
        want_ready += sign;
    if (!strcmp(state[t], "RUNNING") && cls[t][0] && strcmp(cls[t], want))
        others_running += sign;
}

/* At the end of an instant with a violation: who waits, who runs. */
static void describe(const char *want, unsigned long long when, char *out,
                     size_t size)
{
    int w = -1, r = -1;
    for (int t = 0; t < nr_threads; t++) {
        if (w < 0 && !strcmp(state[t], "READY") && !strcmp(cls[t], want))
            w = t;
        if (r < 0 && !strcmp(state[t], "RUNNING") && strcmp(cls[t], want))
            r = t;
    }
    snprintf(out, size,
             "first violation at %llu ns: thread %d (%s) READY while core %d "
             "runs thread %d (%s)\n",
             when, w, want, r >= 0 ? run_core[r] : -1, r, r >= 0 ? cls[r] : "");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: classes_check LOG CLASS\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    const char *want = argv[2];
    char line[512], event[128], from[16], to[16];
    unsigned long long time, last = 0;
    long instants = 0, waiting = 0, preemptions = 0, attaches = 0,
         violations = 0;
    bool any = false;
    int core, tid;
    char first[256] = "";
    for (;;) {
        bool more = fgets(line, sizeof line, f) != NULL;
        if (more && (sscanf(line, "%llu %127s %d %d %15s %15s", &time, event,
                            &core, &tid, from, to) != 6 ||
                     tid < 0 || tid >= MAX_THREADS)) {
            fprintf(stderr, "classes_check: bad line: %s", line);
            return 2;
        }
        if (any && (!more || time != last)) {
            instants++;
            waiting += want_ready > 0;
            if (want_ready > 0 && others_running > 0 && !violations++)
                describe(want, last, first, sizeof first);
        }
        if (!more)
            break;
        any = true;
        last = time;
        if (tid >= nr_threads)
            nr_threads = tid + 1;
        count(want, tid, -1);
        const char *dot = strchr(event, '.');
        if (dot) {
            char was[32];
            snprintf(was, sizeof was, "%s", cls[tid]);
            snprintf(cls[tid], sizeof cls[tid], "%.*s", (int)(dot - event),
                     event);
            if (was[0] && strcmp(was, cls[tid]))
                attaches++;
            if (!strcmp(dot + 1, "class_preempt"))
                preemptions++;
        }
        snprintf(state[tid], sizeof state[tid], "%s", to);
        run_core[tid] = core;
        count(want, tid, 1);
    }
    fclose(f);
    printf("instants %ld waiting %ld preemptions %ld attaches %ld violations "
           "%ld\n%s",
           instants, waiting, preemptions, attaches, violations, first);
    return 0;
}
