# Linux's should_we_balance in cfs: at its period a domain is balanced by
# one core per group, which pulls for itself. Runs one_balancer.json (no
# core ever idle) on two packages of two cores and reads the event log:
# every pull across packages at a periodic balancing must land on a
# package's first core (0 or 2), and there must be such pulls.
#   cmake -DIPASIM=exe -DPOLICY=p -DMODE=m -DTRACE=t.json -DLOG=out.log
#         -P one_balancer.cmake
file(REMOVE "${LOG}")
execute_process(COMMAND ${IPASIM} --topo "pack:2 core:2 pu:1" --policy ${POLICY}
                        --mode ${MODE} --trace ${TRACE} --log ${LOG} --quiet
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "exit code ${code}, expected 0\n--- stdout:\n${out}\n--- stderr:\n${err}")
endif()
file(STRINGS "${LOG}" lines)
set(across 0)
foreach(line IN LISTS lines)
  if(NOT line MATCHES "^([0-9]+) ([a-z_]+) ([0-9]+) ([0-9]+) ([A-Z_]+) ([A-Z_]+)$")
    message(FATAL_ERROR "${LOG}: not a log line: ${line}")
  endif()
  set(time ${CMAKE_MATCH_1})
  set(event ${CMAKE_MATCH_2})
  set(core ${CMAKE_MATCH_3})
  set(tid ${CMAKE_MATCH_4})
  # a move to MIGRATING is logged on the destination: the origin is the
  # core of the thread's previous line
  if(event STREQUAL "balancing_select" AND CMAKE_MATCH_6 STREQUAL "MIGRATING")
    math(EXPR from_package "${core_of_${tid}} / 2")
    math(EXPR to_package "${core} / 2")
    if(NOT from_package EQUAL to_package)
      math(EXPR across "${across} + 1")
      if(NOT core EQUAL 0 AND NOT core EQUAL 2)
        message(FATAL_ERROR "at ${time} ns core ${core} pulled thread ${tid} from core ${core_of_${tid}} across packages: only a package's first core balances that level while none is idle")
      endif()
    endif()
  endif()
  set(core_of_${tid} ${core})
endforeach()
if(across EQUAL 0)
  message(FATAL_ERROR "${LOG}: no pull across packages at a periodic balancing: the trace no longer tests anything")
endif()
message(STATUS "${across} pulls across packages, all by a package's first core")
