/* mydocker-fsutil ROOT: the file operations of one layer that Node cannot make (mknod, setxattr),
 * read from stdin as NUL-terminated fields and applied inside ROOT (an unpacked layer directory).
 *
 *   W PATH                              whiteout: a 0:0 character device, owned by 0:0 (overlayfs)
 *   O PATH                              opaque directory: user.overlay.opaque = "y"
 *   N PATH MODE MAJOR MINOR UID GID MTIME   device or FIFO node (MODE holds the file type bits)
 *
 * PATH is relative to ROOT. Every parent is opened with openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS),
 * so no symlink in the layer can send an operation outside ROOT. A whiteout whose name already
 * exists is skipped: the layer's own entry wins over its whiteout of the layers below.
 * On failure one line "ERRNO OP PATH" goes to stdout and the exit status is 1. No policy here. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

static int rootfd = -1;

static int open_beneath(const char *path, int flags) {
  struct open_how how = {.flags = (unsigned long long)flags | O_CLOEXEC, .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
  return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

/* Opens the parent directory of `path` and points *base at its last component. */
static int open_parent(char *path, const char **base) {
  char *slash = strrchr(path, '/');
  if (!slash) {
    *base = path;
    return open_beneath(".", O_RDONLY | O_DIRECTORY);
  }
  *slash = '\0';
  *base = slash + 1;
  int fd = open_beneath(path, O_RDONLY | O_DIRECTORY);
  *slash = '/';
  return fd;
}

static int fail(const char *op, const char *path) {
  printf("%d %s %s\n", errno, op, path);
  fflush(stdout);
  exit(1);
}

/* Reads one NUL-terminated field; NULL at a clean end of input. */
static char *field(void) {
  static char *buf = NULL;
  static size_t cap = 0;
  ssize_t n = getdelim(&buf, &cap, '\0', stdin);
  if (n <= 0) return NULL;
  return strdup(buf);
}

static char *need(void) {
  char *f = field();
  if (!f) {
    errno = EINVAL;
    fail("read", "(truncated input)");
  }
  return f;
}

static int whiteout(char *path) {
  const char *base;
  int dfd = open_parent(path, &base);
  if (dfd < 0) return -1;
  int r = mknodat(dfd, base, S_IFCHR | 0000, makedev(0, 0));
  if (r < 0 && errno == EEXIST) r = 0;
  else if (r == 0) r = fchownat(dfd, base, 0, 0, AT_SYMLINK_NOFOLLOW);
  int saved = errno;
  close(dfd);
  errno = saved;
  return r;
}

static int opaque(char *path) {
  int fd = strcmp(path, ".") == 0 ? open_beneath(".", O_RDONLY | O_DIRECTORY) : open_beneath(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  if (fd < 0) return -1;
  int r = fsetxattr(fd, "user.overlay.opaque", "y", 1, 0);
  int saved = errno;
  close(fd);
  errno = saved;
  return r;
}

static int node(char *path, unsigned long mode, unsigned long major_, unsigned long minor_, long uid, long gid, long long mtime) {
  const char *base;
  int dfd = open_parent(path, &base);
  if (dfd < 0) return -1;
  unlinkat(dfd, base, 0); /* a same-layer entry replaced by this one */
  int r = mknodat(dfd, base, (mode_t)mode & ~(mode_t)07777, makedev(major_, minor_));
  if (r == 0) r = fchownat(dfd, base, (uid_t)uid, (gid_t)gid, AT_SYMLINK_NOFOLLOW);
  if (r == 0) r = fchmodat(dfd, base, (mode_t)mode & 07777, 0);
  if (r == 0) {
    struct timespec times[2] = {{.tv_sec = mtime}, {.tv_sec = mtime}};
    r = utimensat(dfd, base, times, AT_SYMLINK_NOFOLLOW);
  }
  int saved = errno;
  close(dfd);
  errno = saved;
  return r;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: mydocker-fsutil ROOT < operations\n");
    return 2;
  }
  rootfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) fail("open", argv[1]);
  for (char *op; (op = field()) != NULL; free(op)) {
    char *path = need();
    int r;
    if (strcmp(op, "W") == 0) r = whiteout(path);
    else if (strcmp(op, "O") == 0) r = opaque(path);
    else if (strcmp(op, "N") == 0) {
      char *f[6];
      for (int i = 0; i < 6; i++) f[i] = need();
      r = node(path, strtoul(f[0], NULL, 8), strtoul(f[1], NULL, 10), strtoul(f[2], NULL, 10), strtol(f[3], NULL, 10),
               strtol(f[4], NULL, 10), strtoll(f[5], NULL, 10));
      for (int i = 0; i < 6; i++) free(f[i]);
    } else {
      errno = EINVAL;
      r = -1;
    }
    if (r < 0) fail(op, path);
    free(path);
  }
  return 0;
}
