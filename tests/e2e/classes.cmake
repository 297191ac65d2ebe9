# Policies composed of scheduling classes (label e2e): edf_over_cfs.ipa
# runs gedf for threads with a deadline or period above cfs for the rest,
# on the same cores (docs/language.md, "Composing policies").

add_executable(classes_check ${CMAKE_CURRENT_SOURCE_DIR}/e2e/classes_check.c)
set(classes_env "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
set(mixed ${E2E}/inputs/classes_mixed.json)

# A ready real-time thread never waits while a fair one runs: every
# instant of every shipped trace, and of the mixed trace (which moves a
# thread between classes with `attach`), interpreted and compiled.
function(classes_priority name topo trace)
  add_test(NAME e2e.classes.priority.${name}
           COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM}
                   -DCHECK=$<TARGET_FILE:classes_check>
                   -DPOLICY=edf_over_cfs.ipa -DTOPO=${topo} -DTRACE=${trace}
                   -DCLASS=rt -DDIR=${SCRATCH}/classes/${name} ${ARGN}
                   -P ${E2E}/classes_priority.cmake)
  set_tests_properties(e2e.classes.priority.${name} PROPERTIES LABELS e2e
                       ENVIRONMENT "${classes_env}")
endfunction()
foreach(topo 4core.xml 2socket-smt.xml)
  foreach(trace ${traces})
    classes_priority(${topo}.${trace} ${topo} ${trace})
  endforeach()
endforeach()
# rt.json's jobs take cores from batch threads at each release
classes_priority(preempts.rt.json 4core.xml rt.json
                 "-DOUT=preemptions 160 attaches 0 ")
foreach(topo 1core.xml 4core.xml 2socket-smt.xml 64core.xml)
  classes_priority(mixed.${topo} ${topo} ${mixed}
                   "-DOUT=preemptions [1-9][0-9]* attaches 2 ")
endforeach()
foreach(trace rt.json ${mixed})
  get_filename_component(stem ${trace} NAME_WE)
  classes_priority(compiled.${stem} 4core.xml ${trace} "-DARGS=--mode compiled"
                   "-DOUT=preemptions [1-9]")
endforeach()

# The work-conservation monitor sees the machine as a whole: a core busy
# with one class is not idle for the other's waiting threads ...
ipa_e2e(classes.wc_busy_not_idle 0
        "-DOUT=fair.0 +TERMINATED +10ms +49ms.*violations: 0, longest 0ns"
        -P ${E2E}/expect.cmake -- ${IPASIM} --topo "pack:1 core:2 pu:1"
        --policy edf_over_cfs.ipa --trace ${E2E}/inputs/classes_busy.json
        --fail-on-wc --wc-threshold 1ms)
# ... and an idle core while a thread of either class waits is flagged:
# cfs's Group Imbalance on make.json (the interval cfs.ipa alone has),
ipa_e2e(classes.wc_flags_fair 1 "-DOUT=1 flagged.*70\\.332ms"
        -P ${E2E}/expect.cmake -- ${IPASIM} --topo 64core.xml
        --policy edf_over_cfs.ipa --trace make.json --fail-on-wc)
# and a first class that pins its threads (pinned.c) while core 1 idles.
ipa_e2e(classes.wc_flags_first_class 1
        "-DOUT=5ms\\.\\.196ms \\(191ms\\): idle cores 1; waiting threads long0 \\(tid 0\\), long2 \\(tid 2\\)"
        -P ${E2E}/expect.cmake -- ${IPASIM} --topo "pack:1 core:2 pu:1"
        --policy ${E2E}/inputs/pinned_over_fifo.ipa
        --trace ${E2E}/inputs/classes_pinned.json --fail-on-wc)

# Threads join classes by attribute, by "class", and by `attach`; the
# JSON report says each one's class at the end.
ipa_e2e(classes.json_class 0 -DJSON_FILE=${SCRATCH}/classes_mixed.json
        "-DJSON=\"name\": \"control.0\",[^}]*\"class\": \"rt\".*\"name\": \"logger\",[^}]*\"class\": \"fair\".*\"name\": \"batch.0\",[^}]*\"class\": \"fair\".*\"name\": \"promoted\",[^}]*\"class\": \"fair\""
        -P ${E2E}/expect.cmake -- ${IPASIM} --topo 4core.xml
        --policy edf_over_cfs.ipa --trace ${mixed} -q
        --json ${SCRATCH}/classes_mixed.json)

# check, compile and fmt know a composition; bad compositions and calls
# are told with their place.
ipa_e2e(classes.check 0 "-DOUT=gedf.ipa: ok.*cfs.ipa: ok.*edf_over_cfs.ipa: ok \\(a composition of 2 classes\\)"
        -P ${E2E}/expect.cmake -- ${IPASIM} check edf_over_cfs.ipa)
ipa_e2e(classes.compile 2 "-DERR=composes policies \\(its classes\\): compile each class's policy"
        -P ${E2E}/expect.cmake -- ${IPASIM} compile edf_over_cfs.ipa)
