# Heterogeneous cores (docs/topologies.md, "Core capacity"): a run lasts
# its work x 1024 / capacity and keeps its remaining work across cores,
# policies read `capacity`, and a recording converted --recorded-on its
# machine keeps each task's work on replay there.
set(SHARED ${CMAKE_SOURCE_DIR}/../shared/data)
set(JUNO ${SHARED}/ftrace/lisa-juno-trace.txt)
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  foreach(check runs placement juno)
    add_test(NAME e2e.capacity.${check}
             COMMAND ${Python3_EXECUTABLE} ${E2E}/capacity.py ${IPASIM}
                     ${E2E}/inputs ${check} ${JUNO})
    set_tests_properties(e2e.capacity.${check} PROPERTIES LABELS e2e
      SKIP_RETURN_CODE 77
      ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
  endforeach()
  add_test(NAME e2e.recorded_cpu_time.juno_recorded_on
           COMMAND ${Python3_EXECUTABLE} ${E2E}/recorded_cpu_time.py
                   ${IPASIM} ${JUNO} --recorded-on juno-r2.xml)
  set_tests_properties(e2e.recorded_cpu_time.juno_recorded_on PROPERTIES
    LABELS e2e SKIP_RETURN_CODE 77
    ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
endif()

# The recording names CPUs the machine lacks; the option fits kernel
# traces only.
if(EXISTS ${JUNO})
  ipa_e2e(convert_recorded_on_missing_cpu 2
          "-DERR=lisa-juno-trace.txt: the recording ran tasks on CPU 4, which 4core.xml lacks"
          -DNO_FILE=${SCRATCH}/recorded_on.json -P ${E2E}/expect.cmake --
          ${IPASIM} convert --recorded-on 4core.xml ${JUNO} -o ${SCRATCH}/recorded_on.json)
  ipa_e2e(convert_recorded_on_bad_topology 2
          "-DERR=topology 'pack:x'"
          -P ${E2E}/expect.cmake --
          ${IPASIM} convert --recorded-on pack:x ${JUNO})
endif()
ipa_e2e(convert_recorded_on_not_kernel 2
        "-DERR=--recorded-on applies to kernel traces only"
        -P ${E2E}/expect.cmake --
        ${IPASIM} convert --recorded-on juno-r2.xml ${CMAKE_SOURCE_DIR}/traces/db.json)
ipa_e2e(run_recorded_on_not_kernel 2
        "-DERR=db.json: not a kernel recording \\(ipasim format\\)\\; --recorded-on applies to kernel traces only"
        -P ${E2E}/expect.cmake --
        ${IPASIM} run --topo juno-r2.xml --recorded-on juno-r2.xml
        --policy fifo.c --trace db.json)
# ipasim topo shows the capacities.
ipa_e2e(topo_capacity 0
        "-DOUT=6 cores, 1 NUMA node, 2 packages, distances: core L2 machine, capacity 1024 on cores 4-5, 383 on cores 0-3\n"
        -P ${E2E}/expect.cmake -- ${IPASIM} topo juno-r2.xml)
# A scenario's topology takes the synthetic capacity words as --topo does.
ipa_e2e(capacity_scenario 0 "-DOUT=PASS capacity-first-beats-fifo\n1 passed, 0 failed"
        -P ${E2E}/expect.cmake --
        ${IPASIM} test ${E2E}/inputs/capacity_scenario.json)
# A scenario's recorded_on is run's --recorded-on: the recording's work is
# half its CPU time on cores of capacity 512 (617 ms without it).
ipa_e2e(recorded_on_scenario 0 "-DOUT=PASS recorded-on-halves-the-work\n1 passed, 0 failed"
        -P ${E2E}/expect.cmake --
        ${IPASIM} test ${E2E}/inputs/recorded_on_scenario.json)
# The summary says the capacities beside the utilisation of the cores.
ipa_e2e(summary_capacity 0
        "-DOUT=\ncores: utilisation per core \\(%\\)\n  capacity 1024 on cores 4-5, 383 on cores 0-3\n     0: 38\\.1    1: 78\\.0"
        -P ${E2E}/expect.cmake --
        ${IPASIM} --topo juno-r2.xml --policy fifo.c --trace ${E2E}/inputs/capacity_runs.json)
