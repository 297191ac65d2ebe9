/* crash.c, declaring thread data of SIZE_MAX - 7 bytes (a size_t sum wraps) */
#define THREAD_DATA_SIZE ((size_t)-8)
#include "crash.c"
