/* The container's init before exec. Each stage returns -1 with a filled lerr; child_main is the
 * one place that sends it to the parent (which writes the report). */
#define _GNU_SOURCE
#include "child.h"

#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "confine.h"
#include "exec.h"
#include "init.h"
#include "pty.h"
#include "mounts.h"
#include "protocol.h"

static int set_user(const struct spec *sp, struct lerr *e) {
  if (setgroups(sp->ngroups, sp->groups) < 0) return FAIL(e, STAGE_USER, "setgroups");
  if (setgid(sp->gid) < 0) return FAIL(e, STAGE_USER, "setgid %u", (unsigned)sp->gid);
  if (setuid(sp->uid) < 0) return FAIL(e, STAGE_USER, "setuid %u", (unsigned)sp->uid);
  return 0;
}

/* PDEATHSIG is cleared by credential changes, so it is set after them; the parent may have died
 * before that, which the lifeline pipe tells (getppid() is 0 in a new PID namespace). */
static int die_with_parent(int lifeline_fd, struct lerr *e) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) return FAIL(e, STAGE_USER, "set the parent-death signal");
  struct pollfd pfd = {.fd = lifeline_fd, .events = POLLIN};
  if (poll(&pfd, 1, 0) != 0) _exit(1); /* hung up (parent gone) or error: nobody to report to */
  return 0;
}

/* Everything above 2 is closed at exec: the report fd, the spec fd and any fd Node leaked. */
static int close_fds(int keep, struct lerr *e) {
  if ((keep > 3 && close_range(3, (unsigned)keep - 1, 0) < 0) || close_range((unsigned)keep + 1, ~0U, 0) < 0)
    return FAIL(e, STAGE_EXEC, "close inherited fds");
  return 0;
}

static int run(const struct child_args *a, struct lerr *e) {
  const struct spec *sp = a->sp;
  /* First, while the host's /sys/fs/cgroup is still visible; the cgroup ns is unshared here. */
  if (cgroup_enter(sp, (sp->namespaces & CLONE_NEWCGROUP) != 0, e) < 0) return -1;
  if (sp->loopback && loopback_up(e) < 0) return -1;
  if (mounts_setup(sp, e) < 0 || pivot_into(sp->root, e) < 0) return -1;
  if (sp->hostname && sethostname(sp->hostname, strlen(sp->hostname)) < 0)
    return FAIL(e, STAGE_HOSTNAME, "sethostname %s", sp->hostname);
  if (sp->tty && pty_child_setup(a->tty_fd, sp->uid, e) < 0) return -1;
  if (caps_before_user(sp, e) < 0) return -1;
  if (set_user(sp, e) < 0 || caps_after_user(sp, e) < 0 || die_with_parent(a->lifeline_fd, e) < 0) return -1;
  if (chdir(sp->cwd) < 0) return FAIL(e, STAGE_CWD, "chdir %s", sp->cwd);
  if (close_fds(a->err_fd, e) < 0) return -1;
  sigset_t none;
  sigemptyset(&none);
  /* The parent blocked the forwarded signals around clone(); exec keeps the mask. */
  if (sigprocmask(SIG_SETMASK, &none, NULL) < 0) return FAIL(e, STAGE_EXEC, "unblock signals");
  if (sp->init && init_fork(a->err_fd, sp->tty, e) < 0) return -1;
  return exec_command(sp, e);
}

int child_main(void *arg) {
  const struct child_args *a = arg;
  struct lerr e = {0};
  run(a, &e);
  char line[1200];
  size_t n = report_format_error(&e, line, sizeof line);
  (void)write_all(a->err_fd, line, n);
  _exit(1);
}
