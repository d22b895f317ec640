/* mydocker-launcher: read the spec (fd 3), clone the container's init into new namespaces,
 * relay signals to it, and report pid, setup errors and the exit status (fd 4). PROTOCOL.md. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "exec-into.h"
#include "init.h"
#include "relay.h"
#include "protocol.h"
#include "report.h"
#include "spec.h"

#define STACK_SIZE (1 << 20)

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
static volatile pid_t child_pid;

static void forward(int sig) {
  if (sig == SIGWINCH && relay_on_winch()) return; /* -t: resize the terminal instead */
  if (child_pid > 0) kill(child_pid, sig);
}

static void signals(int how) {
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) sigaddset(&set, forwarded[i]);
  sigprocmask(how, &set, NULL);
}

/* The one exit for setup failures: one `error` line, status 1. */
static void __attribute__((noreturn)) fail_report(const struct lerr *e) {
  char line[1200];
  size_t n = report_format_error(e, line, sizeof line);
  if (write_all(REPORT_FD, line, n) < 0) (void)write_all(2, line, n); /* no report fd: tell a human */
  exit(1);
}

int main(int argc, char **argv) {
  init_set_argv(argc, argv);
  struct lerr e = {0};
  /* Die with mydocker; then the child's own PDEATHSIG takes the container down too. */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() == 1) return 1;
  if (fcntl(REPORT_FD, F_SETFD, FD_CLOEXEC) < 0) {
    fprintf(stderr, "mydocker-launcher: fd 4 (report pipe) is not open; run it through mydocker\n");
    return 1;
  }
  unsigned char *buf;
  size_t len;
  struct spec sp;
  if (spec_read_fd(SPEC_FD, &buf, &len, &e) < 0) fail_report(&e);
  close(SPEC_FD);
  int r = spec_decode(buf, len, &sp, &e);
  free(buf);
  if (r < 0) fail_report(&e);
  if (sp.exec_pid > 0) return exec_into_main(&sp);

  int errp[2], life[2], ttys[2] = {-1, -1};
  if (pipe2(errp, O_CLOEXEC) < 0 || pipe2(life, O_CLOEXEC) < 0) { FAIL(&e, STAGE_CLONE, "pipe"); fail_report(&e); }
  if (sp.tty && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ttys) < 0) { FAIL(&e, STAGE_TTY, "socketpair"); fail_report(&e); }
  void *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) { FAIL(&e, STAGE_CLONE, "allocate the child stack"); fail_report(&e); }
  struct child_args args = {.sp = &sp, .err_fd = errp[1], .lifeline_fd = life[0], .tty_fd = ttys[1]};
  /* Blocked across clone() so that a signal cannot arrive before child_pid is known. */
  signals(SIG_BLOCK);
  /* The cgroup namespace is unshared by the child once it is in its cgroup (cgroup.c). */
  pid_t pid = clone(child_main, (char *)stack + STACK_SIZE, (int)(sp.namespaces & ~(unsigned long)CLONE_NEWCGROUP) | SIGCHLD, &args);
  if (pid < 0) { FAIL(&e, STAGE_CLONE, "clone"); fail_report(&e); }
  child_pid = pid;
  close(errp[1]);
  close(life[0]);
  if (ttys[1] >= 0) close(ttys[1]);
  struct sigaction sa = {.sa_handler = forward};
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) sigaction(forwarded[i], &sa, NULL);
  signals(SIG_UNBLOCK);
  report_line(REPORT_FD, "pid\t%d\n", (int)pid);

  return finish_run(pid, errp[0], ttys[0]);
}
