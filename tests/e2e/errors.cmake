# Bad input gets a clear error and the right exit code; nothing half-written
# is left behind.
set(IN ${E2E}/inputs)
set(X ${IPASIM} --topo 4core.xml --policy fifo.c --trace loops3.json)

ipa_e2e(help 0 "-DOUT=--topo.*--policy.*--trace" -P ${E2E}/expect.cmake -- ${IPASIM} --help)
ipa_e2e(version 0 "-DOUT=^ipasim [0-9]+\\.[0-9]+" -P ${E2E}/expect.cmake -- ${IPASIM} --version)
ipa_e2e(no_args 2 "-DERR=usage" -P ${E2E}/expect.cmake -- ${IPASIM})
ipa_e2e(unknown_flag 2 "-DERR=Unknown option --frobnicate" -P ${E2E}/expect.cmake -- ${X} --frobnicate)
ipa_e2e(unknown_command 2 "-DERR=unknown command 'frob'" -P ${E2E}/expect.cmake -- ${IPASIM} frob)
ipa_e2e(missing_required 2 "-DERR=--topo, --policy and --trace are required" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 4core.xml)
ipa_e2e(stray_argument 2 "-DERR=unexpected argument 'extra'" -P ${E2E}/expect.cmake -- ${X} extra)
ipa_e2e(bad_duration 2 "-DERR=--until: expected a duration like '2ms' or '150us', got '5xs'" -P ${E2E}/expect.cmake --
        ${X} --until 5xs)
ipa_e2e(bad_hz 2 "-DERR=--hz must be between 1 and 1000000" -P ${E2E}/expect.cmake -- ${X} --hz 0)
ipa_e2e(missing_trace 2 "-DERR=trace 'nope.json': no such file" -DNO_FILE=${SCRATCH}/missing.json -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 4core.xml --policy fifo.c --trace nope.json --json ${SCRATCH}/missing.json)
ipa_e2e(missing_topology 2 "-DERR=topology 'nope.xml': no such file" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo nope.xml --policy fifo.c --trace loops3.json)
ipa_e2e(bad_synthetic 2 "-DERR=topology 'pack:x'" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo pack:x --policy fifo.c --trace loops3.json)
ipa_e2e(missing_policy 2 "-DERR=policy 'nope.c': no such file" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 4core.xml --policy nope.c --trace loops3.json)
ipa_e2e(policy_compile_error 2 "-DERR=does not compile.*syntax_error.c:[0-9]+:[0-9]+: error" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 4core.xml --policy ${IN}/syntax_error.c --trace loops3.json)
ipa_e2e(policy_no_entry 2 "-DERR=defines no 'ipa_policy'" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 4core.xml --policy ${IN}/no_entry.c --trace loops3.json)
ipa_e2e(bad_partition 2 "-DERR=partition of 'fifo.c': core 4 does not exist \\(the topology has 4 cores\\)" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 4core.xml --policy 0-9:fifo.c --trace loops3.json)
ipa_e2e(trace_syntax 2 "-DERR=bad_syntax.json:[0-9]+:[0-9]+" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 4core.xml --policy fifo.c --trace ${IN}/bad_syntax.json)
ipa_e2e(trace_affinity 2 "-DERR=threads\\[0\\]\\.affinity: core 2" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 1core.xml --policy fifo.c --trace ${IN}/bad_affinity.json)
ipa_e2e(trace_bad_unlock 2 "-DERR=thread 1 \\(b\\).*unlocks mutex 'm', which it does not hold" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 1core.xml --policy fifo.c --trace ${IN}/bad_unlock.json)
ipa_e2e(deadlock 0 "-DERR=deadlock at [0-9]+ ns: 1 thread blocked forever: waiter \\(on channel 'never'\\)" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 4core.xml --policy fifo.c --trace ${IN}/deadlock.json)
ipa_e2e(fault_illegal 1 "-DERR=illegal transition RUNNING -> MIGRATING of thread 0.*event: block.*core: 0.*time: 1000000 ns"
        -DNO_FILE=${SCRATCH}/fault.log -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 1core.xml --policy ${IN}/illegal_move.c --trace ${IN}/deadlock.json --quiet)
ipa_e2e(fault_lost 1 "-DERR=new_place left thread 0 in NOT_QUEUED instead of READY \\(lost thread\\)" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 1core.xml --policy ${IN}/lose_thread.c --trace loops3.json --quiet)
ipa_e2e(stall 1 "-DERR=stall: 3 threads ready and no core running anything" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 1core.xml --policy ${IN}/never_elect.c --trace loops3.json --quiet --stall-limit 1s)
ipa_e2e(topo_command 0 "-DOUT=hierarchy: valid" -P ${E2E}/expect.cmake -- ${IPASIM} topo 64core.xml)

# A C policy that crashes or spins ends the run with a fault, never a crash.
foreach(crash null div recurse)
  ipa_e2e(crash_${crash} 1 "-DERR=policy fault in crash_${crash}.c: callback tick crashed with SIG.*thread: 0 \\(loop1\\).*core: 0.*time: 1000000 ns"
          -DNO_FILE=${SCRATCH}/crash_${crash}.json -P ${E2E}/expect.cmake --
          ${IPASIM} --topo 1core.xml --policy ${IN}/crash_${crash}.c --trace loops3.json --quiet)
endforeach()
ipa_e2e(crash_spin 1 "-DERR=policy fault in crash_spin.c: callback tick did not return: it ran past the watchdog limit"
        -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 1core.xml --policy ${IN}/crash_spin.c --trace loops3.json --quiet --watchdog 500ms)

# Hot-plug: every shipped policy moves threads off a core that goes
# offline; a policy without core_exit is told what it left behind.
foreach(policy fifo.c pinned.c cfs.c)
  ipa_e2e(hotplug_${policy} 0 "-DOUT=run: done" -P ${E2E}/expect.cmake --
          ${IPASIM} --topo 4core.xml --policy ${policy} --trace ${IN}/hotplug.json --threads 0)
endforeach()
ipa_e2e(hotplug_no_core_exit 1 "-DERR=the policy has no core_exit to move thread 2 running on offline core 2.*time: 5000000 ns" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 4core.xml --policy ${IN}/no_core_exit.c --trace ${IN}/hotplug_cpu.json --quiet)
