/* -t: a pseudo-terminal from the container's own devpts, its master handed to the launcher. */
#ifndef MYDOCKER_PTY_H
#define MYDOCKER_PTY_H
#include <sys/types.h>
#include "report.h"

/* In the container (after pivot_root, before dropping ids): open /dev/ptmx, send the master over
 * `sock` (SCM_RIGHTS), become a session leader with the slave as controlling terminal and stdio. */
int pty_child_setup(int sock, uid_t uid, struct lerr *e);

/* In the launcher: receive the master sent over `sock`; -1 when none came. */
int pty_receive_master(int sock);

/* Copy the host terminal's window size (fd 0, 1 or 2) to the master. */
void pty_copy_winsize(int master);

#endif
