/* The container's terminal: allocated inside the container (its devpts is a new instance, so
 * `tty` there prints /dev/pts/N of its own), the master passed to the launcher, which relays. */
#define _GNU_SOURCE
#include "pty.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "protocol.h"

static int send_fd(int sock, int fd) {
  char byte = 'M';
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  memset(&u, 0, sizeof u);
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  ssize_t n;
  do n = sendmsg(sock, &msg, 0);
  while (n < 0 && errno == EINTR);
  return n == 1 ? 0 : -1;
}

int pty_child_setup(int sock, uid_t uid, struct lerr *e) {
  int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) return FAIL(e, STAGE_TTY, "open /dev/ptmx");
  char name[64];
  if (unlockpt(master) < 0 || ptsname_r(master, name, sizeof name) != 0) return FAIL(e, STAGE_TTY, "unlock the pseudo-terminal");
  int slave = open(name, O_RDWR | O_NOCTTY);
  if (slave < 0) return FAIL(e, STAGE_TTY, "open %s", name);
  /* As runc: the terminal belongs to the container's user, who may then chmod it (mesg, script). */
  if (fchown(slave, uid, (gid_t)-1) < 0) return FAIL(e, STAGE_TTY, "chown %s", name);
  if (send_fd(sock, master) < 0) return FAIL(e, STAGE_TTY, "pass the terminal to the launcher");
  close(master);
  if (setsid() < 0) return FAIL(e, STAGE_TTY, "setsid");
  if (ioctl(slave, TIOCSCTTY, 0) < 0) return FAIL(e, STAGE_TTY, "make %s the controlling terminal", name);
  for (int fd = 0; fd <= 2; fd++)
    if (dup2(slave, fd) < 0) return FAIL(e, STAGE_TTY, "dup2 the terminal");
  if (slave > 2) close(slave);
  return 0;
}

int pty_receive_master(int sock) {
  char byte;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
  ssize_t n;
  do n = recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n != 1) return -1;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) return -1;
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}

void pty_copy_winsize(int master) {
  struct winsize ws;
  for (int fd = 0; fd <= 2; fd++) {
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) {
      (void)ioctl(master, TIOCSWINSZ, &ws);
      return;
    }
  }
}
