# Docs that cannot go stale: every "$ ipasim ..." a page quotes is run and
# the output it shows is checked (tests/docs/doctest.c; label docs).
add_executable(doctest ${CMAKE_CURRENT_SOURCE_DIR}/docs/doctest.c)
target_link_libraries(doctest PRIVATE PkgConfig::GLIB)
file(GLOB_RECURSE ipa_doc_pages RELATIVE ${CMAKE_SOURCE_DIR} CONFIGURE_DEPENDS
     ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/docs/*.md)
foreach(page ${ipa_doc_pages})
  file(STRINGS ${CMAKE_SOURCE_DIR}/${page} quoted REGEX "^ *\\$ ipasim")
  if(NOT quoted)
    continue()
  endif()
  string(REPLACE "/" "." name "${page}")
  add_test(NAME docs.${name}
           COMMAND doctest ${CMAKE_SOURCE_DIR} ${CMAKE_SOURCE_DIR}/${page})
  set_tests_properties(docs.${name} PROPERTIES LABELS docs
    ENVIRONMENT "PATH=$<TARGET_FILE_DIR:ipasim>:$ENV{PATH};IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
endforeach()
