# The Bossa article's round robin, as printed (policies/rrQ.bossa), gives
# the article's orders: on one core, loops3.json's three loops run 1, 2,
# 3, 1, 2, 3, ... in turns of Q clock ticks (1ms each). Read from the
# run's --log (who is elected when) and --json (thread names, CPU time),
# not from the exit status. Then `ipasim fmt --to ipa` prints the policy
# in Ipanema, which checks and decides byte for byte as the .bossa does.
#   cmake -DIPASIM=exe -DQUANTUM=Q -DDIR=scratch -P bossa_rr.cmake
set(policy rr${QUANTUM}.bossa)
file(REMOVE_RECURSE ${DIR})
file(MAKE_DIRECTORY ${DIR})
set(run --topo 1core.xml --trace loops3.json -q)
execute_process(COMMAND ${IPASIM} ${run} --policy ${policy}
                        --log ${DIR}/bossa.log --json ${DIR}/bossa.json
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${policy}: exit ${rc}\n${err}")
endif()

# thread id -> the loop's number (loop1 -> 1)
file(READ ${DIR}/bossa.json json)
string(JSON nr_threads LENGTH "${json}" threads)
if(NOT nr_threads EQUAL 3)
  message(FATAL_ERROR "${policy}: ${nr_threads} threads, expected 3")
endif()
foreach(i RANGE 2)
  string(JSON tid GET "${json}" threads ${i} tid)
  string(JSON name GET "${json}" threads ${i} name)
  string(JSON runtime GET "${json}" threads ${i} runtime_ns)
  string(REGEX REPLACE "^loop" "" loop_of_${tid} "${name}")
  if(NOT runtime EQUAL 300000000)
    message(FATAL_ERROR "${policy}: ${name} ran ${runtime}ns, expected 300ms")
  endif()
endforeach()

# Turns: each election ("T schedule CORE TID READY RUNNING") starts one,
# which lasts until the next election or the last thread's end.
file(STRINGS ${DIR}/bossa.log elections REGEX " schedule 0 [0-9]+ READY RUNNING$")
file(STRINGS ${DIR}/bossa.log ends REGEX " terminate 0 [0-9]+ RUNNING TERMINATED$")
list(GET ends -1 last_end)
string(REGEX REPLACE " .*" "" end_ns "${last_end}")
set(turns "")
set(prev_loop "")
set(prev_ns "")
foreach(line ${elections} "${end_ns} end")
  string(REGEX REPLACE " .*" "" ns "${line}")
  if(prev_loop)
    math(EXPR ticks "(${ns} - ${prev_ns}) / 1000000")
    list(APPEND turns "${prev_loop}x${ticks}")
  endif()
  if(line MATCHES " schedule 0 ([0-9]+) ")
    set(prev_loop ${loop_of_${CMAKE_MATCH_1}})
    set(prev_ns ${ns})
  endif()
endforeach()

# 900 ticks of work make 900/Q turns; all but the last round are whole
# turns of Q ticks in the order 1, 2, 3. The last round may split: when
# loop1 exits on a tick boundary, that tick is counted to the next turn
# (the article's trace has no end); no turn is longer than Q.
math(EXPR nr_whole "900 / ${QUANTUM} - 3")
set(want "")
foreach(i RANGE 1 ${nr_whole})
  math(EXPR loop "(${i} - 1) % 3 + 1")
  list(APPEND want "${loop}x${QUANTUM}")
endforeach()
list(SUBLIST turns 0 ${nr_whole} got)
if(NOT got STREQUAL want)
  message(FATAL_ERROR "${policy}: turns (loop x ticks)\n${got}\nexpected\n${want}")
endif()
list(SUBLIST turns ${nr_whole} -1 tail)
set(total 0)
foreach(t ${turns})
  string(REGEX REPLACE ".*x" "" ticks "${t}")
  math(EXPR total "${total} + ${ticks}")
  if(ticks GREATER QUANTUM OR ticks LESS 1)
    message(FATAL_ERROR "${policy}: a turn of ${ticks} ticks: ${turns}")
  endif()
endforeach()
if(NOT total EQUAL 900)
  message(FATAL_ERROR "${policy}: ${total} ticks of turns, expected 900")
endif()

# The same policy printed in Ipanema: it checks, and decides alike.
execute_process(COMMAND ${IPASIM} fmt --to ipa ${policy}
                OUTPUT_FILE ${DIR}/printed.ipa RESULT_VARIABLE rc
                ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fmt --to ipa ${policy}: exit ${rc}\n${err}")
endif()
execute_process(COMMAND ${IPASIM} check ${DIR}/printed.ipa
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the printed ${policy} fails its check:\n${err}")
endif()
execute_process(COMMAND ${IPASIM} ${run} --policy ${DIR}/printed.ipa
                        --log ${DIR}/printed.log --json ${DIR}/printed.json
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the printed ${policy}: exit ${rc}\n${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${DIR}/bossa.log
                        ${DIR}/printed.log RESULT_VARIABLE differ)
if(differ)
  message(FATAL_ERROR "${policy} and its Ipanema print decide differently "
                      "(${DIR}/bossa.log, printed.log)")
endif()
# the reports differ only in the policy's name
file(READ ${DIR}/printed.json printed)
foreach(name "${DIR}/printed.ipa" "printed.ipa")
  string(REPLACE "\"policy\": \"${name}\"" "\"policy\": \"${policy}\""
         printed "${printed}")
endforeach()
if(NOT printed STREQUAL json)
  message(FATAL_ERROR "${policy} and its Ipanema print: the JSON reports "
                      "differ (${DIR}/bossa.json, printed.json)")
endif()
message(STATUS "${policy}: ${nr_whole} whole turns of ${QUANTUM} ticks, 1 2 3; "
               "its Ipanema print decides alike")
