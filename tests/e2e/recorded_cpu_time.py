#!/usr/bin/env python3
"""Replays a recorded kernel trace and compares each task's CPU time with
the recording's own, computed here from the text without ipasim's
importer, by the rules of docs/trace-format.md ("CPU time"):

- a CPU runs the task its last sched_switch put there, from that switch to
  the next one;
- the task a CPU's first event ran in has run there since the recording's
  first event, unless an earlier event named it (then from this event); the
  task a CPU's last switch put there runs to the recording's last event;
- an event (or a switch's prev) naming another task than the one running
  there, or a LOST record for the CPU, is a gap: the run ends at the CPU's
  previous event, and the named task runs from this event;
- but a task the kernel billed (sched_stat_runtime, as perf records) has
  the CPU time billed: the sum of its events' runtime, each counted at
  the CPU the task ran on (as the switches say), wherever the event ran.

usage: recorded_cpu_time.py IPASIM RECORDING [TOTAL_BOUND]
       recorded_cpu_time.py IPASIM RECORDING --recorded-on TOPOLOGY
The replay runs fifo.c on as many CPUs as the recording has. Exit 0 when
every task above 1 ms is within 0.1% of the recording and, when perf
sched latency's answer lies beside a perf recording (X-perf-script.txt[.gz]
and X-perf-sched-latency.txt), the total is within TOTAL_BOUND (default
0.0001) of its TOTAL runtime; 77 when the recording is absent.

With --recorded-on, the recording is converted with that option and
replayed on that topology (and run --recorded-on on the recording itself
must give the same threads' results), whose cores differ in capacity: what each task
keeps is its work, CPU time times its CPU's capacity / 1024, recorded on
the recording's CPUs (by their OS index) and replayed on the cores the
policy chose (from the event log). Each task's work must match as above;
its CPU time matches only where the policy runs it on cores of the
capacities it had in the recording.
"""
import collections
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

HEAD = re.compile(r'^\s*(.*?)[ -](\d+)\s+\[(\d+)\]\s.*?(\d+)\.(\d+):\s+(\S+):'
                  r'(?:\s+(.*))?$')
# trace-cmd's lost-events line; perf's names its CPU like an event line
LOST_TC = re.compile(r'^\s*CPU:(\d+) \[LOST')
# trace-cmd report's sched plugin forms: "a:1 [120] S ==> b:2 [120]" and
# "b:2 [120] CPU:002" (a comm may hold ':' and spaces)
PLUGIN_SWITCH = re.compile(r'^(.*):(\d+) \[(\d+)\] (\S+) ==> (.*):(\d+) '
                           r'\[(\d+)\]')
PLUGIN_TASK = re.compile(r'^(.*):(\d+) \[(\d+)\]')


def raw_fields(event, fields):
    """The raw key=value form of an event's fields."""
    if 'pid=' in fields:
        return fields
    m = event == 'sched_switch' and PLUGIN_SWITCH.match(fields)
    if m:
        return (f'prev_comm={m[1]} prev_pid={m[2]} prev_prio={m[3]} '
                f'prev_state={m[4]} next_comm={m[5]} next_pid={m[6]} '
                f'next_prio={m[7]}')
    m = event.startswith('sched_wak') and PLUGIN_TASK.match(fields)
    if m:
        return f'comm={m[1]} pid={m[2]} prio={m[3]}'
    return fields


