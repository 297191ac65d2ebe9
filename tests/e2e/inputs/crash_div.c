/* crash.c, crashing with div in tick */
#define CRASH_DIV
#include "crash.c"
