# End-to-end tests of DSL policies run by the interpreter (label e2e).
# The matrix in run.cmake runs every policies/*.ipa on every topology and
# trace; here: what each must show.

# A test that runs a script of tests/e2e with the shared policy cache:
#   e2e_script(NAME SCRIPT -DVAR=value...)
function(e2e_script name script)
  add_test(NAME e2e.${name}
           COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM} ${ARGN}
                   -P ${E2E}/${script})
  set_tests_properties(e2e.${name} PROPERTIES LABELS e2e
    ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
endfunction()

# The Bossa article's RR10 and RR30 patterns.
foreach(q 10 30)
  add_test(NAME e2e.rr${q}_pattern
           COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM} -DQUANTUM=${q}
                   -P ${E2E}/rr_pattern.cmake)
  set_tests_properties(e2e.rr${q}_pattern PROPERTIES LABELS e2e)
endforeach()

# The same, from the article's own code (policies/rr10.bossa, rr30.bossa):
# who runs when, from the log; and `fmt --to ipa` of it decides alike.
foreach(q 10 30)
  e2e_script(bossa_rr${q} bossa_rr.cmake -DQUANTUM=${q}
             -DDIR=${SCRATCH}/bossa-rr${q})
endforeach()

# What the checker takes for the target is the target at run time: a
# policy that moves `current` in tick, yield, block and terminate, and
# tests `e.target in blocked` in unblock, runs make.json's 303 threads to
# the end (a lost thread faults), interpreted and compiled alike.
e2e_script(running_is_target same_log.cmake
           -DA=${CMAKE_SOURCE_DIR}/tests/golden/check/running_is_target.ipa
           -DB=${CMAKE_SOURCE_DIR}/tests/golden/check/running_is_target.ipa
           "-DA_ARGS=--mode interpreted" "-DB_ARGS=--mode compiled"
           -DTOPO=4core.xml -DTRACE=make.json
           -DDIR=${SCRATCH}/running-is-target)

# A scenario (ipasim test) takes .bossa policies as it takes the others.
ipa_e2e(bossa_scenario 0 "-DOUT=PASS bossa-rr\n1 passed, 0 failed" -P ${E2E}/expect.cmake --
        ${IPASIM} test ${E2E}/inputs/bossa_rr.scenario.json)

# fifo.ipa is fifo.c, event for event.
# (ipa_e2e_cases: the sanitizer build runs a covering sample of each
# topology x trace product here; see run.cmake)
ipa_e2e_cases(topo_traces "${topologies}" "${traces}")
foreach(case ${topo_traces})
  ipa_e2e_case("${case}" topo trace)
  e2e_script(fifo_ipa_is_fifo_c.${topo}.${trace} same_log.cmake
             -DA=fifo.c -DB=fifo.ipa -DTOPO=${topo} -DTRACE=${trace}
             -DDIR=${SCRATCH}/fifo-same/${topo}.${trace})
endforeach()

