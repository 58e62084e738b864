/* tool-a: says which libfoo it loaded. */
#include <stdio.h>

#include "foo.h"

int main(void) {
    printf("tool-a: libfoo %s\n", foo_version());
    return 0;
}
