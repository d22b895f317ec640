/* Capabilities, applied as runc does: the bounding set is reduced while still root with every
 * capability; PR_SET_KEEPCAPS keeps the permitted set across setuid; then capset() sets
 * permitted = effective = CAPS and clears inheritable, and the ambient set is cleared. A non-root
 * user then loses them at exec (no file capabilities), as in Docker. */
#define _GNU_SOURCE
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine.h"
#include "protocol.h"

static int last_cap(void) {
  FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
  int n = -1;
  if (f) {
    if (fscanf(f, "%d", &n) != 1) n = -1;
    fclose(f);
  }
  return n >= 0 && n < 64 ? n : 40;
}

int caps_before_user(const struct spec *sp, struct lerr *e) {
  if (!sp->have_caps) return 0;
  /* After pivot_root /proc is the container's own; it still tells the kernel's last capability. */
  int last = last_cap();
  for (int c = 0; c <= last; c++) {
    if (sp->caps & (1ULL << c)) continue;
    if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
      return FAIL(e, STAGE_CAPS, "drop capability %d from the bounding set", c);
  }
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return FAIL(e, STAGE_CAPS, "keep capabilities across setuid");
  return 0;
}

int caps_after_user(const struct spec *sp, struct lerr *e) {
  if (sp->have_caps) {
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    data[0].permitted = data[0].effective = (unsigned)(sp->caps & 0xffffffffULL);
    data[1].permitted = data[1].effective = (unsigned)(sp->caps >> 32);
    if (syscall(SYS_capset, &hdr, data) < 0) return FAIL(e, STAGE_CAPS, "capset");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
      return FAIL(e, STAGE_CAPS, "clear the ambient set");
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) return FAIL(e, STAGE_CAPS, "reset keep-caps");
  }
  if (sp->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return FAIL(e, STAGE_CAPS, "set no_new_privs");
  return 0;
}
