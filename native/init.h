/* --init: the launcher's own minimal init at PID 1 (no extra binary). */
#ifndef MYDOCKER_INIT_H
#define MYDOCKER_INIT_H
#include "report.h"

/* Fork the command. In the child: returns 0 (go on to exec). In the parent (PID 1): closes
 * `err_fd`, forwards signals to the child, reaps every zombie, and exits with the child's status
 * (128+N when it was killed by signal N); never returns. -1 when fork fails. */
int init_fork(int err_fd, int tty, struct lerr *e);

/* Remember the launcher's argv, so that the init can rename itself: its command line would
 * otherwise show the launcher's host path to the container. */
void init_set_argv(int argc, char **argv);

#endif
