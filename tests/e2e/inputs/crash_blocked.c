/* crash.c, blocking every signal and spinning in tick */
#define CRASH_BLOCKED
#include "crash.c"
