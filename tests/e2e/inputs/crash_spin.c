/* crash.c, crashing with spin in tick */
#define CRASH_SPIN
#include "crash.c"
