/* libfoo: the shared library both tools link against. */
#ifndef FOO_H
#define FOO_H

const char *foo_version(void);
long foo_add(long a, long b);

#endif
