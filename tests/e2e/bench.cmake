# `ipasim bench` measures what it says: each hand-written policy and its
# DSL twin, interpreted and compiled, run the same events (the ratios name
# no differing counts), and --scale prints a row per machine and workload
# size, its events counted after the threads' arrivals; --workload rt
# does the same for gedf. Figures are not
# checked: timings belong to benchmarks.
#   cmake -DIPASIM=exe -DCRASHING=policy.c -P bench.cmake
function(run_bench out)
  execute_process(COMMAND ${IPASIM} bench ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE text ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ipasim bench ${ARGN}: exit ${rc}\n${text}${err}")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

function(expect_count text pattern want what)
  string(REGEX MATCHALL "${pattern}" found "${text}")
  list(LENGTH found n)
  if(NOT n EQUAL want)
    message(FATAL_ERROR "expected ${want} ${what}, found ${n}:\n${text}")
  endif()
endfunction()

run_bench(pairs --until 200ms --threads 200 --repeat 2)
# policy, events, cpu s, wall s, events/s, ns/event, peak MB
set(num "[0-9.]+")
set(row " +[1-9][0-9]* +${num} +${num} +${num} +${num} +${num}\n")
foreach(label "fifo.c" "fifo.ipa interp" "fifo.ipa compiled" "cfs.c"
              "cfs.ipa interp" "cfs.ipa compiled")
  string(REPLACE "." "\\." re "${label}")
  expect_count("${pairs}" "\n${re}${row}" 1 "row for ${label}")
endforeach()
expect_count("${pairs}" "compiled / hand-written C: ${num}x the time per event\n"
             2 "compiled / hand-written ratios")
expect_count("${pairs}" "interpreted / compiled: ${num}x the time per event\n"
             2 "interpreted / compiled ratios")
expect_count("${pairs}" "event counts differ|failed" 0 "failures")

# --workload rt: global EDF, gedf.c beside gedf.ipa in both modes, on the
# same events; a workload it does not know is refused
run_bench(rt --workload rt --until 200ms --threads 100 --repeat 1)
foreach(label "gedf.c" "gedf.ipa interp" "gedf.ipa compiled")
  string(REPLACE "." "\\." re "${label}")
  expect_count("${rt}" "\n${re}${row}" 1 "row for ${label}")
endforeach()
expect_count("${rt}" "periodic tasks" 1 "real-time workload line")
expect_count("${rt}" "compiled / hand-written C: ${num}x the time per event\n"
             1 "compiled / hand-written ratio")
expect_count("${rt}" "event counts differ|failed" 0 "failures")
execute_process(COMMAND ${IPASIM} bench --workload batch
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "--workload must be mixed or rt")
  message(FATAL_ERROR "bench --workload batch: exit ${rc}\n${err}")
endif()

run_bench(scale --scale --scale-events 3000 --repeat 1)
# cores, threads, events after the arrivals, ns/event, start us/thread,
# peak MB, KB/thread
expect_count("${scale}" "\n +(64|256|1024) +(1000|10000|100000) +3000 +(-|${num}) +${num} +${num} +(-|${num})"
             9 "scale rows")
# memory per thread is the simulation's own: a positive figure, or - where
# the C library does not tell (under AddressSanitizer); not the growth of
# a peak inherited from the parent process, which read 0.00
expect_count("${scale}" "\n +(64|256|1024) +(10000|100000) +3000 +(-|${num}) +${num} +${num} +(-|0\\.[1-9][0-9]*|[1-9][0-9.]*)"
             6 "positive memory per thread")

# A policy that faults measures nothing: its row says failed, and so does
# the exit code, where a row of its few events would pass for a figure.
execute_process(COMMAND ${IPASIM} bench --policy ${CRASHING} --until 100ms
                        --threads 20 --repeat 1
                RESULT_VARIABLE rc OUTPUT_VARIABLE text ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT text MATCHES "failed: fault: ")
  message(FATAL_ERROR "bench of a faulting policy: exit ${rc}\n${text}${err}")
endif()

# --watchdog bounds each callback's wall-clock time in the measured runs
# (2s by default; a profiler needs more): a policy that spins is stopped
# at it.
get_filename_component(inputs ${CRASHING} DIRECTORY)
execute_process(COMMAND ${IPASIM} bench --policy ${inputs}/crash_spin.c
                        --watchdog 50ms --until 10ms --threads 2 --repeat 1
                RESULT_VARIABLE rc OUTPUT_VARIABLE text ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT text MATCHES "watchdog limit of 50ms of wall-clock time")
  message(FATAL_ERROR "bench --watchdog 50ms: exit ${rc}\n${text}${err}")
endif()

# A native policy that blocks every signal and spins is a failed
# measurement, ended by the supervisor's wall-clock watchdog: bench does
# not hang on it (docs/robustness.md).
execute_process(COMMAND ${IPASIM} bench --policy ${inputs}/crash_blocked.c
                        --watchdog 1s --until 10ms --threads 2 --repeat 1
                TIMEOUT 60
                RESULT_VARIABLE rc OUTPUT_VARIABLE text ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT text MATCHES "the measurement died \\(policy fault in crash_blocked.c: callback tick did not return")
  message(FATAL_ERROR "bench of a policy that blocks signals: exit ${rc}\n${text}${err}")
endif()
