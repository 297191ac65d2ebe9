# The queue sums the runtime keeps (ipa_rq_sum) are the sums walking the
# queue gives. A copy of POLICY whose thread load also reads a plain
# attribute (always 0) cannot be kept; both must decide event for event
# alike, in MODE. Nor can one whose load reads the thread's id.
#   cmake -DIPASIM=exe -DPOLICY=path -DMODE=m -DTOPO=t -DTRACE=t -DDIR=scratch
#         -P kept_sums.cmake
include(${CMAKE_CURRENT_LIST_DIR}/compile.cmake)
file(MAKE_DIRECTORY ${DIR})
file(READ ${POLICY} text)
set(load "lazy int load = max(weight / group_size, 1);")
string(FIND "${text}" "${load}" at)
if(at LESS 0)
  message(FATAL_ERROR "${POLICY}: no '${load}' to rewrite")
endif()
string(REPLACE "${load}" "int walked; // always 0, and not what a kept sum may read
    lazy int load = max(weight / group_size, 1) + walked;" text "${text}")
file(WRITE ${DIR}/walked.ipa "${text}")
# A load reading the thread's id is not one threads of a class share.
file(READ ${POLICY} text)
string(REPLACE "${load}" "lazy int load = max(weight / group_size, 1) + id * 0;"
       text "${text}")
string(REPLACE "system int weight;" "system int id;\n    system int weight;"
       text "${text}")
file(WRITE ${DIR}/by_id.ipa "${text}")

# The original's sums are kept, the copies' walked.
foreach(p kept walked by_id)
  if(p STREQUAL kept)
    set(src ${POLICY})
  else()
    set(src ${DIR}/${p}.ipa)
  endif()
  ipa_compile_policy(${src} ${DIR}/${p}.c)
  file(READ ${DIR}/${p}.c c)
  string(FIND "${c}" "ipa_rq_sum(" uses)
  if(p STREQUAL kept AND uses LESS 0)
    message(FATAL_ERROR "${POLICY}: its load sums are not kept")
  elseif(NOT p STREQUAL kept AND NOT uses LESS 0)
    message(FATAL_ERROR "${DIR}/${p}.ipa: its load sums are kept")
  endif()
endforeach()

set(A ${POLICY})
set(B ${DIR}/walked.ipa)
set(A_ARGS "--mode ${MODE}")
set(B_ARGS "--mode ${MODE}")
include(${CMAKE_CURRENT_LIST_DIR}/same_log.cmake)
