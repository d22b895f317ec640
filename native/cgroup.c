/* Joining the container's cgroups (created and limited by TypeScript) and, after that, unsharing
 * the cgroup namespace, whose root is the cgroup of the process at unshare time. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "confine.h"
#include "protocol.h"

int cgroup_enter(const struct spec *sp, int new_cgroup_ns, struct lerr *e) {
  for (size_t i = 0; i < sp->cgroup_procs.n; i++) {
    const char *path = sp->cgroup_procs.v[i];
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return FAIL(e, STAGE_CGROUP, "open %s", path);
    /* "0" means the writing process itself. */
    ssize_t n = write(fd, "0", 1);
    int saved = errno;
    close(fd);
    if (n != 1) return lerr_set(e, STAGE_CGROUP, saved, "join %s", path);
  }
  if (new_cgroup_ns && unshare(CLONE_NEWCGROUP) < 0) return FAIL(e, STAGE_CGROUP, "unshare the cgroup namespace");
  return 0;
}
