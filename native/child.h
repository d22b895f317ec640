/* The child's stages: mounts, pivot_root, hostname, ids, cwd, exec. */
#ifndef MYDOCKER_CHILD_H
#define MYDOCKER_CHILD_H
#include "spec.h"

struct child_args {
  const struct spec *sp;
  int err_fd;      /* write end, O_CLOEXEC: an error line, or EOF on a successful exec */
  int lifeline_fd; /* read end; hangs up when the parent dies */
  int tty_fd;      /* -t: socket to send the terminal's master over; -1 without -t */
};

/* clone() entry point; never returns on success. */
int child_main(void *arg);

#endif
