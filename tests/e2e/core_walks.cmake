# Selections, `or`s and loops over cores that can only keep a core with
# threads waiting, or an idle one, walk that runtime set, and a filter
# `id == x` looks the core up (program.h's SET_WITHIN, SET_CORE_ID). A
# copy of POLICY whose filters say the same in a form the compiler does
# not recognise walks every core; both must decide event for event alike,
# in MODE.
#   cmake -DIPASIM=exe -DPOLICY=path -DMODE=m -DTOPO=t -DTRACE=t -DDIR=scratch
#         -P core_walks.cmake
include(${CMAKE_CURRENT_LIST_DIR}/compile.cmake)
file(MAKE_DIRECTORY ${DIR})
file(READ ${POLICY} text)
# `q.size > 0` and `q.size >= 1` become `q.size + 0 > 0`, ..., and a
# local `int n = c.q.size;` that a loop's condition tests `n + 0`
string(REGEX REPLACE "([a-z_]+)\\.size (>|>=) ([01])" "\\1.size + 0 \\2 \\3"
       walked "${text}")
string(REGEX REPLACE "= ([a-z_.]+)\\.size;" "= \\1.size + 0;" walked
       "${walked}")
# a loop's `if (c.idle && ...)` becomes `if (!!c.idle && ...)`, and a
# filter `{ idle }` `{ !!idle }`
string(REGEX REPLACE "\\(([a-z_]+)\\.idle &&" "(!!\\1.idle &&" walked
       "${walked}")
string(REPLACE "filter = { idle }" "filter = { !!idle }" walked "${walked}")
string(FIND "${text}" "id == self.id" lookups)
string(REPLACE "id == self.id" "id + 0 == self.id" walked "${walked}")
if(walked STREQUAL text)
  message(FATAL_ERROR "${POLICY}: no filter to rewrite")
endif()
file(WRITE ${DIR}/walked.ipa "${walked}")

ipa_compile_policy(${POLICY} ${DIR}/shortened.c)
ipa_compile_policy(${DIR}/walked.ipa ${DIR}/walked.c)
file(READ ${DIR}/shortened.c shortened)
file(READ ${DIR}/walked.c every)
string(FIND "${shortened}" "ipa_dsl_next_in(" waiting)
string(FIND "${shortened}" "ipa_dsl_find_core(" found)
if(waiting LESS 0)
  message(FATAL_ERROR "${POLICY}: no walk of the waiting cores")
endif()
if(lookups GREATER_EQUAL 0 AND found LESS 0)
  message(FATAL_ERROR "${POLICY}: `id == self.id` is not looked up")
endif()
if(every MATCHES "ipa_dsl_next_in\\(|ipa_dsl_find_core\\(")
  message(FATAL_ERROR "${DIR}/walked.ipa: its filters are still recognised")
endif()

set(A ${POLICY})
set(B ${DIR}/walked.ipa)
set(A_ARGS "--mode ${MODE}")
set(B_ARGS "--mode ${MODE}")
include(${CMAKE_CURRENT_LIST_DIR}/same_log.cmake)
