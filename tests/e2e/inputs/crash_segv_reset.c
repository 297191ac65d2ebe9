/* crash.c, resetting the SIGSEGV handler, then crashing in tick */
#define CRASH_SEGV_RESET
#include "crash.c"
