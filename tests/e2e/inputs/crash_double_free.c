/* crash.c, freeing a block twice in tick */
#define CRASH_DOUBLE_FREE
#include "crash.c"