def recorded_cpu_time(lines, weight=lambda cpu: 1):
    """Each task's CPU time, each ns on a CPU counted weight(cpu) times."""
    ran, billed = collections.Counter(), collections.Counter()
    cpu_task, cpu_since, cpu_last = {}, {}, {}
    last_cpu = {}  # pid -> the CPU a switch last put it on
    start = end = None
    named = set()  # pids an event has named: they did not run from the start

    def stop(cpu, at):
        pid = cpu_task.get(cpu)
        if pid:
            ran[pid] += (at - cpu_since[cpu]) * weight(cpu)

    for line in lines:
        m = LOST_TC.match(line)
        if not m and 'PERF_RECORD_LOST' in line:
            m = re.search(r' \[(\d+)\] ', line) or re.match(r'()', line)
        if m:
            cpu = int(m.group(1)) if m.group(1) else None
            for c in ([cpu] if cpu is not None else list(cpu_task)):
                if c in cpu_last:
                    stop(c, cpu_last[c])
                cpu_task[c] = None
                cpu_since[c] = None
            continue
        m = HEAD.match(line)
        if not m:
            continue
        _, pid, cpu, sec, frac, event, fields = m.groups()
        ns = int(sec) * 10**9 + int((frac + '000000000')[:9])
        pid, cpu = int(pid), int(cpu)
        event = event.split(':')[-1]
        start = ns if start is None else start
        if cpu in cpu_last and ns < cpu_last[cpu]:
            stop(cpu, cpu_last[cpu])  # out of order: a gap, event dropped
            cpu_task[cpu] = cpu_since[cpu] = None
            continue
        end = max(end or ns, ns)
        fields = raw_fields(event, fields or '')
        if event == 'sched_switch':
            pid = int(re.search(r'prev_pid=(\d+)', fields).group(1))
        if cpu not in cpu_task:
            cpu_task[cpu] = pid
            cpu_since[cpu] = ns if pid in named else start
        elif cpu_task[cpu] != pid:
            if cpu_since[cpu] is not None:
                stop(cpu, cpu_last[cpu])
            cpu_task[cpu], cpu_since[cpu] = pid, ns
        cpu_last[cpu] = ns
        named.add(pid)
        if event == 'sched_stat_runtime':
            who = int(re.search(r'(?:^| )pid=(\d+)', fields).group(1))
            ns = int(re.search(r'(?:^| )runtime=(\d+)', fields).group(1))
            on = [c for c, p in cpu_task.items() if p == who]
            billed[who] += ns * weight(on[0] if on else
                                       last_cpu.get(who, cpu))
        keys = {'sched_switch': ('next_pid',), 'sched_waking': ('pid',),
                'sched_wakeup': ('pid',), 'sched_wakeup_new': ('pid',),
                'sched_process_fork': ('pid', 'child_pid')}.get(event, ())
        for key in keys:
            v = re.search(r'(?:^| )' + key + r'=(\d+)', fields)
            if v:
                named.add(int(v.group(1)))
        if event == 'sched_switch':
            stop(cpu, ns)
            nxt = int(re.search(r'next_pid=(\d+)', fields).group(1))
            # a task switched in while running elsewhere: that run ends
            for c, p in cpu_task.items():
                if nxt and p == nxt and c != cpu and cpu_since[c] is not None:
                    stop(c, cpu_last[c])
                    cpu_task[c] = cpu_since[c] = None
            cpu_task[cpu], cpu_since[cpu] = nxt, ns
            last_cpu[nxt] = cpu
    for cpu in cpu_task:
        if cpu_since[cpu] is not None:
            stop(cpu, end)
    for pid, ns in billed.items():
        ran[pid] = ns
    ran.pop(0, None)
    return ran


def latency_total(path):
    for line in open(path):
        m = re.match(r'\s*TOTAL:\s*\|\s*([\d.]+) ms', line)
        if m:
            return float(m.group(1)) * 1e6
    sys.exit(f'{path}: no TOTAL line')


def cpu_count(lines):
    for line in lines[:50]:
        m = re.match(r'cpus=(\d+)$', line.strip())
        if m:
            return int(m.group(1))
    return 1 + max(int(m.group(3)) for m in map(HEAD.match, lines) if m)


def tasks_off(want, got, what):
    """Tasks above 1 ms whose replayed figure is off by more than 0.1%."""
    bad = 0
    for pid in sorted(set(want) | set(got)):
        w, g = want[pid], got[pid]
        if max(w, g) > 1e6 and abs(w - g) > w * 0.001:
            print(f'pid {pid}: recorded {what}{w / 1e6:.3f} ms, replayed '
                  f'{g / 1e6:.3f} ms')
            bad += 1
    return bad


def replayed_work(log, capacity):
    """Each tid's work in an event log: its time running on each core,
    times that core's capacity / 1024."""
    work, since = collections.Counter(), {}
    for line in open(log):
        ns, _, core, tid, _, to = line.split()[:6]
        if tid in since:
            start, on = since.pop(tid)
            work[int(tid)] += (int(ns) - start) * capacity[on] / 1024
        if to == 'RUNNING':
            since[tid] = (int(ns), int(core))
    return work


