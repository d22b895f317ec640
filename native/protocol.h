/* The wire format between src/launcher/ and this launcher; see PROTOCOL.md.
 * Mirrored by src/launcher/protocol.ts: change both together. */
#ifndef MYDOCKER_PROTOCOL_H
#define MYDOCKER_PROTOCOL_H

#define SPEC_FD 3
#define REPORT_FD 4

#define REC_ARG 1
#define REC_ENV 2
#define REC_CWD 3
#define REC_HOSTNAME 4
#define REC_ROOT 5
#define REC_UID 6
#define REC_GID 7
#define REC_GROUP 8
#define REC_MOUNT 9
#define REC_NAMESPACES 10
#define REC_SYMLINK 11
#define REC_MASK 12
#define REC_READONLY 13
/* 20-39: confinement and limits (caps.c, cgroup.c, netns.c) */
#define REC_CAPS 20          /* decimal u64 mask: bounding = permitted = effective; inheritable, ambient cleared */
#define REC_NO_NEW_PRIVS 21  /* empty */
#define REC_CGROUP 22        /* host path of a cgroup.procs file the init joins before its cgroup ns */
#define REC_LOOPBACK 23      /* empty: bring lo up in the new network namespace */
/* lifecycle (40-59) */
#define REC_TTY 40
#define REC_INIT 41
#define REC_EXEC_PID 42
#define REC_CGROUP_PROCS 43 /* exec: a cgroup.procs file the launcher joins before forking */
#define REC_END 255

#define REC_MAX_LEN (1u << 20)   /* one record's payload */
#define SPEC_MAX_LEN (16u << 20) /* the whole stream */

/* Stage names, as they appear in `error` report lines. */
#define STAGE_SPEC "spec"
#define STAGE_CLONE "clone"
#define STAGE_MOUNT "mount"
#define STAGE_ROOT "root"
#define STAGE_PIVOT "pivot"
#define STAGE_HOSTNAME "hostname"
#define STAGE_USER "user"
#define STAGE_CWD "cwd"
#define STAGE_EXEC "exec"
#define STAGE_CGROUP "cgroup"
#define STAGE_CAPS "caps"
#define STAGE_NETWORK "network"
#define STAGE_TTY "tty"   /* -t: allocating the container's terminal */
#define STAGE_JOIN "join" /* exec: entering a running container's namespaces */

#endif
