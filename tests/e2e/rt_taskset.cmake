# Global EDF on a periodic task set: the interpreted, compiled and
# generated-C gedf.ipa and its twin gedf.c give one --log, in which no
# waiting job is ever due before a running one (inversion 0) and, with
# -DMISSES=0, every job meets its deadline.
#   cmake -DIPASIM=exe -DRT_CHECK=exe -DCSV=taskset.csv | -DGEN="m n seed"
#         -DHORIZON_MS=ms -DCORES=m -DDIR=scratch [-DMISSES=0]
#         [-DPOLICIES="gedf.ipa:interpreted ..."] -P rt_taskset.cmake
file(MAKE_DIRECTORY ${DIR})
if(DEFINED GEN)
  separate_arguments(gen UNIX_COMMAND "${GEN}")
  set(CSV ${DIR}/taskset.csv)
  execute_process(COMMAND ${RT_CHECK} gen ${gen} ${CSV} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "rt_check gen ${GEN}: exit ${rc}")
  endif()
endif()
execute_process(COMMAND ${RT_CHECK} trace ${CSV} ${HORIZON_MS} ${DIR}/trace.json
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "rt_check trace ${CSV}: exit ${rc}")
endif()
execute_process(COMMAND ${IPASIM} compile gedf.ipa -o ${DIR}/gedf_generated.c
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ipasim compile gedf.ipa: exit ${rc}\n${err}")
endif()
if(NOT DEFINED POLICIES)
  set(POLICIES "gedf.ipa:interpreted gedf.ipa:compiled "
               "${DIR}/gedf_generated.c:interpreted gedf.c:interpreted")
  string(JOIN "" POLICIES ${POLICIES})
endif()
separate_arguments(runs UNIX_COMMAND "${POLICIES}")
set(first "")
foreach(run ${runs})
  string(REPLACE ":" ";" run "${run}")
  list(GET run 0 policy)
  list(GET run 1 mode)
  get_filename_component(name ${policy} NAME)
  set(log ${DIR}/${name}.${mode}.log)
  execute_process(COMMAND ${IPASIM} --topo "pack:1 core:${CORES} pu:1"
                          --policy ${policy} --mode ${mode}
                          --trace ${DIR}/trace.json --log ${log} -q
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${policy} --mode ${mode}: exit ${rc}\n${err}")
  endif()
  if(first)
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${first} ${log}
                    RESULT_VARIABLE differ)
    if(differ)
      message(FATAL_ERROR "${log} differs from ${first}")
    endif()
  else()
    set(first ${log})
  endif()
endforeach()
execute_process(COMMAND ${RT_CHECK} check ${CSV} ${first}
                OUTPUT_VARIABLE out RESULT_VARIABLE rc)
message(STATUS "${out}")
if(NOT rc EQUAL 0 OR NOT out MATCHES "inversion_ns 0\n")
  message(FATAL_ERROR "a waiting job was due before a running one: ${out}")
endif()
if(DEFINED MISSES AND NOT out MATCHES "misses ${MISSES} ")
  message(FATAL_ERROR "expected ${MISSES} deadline misses: ${out}")
endif()
if(DEFINED JOBS AND NOT out MATCHES "^jobs ${JOBS} ")
  message(FATAL_ERROR "expected ${JOBS} jobs: ${out}")
endif()
