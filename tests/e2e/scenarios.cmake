# `ipasim test` on the shipped scenarios (the project's own policy
# regression tests), its failures and errors, and `ipasim convert`.
set(SCN ${E2E}/inputs/scenarios)
set(SHARED ${CMAKE_SOURCE_DIR}/../shared/data)

# Every scenario in tests/scenarios passes, and the JUnit report says so.
ipa_e2e(scenarios 0 "-DOUT=PASS cfs-group-imbalance\nPASS dsl-compiled-group-imbalance\nPASS fifo-db-no-waste\nPASS make-fifo-beats-pinned\nPASS pinned-db-flags\nPASS rtapp-periodic\n6 passed, 0 failed\n.*<testcase classname=\"tests.scenarios.fifo_db_no_waste\" name=\"fifo-db-no-waste\"" -P ${E2E}/expect.cmake --
        sh -c "cd \"$2\" && \"$1\" test tests/scenarios --junit \"$3\" && cat \"$3\"" sh ${IPASIM} ${CMAKE_SOURCE_DIR} ${SCRATCH}/scenarios.xml)
# The Wasted Cores lab as a student does it: `ipasim lab init` into a new
# folder, whose scenarios fail on the student's untouched policies and pass
# with the teacher's solutions substituted (tests/e2e/lab.sh).
add_test(NAME e2e.wasted_cores_lab COMMAND bash ${E2E}/lab.sh ${IPASIM} ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e.wasted_cores_lab PROPERTIES LABELS e2e
  ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
# ... and the monitor names the cores and times the lab text shows: each
# student's starting policy's first flagged interval, and no flagged one
# for the solution.
set(LAB ${CMAKE_SOURCE_DIR}/labs/wasted-cores)
set(LAB_NUMA2 "pack:2 [numa] core:4 pu:1")
set(LAB_NUMA4 "pack:2 l3:2 [numa] core:2 pu:1")
foreach(bug group-imbalance group-construction overload-on-wakeup missing-domains)
  set(opts "")
  set(topo ${LAB_NUMA2})
  if(bug STREQUAL "group-imbalance")
    set(trace make.json)
    set(flag "1 flagged[^\n]*\n  verdict: not work-conserving: 1 interval of at least 20ms flagged, the longest 79ms; wasted 29\\.5% of 8 cores x 101ms \\(see docs/monitor.md\\)\n    0ns\\.\\.79ms \\(79ms\\): idle cores 4-7. waiting threads job \\(tid 2\\), job \\(tid 3\\),")
  elseif(bug STREQUAL "group-construction")
    set(topo ${LAB_NUMA4})
    set(trace pinned.json)
    set(flag "1 flagged[^\n]*\n  verdict: not work-conserving: 1 interval of at least 20ms flagged, the longest 79ms; wasted 24\\.7% of 8 cores x 80ms \\(see docs/monitor.md\\)\n    0ns\\.\\.79ms \\(79ms\\): idle cores 6-7. waiting threads worker \\(tid 1\\), worker \\(tid 2\\),")
  elseif(bug STREQUAL "overload-on-wakeup")
    set(opts --balance-interval 100ms)
    set(trace wakeups.json)
    set(flag "4 flagged[^\n]*\n  verdict: not work-conserving: 4 intervals of at least 20ms flagged, the longest 25ms; wasted 19\\.9% of 8 cores x 251ms \\(see docs/monitor.md\\)\n    5ms\\.\\.30ms \\(25ms\\): idle cores 4-7. waiting threads dispatcher \\(tid 0\\), worker \\(tid 5\\),")
  else()
    set(trace hotplug.json)
    set(flag "1 flagged[^\n]*\n  verdict: not work-conserving: 1 interval of at least 20ms flagged, the longest 79ms; wasted 43\\.9% of 8 cores x 90ms \\(see docs/monitor.md\\)\n    10ms\\.\\.89ms \\(79ms\\): idle cores 4-7. waiting threads worker \\(tid 1\\), worker \\(tid 2\\),")
  endif()
  ipa_e2e(wasted_cores_lab.${bug}.buggy 0 "-DOUT=${flag}" -P ${E2E}/expect.cmake --
          ${IPASIM} --topo ${topo} --policy ${LAB}/${bug}/policy.ipa --trace ${LAB}/${bug}/${trace} ${opts})
  ipa_e2e(wasted_cores_lab.${bug}.fixed 0 "-DOUT=violations: [0-9]+, longest [^,]+, wasted core-time [0-9.a-z]+. 0 flagged[^\n]*\n  verdict: (work-conserving|no interval reached the 20ms threshold)" -P ${E2E}/expect.cmake --
          ${IPASIM} --topo ${topo} --policy ${LAB}/solutions/${bug}.ipa --trace ${LAB}/${bug}/${trace} ${opts})
endforeach()
# Failing scenarios: an expectation, a policy fault, a policy that kills
# its process (the supervisor reports it as a fault, in a report the
# tester reads).
ipa_e2e(scenarios_fail 1 "-DOUT=^FAIL pinned-must-not-waste: pinned.c: [0-9]+ flagged intervals, expected none\nFAIL fault-and-crash: ../illegal_move.c: the run ended in 'fault' \\(policy fault in illegal_move.c: illegal transition RUNNING -> MIGRATING[^\n]*\\), expected done or until; crash.c: the run ended in 'fault' \\(policy fault in crash.c: callback schedule took the process down with SIGKILL[^\n]*\\), expected done or until\nPASS fifo-passes\n1 passed, 2 failed\n$" -P ${E2E}/expect.cmake --
        ${IPASIM} test -j 2 ${SCN})
ipa_e2e(scenarios_junit_fail 1 "-DOUT=FAIL pinned-must-not-waste.*<testsuites tests=\"1\" failures=\"1\">.*<failure message=\"pinned.c: [0-9]+ flagged intervals, expected none\">" -P ${E2E}/expect.cmake --
        sh -c "\"$1\" test \"$2\" --junit \"$3\"
rc=$?
cat \"$3\"
exit $rc" sh ${IPASIM} ${SCN}/1_pinned_must_not_waste.json ${SCRATCH}/fail.xml)
# Malformed scenario files: exit 2 with the file and the JSON path.
ipa_e2e(scenarios_malformed 2 "-DERR=^ipasim test: error: ${SCN}/bad/malformed.json: expect.makespan_max: expected a duration like \"2ms\" or an integer of nanoseconds\n$" -P ${E2E}/expect.cmake --
        ${IPASIM} test ${SCN}/bad/malformed.json)
ipa_e2e(scenarios_syntax 2 "-DERR=^ipasim test: error: ${SCN}/bad/syntax.json:4:3: error: expected ',' or '}' after an object member\n$" -P ${E2E}/expect.cmake --
        ${IPASIM} test ${SCN}/bad/syntax.json)
ipa_e2e(scenarios_missing 2 "-DERR=ipasim test: error: scenario '[^']*nope.json': No such file or directory" -P ${E2E}/expect.cmake --
        ${IPASIM} test ${SCN}/nope.json)
# Everything is checked before the first run (issue 28.7): a scenario
# whose policy is missing, even after a good one, and an unwritable
# --junit stop `ipasim test` before anything runs.
ipa_e2e(scenarios_inputs_first 2 "-DNOT_OUT=PASS|passed" "-DERR=^ipasim test: error: [^\n]*missing_policy.json: policy 'nosuch.ipa': no such file" -P ${E2E}/expect.cmake --
        ${IPASIM} test ${SCN}/3_fifo_passes.json ${CMAKE_SOURCE_DIR}/tests/malformed/scenario/missing_policy.json)
ipa_e2e(scenarios_junit_first 2 "-DNOT_OUT=PASS|passed" "-DERR=^ipasim test: error: cannot write [^\n]*nodir/j.xml" -DNO_FILE=${SCRATCH}/nodir/j.xml -P ${E2E}/expect.cmake --
        ${IPASIM} test ${SCN}/3_fifo_passes.json --junit ${SCRATCH}/nodir/j.xml)
ipa_e2e(scenarios_usage 2 "-DERR=usage: ipasim test" -P ${E2E}/expect.cmake -- ${IPASIM} test)

# convert: rt-app in, a native trace out that runs as it is.
ipa_e2e(convert_rtapp 0 "-DOUT=\"timer\": \"10ms\".*run: until at 1s simulated" -P ${E2E}/expect.cmake --
        sh -c "\"$1\" convert \"$2\" -o \"$3\" && cat \"$3\" && \"$1\" --topo 4core.xml --policy fifo.c --trace \"$3\"" sh
        ${IPASIM} ${CMAKE_SOURCE_DIR}/tests/scenarios/inputs/periodic.rtapp.json ${SCRATCH}/periodic.json)
ipa_e2e(convert_stdout 0 "-DOUT=^{\n  \"ipasim_trace\": 1,\n  \"name\": \"periodic.rtapp\",\n  \"until\": \"1s\"," -P ${E2E}/expect.cmake --
        ${IPASIM} convert ${CMAKE_SOURCE_DIR}/tests/scenarios/inputs/periodic.rtapp.json)
ipa_e2e(convert_missing 2 "-DERR=^ipasim convert: error: trace 'nope.json': No such file or directory\n$" -P ${E2E}/expect.cmake --
        ${IPASIM} convert nope.json)
ipa_e2e(convert_syntax 2 "-DERR=^ipasim convert: error: ${SCN}/bad/syntax.json:4:3: error: expected ',' or '}' after an object member\n$" -P ${E2E}/expect.cmake --
        ${IPASIM} convert ${SCN}/bad/syntax.json)
ipa_e2e(convert_no_dir 2 "-DERR=ipasim convert: error: cannot write .*nodir/x.json: No such file or directory" -DNO_FILE=${SCRATCH}/nodir/x.json -P ${E2E}/expect.cmake --
        ${IPASIM} convert ${CMAKE_SOURCE_DIR}/tests/scenarios/inputs/periodic.rtapp.json -o ${SCRATCH}/nodir/x.json)

# Every shared rt-app workload and kernel trace converts and runs (skipped
# when ../shared/data is absent).
foreach(kind rt-app ftrace)
  add_test(NAME e2e.convert_shared_${kind}
           COMMAND sh -c "[ -d \"$2/$3\" ] || exit 77
                          for f in \"$2/$3\"/*; do
                            \"$1\" convert \"$f\" -o \"$4\" || exit 1
                            \"$1\" --topo 4core.xml --policy fifo.c --trace \"$4\" --quiet --json \"$4.report\" || exit 1
                            grep -q '\"exit\": \"\\(done\\|until\\)\"' \"$4.report\" || { echo \"$f: \"; cat \"$4.report\"; exit 1; }
                          done"
                   sh ${IPASIM} ${SHARED} ${kind} ${SCRATCH}/shared-${kind}.json)
  set_tests_properties(e2e.convert_shared_${kind} PROPERTIES LABELS e2e SKIP_RETURN_CODE 77
    ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
endforeach()

# Every kernel recording (the shared ones and tests/recordings) replays
# with each task's CPU time as recorded (tests/e2e/recorded_cpu_time.py
# computes it from the text itself), and a perf recording's total and
# per-task runtimes are checked against perf sched latency's answer beside
# it.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  file(GLOB recordings ${SHARED}/ftrace/* ${SHARED}/perf/*-perf-script.txt*
       ${CMAKE_CURRENT_SOURCE_DIR}/recordings/*.txt.gz)
  foreach(recording ${recordings})
    get_filename_component(name ${recording} NAME)
    add_test(NAME e2e.recorded_cpu_time.${name}
             COMMAND ${Python3_EXECUTABLE} ${E2E}/recorded_cpu_time.py ${IPASIM} ${recording})
    set_tests_properties(e2e.recorded_cpu_time.${name} PROPERTIES LABELS e2e SKIP_RETURN_CODE 77
      ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
    # ipasim analyze: the recorded schedule as a report, checked against
    # the recording and, beside a perf recording, perf sched latency
    add_test(NAME e2e.analyze_recorded.${name}
             COMMAND ${Python3_EXECUTABLE} ${E2E}/analyze_recorded.py ${IPASIM} ${recording})
    set_tests_properties(e2e.analyze_recorded.${name} PROPERTIES LABELS e2e SKIP_RETURN_CODE 77
      ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
  endforeach()
  # One recording as the kernel's tracefs printed it and as trace-cmd
  # report printed it, with and without -R: each form is named, and all
  # read alike
  set(pipe ${CMAKE_CURRENT_SOURCE_DIR}/recordings/gzip-pipe)
  add_test(NAME e2e.recording_forms
           COMMAND ${Python3_EXECUTABLE} ${E2E}/recording_forms.py ${IPASIM}
                   "${pipe}-tracefs.txt.gz:kernel trace/trace_pipe text"
                   "${pipe}-trace-cmd-report.txt.gz:trace-cmd report, sched plugin form"
                   "${pipe}-trace-cmd-report-R.txt.gz:trace-cmd report")
  set_tests_properties(e2e.recording_forms PROPERTIES LABELS e2e)
endif()

# Run limits reach every run: a scenario's own spin_limit, and `ipasim test
# --spin-limit`, which wins over it; --max-input-size bounds the scenario
# files this command reads and the runs' inputs.
ipa_e2e(scenarios_spin_limit 1 "-DOUT=^FAIL spin: fifo.c: the run ended in 'trace-error' \\([^\n]*zero-time loop: 100000 operations ran" -P ${E2E}/expect.cmake --
        ${IPASIM} test ${E2E}/inputs/spin_scenario.json)
ipa_e2e(scenarios_spin_limit_flag 1 "-DOUT=^FAIL spin: fifo.c: the run ended in 'trace-error' \\([^\n]*zero-time loop: 5000 operations ran" -P ${E2E}/expect.cmake --
        ${IPASIM} test --spin-limit 5000 ${E2E}/inputs/spin_scenario.json)
ipa_e2e(scenarios_max_input_size 2 "-DERR=^ipasim test: error: scenario '[^']*3_fifo_passes.json': [0-9]+ bytes, over the limit of 100 bytes" -P ${E2E}/expect.cmake --
        ${IPASIM} test --max-input-size 100 ${SCN}/3_fifo_passes.json)
ipa_e2e(scenarios_max_input_size_runs 1 "-DOUT=^FAIL fifo-passes: fifo.c: ipasim run failed \\(exit 2\\): [^\n]*4core.xml': [0-9]+ bytes, over the limit of 1024 bytes" -P ${E2E}/expect.cmake --
        ${IPASIM} test --max-input-size 1K ${SCN}/3_fifo_passes.json)
