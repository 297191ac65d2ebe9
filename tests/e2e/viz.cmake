# End-to-end tests of the pictures of a run: --ascii, --plot, --perfetto,
# and `ipasim compare` (label e2e; see run.cmake for ipa_e2e).
set(VIZ ${SCRATCH}/viz)
file(MAKE_DIRECTORY ${VIZ})
set(CHECK ${E2E}/viz_check.cmake)

# The Bossa round-robin demo: fifo.c gives 4-tick slices on one core.
ipa_e2e(viz.ascii_loops3 0 "-DOUT=c0 1111222233331111222233331111"
        "-DNOT_OUT=work conservation" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 1core.xml --policy fifo.c --trace loops3.json
        --ascii --quiet)
ipa_e2e(viz.ascii_unit 0 "-DOUT=one character = 4ms.*\nc0 123123123123" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 1core.xml --policy fifo.c --trace loops3.json
        --ascii --ascii-unit 4ms --quiet)
ipa_e2e(viz.ascii_bad_unit 2 "-DERR=--ascii-unit: expected a duration" -P ${E2E}/expect.cmake --
        ${IPASIM} --topo 1core.xml --policy fifo.c --trace loops3.json
        --ascii --ascii-unit fast)

# Every figure of the shipped examples on 64 cores, rendered.
foreach(policy fifo pinned)
  foreach(trace db make)
    set(dir ${VIZ}/${policy}-${trace})
    set(files "")
    foreach(fig timeline rqheat latency util)
      list(APPEND files ${dir}/${fig}.gp ${dir}/${fig}.png ${dir}/${fig}.svg)
    endforeach()
    list(APPEND files ${dir}/timeline.dat ${dir}/timeline-flagged.dat
         ${dir}/rqheat.dat ${dir}/latency.dat ${dir}/util.dat)
    ipa_e2e(viz.plot.${policy}.${trace} 0 -DCLEAN=${dir} "-DFILES=${files}"
            -P ${CHECK} -- ${IPASIM} --topo 64core.xml --policy ${policy}.c
            --trace ${trace}.json --plot ${dir} --quiet)
  endforeach()
endforeach()
# 256 cores, bucketed timeline: still rendered.
ipa_e2e(viz.plot.256core 0 -DCLEAN=${VIZ}/big
        "-DFILES=${VIZ}/big/timeline.png;${VIZ}/big/rqheat.png"
        -P ${CHECK} -- ${IPASIM} --topo 256core.xml --policy pinned.c
        --trace db.json --plot ${VIZ}/big --quiet)
# (A directory that is not ours keeps its files: outputs.cmake.)

# Perfetto: valid JSON with every kind of event.
ipa_e2e(viz.perfetto 0 -DCLEAN=${VIZ}/trace.json -DJSON=${VIZ}/trace.json
        "-DJSON_HAS=\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\",\"args\":{\"name\":\"cores\"};\"ph\":\"X\";\"ph\":\"s\";\"ph\":\"f\",\"bp\":\"e\";\"ph\":\"C\";\"name\":\"migration\";\"name\":\"wc violation\""
        -P ${CHECK} -- ${IPASIM} --topo 4core.xml --policy pinned.c
        --trace db.json --perfetto ${VIZ}/trace.json --quiet)
ipa_e2e(viz.perfetto_fifo_migrations 0 -DCLEAN=${VIZ}/fifo.trace.json
        -DJSON=${VIZ}/fifo.trace.json "-DJSON_HAS=\"name\":\"migration\""
        -P ${CHECK} -- ${IPASIM} --topo 64core.xml --policy fifo.c
        --trace db.json --perfetto ${VIZ}/fifo.trace.json --quiet)
ipa_e2e(viz.perfetto_unwritable 2 "-DERR=cannot write ${VIZ}/no/such/dir/t.json"
        -P ${E2E}/expect.cmake -- ${IPASIM} --topo 4core.xml --policy fifo.c
        --trace db.json --perfetto ${VIZ}/no/such/dir/t.json --quiet)

