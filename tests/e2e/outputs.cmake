# Output files on a shared machine (docs/robustness.md, "Output files"):
# planted symlinks at the temporary names ipasim once used, a user's files
# and directory mode under --plot, outputs naming an input or each other,
# a write failing half-way. One test per case of outputs.sh (label e2e).
foreach(case log_perfetto_planted_symlinks plot_planted_symlink
        plot_keeps_user_files plot_keeps_mode outputs_share_a_file
        output_names_an_input unwritable_leaves_nothing)
  add_test(NAME e2e.outputs.${case}
           COMMAND sh ${E2E}/outputs.sh ${case} ${IPASIM}
                   ${SCRATCH}/outputs/${case} ${CMAKE_SOURCE_DIR})
  set_tests_properties(e2e.outputs.${case} PROPERTIES LABELS e2e
    ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
endforeach()
