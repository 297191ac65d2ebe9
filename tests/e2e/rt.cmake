# Real-time scheduling (label e2e): exact global EDF (gedf.ipa, gedf.c)
# and preemption at wake-up.

add_executable(rt_check ${CMAKE_CURRENT_SOURCE_DIR}/e2e/rt_check.c)
set(rt_data ${CMAKE_SOURCE_DIR}/../shared/data/tasksets)

function(rt_taskset name)
  add_test(NAME e2e.gedf.${name}
           COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM}
                   -DRT_CHECK=$<TARGET_FILE:rt_check>
                   -DDIR=${SCRATCH}/gedf/${name} ${ARGN}
                   -P ${E2E}/rt_taskset.cmake)
  set_tests_properties(e2e.gedf.${name} PROPERTIES LABELS e2e
    ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
endfunction()

# SimSo's global EDF meets every deadline of the shipped task sets; so
# must gedf, with the same jobs (SimSo's count, plus each task's last
# wake-up, at the horizon, before it exits).
if(EXISTS ${rt_data}/taskset_m8_n100_seed42.csv)
  rt_taskset(m8_n100 -DCSV=${rt_data}/taskset_m8_n100_seed42.csv
             -DHORIZON_MS=1000 -DCORES=8 -DMISSES=0 -DJOBS=5280)
  rt_taskset(m16_n200 -DCSV=${rt_data}/taskset_m16_n200_seed42.csv
             -DHORIZON_MS=2000 -DCORES=16 -DMISSES=0 -DJOBS=18480)
  # the checker sees edf.ipa's inversions (per-core queues): it can fail
  rt_taskset(edf_is_not_global -DCSV=${rt_data}/taskset_m8_n100_seed42.csv
             -DHORIZON_MS=1000 -DCORES=8 -DPOLICIES=edf.ipa:interpreted)
  set_tests_properties(e2e.gedf.edf_is_not_global PROPERTIES WILL_FAIL TRUE)
endif()

# Generated task sets of several sizes (utilisation 0.7 m): no inversion.
foreach(size "1 4" "2 10" "4 40" "8 80" "32 300")
  string(REPLACE " " ";" mn "${size}")
  list(GET mn 0 m)
  list(GET mn 1 n)
  rt_taskset(gen_m${m}_n${n} "-DGEN=${m} ${n} 7" -DHORIZON_MS=500
             -DCORES=${m})
endforeach()

# A woken thread due sooner runs at its wake-up instant (10.3 ms, off the
# 1 ms tick), preempting the running one, in every mode and in the twin;
# edf.ipa, which preempts at the next tick, does not.
foreach(run gedf.ipa:interpreted gedf.ipa:compiled gedf.c:interpreted
            edf.ipa:interpreted)
  string(REPLACE ":" ";" r "${run}")
  list(GET r 0 policy)
  list(GET r 1 mode)
  set(name e2e.wakeup_preempts.${policy}.${mode})
  add_test(NAME ${name}
           COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM} -DPOLICY=${policy}
                   -DMODE=${mode} -DTRACE=${E2E}/inputs/wakeup_preempt.json
                   -DLOG=${SCRATCH}/wakeup_preempt.${policy}.${mode}.log
                   -P ${E2E}/wakeup_preempt.cmake)
  set_tests_properties(${name} PROPERTIES LABELS e2e
    ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
  if(policy STREQUAL "edf.ipa")
    set_tests_properties(${name} PROPERTIES WILL_FAIL TRUE)
  endif()
endforeach()

# CFS preempts at wake-up as Linux's check_preempt_wakeup: a nice-0
# sleeper 3.3 ms of vruntime behind the running hog (more than the 1 ms
# wake-up granularity) runs at its wake-up, not at the next tick; one of
# weight 64, whose granularity scales to 16 ms, does not.
foreach(run cfs.ipa:interpreted cfs.ipa:compiled cfs.c:interpreted)
  string(REPLACE ":" ";" r "${run}")
  list(GET r 0 policy)
  list(GET r 1 mode)
  foreach(case "preempt 1" "no_preempt 0")
    string(REPLACE " " ";" c "${case}")
    list(GET c 0 what)
    list(GET c 1 preempt)
    set(name e2e.cfs_wakeup_${what}.${policy}.${mode})
    add_test(NAME ${name}
             COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM} -DPOLICY=${policy}
                     -DMODE=${mode} -DPREEMPT=${preempt}
                     -DTRACE=${E2E}/inputs/cfs_wakeup_${what}.json
                     -DLOG=${SCRATCH}/cfs_wakeup_${what}.${policy}.${mode}.log
                     -P ${E2E}/wakeup_preempt.cmake)
    set_tests_properties(${name} PROPERTIES LABELS e2e
      ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
  endforeach()
endforeach()

# gedf.ipa is gedf.c, event for event, on every topology and trace; and
# the runtime's core order (ipa_core_order) answers gedf.ipa's "core
# running the latest deadline" as a walk of the cores does (gedf_scan.ipa
# walks them), through deadlines that change while running (overruns of
# the best-effort threads).
# (topo_traces, from dsl.cmake: a covering sample under the sanitizers)
foreach(case ${topo_traces})
  ipa_e2e_case("${case}" topo trace)
  e2e_script(gedf_ipa_is_gedf_c.${topo}.${trace} same_log.cmake
             -DA=gedf.c -DB=gedf.ipa -DTOPO=${topo} -DTRACE=${trace}
             -DDIR=${SCRATCH}/gedf-same/${topo}.${trace})
  e2e_script(gedf_order_is_scan.${topo}.${trace} same_log.cmake
             -DA=${E2E}/inputs/gedf_scan.ipa -DB=gedf.ipa -DTOPO=${topo}
             -DTRACE=${trace} -DDIR=${SCRATCH}/gedf-scan/${topo}.${trace})
endforeach()
if(EXISTS ${rt_data}/taskset_m16_n200_seed42.csv)
  rt_taskset(order_is_scan.m16_n200
             -DCSV=${rt_data}/taskset_m16_n200_seed42.csv -DHORIZON_MS=2000
             -DCORES=16 -DMISSES=0
             "-DPOLICIES=gedf.ipa:interpreted ${E2E}/inputs/gedf_scan.ipa:interpreted ${E2E}/inputs/gedf_scan.ipa:compiled")
endif()

# Try-lock failures do not touch elections from a global queue.
add_test(NAME e2e.gedf.trylock_fail
         COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM}
                 -DDIR=${SCRATCH} -P ${E2E}/trylock_global.cmake)
set_tests_properties(e2e.gedf.trylock_fail PROPERTIES LABELS e2e
  ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
