#!/usr/bin/env python3
"""Heterogeneous cores (docs/topologies.md, "Core capacity").

usage: capacity.py IPASIM INPUTS CHECK [RECORDING]
INPUTS is tests/e2e/inputs; CHECK one of:

- runs: on juno-r2.xml (cores 0-3 at capacity 383, 4-5 at 1024), work W
  pinned to a core of capacity c lasts ceil(W * 1024 / c); a run moved
  from a LITTLE core to a big one mid-way keeps its remaining work: done
  on the LITTLE core is floor(t * c / 1024) for its time t there. Under
  fifo.c and fifo.ipa, interpreted and compiled.
- placement: two 10 ms threads; fifo.ipa takes the lowest idle cores
  (LITTLE: 10 ms * 1024 / 383 each), capacity_first.ipa, which reads the
  DSL's `capacity`, the big ones (10 ms); interpreted and compiled decide
  alike (same event log).
- juno RECORDING: the Juno recording converted with --recorded-on
  juno-r2.xml and replayed there: capacity_first.ipa runs most of the
  work on the big cores and uses less CPU time than fifo.ipa, which
  leaves them idle; converting with --recorded-on a topology of equal
  cores gives the very trace a plain convert gives.
Exit 0 when the check holds, 1 when not, 77 when RECORDING is absent.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

TOPO = 'juno-r2.xml'


def run(ipasim, tmp, policy, trace, *extra):
    report, log = os.path.join(tmp, 'r.json'), os.path.join(tmp, 'log')
    subprocess.run([ipasim, 'run', '--topo', TOPO, '--policy', policy,
                    '--trace', trace, '--json', report, '--log', log,
                    '--quiet', *extra], check=True,
                   env=dict(os.environ))
    with open(report) as f, open(log) as g:
        return json.load(f), g.read()


def capacities(ipasim):
    out = subprocess.run([ipasim, 'topo', '--json', TOPO], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)['capacity']


def fail(msg):
    print(msg)
    sys.exit(1)


def check_runs(ipasim, inputs, tmp):
    cap = capacities(ipasim)
    if cap != [383] * 4 + [1024] * 2:
        fail(f'{TOPO}: capacities {cap}')
    work = 3830000
    done_little = 5000000 * cap[0] // 1024  # until core 0 goes offline
    want = {'little': math.ceil(work * 1024 / cap[1]),
            'big': work,
            'moved': 5000000 + (10000000 - done_little)}
    trace = os.path.join(inputs, 'capacity_runs.json')
    for policy, mode in [('fifo.c', 'compiled'), ('fifo.ipa', 'interpreted'),
                         ('fifo.ipa', 'compiled')]:
        report, _ = run(ipasim, tmp, policy, trace, '--mode', mode)
        got = {t['name']: t['end_ns'] for t in report['threads']}
        if got != want:
            fail(f'{policy} {mode}: ends {got}, want {want}')
        if [c.get('capacity') for c in report['cores']] != cap:
            fail(f'{policy}: report cores {report["cores"]}')
        print(f'{policy} {mode}: ends {got}')


def ran_on(log):
    """Cores each thread was switched in on."""
    cores = {}
    for line in log.splitlines():
        f = line.split()
        if f[5] == 'RUNNING':
            cores.setdefault(int(f[3]), set()).add(int(f[2]))
    return cores


def check_placement(ipasim, inputs, tmp):
    trace = os.path.join(tmp, 'two.json')
    with open(trace, 'w') as f:
        json.dump({'ipasim_trace': 1, 'name': 'two', 'threads': [
            {'name': 'w', 'count': 2, 'ops': [{'run': '10ms'}]}]}, f)
    cap = capacities(ipasim)
    want = {'fifo.ipa': ({0, 1}, math.ceil(10000000 * 1024 / cap[0])),
            os.path.join(inputs, 'capacity_first.ipa'): ({4, 5}, 10000000)}
    for policy, (cores, end) in want.items():
        logs = []
        for mode in ('interpreted', 'compiled'):
            report, log = run(ipasim, tmp, policy, trace, '--mode', mode)
            on = set().union(*ran_on(log).values())
            ends = {t['end_ns'] for t in report['threads']}
            if on != cores or ends != {end}:
                fail(f'{policy} {mode}: ran on cores {on}, ended at {ends}; '
                     f'want cores {cores}, end {end}')
            logs.append(log)
        if logs[0] != logs[1]:
            fail(f'{policy}: interpreted and compiled logs differ')
        print(f'{os.path.basename(policy)}: cores {sorted(cores)}, end {end}')


def check_juno(ipasim, inputs, tmp, recording):
    if not os.path.exists(recording):
        sys.exit(77)
    trace = os.path.join(tmp, 'juno.json')
    subprocess.run([ipasim, 'convert', '--recorded-on', TOPO, recording,
                    '-o', trace], check=True, capture_output=True)
    plain, same = os.path.join(tmp, 'plain.json'), os.path.join(tmp, 'eq.json')
    subprocess.run([ipasim, 'convert', recording, '-o', plain], check=True,
                   capture_output=True)
    subprocess.run([ipasim, 'convert', '--recorded-on', 'pack:2 core:3 pu:1',
                    recording, '-o', same], check=True, capture_output=True)
    with open(plain) as f, open(same) as g, open(trace) as h:
        a, b, c = f.read(), g.read(), h.read()
    if a != b:
        fail('--recorded-on a machine of equal cores changed the trace')
    if a == c:
        fail(f'--recorded-on {TOPO} left the trace as it was')
    cap = capacities(ipasim)
    figures = {}
    for policy in ('fifo.ipa', os.path.join(inputs, 'capacity_first.ipa')):
        report, _ = run(ipasim, tmp, policy, trace)
        busy = sum(c['busy_ns'] for c in report['cores'])
        big = sum(c['busy_ns'] for c in report['cores']
                  if cap[c['id']] == 1024)
        cpu = sum(t['runtime_ns'] for t in report['threads'])
        figures[os.path.basename(policy)] = (big / busy, cpu)
        print(f'{os.path.basename(policy)}: {cpu / 1e6:.3f} ms of CPU time, '
              f'{100 * big / busy:.1f}% of it on the big cores')
    fifo, first = figures['fifo.ipa'], figures['capacity_first.ipa']
    if not (first[0] > 0.9 and first[0] > fifo[0] and first[1] < fifo[1]):
        fail('capacity_first.ipa does not favour the big cores')


def main():
    ipasim, inputs, check = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as tmp:
        if check == 'runs':
            check_runs(ipasim, inputs, tmp)
        elif check == 'placement':
            check_placement(ipasim, inputs, tmp)
        elif check == 'juno':
            check_juno(ipasim, inputs, tmp, sys.argv[4])
        else:
            sys.exit(f'unknown check {check}')


main()
