/* Decode the spec record stream (PROTOCOL.md, "Spec records") into a plain struct. */
#ifndef MYDOCKER_SPEC_H
#define MYDOCKER_SPEC_H
#include <stddef.h>
#include <sys/types.h>
#include "report.h"

struct mount_rec {
  char *type, *source, *target, *data;
  unsigned long flags; /* MS_* bits */
};

struct strv {
  char **v; /* NULL-terminated */
  size_t n;
};

struct spec {
  struct strv args, env, masks, readonly;
  struct strv symlinks; /* pairs: v[2i] = target, v[2i+1] = path */
  char *cwd, *hostname, *root;
  uid_t uid;
  gid_t gid;
  gid_t *groups;
  size_t ngroups;
  struct mount_rec *mounts;
  size_t nmounts;
  unsigned long namespaces; /* CLONE_NEW* bits */
  int have_uid, have_gid, have_ns;
  /* confinement (records 20-23) */
  unsigned long long caps; /* CAP_* bits kept */
  int have_caps, no_new_privs, loopback;
  struct strv cgroup_procs;
  int tty, init;   /* REC_TTY, REC_INIT */
  struct strv exec_cgroup_procs; /* REC_CGROUP_PROCS (exec) */
  pid_t exec_pid; /* REC_EXEC_PID: join this container's namespaces instead of creating new ones */
};

/* Read records from fd up to and including END into a malloc'd buffer. */
int spec_read_fd(int fd, unsigned char **buf, size_t *len, struct lerr *e);

/* Decode and validate a whole record stream; on failure *out is freed and zeroed. */
int spec_decode(const unsigned char *buf, size_t len, struct spec *out, struct lerr *e);

void spec_free(struct spec *s);

#endif
