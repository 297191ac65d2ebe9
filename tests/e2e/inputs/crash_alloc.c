/* crash.c, allocating without end in tick */
#define CRASH_ALLOC
#include "crash.c"
