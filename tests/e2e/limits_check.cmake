# cmake -DIPASIM=exe -DJSON=report -DEXIT=kind -DMESSAGE=regex [-DERR=regex]
#       -DARGS=run-arguments -P limits_check.cmake
# Runs ipasim with ARGS --json JSON --quiet; expects exit status 0, stderr
# matching ERR, and a report whose "exit" is EXIT and "exit_message"
# matches MESSAGE.
file(REMOVE ${JSON})
execute_process(COMMAND ${IPASIM} ${ARGS} --json ${JSON} --quiet
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "exit status ${rc}, expected 0\n${err}")
endif()
if(ERR AND NOT err MATCHES "${ERR}")
  message(FATAL_ERROR "stderr does not match '${ERR}':\n${err}")
endif()
file(READ ${JSON} report)
string(JSON kind GET "${report}" exit)
string(JSON why ERROR_VARIABLE no_message GET "${report}" exit_message)
if(NOT kind STREQUAL EXIT)
  message(FATAL_ERROR "report says exit '${kind}', expected '${EXIT}'")
endif()
if(no_message OR NOT why MATCHES "${MESSAGE}")
  message(FATAL_ERROR "report's exit_message '${why}' does not match '${MESSAGE}'")
endif()
string(JSON threads LENGTH "${report}" threads)
if(threads EQUAL 0)
  message(FATAL_ERROR "report lists no threads")
endif()
