#!/usr/bin/env python3
"""One recording printed in several text forms reads the same in each.

usage: recording_forms.py IPASIM FILE:FORM [FILE:FORM ...]

Each FILE is the same kernel recording as the others (here: the tracefs
`trace` file, `trace-cmd report` and `trace-cmd report -R` of one
recording); FORM is what the import's summary must name it. Exit 0 when
every file converts to the same native trace (its name aside) and
analyzes to the same report (the trace's name aside), 1 otherwise.
"""
import json
import os
import subprocess
import sys
import tempfile


def without(d, keys):
    return {k: v for k, v in d.items() if k not in keys}


def main():
    ipasim, cases = sys.argv[1], sys.argv[2:]
    traces, reports, bad = [], [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, case in enumerate(cases):
            path, form = case.rsplit(':', 1)
            trace = os.path.join(tmp, f'{i}.json')
            report = os.path.join(tmp, f'{i}.report.json')
            conv = subprocess.run([ipasim, 'convert', path, '-o', trace],
                                  capture_output=True, text=True)
            summary = conv.stderr.strip().splitlines()[-1]
            if conv.returncode or f': {form}: imported' not in summary:
                print(f'{path}: convert exit {conv.returncode}, expected the '
                      f'form "{form}": {summary}')
                bad += 1
                continue
            subprocess.run([ipasim, 'analyze', path, '--json', report, '-q'],
                           check=True, stderr=subprocess.DEVNULL)
            with open(trace) as f:
                traces.append((path, without(json.load(f), {'name'})))
            with open(report) as f:
                reports.append((path, without(json.load(f), {'trace'})))
    for (p0, t0), (p, t) in zip(traces, traces[1:]):
        if t != t0:
            print(f'{p}: converts to another trace than {p0}')
            bad += 1
    for (p0, r0), (p, r) in zip(reports, reports[1:]):
        if r != r0:
            print(f'{p}: analyzes to another report than {p0}')
            bad += 1
    threads = len(traces[0][1].get('threads', [])) if traces else 0
    print(f'{len(cases)} forms, {threads} threads, {bad} differences')
    sys.exit(1 if bad or len(traces) != len(cases) else 0)


if __name__ == '__main__':
    main()
