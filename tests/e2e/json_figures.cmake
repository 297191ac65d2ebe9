# Runs ipasim with --json and checks figures of the report.
#   cmake -DIPASIM=exe -DJSON=report.json "-DARGS=--topo;...;--trace;t"
#         "-DCHECKS=jobs.released=5180;threads.1.jobs.missed=3" [-DSKIP_UNLESS=path]
#         -P json_figures.cmake
# A check is a dotted path into the report (array indices as numbers) and
# the value it must have; a missing key reads as NOTFOUND, null as null. SKIP_UNLESS: a
# file whose absence skips the test (exit code 77 via a failed marker).
if(DEFINED SKIP_UNLESS AND NOT EXISTS "${SKIP_UNLESS}")
  message("skipped: ${SKIP_UNLESS} is absent")
  file(WRITE "${JSON}.skipped" "")
  return()
endif()
file(REMOVE "${JSON}")
execute_process(COMMAND ${IPASIM} ${ARGS} --quiet --json ${JSON}
                RESULT_VARIABLE code ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "ipasim ${ARGS}: exit code ${code}\n${err}")
endif()
file(READ ${JSON} report)
foreach(check ${CHECKS})
  string(REGEX MATCH "^([^=]+)=(.*)$" _ "${check}")
  set(path "${CMAKE_MATCH_1}")
  set(want "${CMAKE_MATCH_2}")
  string(REPLACE "." ";" keys "${path}")
  string(JSON type ERROR_VARIABLE jerr TYPE "${report}" ${keys})
  if(jerr)
    set(got NOTFOUND)
  elseif(type STREQUAL "NULL")
    set(got null)
  else()
    string(JSON got GET "${report}" ${keys})
  endif()
  if(NOT "${got}" STREQUAL "${want}")
    message(FATAL_ERROR "${path} is ${got}, expected ${want} (ipasim ${ARGS})")
  endif()
endforeach()
