# The Bossa article's round-robin patterns: on one core, loops3.json's three
# CPU-bound threads take turns of QUANTUM ticks: 111...222...333...
#   cmake -DIPASIM=exe -DQUANTUM=N -P rr_pattern.cmake
execute_process(COMMAND ${IPASIM} --topo 1core.xml --policy rr.ipa
                        --trace loops3.json --param quantum=${QUANTUM} --ascii
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "exit ${rc}\n${err}")
endif()
# the timeline: one "c0 ..." line per 100 ticks, concatenated
string(REGEX MATCHALL "\nc0 [^\n]*" lines "${out}")
set(timeline "")
foreach(l IN LISTS lines)
  string(REGEX REPLACE "^\nc0 " "" l "${l}")
  string(APPEND timeline "${l}")
endforeach()
# loops3: three threads of 300ms each, so 900 ticks. Every turn but the
# last is checked: when the first thread exits on a tick boundary, that
# tick is counted to the next thread, which ends its last turn one tick
# early (the article's figure has no such end).
set(want "")
string(REPEAT "1" ${QUANTUM} one)
string(REPEAT "2" ${QUANTUM} two)
string(REPEAT "3" ${QUANTUM} three)
math(EXPR turns "300 / ${QUANTUM} - 1")
foreach(i RANGE 1 ${turns})
  string(APPEND want "${one}${two}${three}")
endforeach()
string(LENGTH "${want}" n)
string(SUBSTRING "${timeline}" 0 ${n} got)
if(NOT got STREQUAL want)
  message(FATAL_ERROR "RR${QUANTUM} timeline:\n${got}\nexpected:\n${want}")
endif()
message(STATUS "RR${QUANTUM}: ${turns} turns of ${QUANTUM} ticks each")
