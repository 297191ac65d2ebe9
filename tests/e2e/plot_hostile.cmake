# Names read from inputs never run in gnuplot (docs/robustness.md).
#   cmake -DIPASIM=path -DINPUTS=dir -DDIR=scratch -P plot_hostile.cmake
# INPUTS/hostile_threads.json names its threads (the timeline's legend),
# INPUTS/hostile_groups.json its groups (the legend and the latency key)
# with backquotes, $(...), system(...), both quotes, newlines followed by
# gnuplot's shell escape '!', backslashes, markup and invalid UTF-8. Each
# is copied to a file whose own name (in every figure's title) does the
# same, run with --plot and --json under another such name, and the two
# reports are compared with --plot. Every attempt would create a file
# canary-* in DIR (gnuplot runs in a folder beside the plot directory):
# none may appear, every figure must be rendered and gnuplot must not fail.
file(REMOVE_RECURSE "${DIR}")
file(MAKE_DIRECTORY "${DIR}")
set(evil "`cd .. && touch canary-file`$(cd .. && touch canary-file2)'\"<b>")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  file(GLOB_RECURSE ran "${DIR}/canary*")
  if(ran)
    message(FATAL_ERROR "gnuplot ran commands read from the inputs: ${ran}")
  endif()
  if(NOT code STREQUAL "0" OR err MATCHES "warning")
    message(FATAL_ERROR "${ARGN}\nexit code ${code}\n--- stderr:\n${err}")
  endif()
endfunction()

function(expect_figures dir)
  foreach(fig ${ARGN})
    foreach(ext gp png svg)
      if(NOT EXISTS "${dir}/${fig}.${ext}")
        message(FATAL_ERROR "${dir}/${fig}.${ext} was not written")
      endif()
      file(SIZE "${dir}/${fig}.${ext}" size)
      if(size EQUAL 0)
        message(FATAL_ERROR "${dir}/${fig}.${ext} is empty")
      endif()
    endforeach()
    # Markup in a name (the title's) is text in the SVG, not an element.
    file(READ "${dir}/${fig}.svg" svg)
    if(svg MATCHES "<b>" OR (NOT fig STREQUAL "compare" AND
                             NOT svg MATCHES "&lt;b>"))
      message(FATAL_ERROR "${dir}/${fig}.svg holds a name's markup")
    endif()
  endforeach()
endfunction()

# The names must reach the scripts, else this test proves nothing...
function(expect_in file what)
  file(READ "${file}" text)
  string(FIND "${text}" "${what}" at)
  if(at LESS 0)
    message(FATAL_ERROR "${file} does not name '${what}'")
  endif()
endfunction()

set(reports "")
foreach(kind threads groups)
  set(trace "${DIR}/${kind}${evil}.json")
  file(COPY_FILE "${INPUTS}/hostile_${kind}.json" "${trace}")
  set(report "${DIR}/${kind}${evil}.report.json")
  run(${IPASIM} --topo 4core.xml --policy fifo.c --trace "${trace}"
      --plot "${DIR}/${kind}" --json "${report}" --quiet)
  expect_figures("${DIR}/${kind}" timeline rqheat latency util)
  expect_in("${DIR}/${kind}/timeline.gp" "touch canary-file2)")
  expect_in("${DIR}/${kind}/timeline.gp" "touch canary-backquote`")
  list(APPEND reports "${report}")
endforeach()
# ... and the figures, as text.
expect_in("${DIR}/groups/latency.svg" "touch canary-backquote`")
run(${IPASIM} compare --plot "${DIR}/compare" ${reports})
expect_figures("${DIR}/compare" compare)
expect_in("${DIR}/compare/compare.svg" "touch canary-file2)")

