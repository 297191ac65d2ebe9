# The installed, relocated copy finds its own files (tests/e2e/install.sh).
add_test(NAME e2e.install COMMAND bash ${E2E}/install.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e.install PROPERTIES LABELS e2e)
