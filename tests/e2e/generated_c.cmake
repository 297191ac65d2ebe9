# `ipasim compile` output builds with -Wall -Wextra -Werror, then runs as a
# .so (instrumented when SANITIZE) with the interpreter's event log.
#   cmake -DIPASIM=exe -DPOLICY=p.ipa -DCC=cc -DINCLUDE=dir -DSANITIZE=bool
#         -DDIR=scratch -P generated_c.cmake
include(${CMAKE_CURRENT_LIST_DIR}/compile.cmake)
file(MAKE_DIRECTORY ${DIR})
ipa_compile_policy(${POLICY} ${DIR}/policy.c)
set(flags -std=c11 -O2 -fPIC -shared -Wall -Wextra -Werror)
if(SANITIZE)
  list(APPEND flags -fsanitize=address,undefined -fno-sanitize-recover=undefined)
endif()
execute_process(COMMAND ${CC} ${flags} -I${INCLUDE} ${DIR}/policy.c
                        -o ${DIR}/policy.so
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the C of ${POLICY} does not build cleanly:\n${err}")
endif()
foreach(p ${POLICY} ${DIR}/policy.so)
  get_filename_component(ext ${p} EXT)
  execute_process(COMMAND ${IPASIM} --topo 4core.xml --policy ${p}
                          --trace db.json --log ${DIR}/run${ext}.log -q
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${p} on 4core.xml/db.json: exit ${rc}\n${err}")
  endif()
endforeach()
get_filename_component(dsl_ext ${POLICY} EXT) # .ipa or .bossa
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${DIR}/run${dsl_ext}.log
                        ${DIR}/run.so.log RESULT_VARIABLE differ)
if(differ)
  message(FATAL_ERROR "${POLICY}: interpreted and built from `ipasim compile` "
                      "differ on 4core.xml/db.json")
endif()
