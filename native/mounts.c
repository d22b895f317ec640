/* Mounts. Every path inside the container is resolved with openat2(RESOLVE_IN_ROOT), so a
 * symlink in the image (say /dev -> /etc) cannot send a mount or a mkdir onto the host; the
 * mount then targets the resolved fd through /proc/self/fd (runc does the same). */
#define _GNU_SOURCE
#include "mounts.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "protocol.h"

#define MS_PROPAGATION (MS_PRIVATE | MS_SLAVE | MS_SHARED | MS_UNBINDABLE)

/* O_PATH fd of `path` resolved inside rootfd; -1 with errno set. */
static int open_in_root(int rootfd, const char *path) {
  struct open_how how = {
      .flags = O_PATH | O_CLOEXEC,
      .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

/* Open `path` inside rootfd, creating it (a directory, or an empty file) and its parents. */
static int ensure_path(int rootfd, const char *path, int is_dir, struct lerr *e) {
  int fd = open_in_root(rootfd, path);
  if (fd >= 0 || errno != ENOENT) return fd >= 0 ? fd : FAIL(e, STAGE_MOUNT, "open %s", path);
  char parent[4096];
  if (strlen(path) >= sizeof parent) return lerr_set(e, STAGE_MOUNT, ENAMETOOLONG, "open %s", path);
  strcpy(parent, path);
  char *slash = strrchr(parent, '/');
  while (slash && slash > parent && slash[1] == '\0') { /* drop trailing slashes */
    *slash = '\0';
    slash = strrchr(parent, '/');
  }
  if (!slash) return lerr_set(e, STAGE_MOUNT, ENOENT, "open %s", path);
  char *base = slash + 1;
  *slash = '\0';
  int pfd = ensure_path(rootfd, parent[0] ? parent : "/", 1, e);
  if (pfd < 0) return -1;
  /* O_PATH fds cannot be used with mkdirat/openat as a directory on every kernel: reopen. */
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", pfd);
  int dfd = open(proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  close(pfd);
  if (dfd < 0) return FAIL(e, STAGE_MOUNT, "open parent of %s", path);
  int r = 0;
  if (is_dir) r = mkdirat(dfd, base, 0755);
  else {
    int f = openat(dfd, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (f >= 0) close(f);
    r = f < 0 ? -1 : 0;
  }
  int saved = errno;
  close(dfd);
  if (r < 0 && saved != EEXIST) return lerr_set(e, STAGE_MOUNT, saved, "create %s", path);
  fd = open_in_root(rootfd, path);
  return fd >= 0 ? fd : FAIL(e, STAGE_MOUNT, "open %s", path);
}

static void fd_path(char *buf, size_t size, int fd) { snprintf(buf, size, "/proc/self/fd/%d", fd); }

/* Re-resolve `path` (to see a mount just made on it) and apply a remount or propagation change. */
static int mount_again(int rootfd, const char *path, unsigned long flags, const char *what, struct lerr *e) {
  int fd = open_in_root(rootfd, path);
  if (fd < 0) return FAIL(e, STAGE_MOUNT, "open %s", path);
  char p[64];
  fd_path(p, sizeof p, fd);
  int r = mount(NULL, p, NULL, flags, NULL);
  int saved = errno;
  close(fd);
  return r < 0 ? lerr_set(e, STAGE_MOUNT, saved, "%s %s", what, path) : 0;
}

static int do_mount(int rootfd, const struct mount_rec *m, struct lerr *e) {
  int bind = (m->flags & MS_BIND) != 0;
  int is_dir = 1;
  if (bind) {
    struct stat st;
    if (stat(m->source, &st) < 0) return FAIL(e, STAGE_MOUNT, "bind %s on %s", m->source, m->target);
    is_dir = S_ISDIR(st.st_mode);
  }
  int fd = ensure_path(rootfd, m->target, is_dir, e);
  if (fd < 0) return -1;
  char p[64];
  fd_path(p, sizeof p, fd);
  int r = bind ? mount(m->source, p, NULL, MS_BIND | (m->flags & MS_REC), NULL)
               : mount(m->source, p, m->type, m->flags & ~(unsigned long)MS_PROPAGATION, m->data);
  int saved = errno;
  close(fd);
  if (r < 0) return lerr_set(e, STAGE_MOUNT, saved, "mount %s on %s", m->type, m->target);
  /* A bind ignores every flag but MS_REC on the first call; the rest needs a remount. */
  unsigned long rest = m->flags & ~(unsigned long)(MS_BIND | MS_REC | MS_PROPAGATION);
  if (bind && rest && mount_again(rootfd, m->target, MS_BIND | MS_REMOUNT | rest, "remount", e) < 0) return -1;
  unsigned long prop = m->flags & (MS_PROPAGATION | MS_REC);
  if ((prop & MS_PROPAGATION) && mount_again(rootfd, m->target, prop, "set propagation of", e) < 0) return -1;
  return 0;
}

static int make_symlink(int rootfd, const char *target, const char *path, struct lerr *e) {
  char parent[4096];
  if (strlen(path) >= sizeof parent) return lerr_set(e, STAGE_MOUNT, ENAMETOOLONG, "symlink %s", path);
  strcpy(parent, path);
  char *slash = strrchr(parent, '/');
  const char *base = slash + 1;
  *slash = '\0';
  if (*base == '\0') return lerr_set(e, STAGE_MOUNT, EINVAL, "symlink %s", path);
  int pfd = ensure_path(rootfd, parent[0] ? parent : "/", 1, e);
  if (pfd < 0) return -1;
  char p[64];
  fd_path(p, sizeof p, pfd);
  int dfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  close(pfd);
  if (dfd < 0) return FAIL(e, STAGE_MOUNT, "open parent of %s", path);
  int r = symlinkat(target, dfd, base);
  int saved = errno;
  close(dfd);
  /* An existing entry (an image's own /dev/fd link, say) is kept, as runc does. */
  return r < 0 && saved != EEXIST ? lerr_set(e, STAGE_MOUNT, saved, "symlink %s -> %s", path, target) : 0;
}

/* Hide a path: a read-only empty tmpfs over a directory, /dev/null over anything else. */
static int mask_path(int rootfd, const char *path, struct lerr *e) {
  int fd = open_in_root(rootfd, path);
  if (fd < 0) return errno == ENOENT ? 0 : FAIL(e, STAGE_MOUNT, "open %s", path);
  struct stat st;
  char p[64];
  fd_path(p, sizeof p, fd);
  int r = fstat(fd, &st);
  if (r == 0)
    r = S_ISDIR(st.st_mode) ? mount("tmpfs", p, "tmpfs", MS_RDONLY, "size=0")
                            : mount("/dev/null", p, NULL, MS_BIND, NULL);
  int saved = errno;
  close(fd);
  return r < 0 ? lerr_set(e, STAGE_MOUNT, saved, "mask %s", path) : 0;
}

/* Bind a path on itself and remount it read-only, keeping its nosuid/nodev/noexec bits. */
static int readonly_path(int rootfd, const char *path, struct lerr *e) {
  int fd = open_in_root(rootfd, path);
  if (fd < 0) return errno == ENOENT ? 0 : FAIL(e, STAGE_MOUNT, "open %s", path);
  char p[64];
  fd_path(p, sizeof p, fd);
  /* "/" is ROOT, already a mount of its own: remount it; binding it again would hide submounts. */
  int r = strcmp(path, "/") == 0 ? 0 : mount(p, p, NULL, MS_BIND | MS_REC, NULL);
  int saved = errno;
  close(fd);
  if (r < 0) return lerr_set(e, STAGE_MOUNT, saved, "bind %s read-only", path);
  fd = open_in_root(rootfd, path);
  if (fd < 0) return FAIL(e, STAGE_MOUNT, "open %s", path);
  struct statvfs sv;
  unsigned long keep = 0;
  if (fstatvfs(fd, &sv) == 0)
    keep = (sv.f_flag & ST_NOSUID ? MS_NOSUID : 0) | (sv.f_flag & ST_NODEV ? MS_NODEV : 0) |
           (sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0);
  close(fd);
  return mount_again(rootfd, path, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, "remount read-only", e);
}

static int mount_root(const struct spec *sp, size_t *skip, struct lerr *e) {
  *skip = (size_t)-1;
  for (size_t i = 0; i < sp->nmounts; i++) {
    const struct mount_rec *m = &sp->mounts[i];
    if (strcmp(m->target, "/") != 0) continue;
    *skip = i;
    int r = (m->flags & MS_BIND) ? mount(m->source, sp->root, NULL, MS_BIND | (m->flags & MS_REC), NULL)
                                 : mount(m->source, sp->root, m->type, m->flags & ~(unsigned long)MS_PROPAGATION, m->data);
    return r < 0 ? FAIL(e, STAGE_ROOT, "mount %s on %s", m->type, sp->root) : 0;
  }
  /* pivot_root needs ROOT to be a mount point. */
  if (mount(sp->root, sp->root, NULL, MS_BIND | MS_REC, NULL) < 0)
    return FAIL(e, STAGE_ROOT, "bind %s on itself", sp->root);
  return 0;
}

int mounts_setup(const struct spec *sp, struct lerr *e) {
  /* First, so that nothing below propagates back to the host's mount table. */
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) return FAIL(e, STAGE_MOUNT, "make / private");
  size_t root_index;
  if (mount_root(sp, &root_index, e) < 0) return -1;
  int rootfd = open(sp->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return FAIL(e, STAGE_ROOT, "open %s", sp->root);
  int r = 0;
  for (size_t i = 0; r == 0 && i < sp->nmounts; i++)
    if (i != root_index) r = do_mount(rootfd, &sp->mounts[i], e);
  for (size_t i = 0; r == 0 && i + 1 < sp->symlinks.n; i += 2)
    r = make_symlink(rootfd, sp->symlinks.v[i], sp->symlinks.v[i + 1], e);
  for (size_t i = 0; r == 0 && i < sp->masks.n; i++) r = mask_path(rootfd, sp->masks.v[i], e);
  for (size_t i = 0; r == 0 && i < sp->readonly.n; i++) r = readonly_path(rootfd, sp->readonly.v[i], e);
  close(rootfd);
  return r;
}

int pivot_into(const char *root, struct lerr *e) {
  if (chdir(root) < 0) return FAIL(e, STAGE_PIVOT, "chdir %s", root);
  /* pivot_root(".", ".") stacks the old root under the new one; detaching "." then drops it,
   * with no temporary directory in the image (runc's trick). */
  if (syscall(SYS_pivot_root, ".", ".") < 0) return FAIL(e, STAGE_PIVOT, "pivot_root %s", root);
  if (umount2(".", MNT_DETACH) < 0) return FAIL(e, STAGE_PIVOT, "detach the old root");
  if (chdir("/") < 0) return FAIL(e, STAGE_PIVOT, "chdir /");
  return 0;
}
