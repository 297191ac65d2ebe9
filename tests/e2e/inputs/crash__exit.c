/* crash.c, crashing with _exit(3) in tick */
#define CRASH__EXIT
#include "crash.c"
