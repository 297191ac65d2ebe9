#include "cli/children.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <glib/gstdio.h>

/* In the child, between fork and exec. */
static void die_with_parent(gpointer data)
{
    (void)data;
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
}

static bool start(struct ipa_child *c, GError **error)
{
    int fd = g_open(c->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "%s: %s", c->log, g_strerror(errno));
        return false;
    }
    bool ok = g_spawn_async_with_fds(NULL, c->argv, NULL,
                                     G_SPAWN_DO_NOT_REAP_CHILD,
                                     die_with_parent, NULL, &c->pid, -1, fd,
                                     fd, error);
    close(fd);
    c->started = ok;
    c->start_us = g_get_monotonic_time();
    return ok;
}

void ipa_children_run(struct ipa_child *children, int n, int max,
                      int timeout_s, const struct ipa_children_ops *ops,
                      void *ctx)
{
    int next = 0, running = 0, ended = 0;
    bool changed = true;
    while (ended < n) {
        while (running < max && next < n) {
            struct ipa_child *c = &children[next];
            GError *error = NULL;
            changed = true;
            if (ops->prepare)
                ops->prepare(ctx, next, c);
            if (!start(c, &error)) {
                c->done = true;
                c->status = 127 << 8;
                ended++;
                ops->ended(ctx, next++, c, error->message);
                g_error_free(error);
                continue;
            }
            next++;
            running++;
        }
        if (changed && ops->changed)
            ops->changed(ctx);
        changed = false;
        int status;
        pid_t pid = running ? waitpid(-1, &status, WNOHANG) : 0;
        if (pid > 0) {
            for (int i = 0; i < next; i++) {
                struct ipa_child *c = &children[i];
                if (!c->started || c->done || c->pid != pid)
                    continue;
                c->done = true;
                c->status = status;
                c->end_us = g_get_monotonic_time();
                running--;
                ended++;
                changed = true;
                ops->ended(ctx, i, c, NULL);
                break;
            }
        } else if (running) {
            g_usleep(5000);
            gint64 now = g_get_monotonic_time();
            for (int i = 0; i < next; i++) {
                struct ipa_child *c = &children[i];
                if (c->started && !c->done && !c->timed_out &&
                    now - c->start_us > (gint64)timeout_s * 1000000) {
                    c->timed_out = true;
                    kill(c->pid, SIGKILL);
                }
            }
        }
    }
    if (changed && ops->changed)
        ops->changed(ctx);
}
