# foreach over a run queue walks the queue in place (dsl.h): it must visit
# what copying the queue first would. inputs/walks.ipa changes the queues it
# walks in every way a body can; its generated C built with
# IPA_DSL_EAGER_WALKS copies first. Both modes must give that copy's log.
#   cmake -DIPASIM=exe -DPOLICY=walks.ipa -DTOPO=t -DTRACE=t -DDIR=scratch
#         -P walks.cmake
include(${CMAKE_CURRENT_LIST_DIR}/compile.cmake)
file(MAKE_DIRECTORY ${DIR})
ipa_compile_policy(${POLICY} ${DIR}/walks_gen.c)
file(WRITE ${DIR}/eager.c
     "#define IPA_DSL_EAGER_WALKS 1\n#include \"walks_gen.c\"\n")
foreach(mode interpreted compiled)
  set(A ${DIR}/eager.c)
  set(B ${POLICY})
  set(A_ARGS "")
  set(B_ARGS "--mode ${mode}")
  include(${CMAKE_CURRENT_LIST_DIR}/same_log.cmake)
endforeach()
