/* crash.c, writing far past its thread data in tick */
#define CRASH_OVERRUN
#include "crash.c"
