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

# A zero-time loop (a yield loop, a signal/wait ping-pong with no run)
# runs inside one event at one instant: neither the event count nor
# --until would end it. --spin-limit (10^7 operations in one event) ends
# it as a trace error, naming the threads; --max-events counts its
# operations too. Each would run for minutes or hours without the check
# (the 60 s timeout fails them).
set(LIM ${CMAKE_SOURCE_DIR}/tests/e2e/inputs/limits)
function(ipa_limit_error name err)
  ipa_e2e(limits.${name} 2 "-DERR=${err}" -P ${E2E}/expect.cmake -- ${IPASIM} ${ARGN} --quiet)
  set_tests_properties(e2e.limits.${name} PROPERTIES TIMEOUT 60)
endfunction()
ipa_limit_error(yield_loop
  "ipasim: error: [^\n]*yield.rtapp.json: thread 0 \\(a\\) at 0 ns: zero-time loop: 10000000 operations ran in one event, without simulated time advancing \\(--spin-limit\\), by thread 0 \\(a\\)\n"
  --topo 4core.xml --policy fifo.c --trace ${LIM}/yield.rtapp.json)
ipa_limit_error(ping_pong
  "zero-time loop: 10000000 operations ran in one event, without simulated time advancing \\(--spin-limit\\), by thread [01] \\(p[io]ng\\), thread [01] \\(p[io]ng\\)\n"
  --topo 4core.xml --policy cfs.c --trace ${LIM}/pingpong.json)
ipa_limit_error(ping_pong_rtapp
  "zero-time loop: 10000000 operations ran in one event, without simulated time advancing \\(--spin-limit\\), by thread [01] \\(p[io]ng\\), thread [01] \\(p[io]ng\\)\n"
  --topo 4core.xml --policy fifo.c --trace ${LIM}/pingpong.rtapp.json)
ipa_limit_error(spin_limit "zero-time loop: 5000 operations ran"
  --topo 4core.xml --policy fifo.c --trace ${LIM}/yield.rtapp.json --spin-limit 5000)
ipa_limit(yield_max_events max-events
  "^stopped after [0-9]+ events, the last running 1000 operations at 0 ns that took no time \\(--max-events\\), by thread 0 \\(a\\)$"
  "ipasim: warning: stopped after"
  --topo 4core.xml --policy fifo.c --trace ${LIM}/yield.rtapp.json --max-events 1000)
ipa_limit(ping_pong_max_events max-events
  "^stopped after [0-9]+ events, the last running 1000 operations at 0 ns that took no time \\(--max-events\\), by thread [01] \\(p[io]ng\\), thread [01] \\(p[io]ng\\)$"
  "" --topo 4core.xml --policy fifo.c --trace ${LIM}/pingpong.json --max-events 1000)
set_tests_properties(e2e.limits.yield_max_events e2e.limits.ping_pong_max_events
  PROPERTIES TIMEOUT 60)

# Threads spawned and kept alive count against the trace's thread limit.
ipa_limit_error(spawn_alive
  "spawn_alive.json: thread 0 \\(forker\\) at 0 ns: spawns 'job' while 100000 threads are alive \\(the limit is 100000 threads alive at once\\)\n"
  --topo 4core.xml --policy fifo.c --trace ${LIM}/spawn_alive.json)

# Input files over the size cap are refused before they are read: sparse
# files (truncate) cost no disk and no time. Text is capped at 256 MiB,
# a file that starts as JSON at 64 MiB, an rt-app file at 16 MiB, any
# other input (policy, topology) at 64 MiB; --max-input-size raises them.
# ipa_input_cap(NAME FILE HEAD SIZE ERR command...): FILE (in the scratch
# folder) holds HEAD and is SIZE long (sparse); the command must exit 2
# with stderr matching ERR.
function(ipa_input_cap name file head size err)
  ipa_e2e(limits.input_${name} 2 "-DERR=${err}" -P ${E2E}/expect.cmake --
          sh -c "mkdir -p \"\${1%/*}\" && printf '%s' \"$2\" > \"$1\" && truncate -s \"$3\" \"$1\" && shift 3 && exec \"$@\""
          sh ${SCRATCH}/limits-big/${file} ${head} ${size} ${ARGN})
endfunction()
set(BIG ${SCRATCH}/limits-big)
set(RUN ${IPASIM} --topo 4core.xml --policy fifo.c --quiet --trace)
ipa_input_cap(text big.txt "#" 300M
  "ipasim: error: trace '[^']*big.txt': 314572800 bytes, over the limit of 256 MiB for kernel trace text \\(--max-input-size raises it\\)\n"
  ${RUN} ${BIG}/big.txt)
ipa_input_cap(json big.json "{" 100M
  "ipasim: error: trace '[^']*big.json': 104857600 bytes, over the limit of 64 MiB for an input file \\(--max-input-size raises it\\)\n"
  ${RUN} ${BIG}/big.json)
# raised, the same file is read, and fails as JSON instead
ipa_input_cap(raised raised.json "{" 100M "ipasim: error: [^\n]*raised.json:1:2: "
  ${RUN} ${BIG}/raised.json --max-input-size 128M)
ipa_input_cap(convert conv.txt "#" 300M
  "ipasim convert: error: trace '[^']*conv.txt': 314572800 bytes, over the limit of 256 MiB"
  ${IPASIM} convert ${BIG}/conv.txt)
ipa_input_cap(convert_raised conv-raised.json "{" 65M
  "ipasim convert: error: [^\n]*conv-raised.json:1:2: "
  ${IPASIM} convert ${BIG}/conv-raised.json --max-input-size 66M)
ipa_input_cap(rtapp big.rtapp.json "{\"tasks\": {}}" 20M
  "trace '[^']*big.rtapp.json': 20971520 bytes, over the limit of 16 MiB for an rt-app file"
  ${IPASIM} convert ${BIG}/big.rtapp.json)
ipa_input_cap(policy big.ipa "#" 65M
  "policy '[^']*big.ipa': 68157440 bytes, over the limit of 64 MiB for an input file"
  ${IPASIM} check ${BIG}/big.ipa)
ipa_input_cap(topology big.xml "#" 65M
  "topology '[^']*big.xml': 68157440 bytes, over the limit of 64 MiB for an input file"
  ${IPASIM} topo ${BIG}/big.xml)
