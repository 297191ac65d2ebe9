/* Compiles, but defines no ipa_policy table. */
#include <ipasim/runtime.h>

int not_a_policy(void);
int not_a_policy(void)
{
    return 0;
}
