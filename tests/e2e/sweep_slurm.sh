#!/usr/bin/env bash
# `ipasim sweep --engine slurm` against a real Slurm (issue 30): starts a
# single-node cluster on localhost (Debian's slurmctld and slurmd, no
# systemd, no cgroups, no munge: auth/none), runs a 2 policies x 2 traces
# x 2 params x 3 seeds sweep as a job array and checks that results.csv
# is byte for byte the local engine's; then cancels a sweep midway
# (scancel) and checks that resubmitting submits only the missing cells
# and ends with the same results.csv. Exit 77 (skipped) when Slurm is not
# installed or cannot start here, unless IPASIM_REQUIRE_SLURM=1 (CI's
# run): then that is a failure.
#   sweep_slurm.sh IPASIM SPEC
set -euo pipefail
ipasim=$1 spec=$2
PATH=$PATH:/usr/sbin:/sbin

skip() {
    if [ "${IPASIM_REQUIRE_SLURM:-}" = 1 ]; then
        echo "FAIL: $* (IPASIM_REQUIRE_SLURM=1: this run must test Slurm)"
        exit 1
    fi
    echo "skipped: $*"
    exit 77
}
fail() {
    echo "FAIL: $*"
    for f in "$tmp"/*.log; do echo "--- $f"; tail -n 20 "$f"; done
    exit 1
}

for c in slurmctld slurmd sbatch squeue scancel sinfo python3; do
    command -v "$c" >/dev/null ||
        skip "$c is not installed (scripts/deps.sh installs Slurm)"
done
[ "$(id -u)" = 0 ] || skip "slurmd runs jobs as their users: this test needs root"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipasim-slurm.XXXXXX")
ctld_pid="" d_pid=""
cleanup() {
    set +e
    if [ -n "$ctld_pid" ]; then
        squeue -h -o %A 2>/dev/null | xargs -r scancel 2>/dev/null
        # slurmstepd outlives its job by a moment: slurmd goes after it
        for _ in $(seq 100); do
            [ -z "$(find "$tmp/spool" -type s 2>/dev/null)" ] && break
            sleep 0.1
        done
    fi
    [ -n "$d_pid" ] && kill "$d_pid" 2>/dev/null && wait "$d_pid" 2>/dev/null
    [ -n "$ctld_pid" ] && kill "$ctld_pid" 2>/dev/null &&
        wait "$ctld_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

# Private ports, free now: two runs of this test (or a real Slurm) on one
# machine do not meet.
read -r ctld_port d_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
node=$(hostname -s)
mkdir -p "$tmp/state" "$tmp/spool"
export SLURM_CONF=$tmp/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=ipasimtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=root
AuthType=auth/none
CredType=cred/none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ReturnToService=2
MpiDefault=none
NodeName=$node NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
PartitionName=held Nodes=$node MaxTime=INFINITE State=DOWN
CONF
slurmctld -D -i >"$tmp/slurmctld.out.log" 2>&1 &
ctld_pid=$!
slurmd -D >"$tmp/slurmd.out.log" 2>&1 &
d_pid=$!
for _ in $(seq 150); do
    sinfo -h -o %T 2>/dev/null | grep -q idle && break
    kill -0 "$ctld_pid" 2>/dev/null && kill -0 "$d_pid" 2>/dev/null ||
        skip "the Slurm daemons did not start: $(tail -n 3 "$tmp"/*.log | tr '\n' ' ')"
    sleep 0.2
done
sinfo -h -o %T | grep -q idle || skip "the Slurm node did not come up in 30s"

wait_job() { # JOB: until squeue no longer lists it
    for _ in $(seq 600); do
        [ -z "$(squeue -h -j "$1" -o %i 2>/dev/null)" ] && return 0
        sleep 0.2
    done
    fail "job $1 still in squeue after 120s"
}
job_of() { sed -n 's/^submitted job \([0-9]*\):.*/\1/p' <<<"$1"; }

# the local engine's answer
"$ipasim" sweep "$spec" -o "$tmp/local" -j 2 >"$tmp/local.log" 2>&1 ||
    fail "local sweep failed"
[ "$(wc -l <"$tmp/local/results.csv")" = 25 ] || fail "local: not 24 rows"

# the same cells as a job array of 4 tasks, at most 2 at once
out=$("$ipasim" sweep "$spec" -o "$tmp/slurm" --engine slurm --tasks 4 \
    --cpus-per-task 1 --max-parallel 2 --partition debug --time 10) ||
    fail "submission failed: $out"
echo "$out"
grep -q "^submitted job [0-9]*: 24 cells in 4 array tasks" <<<"$out" ||
    fail "unexpected submission: $out"
job=$(job_of "$out")
"$ipasim" sweep --status "$tmp/slurm" | grep -q "^slurm job $job: " ||
    fail "--status does not name job $job"
wait_job "$job"
status=$("$ipasim" sweep --status "$tmp/slurm")
echo "$status"
grep -q ": 24 cells: 24 finished (0 failed), 0 ended without a report, 0 to run" \
    <<<"$status" || fail "--status after the job: $status"
grep -q "^slurm job $job: not queued or running" <<<"$status" ||
    fail "--status: job $job still listed"
cmp "$tmp/local/results.csv" "$tmp/slurm/results.csv" ||
    fail "Slurm's results.csv differs from the local engine's"
grep -l . "$tmp"/slurm/slurm/*.out && fail "array tasks wrote output"

# Seven cells lost: they go to a partition that is down, where the job
# waits. While it does, the sweep is not submitted again nor run here
# (its cells are the job's); --status shows
# its array tasks pending; --cancel cancels it (scancel). Submitted again,
# the job has exactly these seven cells, and results.csv is as before.
find "$tmp/slurm/cells" -name '*.json' | sort | head -n 7 | xargs rm
out=$("$ipasim" sweep "$spec" -o "$tmp/slurm" --engine slurm --tasks 2 \
    --partition held)
echo "$out"
grep -q "^submitted job [0-9]*: 7 cells in 2 array tasks" <<<"$out" ||
    fail "resubmission of 7 missing cells: $out"
job=$(job_of "$out")
status=$("$ipasim" sweep --status "$tmp/slurm")
echo "$status"
grep -q ": 24 cells: 17 finished (0 failed), 0 ended without a report, 7 to run" \
    <<<"$status" || fail "--status with 7 cells lost: $status"
grep -q "^slurm job $job: 2 pending array task(s)" <<<"$status" ||
    fail "--status while job $job waits: $status"
again=$("$ipasim" sweep "$spec" -o "$tmp/slurm" --engine slurm 2>&1) &&
    fail "a second submission while job $job waits was accepted: $again"
grep -q "^ipasim sweep: error: job $job of this sweep is still queued or running (2 pending array task(s))" \
    <<<"$again" || fail "$again"
again=$("$ipasim" sweep "$spec" -o "$tmp/slurm" 2>&1) &&
    fail "the local engine ran the cells of job $job: $again"
grep -q "still queued or running" <<<"$again" || fail "$again"
"$ipasim" sweep --cancel "$tmp/slurm" | grep -q "^cancelled slurm job $job$" ||
    fail "--cancel did not cancel job $job"
wait_job "$job"
out=$("$ipasim" sweep "$spec" -o "$tmp/slurm" --engine slurm --tasks 3)
echo "$out"
grep -q "^submitted job [0-9]*: 7 cells in 3 array tasks" <<<"$out" ||
    fail "resubmission after the cancel: $out"
wait_job "$(job_of "$out")"
cmp "$tmp/local/results.csv" "$tmp/slurm/results.csv" ||
    fail "after the resubmission, results.csv differs from the local engine's"
out=$("$ipasim" sweep "$spec" -o "$tmp/slurm" --engine slurm)
[ "$out" = "24 cells, all finished: nothing to submit" ] || fail "$out"
echo "Slurm and local results.csv agree"
