/* A minimal init, as tini or docker-init: PID 1 of a container must reap orphans (else zombies pile
 * up) and must pass on signals (PID 1 ignores those it has no handler for, so `sleep` as PID 1
 * would never stop on Ctrl-C). */
#define _GNU_SOURCE
#include "init.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "protocol.h"

/* Signals passed on to the command; SIGCHLD is ours. */
static const int passed[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGALRM, SIGCONT, SIGPIPE};

static char *args_start;
static size_t args_len;

void init_set_argv(int argc, char **argv) {
  if (argc < 1 || !argv[0]) return;
  args_start = argv[0];
  char *end = argv[argc - 1] + strlen(argv[argc - 1]);
  args_len = (size_t)(end - args_start);
}

/* /proc/PID/cmdline shows this memory: "init" and NULs, no host path. */
static void rename_self(void) {
  static const char name[] = "init";
  if (!args_start || args_len < sizeof name - 1) return;
  memset(args_start, 0, args_len);
  memcpy(args_start, name, sizeof name - 1);
}

int init_fork(int err_fd, int tty, struct lerr *e) {
  sigset_t set, old;
  sigemptyset(&set);
  for (size_t i = 0; i < sizeof passed / sizeof *passed; i++) sigaddset(&set, passed[i]);
  sigaddset(&set, SIGCHLD);
  /* Blocked before fork: a signal arriving at once waits in sigwaitinfo below. */
  sigprocmask(SIG_BLOCK, &set, &old);
  pid_t pid = fork();
  if (pid < 0) return FAIL(e, STAGE_EXEC, "fork the command under --init");
  if (pid == 0) {
    if (tty) {
      /* The command leads the terminal's foreground process group, as under tini. */
      signal(SIGTTOU, SIG_IGN);
      setpgid(0, 0);
      tcsetpgrp(0, getpid());
      signal(SIGTTOU, SIG_DFL);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return 0;
  }
  close(err_fd); /* the command's exec (or its error line) alone ends the launcher's wait */
  prctl(PR_SET_NAME, "init");
  rename_self();
  signal(SIGTTIN, SIG_IGN);
  signal(SIGTTOU, SIG_IGN);
  signal(SIGTSTP, SIG_IGN);
  for (;;) {
    siginfo_t si;
    int sig = sigwaitinfo(&set, &si);
    if (sig < 0) continue;
    if (sig != SIGCHLD) {
      kill(pid, sig);
      continue;
    }
    int status;
    pid_t w;
    while ((w = waitpid(-1, &status, WNOHANG)) > 0) {
      if (w != pid) continue;
      _exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status));
    }
  }
}
