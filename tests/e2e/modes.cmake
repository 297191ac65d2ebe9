# Interpreted and compiled DSL policies decide alike (label e2e): for every
# policy of the library and of the Wasted Cores lab, the C generated from
# it produces the interpreter's event log and JSON report, byte for byte.

set(mode_topologies 1core.xml 2socket-smt.xml 64core.xml)
set(mode_env "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
function(same_modes name policy topo trace)
  string(JOIN " " extra ${ARGN})
  add_test(NAME e2e.modes.${name}
           COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM} -DA=${policy}
                   -DB=${policy} "-DA_ARGS=--mode interpreted ${extra}"
                   "-DB_ARGS=--mode compiled ${extra}" -DTOPO=${topo}
                   -DTRACE=${trace} -DDIR=${SCRATCH}/modes/${name}
                   -P ${E2E}/same_log.cmake)
  set_tests_properties(e2e.modes.${name} PROPERTIES LABELS e2e
                       ENVIRONMENT "${mode_env}")
endfunction()

# (the sanitizer build runs a covering sample of the policy x topology x
# trace product: ipa_e2e_cases in run.cmake)
ipa_e2e_cases(mode_runs "${dsl_policies}" "${mode_topologies}" "${traces}")
foreach(policy ${dsl_policies})
  foreach(run ${mode_runs})
    ipa_e2e_case("${run}" run_policy topo trace)
    if(run_policy STREQUAL policy)
      same_modes(${policy}.${topo}.${trace} ${policy} ${topo} ${trace})
    endif()
  endforeach()
  # hot-plug: core_exit and core_entry
  same_modes(${policy}.hotplug ${policy} 4core.xml
             ${CMAKE_SOURCE_DIR}/tests/e2e/inputs/hotplug.json)
  # another tick rate: ticks and time slices interleave otherwise
  same_modes(${policy}.hz250 ${policy} 2socket-smt.xml db.json --hz 250)
endforeach()
# Inputs that fault unless both modes get them right, each on two
# machines: short_circuit.ipa (or() and and() stop at the value that
# decides them, and a false or a 0 is a value) and domain_cores.ipa (a
# domain's `system set<core> cores` agrees with its groups, walked,
# counted and searched) and lazy_epoch.ipa (a cached lazy attribute is
# read again after a write of what it reads, or of its queue's order) and
# queue_order.ipa (a queue keyed highest and lowest first, whose keys
# change while queued, elects in its order) and ready_slot.ipa (a
# one-thread READY state, tested with .size and first(), elected)
foreach(input short_circuit domain_cores lazy_epoch queue_order ready_slot)
  foreach(run "2socket-smt.xml|db.json" "64core.xml|make.json")
    ipa_e2e_case("${run}" topo trace)
    same_modes(${input}.${topo}.${trace}
               ${CMAKE_SOURCE_DIR}/tests/e2e/inputs/${input}.ipa ${topo} ${trace})
  endforeach()
endforeach()
# --param values are baked into the generated C
same_modes(rr.ipa.quantum30 rr.ipa 1core.xml loops3.json --param quantum=30)

set(LAB ${CMAKE_SOURCE_DIR}/labs/wasted-cores)
# Each lab bug's student policy (buggy) and its solution (fixed).
function(lab_policy out bug variant)
  if(variant STREQUAL "buggy")
    set(${out} ${LAB}/${bug}/policy.ipa PARENT_SCOPE)
  else()
    set(${out} ${LAB}/solutions/${bug}.ipa PARENT_SCOPE)
  endif()
