/* tool-b: adds its integer arguments with libfoo's foo_add. */
#include <stdio.h>
#include <stdlib.h>

#include "foo.h"

int main(int argc, char **argv) {
    long sum = 0;
    for (int i = 1; i < argc; i++) {
        char *end;
        long n = strtol(argv[i], &end, 10);
        if (*argv[i] == '\0' || *end != '\0') {
            fprintf(stderr, "tool-b: not an integer: %s\n", argv[i]);
            return 2;
        }
        sum = foo_add(sum, n);
    }
    printf("%ld\n", sum);
    return 0;
}
