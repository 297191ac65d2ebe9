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

# Whatever a native policy does, the run ends with exit 1 and a message
# naming the policy (and the callback, thread, core and time where known),
# within the watchdog and memory bounds; --json still gets a report with
# "exit": "fault"; no partial output is left (cli/supervise.c). Under a
# sanitizer, a double free or a crash its handler sees is its report and
# exit status 1 instead of SIGABRT or SIGSEGV: both are accepted.
set(N ${IPASIM} --topo 1core.xml --trace loops3.json --quiet --watchdog 1s)
set(AT "\n  event: tick\n  thread: 0.*\n  core: 0\n  time: 1000000 ns")
set(DOWN "took the process down with")
set(SAN_EXIT "ended the process with exit status 1")
foreach(case exit _exit abort double_free sleep blocked alloc segv_reset)
  set(pol crash_${case}.c)
  set(at "${AT}")
  set(watchdog 1s)
  # a process that died leaves no log; a run the guard ended keeps its
  # complete log (docs/robustness.md)
  set(no_log -DNO_FILE=${SCRATCH}/native_${case}.log)
  if(case STREQUAL "exit")
    set(what "ended the process with exit status 0 \\(exit\\(\\) or _exit\\(\\)")
    set(json "\"cause\": \"exit\",\n    \"exit_status\": 0")
  elseif(case STREQUAL "_exit")
    set(what "ended the process with exit status 3")
    set(json "\"cause\": \"exit\",\n    \"exit_status\": 3")
  elseif(case STREQUAL "abort")
    set(what "${DOWN} SIGABRT")
    set(json "\"cause\": \"signal\",\n    \"signal\": \"SIGABRT\"")
  elseif(case STREQUAL "double_free")
    set(what "(${DOWN} SIGABRT|${SAN_EXIT})")
    set(json "\"cause\": \"(signal|exit)\"")
  elseif(case STREQUAL "sleep")
    # the guard ends it inside the child: the full report of the run
    set(what "did not return: it ran past the watchdog limit of 1s of wall-clock time")
    set(json "\"latency_by_group\"")
    set(no_log "")
  elseif(case STREQUAL "blocked")
    set(what "did not return: it ran past the watchdog limit of 1s of wall-clock time and did not answer the watchdog")
    set(json "\"cause\": \"watchdog\"")
  elseif(case STREQUAL "alloc")
    # the address-space limit fails its malloc (the guard names the
    # limit), or under ASan the supervisor sees the resident size
    set(what ".*(96 MiB address space|used more than 96 MiB of memory)")
    set(json "")
    set(watchdog 60s) # the memory bound ends it, the watchdog must not
    set(no_log "")
  elseif(case STREQUAL "segv_reset")
    set(what "(${DOWN} SIGSEGV|${SAN_EXIT})")
    set(json "\"cause\": \"(signal|exit)\"")
  endif()
  ipa_e2e(native_${case} 1 "-DERR=policy fault in ${pol}: callback tick ${what}.*${at}"
          ${no_log} "-DNO_GLOB=${SCRATCH}/.native_${case}.log*"
          -DJSON_FILE=${SCRATCH}/native_${case}.json "-DJSON=\"exit\": \"fault\".*${json}"
          -P ${E2E}/expect.cmake --
          ${N} --watchdog ${watchdog} --policy ${IN}/${pol} --max-memory 96M --log ${SCRATCH}/native_${case}.log
          --json ${SCRATCH}/native_${case}.json)
endforeach()
# Writing past its thread data breaks the engine's records: whichever
# notices, the policy is named.
ipa_e2e(native_overrun 1 "-DERR=policy fault in crash_overrun.c: "
        -DJSON_FILE=${SCRATCH}/native_overrun.json "-DJSON=\"exit\": \"fault\""
        -P ${E2E}/expect.cmake --
        ${N} --policy ${IN}/crash_overrun.c --json ${SCRATCH}/native_overrun.json)
