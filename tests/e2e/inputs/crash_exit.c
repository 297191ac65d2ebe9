/* crash.c, crashing with exit(0) in tick */
#define CRASH_EXIT
#include "crash.c"
