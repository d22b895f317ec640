/* Confinement applied by the container's init before exec: cgroups, loopback, capabilities,
 * no_new_privs. Each function obeys the spec (TypeScript chose the values) and returns -1 with a
 * filled lerr on failure. */
#ifndef MYDOCKER_CONFINE_H
#define MYDOCKER_CONFINE_H
#include "spec.h"

/* Join every CGROUP (write "0" to its cgroup.procs), then unshare a cgroup namespace when asked,
 * so that the namespace's root is the container's own cgroup. */
int cgroup_enter(const struct spec *sp, int new_cgroup_ns, struct lerr *e);

/* Bring `lo` up (in a fresh network namespace it exists but is down). */
int loopback_up(struct lerr *e);

/* Before the id change: drop the bounding set to CAPS and keep the permitted set across setuid. */
int caps_before_user(const struct spec *sp, struct lerr *e);

/* After the id change: permitted = effective = CAPS, inheritable and ambient empty; no_new_privs. */
int caps_after_user(const struct spec *sp, struct lerr *e);

#endif
