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

# Every shipped topology x trace x policy (C and DSL) runs to the end.
file(GLOB topologies RELATIVE ${CMAKE_SOURCE_DIR}/topologies ${CMAKE_SOURCE_DIR}/topologies/*.xml)
file(GLOB traces RELATIVE ${CMAKE_SOURCE_DIR}/traces ${CMAKE_SOURCE_DIR}/traces/*.json)
file(GLOB policies RELATIVE ${CMAKE_SOURCE_DIR}/policies ${CMAKE_SOURCE_DIR}/policies/*.c ${CMAKE_SOURCE_DIR}/policies/*.ipa ${CMAKE_SOURCE_DIR}/policies/*.bossa)
# (fifo.ipa, cfs.ipa, cfs.c and cfs_cwc.ipa run on every pair in
# dsl.cmake, with checks)
list(REMOVE_ITEM policies fifo.ipa cfs.ipa cfs.c cfs_cwc.ipa)
foreach(topo ${topologies})
  foreach(trace ${traces})
    foreach(policy ${policies})
      ipa_e2e(matrix.${topo}.${trace}.${policy} 0 -DOUT=run:\ done -P ${E2E}/expect.cmake --
              ${IPASIM} --topo ${topo} --policy ${policy} --trace ${trace} --threads 0)
    endforeach()
  endforeach()
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
