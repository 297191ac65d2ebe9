# Two policies (or two modes of one) that must decide alike produce
# byte-identical event logs and JSON reports.
#   cmake -DIPASIM=exe -DA=policy -DB=policy -DTOPO=t -DTRACE=t -DDIR=scratch
#         [-DA_ARGS=opts -DB_ARGS=opts] -P same_log.cmake
file(MAKE_DIRECTORY ${DIR})
foreach(p A B)
  separate_arguments(args UNIX_COMMAND "${${p}_ARGS}")
  execute_process(COMMAND ${IPASIM} --topo ${TOPO} --policy ${${p}} ${args}
                          --trace ${TRACE} --log ${DIR}/${p}.log
                          --json ${DIR}/${p}.json -q
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${${p}} ${${p}_ARGS} on ${TOPO}/${TRACE}: exit ${rc}\n${err}")
  endif()
endforeach()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${DIR}/A.log
                        ${DIR}/B.log RESULT_VARIABLE differ)
if(differ)
  file(STRINGS ${DIR}/A.log la)
  file(STRINGS ${DIR}/B.log lb)
  list(LENGTH la na)
  list(LENGTH lb nb)
  # one pass over both (list(GET) per line would be quadratic)
  set(i 0)
  foreach(line other IN ZIP_LISTS la lb)
    if(i EQUAL na OR i EQUAL nb)
      break()
    endif()
    if(NOT line STREQUAL other)
      message(FATAL_ERROR "${A} ${A_ARGS} and ${B} ${B_ARGS} differ on "
                          "${TOPO}/${TRACE} at line ${i} (of ${na} and ${nb}):"
                          "\n  ${line}\n  ${other}")
    endif()
    math(EXPR i "${i} + 1")
  endforeach()
  message(FATAL_ERROR "${A} and ${B}: ${na} and ${nb} lines")
endif()
# The reports name the policy: compare them where both runs are one policy.
if(A STREQUAL B)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${DIR}/A.json
                          ${DIR}/B.json RESULT_VARIABLE differ)
  if(differ)
    message(FATAL_ERROR "${A}: the JSON reports of ${A_ARGS} and ${B_ARGS} "
                        "differ on ${TOPO}/${TRACE} (${DIR}/A.json, B.json)")
  endif()
endif()