# compare: two reports from earlier runs, side by side, and plotted.
foreach(policy fifo pinned)
  ipa_e2e(viz.compare_input.${policy} 0 -P ${E2E}/expect.cmake --
          ${IPASIM} --topo 64core.xml --policy ${policy}.c --trace db.json
          --json ${VIZ}/${policy}.report.json --quiet)
  set_tests_properties(e2e.viz.compare_input.${policy} PROPERTIES
                       FIXTURES_SETUP viz_reports)
endforeach()
ipa_e2e(viz.compare 0
        "-DOUT=report +fifo.report +pinned.report\n.*makespan \\(ms\\) +[0-9.]+ +[0-9.]+ \\([-+=0-9.%]+\\)\n.*flagged intervals +0 +[1-9][0-9]* \\(n/a\\)\n.*mean utilisation"
        -P ${E2E}/expect.cmake -- ${IPASIM} compare
        ${VIZ}/fifo.report.json ${VIZ}/pinned.report.json)
ipa_e2e(viz.compare_plot 0 -DCLEAN=${VIZ}/cmp
        "-DFILES=${VIZ}/cmp/compare.gp;${VIZ}/cmp/compare.dat;${VIZ}/cmp/compare.png;${VIZ}/cmp/compare.svg"
        -P ${CHECK} -- ${IPASIM} compare --plot ${VIZ}/cmp
        ${VIZ}/fifo.report.json ${VIZ}/pinned.report.json)
set_tests_properties(e2e.viz.compare e2e.viz.compare_plot PROPERTIES
                     FIXTURES_REQUIRED viz_reports)
file(WRITE ${VIZ}/broken.json "{\"ipasim_report\": 1,\n  \"makespan_ns\": }\n")
ipa_e2e(viz.compare_errors 2
        "-DERR=missing.json': No such file or directory\n.*broken.json:2:18: .*loops3.json: not an ipasim report"
        -P ${E2E}/expect.cmake -- ${IPASIM} compare ${VIZ}/missing.json
        ${VIZ}/broken.json ${CMAKE_SOURCE_DIR}/traces/loops3.json)
ipa_e2e(viz.compare_usage 2 "-DERR=no reports given" -P ${E2E}/expect.cmake --
        ${IPASIM} compare)

# Same inputs: byte-identical exports and plot data.
foreach(run a b)
  ipa_e2e(viz.det_${run} 0 -DCLEAN=${VIZ}/det-${run}
          "-DFILES=${VIZ}/det-${run}.trace.json;${VIZ}/det-${run}/timeline.dat"
          -P ${CHECK} -- ${IPASIM} --topo 64core.xml --policy fifo.c
          --trace db.json --seed 7 --perfetto ${VIZ}/det-${run}.trace.json
          --plot ${VIZ}/det-${run} --quiet)
  set_tests_properties(e2e.viz.det_${run} PROPERTIES FIXTURES_SETUP viz_det)
endforeach()
foreach(file det.trace.json det/timeline.dat det/rqheat.dat det/latency.dat)
  string(REPLACE "det" "det-a" a ${file})
  string(REPLACE "det" "det-b" b ${file})
  string(REPLACE "/" "." name ${file})
  add_test(NAME e2e.viz.deterministic.${name}
           COMMAND ${CMAKE_COMMAND} -E compare_files ${VIZ}/${a} ${VIZ}/${b})
  set_tests_properties(e2e.viz.deterministic.${name} PROPERTIES LABELS e2e
                       FIXTURES_REQUIRED viz_det)
endforeach()

# Thread, group and file names that try to run commands in gnuplot: none
# runs, and every figure is still drawn.
ipa_e2e(viz.plot_hostile_names 0 -DIPASIM=${IPASIM}
        -DINPUTS=${CMAKE_CURRENT_SOURCE_DIR}/e2e/inputs
        -DDIR=${VIZ}/hostile -P ${E2E}/plot_hostile.cmake)

# Names that hold terminal escape sequences are printed escaped.
add_test(NAME e2e.viz.terminal_escapes
         COMMAND ${CMAKE_COMMAND} -DIPASIM=${IPASIM}
                 -DTRACE=${E2E}/inputs/terminal_escape.json -P ${E2E}/terminal_check.cmake)
set_tests_properties(e2e.viz.terminal_escapes PROPERTIES LABELS e2e
  ENVIRONMENT "IPASIM_CACHE_DIR=${CMAKE_BINARY_DIR}/policy-cache")
