/* crash.c, spinning in a destructor, at unload */
#define CRASH_DTOR_SPIN
#include "crash.c"
