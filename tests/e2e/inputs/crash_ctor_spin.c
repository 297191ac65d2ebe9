/* crash.c, spinning in a constructor, at load */
#define CRASH_CTOR_SPIN
#include "crash.c"
