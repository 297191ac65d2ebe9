# `ipasim --help` tells the truth (issue 28.2): it lists every command of
# src/cli/commands.def, names every policy kind the loader takes
# (src/policy/loader.c) and every trace format the importer tells apart
# (src/trace/import.h), and every command's help starts with
# "usage: ipasim COMMAND". A new command, policy kind or trace format fails
# this test until the help says so.
#   cmake -DIPASIM=... -DSRC=<source dir> -P help_check.cmake
execute_process(COMMAND ${IPASIM} --help RESULT_VARIABLE code OUTPUT_VARIABLE help ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "ipasim --help: exit ${code}\n${err}")
endif()

file(STRINGS ${SRC}/src/cli/commands.def cmds REGEX "^CMD\\(")
if(NOT cmds)
  message(FATAL_ERROR "no CMD( lines in commands.def")
endif()
foreach(line ${cmds})
  string(REGEX REPLACE "^CMD\\(([a-z_]+),.*" "\\1" cmd "${line}")
  if(NOT help MATCHES "\n  ${cmd} +[a-z]")
    message(FATAL_ERROR "'ipasim --help' does not list '${cmd}':\n${help}")
  endif()
  execute_process(COMMAND ${IPASIM} ${cmd} --help RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(want "^usage: ipasim ${cmd}[ \n]")
  if(cmd STREQUAL "run")
    set(want "^usage: ipasim \\[run\\] ")
  endif()
  if(NOT code EQUAL 0 OR NOT out MATCHES "${want}")
    message(FATAL_ERROR "'ipasim ${cmd} --help' (exit ${code}) does not start with '${want}':\n${out}${err}")
  endif()
endforeach()

# Policy kinds: every extension the loader dispatches on, as "(.EXT".
file(READ ${SRC}/src/policy/loader.c loader)
string(REGEX MATCHALL "g_str_has_suffix\\(path, \"\\.[a-z]+\"\\)" kinds "${loader}")
if(NOT kinds)
  message(FATAL_ERROR "no policy kinds found in loader.c")
endif()
foreach(k ${kinds})
  string(REGEX REPLACE ".*\"(\\.[a-z]+)\".*" "\\1" ext "${k}")
  string(FIND "${help}" "(${ext}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "'ipasim --help' does not name policies '${ext}':\n${help}")
  endif()
endforeach()
# DSL policies run interpreted or compiled.
foreach(w "interpreted" "--mode=compiled")
  string(FIND "${help}" "${w}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "'ipasim --help' does not say '${w}'")
  endif()
endforeach()

# Trace formats: each IPA_TRACE_FMT_ of import.h, and what the help must
# call it. A format missing from this table fails: add it to both.
set(fmt_NATIVE "native JSON trace")
set(fmt_RTAPP "rt-app")
set(fmt_FTRACE "trace-cmd report;perf script")
file(READ ${SRC}/src/trace/import.h import)
string(REGEX MATCHALL "IPA_TRACE_FMT_[A-Z]+," formats "${import}")
if(NOT formats)
  message(FATAL_ERROR "no trace formats found in import.h")
endif()
foreach(f ${formats})
  string(REGEX REPLACE "IPA_TRACE_FMT_([A-Z]+)," "\\1" name "${f}")
  if(NOT DEFINED fmt_${name})
    message(FATAL_ERROR "trace format ${name} is new: say it in `ipasim --help` and in help_check.cmake")
  endif()
  foreach(words ${fmt_${name}})
    string(FIND "${help}" "${words}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "'ipasim --help' does not name trace format ${name} ('${words}'):\n${help}")
    endif()
  endforeach()
endforeach()
