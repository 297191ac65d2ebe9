#!/usr/bin/env python3
"""Analyzes a recorded kernel trace (`ipasim analyze`) and checks the
report against the recording itself and, for a perf recording with
perf sched latency's answer beside it (X-perf-script.txt[.gz] and
X-perf-sched-latency.txt), against the real tool:

- every task's CPU time is the recording's (computed from the text by
  recorded_cpu_time.py, not by ipasim: the kernel's billing where it has
  any, else the switches), within 0.1% above 1 ms;
- the cores' busy time adds up to the threads' time on them in the event
  log (the switches), and the report spans the recording;
- the recording then converts, replays under fifo.c, and `ipasim compare`
  puts the two reports side by side;
- against perf sched latency, per task (perf merges tasks by comm):
  runtime within a microsecond (perf prints it rounded to one), switches,
  average and maximum delay, each within the bounds below. perf counts a
  delay from a sched_wakeup, a sched_wakeup_new or a switch-out it reads
  as runnable to the next switch-in; these recordings hold sched_waking
  but no sched_wakeup, and perf 6.1 reads a preempted task's R+ as not
  runnable. The same figures are computed here by those rules from the
  analysis's event log (--log), the text telling which switch-outs were
  R+ and which tasks were forked, so the comparison is of the schedule
  ipasim rebuilt, not of different definitions.

usage: analyze_recorded.py IPASIM RECORDING
Exit 0 when every check holds, 1 otherwise, 77 when the recording is absent.
"""
import collections
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recorded_cpu_time import (HEAD, cpu_count, latency_total,  # noqa: E402
                               recorded_cpu_time)

# What is asserted against perf sched latency (everything is printed):
# - every task's runtime within RUNTIME_BOUND_NS, and the total within
#   that for each task: both sum sched_stat_runtime, the kernel's billing;
# - for the tasks perf measured at least MIN_SWITCHES times (the
#   workload's), switches within SWITCH_BOUND and the average and maximum
#   delays within DELAY_BOUND (or DELAY_BOUND_NS, whichever is larger),
#   computed by perf's own rules (perf_like). What remains comes from
#   perf script printing microseconds and from the gaps the import
#   repairs (pipe-gzip: cat 32 switches to perf's 31, average 741 us to
#   762; perf's rules applied to the text itself give 31 and 762).
RUNTIME_BOUND_NS = 1000
SWITCH_BOUND = 0.1
MIN_SWITCHES = 10
DELAY_BOUND_NS = 10000
DELAY_BOUND = 0.05


def pid_of(name):
    return int(re.search(r'-(\d+)(#\d+)?$', name).group(1))


def last_comms(lines):
    """pid -> the last comm the recording gives it (perf names a task by
    its latest comm: exec renames it)."""
    comm = {}
    for line in lines:
        m = re.match(r'\s*(.*?)\s+(\d+)\s+\[\d+\]', line)
        if m and int(m.group(2)):
            comm[int(m.group(2))] = m.group(1)
        for key in ('next', 'prev'):
            m = re.search(key + r'_comm=(.*?) ' + key + r'_pid=(\d+)', line)
            if m and int(m.group(2)):
                comm[int(m.group(2))] = m.group(1)
    return comm


def perf_kinds(lines):
    """What perf sched latency tells apart and the event log does not,
    from the text: the switch-outs in state R+ (pid, ns from the first
    event), which perf (6.1, on these kernels) reads as not runnable, and
    the pids a sched_wakeup_new made runnable."""
    r_plus, forked, start = set(), set(), None
    for line in lines:
        m = HEAD.match(line)
        if not m:
            continue
        _, _, _, sec, frac, event, fields = m.groups()
        ns = int(sec) * 10**9 + int((frac + '000000000')[:9])
        start = ns if start is None else start
        event = event.split(':')[-1]
        fields = fields or ''
        if event == 'sched_switch' and 'prev_state=R+' in fields:
            pid = int(re.search(r'prev_pid=(\d+)', fields).group(1))
            r_plus.add((pid, ns - start))
        elif event == 'sched_wakeup_new':
            forked.add(int(re.search(r'(?:^| )pid=(\d+)', fields).group(1)))
    return r_plus, forked


