# include()d by scripts that need a DSL policy's generated C:
# ipa_compile_policy(SRC OUT) runs `ipasim compile SRC -o OUT`, and stops
# the script if that fails.
function(ipa_compile_policy src out)
  execute_process(COMMAND ${IPASIM} compile ${src} -o ${out}
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ipasim compile ${src}: exit ${rc}\n${err}")
  endif()
endfunction()
