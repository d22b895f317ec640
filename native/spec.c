/* Spec decoder. Input comes from our own TypeScript, but it is still parsed as hostile: every
 * length is checked, and anything unexpected is a `spec` error rather than a guess. */
#define _GNU_SOURCE
#include "spec.h"

#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "protocol.h"

#define ALLOWED_NS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)
#define ALLOWED_MS                                                                                  \
  (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS | MS_DIRSYNC | MS_NOATIME |       \
   MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME | MS_LAZYTIME | MS_BIND | MS_REC | MS_PRIVATE |      \
   MS_SLAVE | MS_SHARED | MS_UNBINDABLE)

static uint32_t le32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int known_type(uint32_t t) {
  return (t >= REC_ARG && t <= REC_READONLY) || (t >= REC_CAPS && t <= REC_LOOPBACK) || (t >= REC_TTY && t <= REC_CGROUP_PROCS) || t == REC_END;
}

static int read_full(int fd, unsigned char *p, size_t len) {
  size_t got = 0;
  while (got < len) {
    ssize_t n = read(fd, p + got, len - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) return (int)got == 0 ? 0 : 1; /* 0: clean EOF, 1: truncated */
    got += (size_t)n;
  }
  return 2;
}

int spec_read_fd(int fd, unsigned char **bufp, size_t *lenp, struct lerr *e) {
  unsigned char *buf = NULL;
  size_t len = 0;
  for (;;) {
    unsigned char hdr[8];
    int r = read_full(fd, hdr, 8);
    if (r < 0) { FAIL(e, STAGE_SPEC, "read spec"); goto fail; }
    if (r != 2) { lerr_set(e, STAGE_SPEC, 0, "spec ends before the END record"); goto fail; }
    uint32_t type = le32(hdr), plen = le32(hdr + 4);
    if (!known_type(type)) { lerr_set(e, STAGE_SPEC, 0, "unknown spec record type %u", type); goto fail; }
    if (plen > REC_MAX_LEN) { lerr_set(e, STAGE_SPEC, 0, "spec record of %u bytes is too long", plen); goto fail; }
    if (len + 8 + plen > SPEC_MAX_LEN) { lerr_set(e, STAGE_SPEC, 0, "spec is too long"); goto fail; }
    unsigned char *nb = realloc(buf, len + 8 + plen);
    if (!nb) { FAIL(e, STAGE_SPEC, "allocate spec"); goto fail; }
    buf = nb;
    memcpy(buf + len, hdr, 8);
    if (plen > 0 && read_full(fd, buf + len + 8, plen) != 2) {
      lerr_set(e, STAGE_SPEC, 0, "spec record truncated");
      goto fail;
    }
    len += 8 + plen;
    if (type == REC_END) break;
  }
  *bufp = buf;
  *lenp = len;
  return 0;
fail:
  free(buf);
  return -1;
}

/* A copy of the payload as a C string; NULs inside are allowed only where the caller splits. */
static char *dup_payload(const unsigned char *p, size_t n) {
  char *s = malloc(n + 1);
  if (s) {
    memcpy(s, p, n);
    s[n] = '\0';
  }
  return s;
}

static int strv_push(struct strv *sv, char *s) {
  char **nv = realloc(sv->v, (sv->n + 2) * sizeof *nv);
  if (!nv) return -1;
  sv->v = nv;
  sv->v[sv->n++] = s;
  sv->v[sv->n] = NULL;
  return 0;
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *out) {
  if (*s == '\0' || strlen(s) > 20) return -1;
  unsigned long v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return -1;
    unsigned long d = (unsigned long)(*s - '0');
    if (v > (max - d) / 10) return -1;
    v = v * 10 + d;
  }
  *out = v;
  return 0;
}

static int is_abs(const char *p) { return p[0] == '/'; }

/* Split a payload holding exactly `n` NUL-separated fields into fields[]. */
static int split_fields(char *s, size_t len, char **fields, size_t n) {
  size_t k = 0;
  fields[k++] = s;
  for (size_t i = 0; i < len; i++) {
    if (s[i] != '\0') continue;
    if (k == n) return -1;
    fields[k++] = s + i + 1;
  }
  return k == n ? 0 : -1;
}

static int set_once(char **slot, char *s, const char *name, struct lerr *e) {
  if (*slot) {
    free(s);
    return lerr_set(e, STAGE_SPEC, 0, "duplicate %s record", name);
  }
  *slot = s;
  return 0;
}