# Hot-plug: every DSL policy moves the threads of a core going offline
# (the running one comes back to its queue first), and fifo.ipa still
# matches fifo.c.
file(GLOB dsl_policies RELATIVE ${CMAKE_SOURCE_DIR}/policies ${CMAKE_SOURCE_DIR}/policies/*.ipa
     ${CMAKE_SOURCE_DIR}/policies/*.bossa)
foreach(policy ${dsl_policies})
  foreach(trace hotplug hotplug_cpu)
    ipa_e2e(hotplug.${policy}.${trace} 0 -DOUT=run:\ done -P ${E2E}/expect.cmake --
            ${IPASIM} --topo 4core.xml --policy ${policy}
            --trace ${E2E}/inputs/${trace}.json --threads 0)
  endforeach()
endforeach()
e2e_script(fifo_ipa_is_fifo_c.hotplug same_log.cmake
           -DA=fifo.c -DB=fifo.ipa -DTOPO=4core.xml
           -DTRACE=${E2E}/inputs/hotplug.json
           -DDIR=${SCRATCH}/fifo-same/hotplug)

# cfs.ipa is cfs.c, event for event, on every topology and trace and
# through a hot-plug (the benchmark compares the two as one policy).
foreach(case ${topo_traces})
  ipa_e2e_case("${case}" topo trace)
  e2e_script(cfs_ipa_is_cfs_c.${topo}.${trace} same_log.cmake
             -DA=cfs.c -DB=cfs.ipa -DTOPO=${topo} -DTRACE=${trace}
             -DDIR=${SCRATCH}/cfs-same/${topo}.${trace})
endforeach()
e2e_script(cfs_ipa_is_cfs_c.hotplug same_log.cmake
           -DA=cfs.c -DB=cfs.ipa -DTOPO=4core.xml
           -DTRACE=${E2E}/inputs/hotplug.json
           -DDIR=${SCRATCH}/cfs-same/hotplug)

# The Wasted Cores comparison: cfs.ipa keeps Linux's average-load
# balancing and leaves cores idle on the Group Imbalance workload;
# cfs_cwc.ipa, the work-conserving variant, flags nothing on any trace.
ipa_e2e(cfs_ipa_make_flags 1 "-DOUT=[1-9][0-9]* flagged.*idle cores"
        "-DERR=flagged \\(--fail-on-wc\\)" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 64core.xml --policy cfs.ipa --trace make.json --fail-on-wc)
foreach(case ${topo_traces})
  ipa_e2e_case("${case}" topo trace)
  ipa_e2e(cfs_cwc_no_flag.${topo}.${trace} 0 "-DOUT=0 flagged" -P ${E2E}/expect.cmake --
          ${IPASIM} --topo ${topo} --policy cfs_cwc.ipa --trace ${trace} --fail-on-wc --threads 0)
endforeach()

# EDF serves rt.json's periodic tasks within a tick of their wake-up
# (deadline 5ms); time-sharing round robin makes them wait behind batch
# work for more than their deadline.
ipa_e2e(edf_rt_latency 0 "-DOUT=group rt +p50 [^,]+, p99 (0ns|[0-9.]+us|1ms), max (0ns|[0-9.]+us|1ms) over 164"
        -P ${E2E}/expect.cmake -- ${IPASIM} --topo 4core.xml --policy edf.ipa --trace rt.json --threads 0)
ipa_e2e(rr_rt_latency 0 "-DOUT=group rt +p50 [1-9][0-9]ms"
        -P ${E2E}/expect.cmake -- ${IPASIM} --topo 4core.xml --policy rr.ipa --trace rt.json --threads 0)

# Partitions mix DSL and C policies, each checked on its own cores.
ipa_e2e(partition_ipa_c 0 "-DOUT=cfs_cwc.ipa on cores 0-31.*fifo.c on cores 32-63" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 64core.xml --policy 0-31:cfs_cwc.ipa --policy 32-63:fifo.c
        --trace db.json --threads 0)

# Same inputs, same output, interpreted too.
add_test(NAME e2e.determinism_ipa
         COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM} -DDIR=${SCRATCH}/det-ipa
                 "-DARGS=--topo;64core.xml;--policy;cfs.ipa;--trace;db.json"
                 -P ${E2E}/determinism.cmake)
set_tests_properties(e2e.determinism_ipa PROPERTIES LABELS e2e)

# Kept queue sums (ipa_rq_sum) are the walked ones: make.json's threads
# come and go, so its group sizes change all along; hot-plug moves queues.
set(runs "") # topology|trace|name
foreach(trace ${traces})
  list(APPEND runs "64core.xml|${trace}|${trace}")
endforeach()
list(APPEND runs "4core.xml|${E2E}/inputs/hotplug.json|hotplug")
ipa_e2e_cases(kept_sums "cfs.ipa;cfs_cwc.ipa" "interpreted;compiled" "${runs}")
foreach(case ${kept_sums})
  ipa_e2e_case("${case}" policy mode topo trace name)
  e2e_script(kept_sums.${policy}.${mode}.${name} kept_sums.cmake
             -DPOLICY=${CMAKE_SOURCE_DIR}/policies/${policy} -DMODE=${mode}
             -DTOPO=${topo} -DTRACE=${trace}
             -DDIR=${SCRATCH}/kept-sums/${policy}.${mode}.${name})
endforeach()

# Walks of the waiting cores and lookups by id decide as walks of every
# core: make.json balances all along, hotplug.json moves queues, and the
# 320-core machine has groups of 80 cores across words of a core set.
# inputs/two_ready.ipa has two READY queues and filters on one of them.
set(walk_policies cfs.ipa cfs_cwc.ipa fifo.ipa quanta.ipa rr.ipa)
list(TRANSFORM walk_policies PREPEND ${CMAKE_SOURCE_DIR}/policies/)
list(APPEND walk_policies ${E2E}/inputs/two_ready.ipa)
ipa_e2e_cases(core_walks "${walk_policies}" "interpreted;compiled"
              "64core.xml|make.json;2socket-smt.xml|db.json;pack:4 core:80 pu:1|lu.json;4core.xml|${E2E}/inputs/hotplug.json")
foreach(case ${core_walks})
  ipa_e2e_case("${case}" path mode topo trace)
  get_filename_component(policy ${path} NAME)
  get_filename_component(name ${trace} NAME_WE)
  e2e_script(core_walks.${policy}.${mode}.${name} core_walks.cmake
             -DPOLICY=${path} -DMODE=${mode}
             "-DTOPO=${topo}" -DTRACE=${trace}
             -DDIR=${SCRATCH}/core-walks/${policy}.${mode}.${name})
endforeach()

# foreach over a run queue visits what the queue held when the loop began,
# whatever the body does to it (walks.cmake).
ipa_e2e_cases(queue_walks "db.json;lu.json;make.json;rt.json"
              "4core.xml;2socket-smt.xml")
foreach(case ${queue_walks})
  ipa_e2e_case("${case}" trace topo)
  e2e_script(queue_walks.${topo}.${trace} walks.cmake
             -DPOLICY=${E2E}/inputs/walks.ipa -DTOPO=${topo} -DTRACE=${trace}
             -DDIR=${SCRATCH}/walks/${topo}.${trace})
endforeach()
e2e_script(queue_walks.hotplug walks.cmake
           -DPOLICY=${E2E}/inputs/walks.ipa -DTOPO=4core.xml
           -DTRACE=${E2E}/inputs/hotplug.json -DDIR=${SCRATCH}/walks/hotplug)

# An `else if` chain and a chain of lazy attributes 1,000 long run as
# their one-line twins do, in both modes; a chain of 5,000 lazy attributes
# faults naming the nesting bound (long_chains.cmake).
foreach(shape else_if lazy lazy_too_deep)
  foreach(mode interpreted compiled)
    e2e_script(long_chains.${shape}.${mode} long_chains.cmake
               -DSHAPE=${shape} -DMODE=${mode}
               -DDIR=${SCRATCH}/long-chains/${shape}.${mode})
  endforeach()
endforeach()

# The benchmark runs every policy pair and the scale table.
e2e_script(bench bench.cmake -DCRASHING=${E2E}/inputs/crash_null.c)

# Nesting tens of thousands deep (a chain `x + x + ...` is as deep as it is
# long) is refused by the parser with the line, by every command, instead
# of overflowing the stack of a later pass (docs/robustness.md).
foreach(shape sum and field type)
  foreach(cmd check compile fmt run)
    e2e_script(deep_policy.${shape}.${cmd} deep_policy.cmake
               -DPOLICY=${CMAKE_SOURCE_DIR}/policies/fifo.ipa -DSHAPE=${shape}
               -DCMD=${cmd} -DDIR=${SCRATCH}/deep-policy)
  endforeach()
endforeach()
