# ipasim sweep (docs/sweeps.md; label e2e): the local engine's cases in
# sweep_local.sh, bad specs, and the Slurm engine against a real Slurm.
foreach(case resume failures axes summary plot dryrun)
  add_test(NAME e2e.sweep.${case}
           COMMAND bash ${E2E}/sweep_local.sh ${case} ${IPASIM} ${CMAKE_SOURCE_DIR}
                   ${SCRATCH}/sweep-${case})
  set_tests_properties(e2e.sweep.${case} PROPERTIES LABELS e2e TIMEOUT 300
    ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
endforeach()

# A real single-node Slurm on localhost (tests/e2e/sweep_slurm.sh): skipped
# where Slurm is not installed or cannot start, except in CI's run
# (.ci/run sets IPASIM_REQUIRE_SLURM=1, and a skip is a failure there).
add_test(NAME e2e.sweep.slurm
         COMMAND bash ${E2E}/sweep_slurm.sh ${IPASIM} ${E2E}/inputs/sweep/spec.json)
set_tests_properties(e2e.sweep.slurm PROPERTIES LABELS "e2e;slurm" TIMEOUT 300
  SKIP_RETURN_CODE 77
  ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")

# Bad specs: exit 2, the file and line:col (syntax) or the JSON path of the
# value, with the closest name where one is close.
set(SWEEP_BAD ${E2E}/inputs/sweep/bad)
foreach(bad
    "syntax|syntax.json:3:3: error: expected ',' or '}' after an object member"
    "unknown_key|unknown_key.json: unknown key 'polices' \\(did you mean 'policies'\\?\\)"
    "wrong_type|wrong_type.json: seeds\\[1\\]: expected a seed \\(an integer from 0\\)"
    "missing_file|missing_file.json: traces\\[1\\]: trace 'make.jsn': no such file \\(nor in the shipped traces/\\). did you mean 'make.json'\\?"
    "unknown_option|unknown_option.json: options.untl: unknown option 'untl' \\(did you mean 'until'\\?\\)"
    "bad_option|bad_option.json: options.until: expected a duration like \"2ms\" or an integer of nanoseconds"
    "zip_lengths|zip_lengths.json: zip\\[0\\]\\[1\\]: 'seed' has 3 values and 'trace' 2: zipped axes pair their values one by one"
    "exclude_value|exclude_value.json: exclude\\[0\\].policy: 'fifo.ipx' is not one of the policy values \\(did you mean 'fifo.ipa'\\?\\)"
    "exclude_axis|exclude_axis.json: exclude\\[0\\].polcy: 'polcy' is not an axis \\(did you mean 'policy'\\?\\)")
  string(REPLACE "|" ";" parts "${bad}")
  list(GET parts 0 name)
  list(GET parts 1 err)
  ipa_e2e(sweep.bad.${name} 2 "-DERR=^ipasim sweep: error: ${SWEEP_BAD}/${err}\n$"
          -DNO_FILE=${SCRATCH}/sweep-bad-${name} -P ${E2E}/expect.cmake --
          ${IPASIM} sweep ${SWEEP_BAD}/${name}.json -o ${SCRATCH}/sweep-bad-${name})
endforeach()
ipa_e2e(sweep.usage 2 "-DERR=^ipasim sweep: error: a SPEC and -o DIR are needed\nusage: ipasim sweep" -P ${E2E}/expect.cmake --
        ${IPASIM} sweep ${E2E}/inputs/sweep/spec.json)
ipa_e2e(sweep.not_a_sweep 2 "-DERR=^ipasim sweep: error: ${E2E}/inputs: not a sweep's folder \\(no sweep.json\\)\n$" -P ${E2E}/expect.cmake --
        ${IPASIM} sweep --status ${E2E}/inputs)