ipa_e2e(classes.fmt 2 "-DERR=composes policies \\(its classes\\): format each"
        -P ${E2E}/expect.cmake -- ${IPASIM} fmt ${CMAKE_SOURCE_DIR}/policies/edf_over_cfs.ipa)
set(bad ${E2E}/inputs/classes_bad)
foreach(case
    "bad_syntax|1|bad_syntax.ipa:3:30: error: expected ';' after the class, found identifier"
    "twice|1|twice.ipa:4:5: error: class 'rt' is declared twice"
    "one|1|one.ipa:1:11: error: a composition needs at least two classes"
    "missing|2|missing.ipa:3:10: error: class 'rt': policy 'nosuch.ipa': no such file"
    "nested|1|nested.ipa:3:13: error: class 'inner' is itself a composition")
  string(REPLACE "|" ";" case "${case}")
  list(GET case 0 name)
  list(GET case 1 code)
  list(GET case 2 err)
  ipa_e2e(classes.bad.${name} ${code} "-DERR=${err}" -P ${E2E}/expect.cmake --
          ${IPASIM} --topo 4core.xml --policy ${bad}/${name}.ipa --trace rt.json)
endforeach()
ipa_e2e(classes.bad_check 1 "-DERR=twice.ipa:4:5: error: class 'rt' is declared twice"
        -P ${E2E}/expect.cmake -- ${IPASIM} check ${bad}/twice.ipa)
foreach(case
    "class_unknown|threads\\[0\\]\\.class: no class 'batch' in policy 'edf_over_cfs.ipa' \\(its classes: 'rt', 'fair'\\)"
    "class_single|threads\\[0\\]\\.class: class 'rt', but policy 'cfs.ipa' is not composed of classes"
    "attach_unknown|threads\\[0\\] \\(op 2\\): 'attach' takes one argument, the name of a class of 'edf_over_cfs.ipa': 'rt', 'fair'"
    "call_unknown|threads\\[0\\] \\(op 1\\): calls 'set_priority' with 1 argument, which class 'fair' of policy 'edf_over_cfs.ipa' does not declare \\(its interface functions: attach\\)")
  string(REPLACE "|" ";" case "${case}")
  list(GET case 0 name)
  list(GET case 1 err)
  set(policy edf_over_cfs.ipa)
  if(name STREQUAL "class_single")
    set(policy cfs.ipa)
  endif()
  ipa_e2e(classes.trace.${name} 2 "-DERR=${err}" -P ${E2E}/expect.cmake --
          ${IPASIM} --topo 4core.xml --policy ${policy}
          --trace ${bad}/${name}.json)
endforeach()

# Interface functions (Bossa's): prio.ipa declares set_priority and
# set_slice, which prio.json's "boosted" thread calls after 10ms of work;
# it then runs alone to its end. Interpreted and compiled alike.
set(prio ${E2E}/inputs/prio.ipa)
ipa_e2e(interface.effect 0
        "-DOUT=c0 1111222233331111222233331111222233333333333333333333333333333333111122221111"
        -P ${E2E}/expect.cmake -- ${IPASIM} --topo 1core.xml --policy ${prio}
        --trace ${E2E}/inputs/prio.json --ascii --quiet)
add_test(NAME e2e.interface.modes
         COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM} -DA=${prio} -DB=${prio}
                 "-DA_ARGS=--mode interpreted" "-DB_ARGS=--mode compiled"
                 -DTOPO=1core.xml -DTRACE=${E2E}/inputs/prio.json
                 -DDIR=${SCRATCH}/interface-modes -P ${E2E}/same_log.cmake)
set_tests_properties(e2e.interface.modes PROPERTIES LABELS e2e
                     ENVIRONMENT "${classes_env}")
add_test(NAME e2e.generated_c.interface
         COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM} -DPOLICY=${prio}
                 -DCC=${CMAKE_C_COMPILER} -DINCLUDE=${CMAKE_SOURCE_DIR}/include
                 -DSANITIZE=${IPASIM_SANITIZE} -DDIR=${SCRATCH}/generated/interface
                 -P ${E2E}/generated_c.cmake)
set_tests_properties(e2e.generated_c.interface PROPERTIES LABELS e2e)
# a call the policy does not declare (name or number of arguments), or
# with a name for a number, is an error before the run
foreach(case
    "call_undeclared|threads\\[0\\] \\(op 2\\): calls 'set_prio' with 1 argument, which policy 'prio.ipa' does not declare \\(its interface functions: set_priority \\(1 argument\\), set_slice \\(2 arguments\\)\\)"
    "call_arity|threads\\[0\\] \\(op 1\\): calls 'set_priority' with 2 arguments, which policy 'prio.ipa' does not declare"
    "call_word|threads\\[0\\] \\(op 1\\): 'set_priority' takes numbers, and argument 1 is the name 'high'")
  string(REPLACE "|" ";" case "${case}")
  list(GET case 0 name)
  list(GET case 1 err)
  ipa_e2e(interface.${name} 2 "-DERR=${err}" -P ${E2E}/expect.cmake --
          ${IPASIM} --topo 1core.xml --policy ${prio} --trace ${bad}/${name}.json)
endforeach()

