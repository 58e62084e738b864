#include "foo.h"

const char *foo_version(void) { return "1.0"; }

long foo_add(long a, long b) { return a + b; }
