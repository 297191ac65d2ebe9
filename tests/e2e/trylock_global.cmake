# A global queue is no core's: electing from it takes no other core's
# lock, so injected try-lock failures (--trylock-fail) never leave a core
# idle beside a waiting job. gedf.ipa, interpreted and compiled, decides
# as gedf.c (same --log) and conserves work.
foreach(run "gedf.c;interpreted" "gedf.ipa;interpreted" "gedf.ipa;compiled")
  list(GET run 0 policy)
  list(GET run 1 mode)
  set(log ${DIR}/${policy}.${mode}.log)
  execute_process(COMMAND ${IPASIM} --topo 4core.xml --policy ${policy}
                          --mode ${mode} --trace rt.json --trylock-fail 0.5
                          --seed 1 --log ${log}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${policy} ${mode}: exit ${rc}\n${err}")
  endif()
  if(NOT out MATCHES "violations: 0,")
    message(FATAL_ERROR "${policy} ${mode} left a core idle beside a waiting job:\n${out}")
  endif()
  file(READ ${log} text)
  if(NOT DEFINED first)
    set(first ${text})
  elseif(NOT text STREQUAL first)
    message(FATAL_ERROR "${policy} ${mode}: --log differs from gedf.c's")
  endif()
endforeach()
