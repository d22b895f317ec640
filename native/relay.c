/* Terminal relay: host stdin → pty master → host stdout, with SIGCHLD and SIGWINCH through a
 * self-pipe so that poll() sees them. The host terminal's raw mode is mydocker's (Node) business:
 * Node restores it on every exit path, including fatal signals; this loop only copies bytes. */
#define _GNU_SOURCE
#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "protocol.h"
#include "pty.h"
#include "report.h"

static int wake[2] = {-1, -1};

static void poke(char c) {
  int saved = errno;
  if (wake[1] >= 0) (void)!write(wake[1], &c, 1);
  errno = saved;
}

static void on_chld(int sig) {
  (void)sig;
  poke('C');
}

int relay_on_winch(void) {
  if (wake[1] < 0) return 0;
  poke('W');
  return 1;
}

/* Write everything to a possibly non-blocking fd, waiting for room when it is full. */
static int write_fully(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      struct pollfd p = {.fd = fd, .events = POLLOUT};
      (void)poll(&p, 1, 1000);
      continue;
    }
    if (n <= 0) return -1;
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Copy what the master has now to stdout; 0 when it is closed (EIO: no slave left). */
static int drain_master(int master) {
  char buf[16384];
  for (;;) {
    ssize_t n = read(master, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return 1;
    if (n <= 0) return 0;
    if (write_fully(1, buf, (size_t)n) < 0) return 0;
  }
}

int relay_pty(int master, pid_t pid) {
  if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0) return -1;
  struct sigaction sa = {.sa_handler = on_chld, .sa_flags = SA_NOCLDSTOP | SA_RESTART};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGCHLD, &sa, NULL);
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  pty_copy_winsize(master);
  int stdin_open = 1, master_open = 1, status = -1;
  for (;;) {
    int w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) return -1;
    struct pollfd fds[3] = {
        {.fd = wake[0], .events = POLLIN},
        {.fd = master_open ? master : -1, .events = POLLIN},
        {.fd = stdin_open ? 0 : -1, .events = POLLIN},
    };
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (fds[0].revents & POLLIN) {
      char c[64];
      ssize_t n = read(wake[0], c, sizeof c);
      for (ssize_t i = 0; i < n; i++)
        if (c[i] == 'W') pty_copy_winsize(master);
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) master_open = drain_master(master);
    if (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[4096];
      ssize_t n = read(0, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      /* EOF on the host side: nothing more to type; the container keeps its terminal. */
      if (n <= 0 || write_fully(master, buf, (size_t)n) < 0) stdin_open = 0;
    }
  }
  /* The command ended: what it wrote last is still in the master. */
  if (master_open) drain_master(master);
  close(master);
  return status;
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

int finish_run(pid_t pid, int err_fd, int tty_sock) {
  char line[1200];
  if (read_child_error(err_fd, line, sizeof line) > 0) {
    wait_child(pid);
    if (write_all(REPORT_FD, line, strlen(line)) < 0) (void)write_all(2, line, strlen(line));
    return 1;
  }
  int master = tty_sock >= 0 ? pty_receive_master(tty_sock) : -1;
  if (tty_sock >= 0) close(tty_sock);
  report_line(REPORT_FD, "started\n");
  int status = master >= 0 ? relay_pty(master, pid) : wait_child(pid);
  if (status < 0) {
    struct lerr e = {0};
    FAIL(&e, STAGE_CLONE, "wait for the container");
    size_t n = report_format_error(&e, line, sizeof line);
    (void)write_all(REPORT_FD, line, n);
    return 1;
  }
  if (WIFSIGNALED(status)) {
    report_line(REPORT_FD, "signal\t%d\n", WTERMSIG(status));
    return 128 + WTERMSIG(status);
  }
  report_line(REPORT_FD, "exit\t%d\n", WEXITSTATUS(status));
  return WEXITSTATUS(status);
}