# Constructors run at load, before any callback: the supervisor names the
# policy, also as the second of two partitions.
ipa_e2e(native_ctor 1 "-DERR=policy fault in crash_ctor.c: its code run at load \\(a constructor\\) (${DOWN} SIGSEGV|${SAN_EXIT})"
        -DJSON_FILE=${SCRATCH}/native_ctor.json "-DJSON=\"exit\": \"fault\".*\"callback\": \"load\""
        -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 4core.xml --policy 0-1:fifo.c --policy 2-3:${IN}/crash_ctor.c --trace loops3.json --quiet
        --json ${SCRATCH}/native_ctor.json)
ipa_e2e(native_ctor_spin 1 "-DERR=policy fault in crash_ctor_spin.c: its code run at load \\(a constructor\\) did not return: it ran past the watchdog limit of 1s"
        -P ${E2E}/expect.cmake -- ${N} --policy ${IN}/crash_ctor_spin.c)
# ... and destructors, after the run, when dlclose unloads it.
ipa_e2e(native_dtor_spin 1 "-DERR=policy fault in crash_dtor_spin.c: its code run at unload \\(a destructor\\) did not return: it ran past the watchdog limit of 1s"
        -P ${E2E}/expect.cmake -- ${N} --policy ${IN}/crash_dtor_spin.c)
# Sizes the engine multiplies and adds are bounded at load.
ipa_e2e(native_data_size 1 "-DERR=crash_data_size.c': thread_data_size is 18446744073709551608 bytes; at most 1048576 are allowed"
        -P ${E2E}/expect.cmake -- ${N} --policy ${IN}/crash_data_size.c)
ipa_e2e(native_nr_rqs 1 "-DERR=crash_nr_rqs.c': nr_core_rqs is 2147483647; it must be from 0 to 64"
        -P ${E2E}/expect.cmake -- ${N} --policy ${IN}/crash_nr_rqs.c)
ipa_e2e(native_max_memory_flag 2 "-DERR=--max-memory: expected a size like '512M' or '4G', got '12Q'"
        -P ${E2E}/expect.cmake -- ${N} --policy fifo.c --max-memory 12Q)

# ipasim analyze: only a kernel recording, on enough cores; nothing written
# on an error
set(REC ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/ftrace/perf_script.txt)
ipa_e2e(analyze_ok 0 "-DOUT=recorded on pack:1 core:2 pu:1.*work conservation \\(recorded on cores 0-1\\)"
        -P ${E2E}/expect.cmake -- ${IPASIM} analyze ${REC})
ipa_e2e(analyze_no_recording 2 "-DERR=a recording is required" -P ${E2E}/expect.cmake -- ${IPASIM} analyze)
ipa_e2e(analyze_two_recordings 2 "-DERR=one recording at a time" -P ${E2E}/expect.cmake --
        ${IPASIM} analyze ${REC} ${REC})
ipa_e2e(analyze_native 2 "-DERR=loops3.json: not a kernel recording \\(ipasim format\\)"
        -DNO_FILE=${SCRATCH}/analyze_native.json -P ${E2E}/expect.cmake --
        ${IPASIM} analyze ${CMAKE_SOURCE_DIR}/traces/loops3.json --json ${SCRATCH}/analyze_native.json)
ipa_e2e(analyze_missing 2 "-DERR=trace '.*nope.txt': No such file" -P ${E2E}/expect.cmake --
        ${IPASIM} analyze ${SCRATCH}/nope.txt)
ipa_e2e(analyze_idle_only 2 "-DERR=idle_only.txt: no thread other than the idle task" -P ${E2E}/expect.cmake --
        ${IPASIM} analyze ${CMAKE_SOURCE_DIR}/tests/malformed/ftrace/idle_only.txt)
ipa_e2e(analyze_few_cores 2 "-DERR=the recording has 2 CPUs, the topology only 1 core"
        -DNO_FILE=${SCRATCH}/analyze_cores.json -P ${E2E}/expect.cmake --
        ${IPASIM} analyze ${REC} --topo 1core.xml --json ${SCRATCH}/analyze_cores.json)
ipa_e2e(analyze_output_is_input 2 "-DERR=--json.*the recording" -P ${E2E}/expect.cmake --
        ${IPASIM} analyze ${REC} --json ${REC})
