# The malformed-input corpus (docs/robustness.md): one test per
# tests/malformed/KIND/NAME.err, label malformed. NAME.err holds lines that
# must each appear in stderr; the input is NAME.xml, NAME.synth (a synthetic
# topology string), NAME.json, NAME.txt, NAME.csv or NAME.ipa (a policy) beside it;
# NAME.args (one argument a line) replaces the kind's default command line;
# NAME.code the expected exit status (default 2; 1 for policy). See
# malformed_check.cmake.
set(IPA_MALFORMED ${CMAKE_CURRENT_SOURCE_DIR}/malformed)
set(IPA_MALFORMED_SCRATCH ${CMAKE_CURRENT_BINARY_DIR}/malformed-scratch)
file(MAKE_DIRECTORY ${IPA_MALFORMED_SCRATCH})
file(GLOB ipa_malformed_cases CONFIGURE_DEPENDS ${IPA_MALFORMED}/*/*.err)
foreach(err ${ipa_malformed_cases})
  get_filename_component(dir ${err} DIRECTORY)
  get_filename_component(kind ${dir} NAME)
  get_filename_component(name ${err} NAME_WE)
  add_test(NAME malformed.${kind}.${name}
           COMMAND ${CMAKE_COMMAND} -DIPASIM=$<TARGET_FILE:ipasim> -DDIR=${dir}
                   -DKIND=${kind} -DNAME=${name}
                   -DOUT=${IPA_MALFORMED_SCRATCH}/${kind}.${name}.out
                   -P ${IPA_MALFORMED}/malformed_check.cmake)
  set_tests_properties(malformed.${kind}.${name} PROPERTIES LABELS malformed
    ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
  # A DSL policy's run-time faults read the same when it runs compiled
  # (but the step budget, which only the interpreter has).
  if(kind STREQUAL "dsl_run" AND NOT name STREQUAL "step_limit")
    add_test(NAME malformed.dsl_run_compiled.${name}
             COMMAND ${CMAKE_COMMAND} -DIPASIM=$<TARGET_FILE:ipasim> -DDIR=${dir}
                     -DKIND=${kind} -DNAME=${name} -DEXTRA=--mode=compiled
                     -DOUT=${IPA_MALFORMED_SCRATCH}/${kind}.${name}.compiled.out
                     -P ${IPA_MALFORMED}/malformed_check.cmake)
    set_tests_properties(malformed.dsl_run_compiled.${name} PROPERTIES
      LABELS malformed
      ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
  endif()
endforeach()
