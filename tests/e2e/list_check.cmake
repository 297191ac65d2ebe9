# Runs `ipasim list` and checks that each of FILES has a line of its own
# with a description.
execute_process(COMMAND ${IPASIM} list RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "ipasim list: exit ${code}\n${err}")
endif()
foreach(f ${FILES})
  string(REPLACE "." "\\." re "${f}")
  if(NOT out MATCHES "\n  ${re} +[A-Za-z0-9(][^\n]+")
    message(FATAL_ERROR "'${f}' is not listed with a description:\n${out}")
  endif()
endforeach()
