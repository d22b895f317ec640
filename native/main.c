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
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "protocol.h"
#include "report.h"
#include "spec.h"

#define STACK_SIZE (1 << 20)

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
static volatile pid_t child_pid;

static void forward(int sig) {
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

/* Read the child's error pipe to EOF: empty means the exec happened (or the child died). */
static size_t read_child_error(int fd, char *buf, size_t size) {
  size_t got = 0;
  while (got < size - 1) {
    ssize_t n = read(fd, buf + got, size - 1 - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
  }
  buf[got] = '\0';
  return got;
}

static int wait_child(pid_t pid) {
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return status;
}

int main(void) {
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

  int errp[2], life[2];
  if (pipe2(errp, O_CLOEXEC) < 0 || pipe2(life, O_CLOEXEC) < 0) { FAIL(&e, STAGE_CLONE, "pipe"); fail_report(&e); }
  void *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) { FAIL(&e, STAGE_CLONE, "allocate the child stack"); fail_report(&e); }
  struct child_args args = {.sp = &sp, .err_fd = errp[1], .lifeline_fd = life[0]};
  /* Blocked across clone() so that a signal cannot arrive before child_pid is known. */
  signals(SIG_BLOCK);
  pid_t pid = clone(child_main, (char *)stack + STACK_SIZE, (int)sp.namespaces | SIGCHLD, &args);
  if (pid < 0) { FAIL(&e, STAGE_CLONE, "clone"); fail_report(&e); }
  child_pid = pid;
  close(errp[1]);
  close(life[0]);
  struct sigaction sa = {.sa_handler = forward};
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) sigaction(forwarded[i], &sa, NULL);
  signals(SIG_UNBLOCK);
  report_line(REPORT_FD, "pid\t%d\n", (int)pid);

  char line[1200];
  if (read_child_error(errp[0], line, sizeof line) > 0) {
    wait_child(pid);
    if (write_all(REPORT_FD, line, strlen(line)) < 0) (void)write_all(2, line, strlen(line));
    return 1;
  }
  report_line(REPORT_FD, "started\n");
  int status = wait_child(pid);
  if (status < 0) { FAIL(&e, STAGE_CLONE, "wait for the container"); fail_report(&e); }
  if (WIFSIGNALED(status)) {
    report_line(REPORT_FD, "signal\t%d\n", WTERMSIG(status));
    return 128 + WTERMSIG(status);
  }
  report_line(REPORT_FD, "exit\t%d\n", WEXITSTATUS(status));
  return WEXITSTATUS(status);
}
