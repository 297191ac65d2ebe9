/* crash.c, sleeping in tick */
#define CRASH_SLEEP
#include "crash.c"
