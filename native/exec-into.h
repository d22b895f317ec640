/* `mydocker exec`: run a process inside a running container's namespaces. */
#ifndef MYDOCKER_EXEC_INTO_H
#define MYDOCKER_EXEC_INTO_H
#include "spec.h"

/* The launcher's whole job for a spec with EXEC_PID; returns the launcher's exit status. */
int exec_into_main(struct spec *sp);

#endif