/* Decode one record; `s` is a NUL-terminated copy of the payload, owned by the callee. */
static int decode_one(struct spec *sp, uint32_t type, char *s, size_t n, struct lerr *e) {
  unsigned long v;
  int has_nul = strlen(s) != n;
  if (has_nul && type != REC_MOUNT && type != REC_SYMLINK) {
    free(s);
    return lerr_set(e, STAGE_SPEC, 0, "NUL byte in spec record %u", type);
  }
  switch (type) {
  case REC_ARG:
    if (sp->args.n == 0 && n == 0) break;
    return strv_push(&sp->args, s) ? (free(s), FAIL(e, STAGE_SPEC, "allocate")) : 0;
  case REC_ENV:
    if (!strchr(s, '=') || s[0] == '=') break;
    return strv_push(&sp->env, s) ? (free(s), FAIL(e, STAGE_SPEC, "allocate")) : 0;
  case REC_CWD:
    if (!is_abs(s)) break;
    return set_once(&sp->cwd, s, "CWD", e);
  case REC_ROOT:
    if (!is_abs(s)) break;
    return set_once(&sp->root, s, "ROOT", e);
  case REC_HOSTNAME:
    if (n == 0 || n > 64) break;
    return set_once(&sp->hostname, s, "HOSTNAME", e);
  case REC_UID:
  case REC_GID:
  case REC_GROUP:
    /* (uid_t)-1 means "unchanged" to setuid-family calls, so it is never a valid id. */
    if (parse_ulong(s, UINT32_MAX - 1, &v)) break;
    free(s);
    if (type == REC_GROUP) {
      if (sp->ngroups >= 65536) return lerr_set(e, STAGE_SPEC, 0, "too many GROUP records");
      gid_t *ng = realloc(sp->groups, (sp->ngroups + 1) * sizeof *ng);
      if (!ng) return FAIL(e, STAGE_SPEC, "allocate");
      sp->groups = ng;
      sp->groups[sp->ngroups++] = (gid_t)v;
      return 0;
    }
    int *have = type == REC_UID ? &sp->have_uid : &sp->have_gid;
    if (*have) return lerr_set(e, STAGE_SPEC, 0, "duplicate %s record", type == REC_UID ? "UID" : "GID");
    *have = 1;
    if (type == REC_UID) sp->uid = (uid_t)v;
    else sp->gid = (gid_t)v;
    return 0;
  case REC_NAMESPACES:
    if (parse_ulong(s, ULONG_MAX, &v) || (v & ~(unsigned long)ALLOWED_NS)) break;
    free(s);
    if (sp->have_ns) return lerr_set(e, STAGE_SPEC, 0, "duplicate NAMESPACES record");
    sp->have_ns = 1;
    sp->namespaces = v;
    return 0;
  case REC_MOUNT: {
    char *f[5];
    if (split_fields(s, n, f, 5) || !is_abs(f[2]) || f[0][0] == '\0') break;
    if (parse_ulong(f[3], ULONG_MAX, &v) || (v & ~(unsigned long)ALLOWED_MS)) break;
    struct mount_rec *nm = realloc(sp->mounts, (sp->nmounts + 1) * sizeof *nm);
    if (!nm) return free(s), FAIL(e, STAGE_SPEC, "allocate");
    sp->mounts = nm;
    /* All five fields live in the one allocation owned by `type`. */
    sp->mounts[sp->nmounts++] = (struct mount_rec){f[0], f[1], f[2], f[4], v};
    return 0;
  }
  case REC_SYMLINK: {
    char *f[2];
    if (split_fields(s, n, f, 2) || f[0][0] == '\0' || !is_abs(f[1])) break;
    /* Both strings share s; the path half is not freed separately (see spec_free). */
    if (strv_push(&sp->symlinks, f[0])) return free(s), FAIL(e, STAGE_SPEC, "allocate");
    if (strv_push(&sp->symlinks, f[1])) {
      sp->symlinks.v[--sp->symlinks.n] = NULL; /* keep pairs whole; s is freed once, here */
      return free(s), FAIL(e, STAGE_SPEC, "allocate");
    }
    return 0;
  }
  case REC_MASK:
  case REC_READONLY:
    if (!is_abs(s)) break;
    return strv_push(type == REC_MASK ? &sp->masks : &sp->readonly, s) ? (free(s), FAIL(e, STAGE_SPEC, "allocate")) : 0;
  case REC_CAPS: {
    unsigned long long m = 0;
    const char *c = s;
    if (*c == '\0' || n > 20) break;
    for (; *c >= '0' && *c <= '9'; c++) {
      if (m > (~0ULL - (unsigned)(*c - '0')) / 10) break;
      m = m * 10 + (unsigned)(*c - '0');
    }
    if (*c != '\0') break;
    free(s);
    if (sp->have_caps) return lerr_set(e, STAGE_SPEC, 0, "duplicate CAPS record");
    sp->have_caps = 1;
    sp->caps = m;
    return 0;
  }
  case REC_NO_NEW_PRIVS:
  case REC_LOOPBACK:
    if (n != 0) break;
    free(s);
    *(type == REC_NO_NEW_PRIVS ? &sp->no_new_privs : &sp->loopback) = 1;
    return 0;
  case REC_CGROUP:
    if (!is_abs(s)) break;
    return strv_push(&sp->cgroup_procs, s) ? (free(s), FAIL(e, STAGE_SPEC, "allocate")) : 0;
  case REC_TTY:
  case REC_INIT:
    if (strcmp(s, "1") != 0) break;
    free(s);
    *(type == REC_TTY ? &sp->tty : &sp->init) = 1;
    return 0;
  case REC_CGROUP_PROCS:
    if (!is_abs(s)) break;
    return strv_push(&sp->exec_cgroup_procs, s) ? (free(s), FAIL(e, STAGE_SPEC, "allocate")) : 0;
  case REC_EXEC_PID:
    if (parse_ulong(s, 0x7fffffff, &v) || v == 0) break;
    free(s);
    sp->exec_pid = (pid_t)v;
    return 0;
  default:
    free(s);
    return lerr_set(e, STAGE_SPEC, 0, "unknown spec record type %u", type);
  }
  free(s);
  return lerr_set(e, STAGE_SPEC, 0, "malformed spec record of type %u", type);
}

