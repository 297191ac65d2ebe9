# End-to-end tests of the ipasim command (label e2e).
set(IPASIM $<TARGET_FILE:ipasim>)
set(E2E ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
set(SCRATCH ${CMAKE_CURRENT_BINARY_DIR}/e2e-scratch)
file(MAKE_DIRECTORY ${SCRATCH})

function(ipa_e2e name code)
  add_test(NAME e2e.${name}
           COMMAND ${CMAKE_COMMAND} -DCODE=${code} ${ARGN})
  set_tests_properties(e2e.${name} PROPERTIES LABELS e2e
    ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
endfunction()

# ipa_e2e_cases(OUT AXIS...) sets OUT to the cases of a cross product of
# tests, each "value|value|...", one value per AXIS (a quoted list), the
# first axis outermost.
# The normal build runs every case. The sanitizer build (IPASIM_SANITIZE,
# unless IPASIM_ALL_CASES) runs a covering sample, as many cases as the
# longest axis has values: case i takes from axis a (from 0) of length n
# the value (i + i / n * a) modulo n. Every value of every axis (each
# shipped policy, topology and trace) thus runs under AddressSanitizer and
# UBSan at least once, and the shift pairs axes of one length in more than
# one way. The sample is computed from the lists, so a new policy joins it.
# Why: a run under the sanitizers takes about 2.5 times as long, and the
# whole products took most of the suite's time there, running the same
# code on the same inputs in more combinations; what each combination
# asserts (the run ends, two logs are alike, nothing is flagged) the
# normal build checks for all of them (README.md, "Tests").
function(ipa_e2e_cases out)
  math(EXPR last_axis "${ARGC} - 1")
  if(IPASIM_SANITIZE AND NOT IPASIM_ALL_CASES)
    set(longest 0)
    foreach(a RANGE 1 ${last_axis})
      list(LENGTH ARGV${a} n)
      if(n EQUAL 0) # an empty product
        set(${out} "" PARENT_SCOPE)
        return()
      elseif(n GREATER longest)
        set(longest ${n})
      endif()
    endforeach()
    set(cases "")
    math(EXPR last_case "${longest} - 1")
    foreach(i RANGE 0 ${last_case})
      set(values "")
      foreach(a RANGE 1 ${last_axis})
        list(LENGTH ARGV${a} n)
        math(EXPR k "(${i} + ${i} / ${n} * (${a} - 1)) % ${n}")
        list(GET ARGV${a} ${k} value)
        list(APPEND values "${value}")
      endforeach()
      list(JOIN values "|" case)
      list(APPEND cases "${case}")
    endforeach()
  else()
    set(cases "${ARGV1}")
    set(a 2)
    while(a LESS_EQUAL last_axis)
      set(longer "")
      foreach(case ${cases})
        foreach(value ${ARGV${a}})
          list(APPEND longer "${case}|${value}")
        endforeach()
      endforeach()
      set(cases "${longer}")
      math(EXPR a "${a} + 1")
    endwhile()
  endif()
  set(${out} "${cases}" PARENT_SCOPE)
endfunction()

# ipa_e2e_case(CASE VAR...) sets each VAR to its value of CASE, in order.
function(ipa_e2e_case case)
  string(REPLACE "|" ";" values "${case}")
  set(i 0)
  foreach(var ${ARGN})
    list(GET values ${i} value)
    set(${var} "${value}" PARENT_SCOPE)
    math(EXPR i "${i} + 1")
  endforeach()
endfunction()

# Every shipped topology x trace x policy (C and DSL) runs to the end
# (under the sanitizers, each of them in a covering sample: above).
file(GLOB topologies RELATIVE ${CMAKE_SOURCE_DIR}/topologies ${CMAKE_SOURCE_DIR}/topologies/*.xml)
file(GLOB traces RELATIVE ${CMAKE_SOURCE_DIR}/traces ${CMAKE_SOURCE_DIR}/traces/*.json)
file(GLOB policies RELATIVE ${CMAKE_SOURCE_DIR}/policies ${CMAKE_SOURCE_DIR}/policies/*.c ${CMAKE_SOURCE_DIR}/policies/*.ipa ${CMAKE_SOURCE_DIR}/policies/*.bossa)
# (fifo.ipa, cfs.ipa, cfs.c and cfs_cwc.ipa run on every pair in
# dsl.cmake, with checks)
list(REMOVE_ITEM policies fifo.ipa cfs.ipa cfs.c cfs_cwc.ipa)
ipa_e2e_cases(matrix "${topologies}" "${traces}" "${policies}")
foreach(case ${matrix})
  ipa_e2e_case("${case}" topo trace policy)
  ipa_e2e(matrix.${topo}.${trace}.${policy} 0 -DOUT=run:\ done -P ${E2E}/expect.cmake --
          ${IPASIM} --topo ${topo} --policy ${policy} --trace ${trace} --threads 0)
endforeach()

# The Quick start's run, and what the monitor must catch.
ipa_e2e(quickstart 0 "-DOUT=work conservation.*violations" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 64core.xml --policy cfs.ipa --trace db.json)
# The summary explains itself (issue 28.4): threads said once, a legend for
# the domain levels, a verdict with the share of the machine wasted, and
# waiting threads told apart by id.
ipa_e2e(summary_readable 0 "-DOUT=\nthreads: 303 \\(per-thread figures are in the JSON report[^\n]*\nwake-up.*migrations by domain level: L2 [0-9]+ node [0-9]+ numa:16 [0-9]+ numa:22 [0-9]+ \\(total [0-9]+\\)\n  \\(L2: a shared L2 cache; node: the same NUMA node; numa:16: NUMA nodes at distance 16; numa:22: NUMA nodes at distance 22\\)\n.*  verdict: not work-conserving: 1 interval of at least 20ms flagged, the longest 70\\.892ms; wasted 0\\.7% of 64 cores x 2s \\(see docs/monitor.md\\)\n    0ns\\.\\.70\\.892ms \\(70\\.892ms\\): idle cores 0-63; waiting threads make \\(tid 0\\), job \\(tid 3\\), job \\(tid 4\\)" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 64core.xml --policy cfs.ipa --trace make.json)
ipa_e2e(summary_verdict_conserving 0 "-DOUT=  verdict: work-conserving: no core sat idle while a thread waited \\(see docs/monitor.md\\)" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 64core.xml --policy cfs_cwc.ipa --trace make.json)
ipa_e2e(summary_verdict_below_threshold 0 "-DOUT=  verdict: no interval reached the 1s threshold \\(the longest 70\\.332ms\\); wasted 0\\.7% of 64 cores x 2s" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 64core.xml --policy cfs.ipa --trace make.json --wc-threshold 1s)
# A fault is told once, on standard error, not again in the summary.
ipa_e2e(fault_told_once 1 "-DOUT=run: fault at [^\n]*\n  \\(the reason is on standard error" "-DNOT_OUT=policy fault in" "-DERR=policy fault in" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 1core.xml --policy ${CMAKE_SOURCE_DIR}/tests/malformed/dsl_run/none_write.ipa --trace loops3.json)
ipa_e2e(fifo_no_flag 0 "-DOUT=0 flagged" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 64core.xml --policy fifo.c --trace db.json --fail-on-wc)
ipa_e2e(pinned_flags 1 "-DOUT=[1-9][0-9]* flagged.*idle cores" "-DERR=flagged \\(--fail-on-wc\\)" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 64core.xml --policy pinned.c --trace db.json --fail-on-wc)

# Same inputs and seed: byte-identical reports and logs.
add_test(NAME e2e.determinism
         COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM} -DDIR=${SCRATCH}/det
                 "-DARGS=--topo;64core.xml;--policy;fifo.c;--trace;db.json"
                 -P ${E2E}/determinism.cmake)
set_tests_properties(e2e.determinism PROPERTIES LABELS e2e
  ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")

# cfs.c keeps the Linux heuristics the Wasted Cores paper blamed: on the
# Group Imbalance workload its average-load balancing leaves cores idle.
ipa_e2e(cfs_make_flags 1 "-DOUT=[1-9][0-9]* flagged.*idle cores" "-DERR=flagged \\(--fail-on-wc\\)" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 64core.xml --policy cfs.c --trace make.json --fail-on-wc)
# cfs.c is weighted-fair: nice 0 and nice 5 on one core get 1024:335.
add_test(NAME e2e.cfs_fairness
         COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM} -DPOLICY=cfs.c
                 -DTRACE=${E2E}/inputs/cfs_fair.json -DJSON=${SCRATCH}/cfs_fair.json
                 "-DNAMES=nice0;nice5" "-DWEIGHTS=1024;335" -DTOLERANCE=5
                 -P ${E2E}/cfs_fairness.cmake)
set_tests_properties(e2e.cfs_fairness PROPERTIES LABELS e2e
  ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")

# cfs balances a domain from one core per group (Linux's should_we_balance).
foreach(pm cfs.c:compiled cfs.ipa:compiled cfs.ipa:interpreted)
  string(REPLACE ":" ";" pm ${pm})
  list(GET pm 0 policy)
  list(GET pm 1 mode)
  add_test(NAME e2e.one_balancer.${policy}.${mode}
           COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM} -DPOLICY=${policy} -DMODE=${mode}
                   -DTRACE=${E2E}/inputs/one_balancer.json
                   -DLOG=${SCRATCH}/one_balancer.${policy}.${mode}.log
                   -P ${E2E}/one_balancer.cmake)
  set_tests_properties(e2e.one_balancer.${policy}.${mode} PROPERTIES LABELS e2e
    ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
endforeach()

# `ipasim list` names every shipped policy, topology and trace, each with a
# description taken from the file itself.
add_test(NAME e2e.list COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM}
         "-DFILES=${policies};${topologies};${traces}" -P ${E2E}/list_check.cmake)
set_tests_properties(e2e.list PROPERTIES LABELS e2e)

# The help names every command, policy kind and trace format (issue 28.2).
add_test(NAME e2e.help_truthful
         COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM} -DSRC=${CMAKE_SOURCE_DIR}
                 -P ${E2E}/help_check.cmake)
set_tests_properties(e2e.help_truthful PROPERTIES LABELS e2e)
# bench --help explains its columns.
ipa_e2e(bench_help_columns 0 "-DOUT=^usage: ipasim bench .*Columns:\n  policy .*  events .*  cpu s .*  wall s .*  events/s .*  ns/event .*  peak MB .*start us/thread.*KB/thread" -P ${E2E}/expect.cmake --
        ${IPASIM} bench --help)
