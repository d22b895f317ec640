/* `mydocker exec`: a new process in a running container. The launcher joins the container's PID
 * namespace (which applies to its children only), forks, and the child joins the other namespaces
 * of the container's init (/proc/PID/ns/NAME), takes its root (/proc/<pid>/root), optionally a
 * terminal, then ids, cwd and exec as for `run`. */
#define _GNU_SOURCE
#include "exec-into.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "protocol.h"
#include "pty.h"
#include "relay.h"
#include "report.h"

static const struct {
  const char *name;
  int type;
} namespaces[] = {
    {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS}, {"net", CLONE_NEWNET}, {"cgroup", CLONE_NEWCGROUP}, {"pid", CLONE_NEWPID}, {"mnt", CLONE_NEWNS},
};
#define NNS (sizeof namespaces / sizeof *namespaces)

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
static volatile pid_t exec_pid;

static void forward(int sig) {
  if (sig == SIGWINCH && relay_on_winch()) return;
  if (exec_pid > 0) kill(exec_pid, sig);
}

static void __attribute__((noreturn)) fail_report(const struct lerr *e) {
  char line[1200];
  size_t n = report_format_error(e, line, sizeof line);
  if (write_all(REPORT_FD, line, n) < 0) (void)write_all(2, line, n);
  exit(1);
}

/* The container's namespace `name`, or -1 when it is ours already (e.g. the host's network). */
static int open_ns(pid_t pid, const char *name, struct lerr *e) {
  char path[64], self[64];
  snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, name);
  snprintf(self, sizeof self, "/proc/self/ns/%s", name);
  struct stat theirs, ours;
  if (stat(path, &theirs) < 0) return errno == ENOENT && name[0] == 'c' ? -1 : FAIL(e, STAGE_JOIN, "%s", path) - 1;
  if (stat(self, &ours) == 0 && ours.st_ino == theirs.st_ino && ours.st_dev == theirs.st_dev) return -1;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FAIL(e, STAGE_JOIN, "open %s", path) - 1;
  return fd;
}

struct joined {
  int ns[NNS];
  int root;
};

static int child(const struct spec *sp, const struct joined *j, int lifeline, int tty_sock, int err_fd, struct lerr *e) {
  for (size_t i = 0; i < NNS; i++)
    if (j->ns[i] >= 0 && namespaces[i].type != CLONE_NEWPID && setns(j->ns[i], namespaces[i].type) < 0)
      return FAIL(e, STAGE_JOIN, "join the container's %s namespace", namespaces[i].name);
  if (fchdir(j->root) < 0 || chroot(".") < 0 || chdir("/") < 0) return FAIL(e, STAGE_JOIN, "enter the container's root");
  if (sp->tty && pty_child_setup(tty_sock, sp->uid, e) < 0) return -1;
  if (setgroups(sp->ngroups, sp->groups) < 0) return FAIL(e, STAGE_USER, "setgroups");
  if (setgid(sp->gid) < 0) return FAIL(e, STAGE_USER, "setgid %u", (unsigned)sp->gid);
  if (setuid(sp->uid) < 0) return FAIL(e, STAGE_USER, "setuid %u", (unsigned)sp->uid);
  /* After the id change (which clears it); the lifeline tells if the launcher died before. */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) return FAIL(e, STAGE_USER, "set the parent-death signal");
  struct pollfd pfd = {.fd = lifeline, .events = POLLIN};
  if (poll(&pfd, 1, 0) != 0) _exit(1);
  if (chdir(sp->cwd) < 0) return FAIL(e, STAGE_CWD, "chdir %s", sp->cwd);
  if ((err_fd > 3 && close_range(3, (unsigned)err_fd - 1, 0) < 0) || close_range((unsigned)err_fd + 1, ~0U, 0) < 0)
    return FAIL(e, STAGE_EXEC, "close inherited fds");
  sigset_t none;
  sigemptyset(&none);
  if (sigprocmask(SIG_SETMASK, &none, NULL) < 0) return FAIL(e, STAGE_EXEC, "unblock signals");
  return exec_command(sp, e);
}

int exec_into_main(struct spec *sp) {
  struct lerr e = {0};
  struct joined j;
  for (size_t i = 0; i < NNS; i++) {
    j.ns[i] = open_ns(sp->exec_pid, namespaces[i].name, &e);
    if (j.ns[i] < -1) fail_report(&e);
  }
  char root[64];
  snprintf(root, sizeof root, "/proc/%d/root", (int)sp->exec_pid);
  j.root = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (j.root < 0) { FAIL(&e, STAGE_JOIN, "open %s (is the container running?)", root); fail_report(&e); }
  /* The container's cgroups (listed by mydocker): joined before the fork, the child inherits them,
   * so its limits hold from its first instruction. */
  for (size_t i = 0; i < sp->exec_cgroup_procs.n; i++) {
    int fd = open(sp->exec_cgroup_procs.v[i], O_WRONLY | O_CLOEXEC);
    if (fd < 0 || dprintf(fd, "%d\n", (int)getpid()) < 0) { FAIL(&e, STAGE_JOIN, "join the cgroup %s", sp->exec_cgroup_procs.v[i]); fail_report(&e); }
    close(fd);
  }
  /* setns(CLONE_NEWPID) moves our future children, not us: the fork below lands inside. */
  for (size_t i = 0; i < NNS; i++)
    if (j.ns[i] >= 0 && namespaces[i].type == CLONE_NEWPID && setns(j.ns[i], CLONE_NEWPID) < 0) {
      FAIL(&e, STAGE_JOIN, "join the container's pid namespace");
      fail_report(&e);
    }
  int errp[2], life[2], ttys[2] = {-1, -1};
  if (pipe2(errp, O_CLOEXEC) < 0 || pipe2(life, O_CLOEXEC) < 0) { FAIL(&e, STAGE_CLONE, "pipe"); fail_report(&e); }
  if (sp->tty && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ttys) < 0) { FAIL(&e, STAGE_TTY, "socketpair"); fail_report(&e); }
  sigset_t set, old;
  sigemptyset(&set);
  for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) sigaddset(&set, forwarded[i]);
  sigprocmask(SIG_BLOCK, &set, &old);
  pid_t pid = fork();
  if (pid < 0) { FAIL(&e, STAGE_CLONE, "fork"); fail_report(&e); }
  if (pid == 0) {
    close(errp[0]);
    close(life[1]);
    if (ttys[0] >= 0) close(ttys[0]);
    child(sp, &j, life[0], ttys[1], errp[1], &e);
    char line[1200];
    size_t n = report_format_error(&e, line, sizeof line);
    (void)write_all(errp[1], line, n);
    _exit(1);
  }
  exec_pid = pid;
  close(errp[1]);
  close(life[0]);
  if (ttys[1] >= 0) close(ttys[1]);
  struct sigaction sa = {.sa_handler = forward};
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) sigaction(forwarded[i], &sa, NULL);
  sigprocmask(SIG_SETMASK, &old, NULL);
  report_line(REPORT_FD, "pid\t%d\n", (int)pid);
  return finish_run(pid, errp[0], ttys[0]);
}