# Share classes (docs/language.md, "Share groups"): edf_over_shares.ipa
# runs gedf above two cfs classes sharing 3:1. Over a long run the share
# classes' CPU times are 3:1 on one core and on four, however many
# threads each has (one against six), and what real-time jobs leave is
# divided so too.
function(shares_test name topo trace)
  add_test(NAME e2e.shares.${name}
           COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM} -DTOPO=${topo}
                   -DTRACE=${E2E}/inputs/${trace}.json
                   -DJSON=${SCRATCH}/shares.${name}.json ${ARGN}
                   -P ${E2E}/shares.cmake)
  set_tests_properties(e2e.shares.${name} PROPERTIES LABELS e2e
                       ENVIRONMENT "${classes_env}")
endfunction()
foreach(topo 1core.xml 4core.xml)
  foreach(mode interpreted compiled)
    shares_test(ratio.${topo}.${mode} ${topo} shares_cpu
                -DPOLICY=edf_over_shares.ipa "-DCLASSES=fair\;batch"
                "-DSHARES=3\;1" "-DARGS=--mode ${mode}")
  endforeach()
endforeach()
shares_test(by_class.1core.xml 1core.xml shares_uneven
            -DPOLICY=edf_over_shares.ipa "-DCLASSES=fair\;batch"
            "-DSHARES=3\;1")
shares_test(below_rt.2core "pack:1 core:2 pu:1" shares_rt
            -DPOLICY=edf_over_shares.ipa "-DCLASSES=fair\;batch"
            "-DSHARES=3\;1")
# A class with nothing to run banks nothing: late, asleep for 2s while
# busy ran, then shares the core 1:1 and ends at 4s; with credit banked
# it would run alone until it caught up, and end at 3s.
shares_test(no_banking 1core.xml shares_nobank
            -DPOLICY=${E2E}/inputs/shares_even.ipa "-DCLASSES=busy\;late"
            -DTHREAD=late
            -DEND_MIN=3950000000 -DEND_MAX=4050000000)
# Fixed priority above share classes still holds: no job waits while a
# share class's thread runs, at any instant, on every shipped trace and
# on shares_rt.json, and on the mixed trace (threads attach to rt and
# to fair as they run).
foreach(trace ${traces} ${E2E}/inputs/shares_rt.json ${mixed})
  get_filename_component(stem ${trace} NAME)
  foreach(topo 4core.xml "pack:1 core:2 pu:1")
    string(REGEX REPLACE "[^a-z0-9]+" "_" tname "${topo}")
    add_test(NAME e2e.shares.priority.${tname}.${stem}
             COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM}
                     -DCHECK=$<TARGET_FILE:classes_check>
                     -DPOLICY=edf_over_shares.ipa -DTOPO=${topo}
                     -DTRACE=${trace} -DCLASS=rt
                     -DDIR=${SCRATCH}/shares/${tname}.${stem}
                     -P ${E2E}/classes_priority.cmake)
    set_tests_properties(e2e.shares.priority.${tname}.${stem} PROPERTIES
                         LABELS e2e ENVIRONMENT "${classes_env}")
  endforeach()
endforeach()
# Interpreted and compiled classes decide alike, event for event.
foreach(trace shares_rt shares_nobank)
  set(policy edf_over_shares.ipa)
  if(trace STREQUAL "shares_nobank")
    set(policy ${E2E}/inputs/shares_even.ipa)
  endif()
  add_test(NAME e2e.shares.modes.${trace}
           COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM} -DA=${policy}
                   -DB=${policy} "-DA_ARGS=--mode interpreted"
                   "-DB_ARGS=--mode compiled" "-DTOPO=pack:1 core:2 pu:1"
                   -DTRACE=${E2E}/inputs/${trace}.json
                   -DDIR=${SCRATCH}/shares-modes/${trace}
                   -P ${E2E}/same_log.cmake)
  set_tests_properties(e2e.shares.modes.${trace} PROPERTIES LABELS e2e
                       ENVIRONMENT "${classes_env}")
endforeach()
# A share is a whole number from 1: told with its place.
foreach(case
    "share_zero|share_zero.ipa:3:22: error: a class's share is a whole number from 1 to 1000000, found 0"
    "share_negative|share_negative.ipa:3:22: error: expected the class's share, a whole number from 1 to 1000000, found '-'"
    "share_fraction|share_fraction.ipa:3:22: error: a class's share is a whole number from 1 to 1000000, not a fraction"
    "share_missing|share_missing.ipa:3:21: error: expected the class's share, a whole number from 1 to 1000000, found ';'")
  string(REPLACE "|" ";" case "${case}")
  list(GET case 0 name)
  list(GET case 1 err)
  ipa_e2e(classes.bad.${name} 1 "-DERR=${err}" -P ${E2E}/expect.cmake --
          ${IPASIM} --topo 4core.xml --policy ${bad}/${name}.ipa --trace rt.json)
  ipa_e2e(classes.bad_check.${name} 1 "-DERR=${err}" -P ${E2E}/expect.cmake --
          ${IPASIM} check ${bad}/${name}.ipa)
endforeach()
