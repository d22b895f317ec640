/* TAP tests of the spec decoder against valid, truncated and hostile input. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "../protocol.h"
#include "../spec.h"

static int test_no, failed;

static void ok(int cond, const char *name) {
  printf("%sok %d - %s\n", cond ? "" : "not ", ++test_no, name);
  if (!cond) failed++;
}

struct buf {
  unsigned char d[8192];
  size_t n;
};

static void rec(struct buf *b, uint32_t type, const void *payload, uint32_t len) {
  unsigned char h[8] = {type & 0xff, (type >> 8) & 0xff, (type >> 16) & 0xff, type >> 24,
                        len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, len >> 24};
  memcpy(b->d + b->n, h, 8);
  memcpy(b->d + b->n + 8, payload, len);
  b->n += 8 + len;
}

/* A record from a string literal that may hold NULs: its length is sizeof - 1. */
#define LREC(b, type, lit) rec((b), (type), (lit), (uint32_t)(sizeof(lit) - 1))
#define EXTRA(type, lit) extra((type), (lit), (uint32_t)(sizeof(lit) - 1))

static void srec(struct buf *b, uint32_t type, const char *s) { rec(b, type, s, (uint32_t)strlen(s)); }

/* A minimal valid stream; `skip` leaves one record type out. */
static void base(struct buf *b, uint32_t skip) {
  b->n = 0;
  if (skip != REC_ARG) srec(b, REC_ARG, "sh");
  if (skip != REC_ARG) srec(b, REC_ARG, "-c");
  srec(b, REC_ENV, "PATH=/bin");
  if (skip != REC_CWD) srec(b, REC_CWD, "/");
  if (skip != REC_ROOT) srec(b, REC_ROOT, "/tmp/root");
  if (skip != REC_UID) srec(b, REC_UID, "1000");
  if (skip != REC_GID) srec(b, REC_GID, "1000");
  if (skip != REC_NAMESPACES) srec(b, REC_NAMESPACES, "131072"); /* CLONE_NEWNS */
  LREC(b, REC_MOUNT, "proc\0proc\0/proc\0" "14\0");
  LREC(b, REC_SYMLINK, "/proc/self/fd\0/dev/fd");
}

static int decode(struct buf *b, struct lerr *e) {
  struct spec sp;
  int r = spec_decode(b->d, b->n, &sp, e);
  if (r == 0) spec_free(&sp);
  return r;
}

static int with_end(struct buf *b, struct lerr *e) {
  srec(b, REC_END, "");
  return decode(b, e);
}

/* Build base + one extra record + END and decode it. */
static int extra(uint32_t type, const void *p, uint32_t len) {
  struct buf b;
  struct lerr e;
  base(&b, 0);
  rec(&b, type, p, len);
  return with_end(&b, &e);
}