def perf_like(log_path, tids, r_plus, forked):
    """Per pid: (switches, total delay, max delay) as perf sched latency
    counts them (builtin-sched.c) from a recording without sched_wakeup:
    a delay runs from a switch-out perf reads as runnable (R, not R+), or
    from a sched_wakeup_new, to the next switch-in; a task's first
    switch-in with neither before it counts a delay of 0; sched_waking
    does not count."""
    out = collections.defaultdict(lambda: [0, 0, 0])
    waiting, seen = {}, set()
    with open(log_path) as f:
        for line in f:
            time, _, _, tid, old, new = line.split()
            time, tid = int(time), int(tid)
            pid = tids[tid]
            if old == 'RUNNING' and new == 'READY':
                if (pid, time) not in r_plus:
                    waiting[tid] = time
            elif old == 'NOT_QUEUED' and new == 'READY':
                if pid in forked:
                    waiting[tid] = time
            elif new == 'RUNNING':
                delay = waiting.pop(tid, None)
                if delay is not None:
                    delay = time - delay
                elif tid not in seen:
                    delay = 0
                seen.add(tid)
                if delay is not None:
                    o = out[pid]
                    o[0] += 1
                    o[1] += delay
                    o[2] = max(o[2], delay)
            elif new != 'READY':
                waiting.pop(tid, None)
    return out


def time_running(log_path, end):
    """The time threads spent RUNNING in an event log, up to @end."""
    total, since = 0, {}
    with open(log_path) as f:
        for line in f:
            time, _, _, tid, _, new = line.split()
            if tid in since:
                total += int(time) - since.pop(tid)
            if new == 'RUNNING':
                since[tid] = int(time)
    return total + sum(end - t for t in since.values())


def perf_table(path):
    rows = []
    for line in open(path):
        m = re.match(r'\s*(\S.*?):(\(\d+\)|\d+)\s*\|\s*([\d.]+) ms \|\s*(\d+)'
                     r' \| avg:\s*([\d.]+) ms \| max:\s*([\d.]+) ms', line)
        if m:
            rows.append((m.group(1), m.group(2), float(m.group(3)) * 1e6,
                         int(m.group(4)), float(m.group(5)) * 1e6,
                         float(m.group(6)) * 1e6))
    return rows


def check_perf(answer, lines, threads, log_path):
    tids = {t['tid']: pid_of(t['name']) for t in threads}
    runtime = collections.Counter()
    for t in threads:
        runtime[pid_of(t['name'])] += t['runtime_ns']
    like = perf_like(log_path, tids, *perf_kinds(lines))
    comm = last_comms(lines)
    bad = 0
    print(f'{"task":24} {"runtime ms":>21} {"switches":>13} '
          f'{"avg delay us":>17} {"max delay us":>17}')
    for name, which, p_run, p_sw, p_avg, p_max in perf_table(answer):
        if which.startswith('('):
            pids = [p for p, c in comm.items() if c == name and p in runtime]
        else:
            pids = [int(which)]
        run = sum(runtime[p] for p in pids)
        sw = sum(like[p][0] for p in pids)
        total = sum(like[p][1] for p in pids)
        mx = max([like[p][2] for p in pids] or [0])
        avg = total / sw if sw else 0
        fails = []
        if abs(run - p_run) > RUNTIME_BOUND_NS:
            fails.append('runtime')
        if p_sw >= MIN_SWITCHES:
            if abs(sw - p_sw) > SWITCH_BOUND * p_sw:
                fails.append('switches')
            if abs(avg - p_avg) > max(DELAY_BOUND_NS, DELAY_BOUND * p_avg):
                fails.append('avg delay')
            if abs(mx - p_max) > max(DELAY_BOUND_NS, DELAY_BOUND * p_max):
                fails.append('max delay')
        print(f'{name + ":" + which:24} {run / 1e6:9.3f} / {p_run / 1e6:9.3f}'
              f' {sw:5d} / {p_sw:5d} {avg / 1e3:7.1f} / {p_avg / 1e3:7.1f}'
              f' {mx / 1e3:7.1f} / {p_max / 1e3:7.1f}'
              f'{"  OFF: " + ", ".join(fails) if fails else ""}')
        bad += bool(fails)
    total = sum(runtime.values())
    p_total = latency_total(answer)
    bound = RUNTIME_BOUND_NS * len(perf_table(answer))
    print(f'(ipasim analyze / perf sched latency); total runtime '
          f'{total / 1e6:.3f} / {p_total / 1e6:.3f} ms, '
          f'{abs(total - p_total) / 1e3:.1f} us off (bound {bound / 1e3:g} us)')
    return bad + (abs(total - p_total) > bound)


