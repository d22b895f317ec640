/* The one error convention (ERRORS.md): fallible functions return -1 and fill a struct lerr. */
#ifndef MYDOCKER_REPORT_H
#define MYDOCKER_REPORT_H
#include <errno.h>
#include <stddef.h>

struct lerr {
  const char *stage; /* one of the STAGE_* names */
  int err;           /* errno, 0 when none */
  char msg[1024];    /* "verb `path`: strerror", one line */
};

/* Fill *e (appending ": strerror(err)" when err != 0); always returns -1. */
int lerr_set(struct lerr *e, const char *stage, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Shorthand for a failed syscall: uses the current errno. */
#define FAIL(e, stage, ...) lerr_set((e), (stage), errno, __VA_ARGS__)

/* Format `error\t<stage>\t<errno>\t<message>\n` into buf; returns its length. */
size_t report_format_error(const struct lerr *e, char *buf, size_t size);

/* Write a whole buffer to fd, retrying on EINTR and short writes; -1 on failure. */
int write_all(int fd, const void *buf, size_t len);

/* Write one printf-formatted report line to fd (best effort: a dead reader is not our problem). */
void report_line(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
