/* crash.c, crashing in a constructor, at load */
#define CRASH_CTOR
#include "crash.c"
