/* Build the container's filesystem under ROOT and pivot into it. */
#ifndef MYDOCKER_MOUNTS_H
#define MYDOCKER_MOUNTS_H
#include "report.h"
#include "spec.h"

/* Make / rprivate, mount the root, the MOUNTs, SYMLINKs, MASKs and READONLYs under ROOT. */
int mounts_setup(const struct spec *sp, struct lerr *e);

/* pivot_root into ROOT and detach the old root. */
int pivot_into(const char *root, struct lerr *e);

#endif
