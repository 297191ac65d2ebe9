# `ipasim test` on the shipped scenarios (the project's own policy
# regression tests), its failures and errors, and `ipasim convert`.
set(SCN ${E2E}/inputs/scenarios)
set(SHARED ${CMAKE_SOURCE_DIR}/../shared/data)

# Every scenario in tests/scenarios passes, and the JUnit report says so.
ipa_e2e(scenarios 0 "-DOUT=PASS cfs-group-imbalance\nPASS dsl-compiled-group-imbalance\nPASS fifo-db-no-waste\nPASS make-fifo-beats-pinned\nPASS pinned-db-flags\nPASS rtapp-periodic\n6 passed, 0 failed\n.*<testcase classname=\"ipasim\" name=\"fifo-db-no-waste\"" -P ${E2E}/expect.cmake --
        sh -c "\"$1\" test \"$2\" --junit \"$3\" && cat \"$3\"" sh ${IPASIM} ${CMAKE_SOURCE_DIR}/tests/scenarios ${SCRATCH}/scenarios.xml)
# The Wasted Cores lab: each bug's buggy variant is caught, its fix is not.
ipa_e2e(wasted_cores_lab 0 "-DOUT=PASS wasted-cores-group-construction\nPASS wasted-cores-group-imbalance\nPASS wasted-cores-missing-domains\nPASS wasted-cores-overload-on-wakeup\n4 passed, 0 failed\n$" -P ${E2E}/expect.cmake --
        ${IPASIM} test ${CMAKE_SOURCE_DIR}/docs/labs/wasted-cores)
# ... and the monitor names the cores and times the lab text shows: each
# buggy variant's first flagged interval, and no flagged one for the fix.
set(LAB ${CMAKE_SOURCE_DIR}/docs/labs/wasted-cores)
set(LAB_NUMA2 "pack:2 [numa] core:4 pu:1")
set(LAB_NUMA4 "pack:2 l3:2 [numa] core:2 pu:1")
foreach(bug group-imbalance group-construction overload-on-wakeup missing-domains)
  set(opts "")
  set(topo ${LAB_NUMA2})
  if(bug STREQUAL "group-imbalance")
    set(trace make.json)
    set(flag "1 flagged[^\n]*\n    0ns\\.\\.79ms \\(79ms\\): idle cores 4-7. waiting threads job")
  elseif(bug STREQUAL "group-construction")
    set(topo ${LAB_NUMA4})
    set(trace pinned.json)
    set(flag "1 flagged[^\n]*\n    0ns\\.\\.79ms \\(79ms\\): idle cores 6-7. waiting threads worker")
  elseif(bug STREQUAL "overload-on-wakeup")
    set(opts --balance-interval 100ms)
    set(trace wakeups.json)
    set(flag "4 flagged[^\n]*\n    5ms\\.\\.30ms \\(25ms\\): idle cores 4-7. waiting threads dispatcher, worker")
  else()
    set(trace hotplug.json)
    set(flag "1 flagged[^\n]*\n    10ms\\.\\.89ms \\(79ms\\): idle cores 4-7. waiting threads worker")
  endif()
  ipa_e2e(wasted_cores_lab.${bug}.buggy 0 "-DOUT=${flag}" -P ${E2E}/expect.cmake --
          ${IPASIM} --topo ${topo} --policy ${LAB}/${bug}/buggy.ipa --trace ${LAB}/${bug}/${trace} ${opts})
  ipa_e2e(wasted_cores_lab.${bug}.fixed 0 "-DOUT=violations: [0-9]+, longest [^,]+, wasted core-time [0-9.a-z]+. 0 flagged" -P ${E2E}/expect.cmake --
          ${IPASIM} --topo ${topo} --policy ${LAB}/${bug}/fixed.ipa --trace ${LAB}/${bug}/${trace} ${opts})
endforeach()
# Failing scenarios: an expectation, a policy fault, a run that dies.
ipa_e2e(scenarios_fail 1 "-DOUT=^FAIL pinned-must-not-waste: pinned.c: [0-9]+ flagged intervals, expected none\nFAIL fault-and-crash: crash.c: ipasim run crashed \\(signal 9, Killed\\); ../illegal_move.c: the run ended in 'fault' \\(policy fault in illegal_move.c: illegal transition RUNNING -> MIGRATING[^\n]*\\), expected done or until\nPASS fifo-passes\n1 passed, 2 failed\n$" -P ${E2E}/expect.cmake --
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
ipa_e2e(convert_no_dir 2 "-DERR=ipasim convert: error: Failed to create file" -DNO_FILE=${SCRATCH}/nodir/x.json -P ${E2E}/expect.cmake --
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
