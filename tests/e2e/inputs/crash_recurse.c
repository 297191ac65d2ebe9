/* crash.c, crashing with recurse in tick */
#define CRASH_RECURSE
#include "crash.c"
