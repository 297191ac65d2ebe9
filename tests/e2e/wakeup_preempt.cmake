# A woken thread due sooner runs at its wake-up instant: its wake-up at
# 10.3 ms (off the 1 ms tick) preempts the running thread then, not at the
# next tick.
#   cmake -DIPASIM=exe -DPOLICY=p -DMODE=m -DTRACE=t -DLOG=file -P wakeup_preempt.cmake
execute_process(COMMAND ${IPASIM} --topo 1core.xml --policy ${POLICY}
                        --mode ${MODE} --trace ${TRACE} --log ${LOG} -q
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${POLICY} --mode ${MODE}: exit ${rc}\n${err}")
endif()
file(READ ${LOG} log)
set(want "10300000 unblock_place 0 1 BLOCKED READY\n"
         "10300000 unblock_place 0 0 RUNNING READY_TICK\n"
         "10300000 runtime 0 0 READY_TICK READY\n"
         "10300000 schedule 0 1 READY RUNNING\n")
string(JOIN "" want ${want})
string(FIND "${log}" "${want}" at)
if(at LESS 0)
  message(FATAL_ERROR "thread 1 did not preempt thread 0 at its wake-up "
                      "(10300000 ns):\n${log}")
endif()