int main(void) {
  struct buf b;
  struct lerr e = {0};
  struct spec sp;

  base(&b, 0);
  srec(&b, REC_END, "");
  int r = spec_decode(b.d, b.n, &sp, &e);
  ok(r == 0, "a valid spec decodes");
  if (r == 0) {
    ok(sp.args.n == 2 && strcmp(sp.args.v[0], "sh") == 0 && sp.args.v[2] == NULL, "argv in order, NULL-terminated");
    ok(sp.uid == 1000 && sp.gid == 1000 && sp.namespaces == 131072, "numbers decoded");
    ok(sp.nmounts == 1 && strcmp(sp.mounts[0].target, "/proc") == 0 && sp.mounts[0].flags == 14 &&
           strcmp(sp.mounts[0].data, "") == 0, "mount fields split");
    ok(sp.symlinks.n == 2 && strcmp(sp.symlinks.v[1], "/dev/fd") == 0, "symlink fields split");
    spec_free(&sp);
  }

  /* Every strict prefix of a valid stream is rejected (truncation anywhere). */
  base(&b, 0);
  srec(&b, REC_END, "");
  int all = 1;
  for (size_t n = 0; n < b.n; n++) {
    struct spec s;
    if (spec_decode(b.d, n, &s, &e) == 0) all = 0, spec_free(&s);
  }
  ok(all, "every truncated prefix is rejected");

  const uint32_t required[] = {REC_ARG, REC_CWD, REC_ROOT, REC_UID, REC_GID, REC_NAMESPACES};
  for (size_t i = 0; i < sizeof required / sizeof *required; i++) {
    char name[64];
    base(&b, required[i]);
    snprintf(name, sizeof name, "missing record type %u is rejected", required[i]);
    ok(with_end(&b, &e) < 0, name);
  }

  ok(EXTRA(99, "x") < 0, "unknown record type");
  ok(EXTRA(REC_TTY, "1") == 0 && EXTRA(REC_INIT, "1") == 0 && EXTRA(REC_EXEC_PID, "42") == 0, "TTY, INIT, EXEC_PID accepted");
  ok(EXTRA(REC_TTY, "0") < 0 && EXTRA(REC_INIT, "") < 0, "TTY/INIT other than 1 rejected");
  ok(EXTRA(REC_EXEC_PID, "0") < 0 && EXTRA(REC_EXEC_PID, "-1") < 0 && EXTRA(REC_EXEC_PID, "99999999999") < 0, "bad EXEC_PID rejected");
  ok(EXTRA(REC_CGROUP_PROCS, "/sys/fs/cgroup/x/cgroup.procs") == 0 && EXTRA(REC_CGROUP_PROCS, "rel") < 0, "CGROUP_PROCS takes absolute paths");
  ok(EXTRA(44, "1") < 0, "unassigned lifecycle record type");
  ok(EXTRA(REC_CWD, "/x") < 0, "duplicate CWD");
  ok(EXTRA(REC_UID, "0") < 0, "duplicate UID");
  ok(EXTRA(REC_ENV, "A\0B=1") < 0, "NUL inside a text record");
  ok(EXTRA(REC_ENV, "NOEQUALS") < 0, "ENV without '='");
  ok(EXTRA(REC_GROUP, "-1") < 0, "negative gid");
  ok(EXTRA(REC_GROUP, "4294967295") < 0, "gid (gid_t)-1");
  ok(EXTRA(REC_GROUP, "99999999999999999999999") < 0, "gid overflow");
  ok(EXTRA(REC_GROUP, "12a") < 0, "gid with junk");
  ok(EXTRA(REC_GROUP, "") < 0, "empty gid");
  ok(EXTRA(REC_GROUP, "4294967294") == 0, "largest gid accepted");
  ok(EXTRA(REC_MOUNT, "a\0b\0/c\0" "0") < 0, "mount with 4 fields");
  ok(EXTRA(REC_MOUNT, "a\0b\0/c\0" "0\0d\0e") < 0, "mount with 6 fields");
  ok(EXTRA(REC_MOUNT, "a\0b\0c\0" "0\0") < 0, "relative mount target");
  ok(EXTRA(REC_MOUNT, "a\0b\0/c\0" "32\0") < 0, "MS_REMOUNT flag refused");
  ok(EXTRA(REC_MOUNT, "a\0b\0/c\0" "x\0") < 0, "non-numeric mount flags");
  ok(EXTRA(REC_SYMLINK, "a") < 0, "symlink without a path");
  ok(EXTRA(REC_MASK, "relative") < 0, "relative masked path");
  ok(EXTRA(REC_HOSTNAME, "h") < 0, "hostname without a UTS namespace");
  ok(EXTRA(REC_NAMESPACES, "1") < 0, "duplicate NAMESPACES");
  /* Confinement records (20-23). */
  ok(EXTRA(REC_CAPS, "2818844155") == 0, "CAPS: Docker's default mask");
  ok(EXTRA(REC_CAPS, "18446744073709551615") == 0, "CAPS: every bit");
  ok(EXTRA(REC_CAPS, "18446744073709551616") < 0, "CAPS: overflow");
  ok(EXTRA(REC_CAPS, "") < 0, "CAPS: empty");
  ok(EXTRA(REC_CAPS, "12x") < 0, "CAPS: junk");
  ok(EXTRA(REC_NO_NEW_PRIVS, "") == 0, "NO_NEW_PRIVS");
  ok(EXTRA(REC_NO_NEW_PRIVS, "1") < 0, "NO_NEW_PRIVS with a payload");
  ok(EXTRA(REC_CGROUP, "/sys/fs/cgroup/pids/x/cgroup.procs") == 0, "CGROUP");
  ok(EXTRA(REC_CGROUP, "cgroup.procs") < 0, "CGROUP relative");
  ok(EXTRA(REC_LOOPBACK, "") < 0, "LOOPBACK without a network namespace");
  ok(EXTRA(24, "") < 0, "record 24 unknown");
  base(&b, REC_NAMESPACES);
  srec(&b, REC_NAMESPACES, "1073872896"); /* CLONE_NEWNET | CLONE_NEWNS */
  srec(&b, REC_LOOPBACK, "");
  ok(with_end(&b, &e) == 0, "LOOPBACK with a network namespace");
  base(&b, 0);
  srec(&b, REC_CAPS, "1");
  srec(&b, REC_CAPS, "1");
  ok(with_end(&b, &e) < 0, "duplicate CAPS");

  base(&b, REC_NAMESPACES);
  srec(&b, REC_NAMESPACES, "268566528"); /* CLONE_NEWUSER | CLONE_NEWNS */
  ok(with_end(&b, &e) < 0, "user namespace refused");

  base(&b, REC_NAMESPACES);
  srec(&b, REC_NAMESPACES, "0");
  r = with_end(&b, &e);
  ok(r < 0 && strstr(e.msg, "mount namespace") != NULL, "no mount namespace refused");

  base(&b, 0);
  srec(&b, REC_END, "");
  srec(&b, REC_ARG, "x");
  ok(decode(&b, &e) < 0, "data after END");

  base(&b, 0);
  rec(&b, REC_END, "x", 1);
  ok(decode(&b, &e) < 0, "END with a payload");

  base(&b, 0);
  unsigned char huge[8] = {REC_ARG, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
  memcpy(b.d + b.n, huge, 8);
  b.n += 8;
  ok(decode(&b, &e) < 0 && e.stage != NULL && strcmp(e.stage, "spec") == 0, "length over the cap, stage spec");

  /* spec_read_fd over a pipe: a stream without END is an error, not a hang. */
  int p[2];
  if (pipe(p) == 0) {
    base(&b, 0);
    (void)!write(p[1], b.d, b.n);
    close(p[1]);
    unsigned char *out;
    size_t len;
    ok(spec_read_fd(p[0], &out, &len, &e) < 0, "read: EOF before END rejected");
    close(p[0]);
  }
  if (pipe(p) == 0) {
    base(&b, 0);
    srec(&b, REC_END, "");
    srec(&b, REC_ARG, "trailing"); /* left unread: the reader stops at END */
    (void)!write(p[1], b.d, b.n);
    close(p[1]);
    unsigned char *out = NULL;
    size_t len = 0;
    r = spec_read_fd(p[0], &out, &len, &e);
    ok(r == 0 && len == b.n - 16, "read: stops at END");
    free(out);
    close(p[0]);
  }

  /* Random garbage must never crash the decoder (run under ASan when available). */
  srand(42);
  for (int i = 0; i < 20000; i++) {
    base(&b, 0);
    srec(&b, REC_END, "");
    int flips = 1 + rand() % 4;
    for (int k = 0; k < flips; k++) b.d[(size_t)rand() % b.n] = (unsigned char)rand();
    size_t n = (size_t)rand() % (b.n + 1);
    struct spec s;
    if (spec_decode(b.d, n, &s, &e) == 0) spec_free(&s);
  }
  ok(1, "20000 mutated inputs decoded without crashing");

  printf("1..%d\n", test_no);
  return failed ? 1 : 0;
}
