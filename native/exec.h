/* PATH lookup inside the new root, then execve. */
#ifndef MYDOCKER_EXEC_H
#define MYDOCKER_EXEC_H
#include "report.h"
#include "spec.h"

/* Exec ARG[0] with the spec's environment; returns only on failure (stage `exec`). */
int exec_command(const struct spec *sp, struct lerr *e);

#endif
