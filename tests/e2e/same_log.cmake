# Two policies that must decide alike produce byte-identical event logs.
#   cmake -DIPASIM=exe -DA=policy -DB=policy -DTOPO=t -DTRACE=t -DDIR=scratch
#         -P same_log.cmake
file(MAKE_DIRECTORY ${DIR})
foreach(p A B)
  execute_process(COMMAND ${IPASIM} --topo ${TOPO} --policy ${${p}}
                          --trace ${TRACE} --log ${DIR}/${p}.log -q
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${${p}} on ${TOPO}/${TRACE}: exit ${rc}\n${err}")
  endif()
endforeach()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${DIR}/A.log
                        ${DIR}/B.log RESULT_VARIABLE differ)
if(differ)
  file(STRINGS ${DIR}/A.log la)
  file(STRINGS ${DIR}/B.log lb)
  list(LENGTH la na)
  list(LENGTH lb nb)
  set(i 0)
  foreach(line IN LISTS la)
    list(GET lb ${i} other)
    if(NOT line STREQUAL other)
      message(FATAL_ERROR "${A} and ${B} differ on ${TOPO}/${TRACE} at "
                          "line ${i} (of ${na} and ${nb}):\n  ${line}\n  ${other}")
    endif()
    math(EXPR i "${i} + 1")
    if(i EQUAL nb)
      break()
    endif()
  endforeach()
  message(FATAL_ERROR "${A} and ${B}: ${na} and ${nb} lines")
endif()
