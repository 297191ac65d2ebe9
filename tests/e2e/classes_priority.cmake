# A composed policy's first class has priority on every core, over the
# whole run: classes_check reads the run's --log and counts the instants
# at which a thread of CLASS waited while another class's thread ran.
#   cmake -DIPASIM=exe -DCHECK=classes_check -DPOLICY=p -DTOPO=t -DTRACE=t
#         -DCLASS=rt -DDIR=scratch [-DARGS=opts] [-DOUT=regex] -P classes_priority.cmake
file(MAKE_DIRECTORY ${DIR})
separate_arguments(args UNIX_COMMAND "${ARGS}")
execute_process(COMMAND ${IPASIM} --topo ${TOPO} --policy ${POLICY} ${args}
                        --trace ${TRACE} --log ${DIR}/run.log -q
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${POLICY} on ${TOPO}/${TRACE}: exit ${rc}\n${err}")
endif()
execute_process(COMMAND ${CHECK} ${DIR}/run.log ${CLASS}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "classes_check: exit ${rc}\n${err}")
endif()
if(NOT out MATCHES "violations 0\n")
  message(FATAL_ERROR "a ${CLASS} thread waited while another class ran:\n${out}")
endif()
if(DEFINED OUT AND NOT out MATCHES "${OUT}")
  message(FATAL_ERROR "classes_check output does not match '${OUT}':\n${out}")
endif()
message("${out}")
