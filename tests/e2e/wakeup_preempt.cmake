# A woken thread due sooner runs at its wake-up instant: its wake-up at
# 10.3 ms (off the 1 ms tick) preempts the running thread then, not at the
# next tick. With -DPREEMPT=0 the reverse: thread 1 is queued at its
# wake-up and thread 0 keeps running then.
#   cmake -DIPASIM=exe -DPOLICY=p -DMODE=m -DTRACE=t -DLOG=file
#         [-DPREEMPT=0] -P wakeup_preempt.cmake
execute_process(COMMAND ${IPASIM} --topo 1core.xml --policy ${POLICY}
                        --mode ${MODE} --trace ${TRACE} --log ${LOG} -q
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${POLICY} --mode ${MODE}: exit ${rc}\n${err}")
endif()
file(READ ${LOG} log)
if(DEFINED PREEMPT AND NOT PREEMPT)
  string(FIND "${log}" "10300000 unblock_place 0 1 BLOCKED READY\n" woken)
  string(FIND "${log}" "10300000 unblock_place 0 0 RUNNING READY_TICK" out)
  if(woken LESS 0 OR NOT out LESS 0)
    message(FATAL_ERROR "thread 1 was not queued at its wake-up "
                        "(10300000 ns) behind a running thread 0:\n${log}")
  endif()
  return()
endif()
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
