# Resource limits (--max-events, --until) stop a run cleanly: exit status 0,
# a message saying why, and a complete JSON report whose "exit" and
# "exit_message" say so too (docs/robustness.md).
function(ipa_limit name exit message err)
  add_test(NAME e2e.limits.${name}
           COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM} -DJSON=${SCRATCH}/limits-${name}.json
                   "-DEXIT=${exit}" "-DMESSAGE=${message}" "-DERR=${err}"
                   "-DARGS=${ARGN}" -P ${E2E}/limits_check.cmake)
  set_tests_properties(e2e.limits.${name} PROPERTIES LABELS e2e
    ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
endfunction()
ipa_limit(max_events max-events "^stopped after 1000 events \\(--max-events\\) at [0-9]+ ns$"
          "ipasim: warning: stopped after 1000 events \\(--max-events\\)"
          --topo 64core.xml --policy fifo.c --trace db.json --max-events 1000)
ipa_limit(until until "^stopped at 10000000 ns \\(--until\\)$" ""
          --topo 64core.xml --policy fifo.c --trace db.json --until 10ms)
# The earlier of two limits wins.
ipa_limit(until_first until "^stopped at 1000000 ns \\(--until\\)$" ""
          --topo 4core.xml --policy fifo.c --trace db.json --until 1ms --max-events 1000000)
