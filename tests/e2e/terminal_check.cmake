# Runs ipasim on a trace whose names hold terminal escape sequences and
# checks that standard output carries none of their control bytes (ESC,
# BEL) but shows them, and the C1 CSI, escaped.
execute_process(COMMAND ${IPASIM} --topo 1core.xml --policy fifo.c
                        --trace ${TRACE} --ascii
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "exit ${code}\n${err}")
endif()
string(ASCII 27 esc)
string(ASCII 7 bel)
foreach(byte "${esc}" "${bel}")
  string(FIND "${out}" "${byte}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "a control byte from a name reached the terminal at ${at}")
  endif()
endforeach()
foreach(shown "\\\\x1b]0;pwned\\\\x07title" "bell\\\\x07\\\\x1b\\[31mred" "csi\\\\xc2\\\\x9b2Jc1")
  if(NOT out MATCHES "${shown}")
    message(FATAL_ERROR "'${shown}' not shown escaped:\n${out}")
  endif()
endforeach()
