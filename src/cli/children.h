/*
 * children.h - commands run as child processes of ipasim, a number at a
 * time, each killed past a timeout: the runs of `ipasim test` and the
 * cells of `ipasim sweep`. Each child's standard output and error go to
 * a log file; a child dies with ipasim (PR_SET_PDEATHSIG), so that a
 * command killed and run again never meets a child of its first run.
 */
#ifndef IPA_CLI_CHILDREN_H
#define IPA_CLI_CHILDREN_H

#include <stdbool.h>

#include <glib.h>

/* One command and how it went. */
struct ipa_child {
    char **argv; /* the command (set by the caller, freed by it) */
    char *log;   /* its output goes there (the caller's) */
    GPid pid;
    gint64 start_us, end_us;
    bool started, done, timed_out;
    int status; /* waitpid's; 127 << 8 when it could not start */
};

struct ipa_children_ops {
    /* Before child @i starts: its argv and log set (may be NULL: set
     * beforehand). */
    void (*prepare)(void *ctx, int i, struct ipa_child *child);
    /* Child @i could not start (@why) or has ended. */
    void (*ended)(void *ctx, int i, struct ipa_child *child,
                  const char *why);
    /* After children started or ended (a progress line): may be NULL. */
    void (*changed)(void *ctx);
};

/* Runs the @n children, @max at a time, in order, each killed after
 * @timeout_s seconds; returns when all have ended. */
void ipa_children_run(struct ipa_child *children, int n, int max,
                      int timeout_s, const struct ipa_children_ops *ops,
                      void *ctx);

#endif
