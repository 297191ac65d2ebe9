/* crash.c, crashing with null in tick */
#define CRASH_NULL
#include "crash.c"
