/*
 * report_log.c - the event log (--log): one line per thread state change,
 * "TIME_NS EVENT CORE TID FROM TO" (docs/report-format.md).
 */
#include <stdio.h>

#include "engine/sim.h"
#include "report/report.h"

static void log_change(void *ctx, uint64_t now_ns, const char *event, int core,
                       int tid, enum ipa_state from, enum ipa_state to)
{
    fprintf(ctx, "%llu %s %d %d %s %s\n", (unsigned long long)now_ns, event,
            core, tid, ipa_state_name(from), ipa_state_name(to));
}

void ipa_report_log_observer(struct ipa_sim_observer *observer, FILE *out)
{
    *observer = (struct ipa_sim_observer){
        .ctx = out,
        .state_change = log_change,
    };
}
