# The compiled-policy cache is private and verified (cache_check.cmake):
# each case runs against its own cache directories under the scratch.
foreach(case replaced truncated open_mode foreign_owner symlink fresh)
  add_test(NAME e2e.cache.${case}
           COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM} -DDIR=${SCRATCH}/cache-${case}
                   -DCASE=${case} -P ${E2E}/cache_check.cmake)
  set_tests_properties(e2e.cache.${case} PROPERTIES LABELS e2e SKIP_REGULAR_EXPRESSION "skipped: not root")
endforeach()
