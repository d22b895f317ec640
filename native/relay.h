/* The launcher's end of a run: relay the terminal (with -t), wait, report. */
#ifndef MYDOCKER_RELAY_H
#define MYDOCKER_RELAY_H
#include <sys/types.h>

/* Called from the SIGWINCH handler: 1 when a terminal relay takes care of it (resize), else 0. */
int relay_on_winch(void);

/* After the child's error pipe reached EOF (the command runs): relay between the host's stdio and
 * `master` until `pid` exits, then drain the master. Returns the wait status, -1 on error. */
int relay_pty(int master, pid_t pid);

/* The launcher's end of a run, once the child exists: relay its setup error if it sends one (exit
 * 1); else report `started`, relay the terminal (when tty_sock >= 0) or wait, and report `exit` or
 * `signal`. Returns the launcher's exit status. */
int finish_run(pid_t pid, int err_fd, int tty_sock);

#endif
