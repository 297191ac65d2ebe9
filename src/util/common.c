#include "util/common.h"

G_DEFINE_QUARK(ipa-error-quark, ipa_error)
