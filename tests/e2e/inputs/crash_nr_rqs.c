/* crash.c, declaring INT_MAX core run queues */
#define NR_CORE_RQS 2147483647
#include "crash.c"