int spec_decode(const unsigned char *buf, size_t len, struct spec *sp, struct lerr *e) {
  memset(sp, 0, sizeof *sp);
  size_t off = 0;
  int ended = 0;
  while (off < len) {
    if (ended) { lerr_set(e, STAGE_SPEC, 0, "data after the END record"); goto fail; }
    if (len - off < 8) { lerr_set(e, STAGE_SPEC, 0, "spec record header truncated"); goto fail; }
    uint32_t type = le32(buf + off), plen = le32(buf + off + 4);
    off += 8;
    if (plen > REC_MAX_LEN || plen > len - off) { lerr_set(e, STAGE_SPEC, 0, "spec record truncated"); goto fail; }
    if (type == REC_END) {
      if (plen != 0) { lerr_set(e, STAGE_SPEC, 0, "END record with a payload"); goto fail; }
      ended = 1;
      continue;
    }
    char *s = dup_payload(buf + off, plen);
    if (!s) { FAIL(e, STAGE_SPEC, "allocate"); goto fail; }
    if (decode_one(sp, type, s, plen, e)) goto fail;
    off += plen;
  }
  if (!ended) { lerr_set(e, STAGE_SPEC, 0, "spec ends before the END record"); goto fail; }
  const char *missing = sp->args.n == 0 ? "ARG" : !sp->cwd ? "CWD" : !sp->root ? "ROOT" : !sp->have_uid ? "UID"
                      : !sp->have_gid ? "GID" : !sp->have_ns ? "NAMESPACES" : NULL;
  if (missing) { lerr_set(e, STAGE_SPEC, 0, "spec has no %s record", missing); goto fail; }
  /* Without its own UTS namespace, sethostname would rename the host. */
  if (sp->hostname && !(sp->namespaces & CLONE_NEWUTS)) {
    lerr_set(e, STAGE_SPEC, 0, "HOSTNAME needs a UTS namespace");
    goto fail;
  }
  if (sp->loopback && !(sp->namespaces & CLONE_NEWNET)) {
    lerr_set(e, STAGE_SPEC, 0, "LOOPBACK needs a network namespace");
    goto fail;
  }
  /* Mounting without a mount namespace would change the host's mount table. */
  if (!(sp->namespaces & CLONE_NEWNS)) { lerr_set(e, STAGE_SPEC, 0, "a mount namespace is required"); goto fail; }
  return 0;
fail:
  spec_free(sp);
  return -1;
}

static void strv_free(struct strv *sv, size_t step) {
  for (size_t i = 0; i < sv->n; i += step) free(sv->v[i]);
  free(sv->v);
}

void spec_free(struct spec *sp) {
  strv_free(&sp->args, 1);
  strv_free(&sp->env, 1);
  strv_free(&sp->masks, 1);
  strv_free(&sp->readonly, 1);
  strv_free(&sp->cgroup_procs, 1);
  strv_free(&sp->symlinks, 2);
  strv_free(&sp->exec_cgroup_procs, 1);
  for (size_t i = 0; i < sp->nmounts; i++) free(sp->mounts[i].type);
  free(sp->mounts);
  free(sp->groups);
  free(sp->cwd);
  free(sp->hostname);
  free(sp->root);
  memset(sp, 0, sizeof *sp);
}