endfunction()
set(lab_bugs group-imbalance group-construction missing-domains overload-on-wakeup)
foreach(variant buggy fixed)
  lab_policy(gi group-imbalance ${variant})
  same_modes(lab.group-imbalance.${variant} ${gi}
             "pack:2 [numa] core:4 pu:1" ${LAB}/group-imbalance/make.json)
  lab_policy(gc group-construction ${variant})
  same_modes(lab.group-construction.${variant} ${gc}
             "pack:2 l3:2 [numa] core:2 pu:1"
             ${LAB}/group-construction/pinned.json)
  lab_policy(md missing-domains ${variant})
  same_modes(lab.missing-domains.${variant} ${md}
             "pack:2 [numa] core:4 pu:1" ${LAB}/missing-domains/hotplug.json)
  lab_policy(ow overload-on-wakeup ${variant})
  same_modes(lab.overload-on-wakeup.${variant} ${ow}
             "pack:2 [numa] core:4 pu:1" ${LAB}/overload-on-wakeup/wakeups.json
             --balance-interval 100ms)
endforeach()

# The generated C of every policy compiles warning-free (-Werror) and,
# in the sanitizer build, runs instrumented: a compiled policy's own
# out-of-bounds read or overflow is caught, not only the engine's.
# (a composition has no C of its own: its classes' C is generated here)
set(dsl_single_policies)
foreach(policy ${dsl_policies})
  file(STRINGS ${CMAKE_SOURCE_DIR}/policies/${policy} composes
       REGEX "^classes *=")
  if(NOT composes)
    list(APPEND dsl_single_policies ${policy})
  endif()
endforeach()
foreach(policy ${dsl_single_policies})
  get_filename_component(stem ${policy} NAME_WE)
  list(APPEND generated_c_tests "${stem}|${policy}")
endforeach()
foreach(bug ${lab_bugs})
  foreach(variant buggy fixed)
    lab_policy(policy ${bug} ${variant})
    list(APPEND generated_c_tests "lab.${bug}.${variant}|${policy}")
  endforeach()
endforeach()
foreach(entry ${generated_c_tests})
  string(REPLACE "|" ";" entry "${entry}")
  list(GET entry 0 name)
  list(GET entry 1 policy)
  add_test(NAME e2e.generated_c.${name}
           COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM} -DPOLICY=${policy}
                   -DCC=${CMAKE_C_COMPILER} -DINCLUDE=${CMAKE_SOURCE_DIR}/include
                   -DSANITIZE=${IPASIM_SANITIZE} -DDIR=${SCRATCH}/generated/${name}
                   -P ${E2E}/generated_c.cmake)
  set_tests_properties(e2e.generated_c.${name} PROPERTIES LABELS e2e)
endforeach()
# an empty handler (`on tick {}`) reads nothing of its instance: -Wextra
add_test(NAME e2e.generated_c.empty_handler
         COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM}
                 -DPOLICY=${CMAKE_SOURCE_DIR}/tests/golden/check/placement.ipa
                 -DCC=${CMAKE_C_COMPILER} -DINCLUDE=${CMAKE_SOURCE_DIR}/include
                 -DSANITIZE=${IPASIM_SANITIZE}
                 -DDIR=${SCRATCH}/generated/empty_handler
                 -P ${E2E}/generated_c.cmake)
set_tests_properties(e2e.generated_c.empty_handler PROPERTIES LABELS e2e)

# Random workloads on random small machines, each library policy in turn:
# a difference is shrunk to a small reproducer and printed.
add_executable(random_modes ${CMAKE_CURRENT_SOURCE_DIR}/e2e/random_modes.c)
target_link_libraries(random_modes PRIVATE PkgConfig::GLIB)
# The sanitizer build runs the first 40 of the 160 cases (each policy five
# times), as it samples the cross products (ipa_e2e_cases in run.cmake).
set(random_cases 160)
if(IPASIM_SANITIZE AND NOT IPASIM_ALL_CASES)
  set(random_cases 40)
endif()
add_test(NAME e2e.modes.random
         COMMAND random_modes ${IPASIM} ${SCRATCH}/modes/random ${random_cases} 2026)
set_tests_properties(e2e.modes.random PROPERTIES LABELS e2e
                     ENVIRONMENT "${mode_env}")
