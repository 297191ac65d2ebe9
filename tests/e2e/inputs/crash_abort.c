/* crash.c, crashing with abort() in tick */
#define CRASH_ABORT
#include "crash.c"