def main():
    ipasim, recording = sys.argv[1:3]
    if not os.path.exists(recording):
        sys.exit(77)
    opener = gzip.open if recording.endswith('.gz') else open
    with opener(recording, 'rt', errors='replace') as f:
        text = f.read()
    lines = text.splitlines()
    want = recorded_cpu_time(lines)
    cpus = cpu_count(lines)
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        src = recording  # as it is: ipasim reads gzip itself
        report, log = os.path.join(tmp, 'recorded.json'), os.path.join(tmp, 'a.log')
        subprocess.run([ipasim, 'analyze', src, '--json', report, '--log', log,
                        '--quiet'], check=True)
        with open(report) as f:
            r = json.load(f)
        threads = r['threads']
        got = collections.Counter()
        for t in threads:
            got[pid_of(t['name'])] += t['runtime_ns']
        for pid in sorted(set(want) | set(got)):
            w, g = want[pid], got[pid]
            if max(w, g) > 1e6 and abs(w - g) > w * 0.001:
                print(f'pid {pid}: recorded {w / 1e6:.3f} ms, analyzed '
                      f'{g / 1e6:.3f} ms')
                bad += 1
        busy = sum(c['busy_ns'] for c in r['cores'])
        on_cores = time_running(log, r['simulated_ns'])
        if busy != on_cores or r['nr_cores'] != cpus:
            print(f'cores busy {busy} ns, threads on them {on_cores} ns, '
                  f'{r["nr_cores"]} cores for {cpus} CPUs')
            bad += 1
        print(f'{recording}: {cpus} CPUs, {len(threads)} threads, '
              f'{busy / 1e6:.3f} ms busy over {r["simulated_ns"] / 1e6:.3f} '
              f'ms, {r["work_conservation"]["wasted_core_ns"] / 1e6:.3f} ms '
              f'wasted, {bad} tasks off the recording')

        trace, run = os.path.join(tmp, 'trace.json'), os.path.join(tmp, 'fifo.json')
        subprocess.run([ipasim, 'convert', src, '-o', trace], check=True,
                       stderr=subprocess.DEVNULL)
        subprocess.run([ipasim, 'run', '--topo', f'pack:1 core:{cpus} pu:1',
                        '--policy', 'fifo.c', '--trace', trace, '--json', run,
                        '--quiet'], check=True)
        cmp = subprocess.run([ipasim, 'compare', report, run], check=True,
                             capture_output=True, text=True).stdout
        if 'recorded' not in cmp or 'fifo' not in cmp:
            print('compare does not show both reports:\n' + cmp)
            bad += 1

        answer = re.sub(r'perf-script\.txt(\.gz)?$', 'perf-sched-latency.txt',
                        recording)
        if answer != recording and os.path.exists(answer):
            bad += check_perf(answer, lines, threads, log)
    sys.exit(1 if bad or not want else 0)


if __name__ == '__main__':
    main()
