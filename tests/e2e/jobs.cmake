# Real-time jobs (docs/report-format.md) and task sets (docs/trace-format.md,
# "Task sets"); label e2e.
set(SHARED ${CMAKE_SOURCE_DIR}/../shared/data)
set(TASKSETS ${SHARED}/tasksets)

function(ipa_json_figures name)
  cmake_parse_arguments(F "" "SKIP_UNLESS" "ARGS;CHECKS" ${ARGN})
  set(skip "")
  if(F_SKIP_UNLESS)
    set(skip "-DSKIP_UNLESS=${F_SKIP_UNLESS}")
  endif()
  add_test(NAME e2e.${name}
           COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM} -DJSON=${SCRATCH}/${name}.json
                   "-DARGS=${F_ARGS}" "-DCHECKS=${F_CHECKS}" ${skip}
                   -P ${E2E}/json_figures.cmake)
  set_tests_properties(e2e.${name} PROPERTIES LABELS e2e
    ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
  if(F_SKIP_UNLESS)
    set_tests_properties(e2e.${name} PROPERTIES SKIP_REGULAR_EXPRESSION "skipped: ")
  endif()
endfunction()

# inputs/jobs.json under fifo.c on one core, by hand: a runs 0-4ms, b 4-8ms
# (3ms then 1ms; deadline 6ms: 2ms late); again from 10ms and 20ms (batch, without
# deadline or period, runs at 40ms). The wake-ups at 30ms only exit: no job.
set(JOBS_ARGS --topo;1core.xml;--policy;fifo.c;--trace;${E2E}/inputs/jobs.json)
ipa_json_figures(jobs.by_hand ARGS ${JOBS_ARGS} CHECKS
  jobs.released=6 jobs.completed=6 jobs.missed=3 jobs.aborted=0
  jobs.response_mean_ns=6000000 jobs.response_p99_ns=8000000
  jobs.response_max_ns=8000000 jobs.lateness_max_ns=2000000
  jobs.tardiness_max_ns=2000000
  jobs_by_group.rt.released=6 jobs_by_group.rt.missed=3
  threads.0.jobs.relative_deadline_ns=10000000 threads.0.jobs.released=3
  threads.0.jobs.missed=0 threads.0.jobs.response_max_ns=4000000
  threads.0.jobs.lateness_max_ns=-6000000 threads.0.jobs.tardiness_max_ns=0
  threads.1.jobs.relative_deadline_ns=6000000 threads.1.jobs.completed=3
  threads.1.jobs.missed=3 threads.1.jobs.response_mean_ns=8000000
  threads.1.jobs.response_p99_ns=8000000
  threads.1.jobs.tardiness_max_ns=2000000
  threads.2.jobs=NOTFOUND)
# --deadline-miss abort: b is dropped at 6ms, 2ms into its first run op;
# it skips its second and waits for its next period (2ms of CPU a period).
ipa_json_figures(jobs.abort ARGS ${JOBS_ARGS};--deadline-miss;abort CHECKS
  threads.1.jobs.released=3 threads.1.jobs.completed=0
  threads.1.jobs.missed=3 threads.1.jobs.aborted=3
  threads.1.runtime_ns=6000000 threads.1.jobs.response_max_ns=0
  threads.1.jobs.lateness_max_ns=null
  threads.0.jobs.completed=3 jobs.aborted=3)
# Jobs open at the end: released, not completed; missed once past their
# deadline (b's third job: released 20ms, runs from 24ms, deadline 26ms).
ipa_json_figures(jobs.open_at_end ARGS ${JOBS_ARGS};--until;25ms CHECKS
  threads.1.jobs.released=3 threads.1.jobs.completed=2 threads.1.jobs.missed=2)
ipa_json_figures(jobs.open_past_deadline ARGS ${JOBS_ARGS};--until;27ms CHECKS
  threads.1.jobs.released=3 threads.1.jobs.completed=2 threads.1.jobs.missed=3)
# A report of a trace without deadlines carries no "jobs".
ipa_json_figures(jobs.none ARGS --topo;4core.xml;--policy;fifo.c;--trace;loops3.json
  CHECKS jobs=NOTFOUND jobs_by_group=NOTFOUND threads.0.jobs=NOTFOUND)
ipa_e2e(jobs.summary 0 "-DOUT=real-time jobs: 6 released, 6 completed, 3 missed \\(0 aborted\\); response mean 6ms, p99 8ms, max 8ms; lateness max 2ms, tardiness max 2ms\n  group rt +6 released" -P ${E2E}/expect.cmake --
        ${IPASIM} ${JOBS_ARGS})
ipa_e2e(jobs.bad_option 2 "-DERR=--deadline-miss is 'continue' or 'abort'" -P ${E2E}/expect.cmake --
        ${IPASIM} ${JOBS_ARGS} --deadline-miss later)

# compare shows the real-time rows when a report has them.
add_test(NAME e2e.jobs.compare
         COMMAND sh -c "\"$1\" $2 --quiet --json \"$3/a.json\" &&
                        \"$1\" $2 --deadline-miss abort --quiet --json \"$3/b.json\" &&
                        \"$1\" compare \"$3/a.json\" \"$3/b.json\" > \"$3/out.txt\" &&
                        grep -q '^deadline misses  *3  *3 (=)$' \"$3/out.txt\" &&
                        grep -q '^tardiness max (us)  *2000.000  *0.000 (-100.0%)$' \"$3/out.txt\" &&
                        \"$1\" --topo 1core.xml --policy fifo.c --trace loops3.json --quiet --json \"$3/c.json\" &&
                        \"$1\" compare \"$3/c.json\" \"$3/c.json\" > \"$3/none.txt\" &&
                        ! grep -q 'deadline misses' \"$3/none.txt\""
                 sh ${IPASIM} "--topo 1core.xml --policy fifo.c --trace ${E2E}/inputs/jobs.json" ${SCRATCH})
set_tests_properties(e2e.jobs.compare PROPERTIES LABELS e2e
  ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")

# Scenario expectations on the real-time figures.
ipa_e2e(jobs.scenario 1 "-DOUT=FAIL jobs: fifo.c: deadline_misses 3, expected at most 0; fifo.c: tardiness 2ms, expected at most 1ms\n" -P ${E2E}/expect.cmake --
        ${IPASIM} test ${E2E}/inputs/jobs_scenario.json)

# SimSo's job counts for the shared task sets (data/README.md): the jobs
# released do not depend on the policy.
foreach(policy edf.ipa fifo.c)
  ipa_json_figures(jobs.taskset_m8.${policy} SKIP_UNLESS ${TASKSETS}/taskset_m8_n100_seed42.csv
    ARGS "--topo;pack:1 core:8 pu:1;--policy;${policy};--trace;${TASKSETS}/taskset_m8_n100_seed42.csv"
    CHECKS jobs.released=5180 jobs.completed=5180)
endforeach()
add_test(NAME e2e.jobs.taskset_m16
         COMMAND sh -c "[ -f \"$2\" ] || exit 77
                        \"$1\" convert \"$2\" --horizon 2s -o \"$3.trace.json\" &&
                        \"$1\" --topo 'pack:1 core:16 pu:1' --policy edf.ipa --trace \"$3.trace.json\" --quiet --json \"$3\" &&
                        grep -A1 '^  \"jobs\"' \"$3\" | grep -q '\"released\": 18280,'"
                 sh ${IPASIM} ${TASKSETS}/taskset_m16_n200_seed42.csv ${SCRATCH}/jobs_m16.json)
set_tests_properties(e2e.jobs.taskset_m16 PROPERTIES LABELS e2e SKIP_RETURN_CODE 77
  ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")

# gen taskset: deterministic, loads back, runs its horizon's jobs.
add_test(NAME e2e.gen_taskset
         COMMAND sh -c "\"$1\" gen taskset --cpus 4 --tasks 20 --seed 7 --periods 10ms,20ms -o \"$2/a.json\" &&
                        \"$1\" gen taskset --cpus 4 --tasks 20 --seed 7 --periods 10ms,20ms > \"$2/b.json\" &&
                        cmp \"$2/a.json\" \"$2/b.json\" &&
                        \"$1\" gen taskset --cpus 4 --tasks 20 --seed 8 --periods 10ms,20ms > \"$2/c.json\" &&
                        ! cmp -s \"$2/a.json\" \"$2/c.json\" &&
                        \"$1\" --topo 4core.xml --policy edf.ipa --trace \"$2/a.json\" --quiet --json \"$2/r.json\" &&
                        n=$(grep -c '\"timer\": \"10ms\"' \"$2/a.json\") &&
                        m=$(grep -c '\"timer\": \"20ms\"' \"$2/a.json\") &&
                        grep -A1 '^  \"jobs\"' \"$2/r.json\" | grep -q \"\\\"released\\\": $((n * 100 + m * 50)),\""
                 sh ${IPASIM} ${SCRATCH}/gen)
set_tests_properties(e2e.gen_taskset PROPERTIES LABELS e2e
  ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
file(MAKE_DIRECTORY ${SCRATCH}/gen)
ipa_e2e(gen_taskset_usage 2 "-DERR=--cpus and --tasks are required" -P ${E2E}/expect.cmake --
        ${IPASIM} gen taskset --tasks 3)
ipa_e2e(gen_taskset_overload 2 "-DERR=total utilisation must be at most the CPU count" -P ${E2E}/expect.cmake --
        ${IPASIM} gen taskset --cpus 2 --tasks 8 --utilisation 2.5)
ipa_e2e(convert_taskset_bad 2 "-DERR=^ipasim convert: error: ${E2E}/inputs/bad_taskset.csv:3:3: error: period_ms: expected a positive number of milliseconds\n$" -P ${E2E}/expect.cmake --
        ${IPASIM} convert ${E2E}/inputs/bad_taskset.csv)
ipa_e2e(convert_horizon_not_taskset 2 "-DERR=--horizon applies to task-set CSV input only" -P ${E2E}/expect.cmake --
        ${IPASIM} convert ${E2E}/inputs/jobs.json --horizon 1s)
ipa_e2e(jobs.scenario_abort 0 "-DOUT=1 passed, 0 failed" -P ${E2E}/expect.cmake --
        ${IPASIM} test ${E2E}/inputs/jobs_abort_scenario.json)