def main_recorded_on(ipasim, recording, topology):
    """The --recorded-on check: work per task, recorded and replayed."""
    if not os.path.exists(recording):
        sys.exit(77)
    topo = json.loads(subprocess.run([ipasim, 'topo', '--json', topology],
                                     check=True, capture_output=True,
                                     text=True).stdout)
    by_os = dict(zip(topo['os_index'], topo['capacity']))
    with open(recording, errors='replace') as f:
        text = f.read()
    want = recorded_cpu_time(text.splitlines(),
                             lambda cpu: by_os[cpu] / 1024)
    want_time = recorded_cpu_time(text.splitlines())
    with tempfile.TemporaryDirectory() as tmp:
        trace = os.path.join(tmp, 'trace.json')
        report = os.path.join(tmp, 'report.json')
        log = os.path.join(tmp, 'log')
        subprocess.run([ipasim, 'convert', '--recorded-on', topology,
                        recording, '-o', trace], check=True)
        subprocess.run([ipasim, 'run', '--topo', topology, '--policy',
                        'fifo.c', '--trace', trace, '--json', report,
                        '--log', log, '--quiet'], check=True)
        with open(report) as f:
            threads = json.load(f)['threads']
        by_tid = replayed_work(log, topo['capacity'])
        # run --recorded-on reads the recording as convert --recorded-on
        direct = os.path.join(tmp, 'direct.json')
        subprocess.run([ipasim, 'run', '--topo', topology, '--recorded-on',
                        topology, '--policy', 'fifo.c', '--trace',
                        recording, '--json', direct, '--quiet'], check=True,
                       stderr=subprocess.DEVNULL)
        with open(direct) as f:
            same_run = json.load(f)['threads'] == threads
    got, got_time = collections.Counter(), collections.Counter()
    for tid, t in enumerate(threads):
        pid = int(re.search(r'-(\d+)(#\d+)?$', t['name']).group(1))
        got[pid] += by_tid[tid]
        got_time[pid] += t['runtime_ns']
    bad = tasks_off(want, got, 'work ')
    if not same_run:
        print('run --recorded-on differs from convert --recorded-on, then run')
        bad += 1
    print(f'{recording} on {topology}: {len(want)} tasks; work recorded '
          f'{sum(want.values()) / 1e6:.3f} ms, replayed '
          f'{sum(got.values()) / 1e6:.3f} ms; CPU time recorded '
          f'{sum(want_time.values()) / 1e6:.3f} ms, replayed '
          f'{sum(got_time.values()) / 1e6:.3f} ms; {bad} tasks off by more '
          f'than 0.1%')
    sys.exit(1 if bad or not want else 0)


def main():
    if len(sys.argv) == 5 and sys.argv[3] == '--recorded-on':
        main_recorded_on(sys.argv[1], sys.argv[2], sys.argv[4])
    ipasim, recording = sys.argv[1:3]
    bound = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0001
    if not os.path.exists(recording):
        sys.exit(77)
    opener = gzip.open if recording.endswith('.gz') else open
    with opener(recording, 'rt', errors='replace') as f:
        text = f.read()
    want = recorded_cpu_time(text.splitlines())
    cpus = cpu_count(text.splitlines())
    with tempfile.TemporaryDirectory() as tmp:
        trace = os.path.join(tmp, 'trace.json')
        report = os.path.join(tmp, 'report.json')
        # as it is: ipasim reads a gzip-compressed recording itself
        subprocess.run([ipasim, 'convert', recording, '-o', trace],
                       check=True)
        subprocess.run([ipasim, 'run', '--topo', f'pack:1 core:{cpus} pu:1',
                        '--policy', 'fifo.c', '--trace', trace, '--json',
                        report, '--quiet'], check=True)
        with open(report) as f:
            threads = json.load(f)['threads']
    got = collections.Counter()
    for t in threads:
        pid = int(re.search(r'-(\d+)(#\d+)?$', t['name']).group(1))
        got[pid] += t['runtime_ns']
    bad = tasks_off(want, got, '')
    total_w, total_g = sum(want.values()), sum(got.values())
    print(f'{recording}: {cpus} CPUs, {len(want)} tasks, recorded {total_w / 1e6:.3f} ms, '
          f'replayed {total_g / 1e6:.3f} ms, {bad} tasks off by more '
          f'than 0.1%')
    answer = re.sub(r'perf-script\.txt(\.gz)?$', 'perf-sched-latency.txt',
                    recording)
    if answer != recording and os.path.exists(answer):
        latency = latency_total(answer)
        off = abs(total_g - latency) / latency
        print(f'perf sched latency TOTAL {latency / 1e6:.3f} ms, replay off '
              f'by {off * 100:.4f}% (bound {bound * 100:g}%)')
        if off > bound:
            bad += 1
    sys.exit(1 if bad or not want else 0)


if __name__ == '__main__':
    main()
