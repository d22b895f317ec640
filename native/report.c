/* Error values and report lines (PROTOCOL.md, "Report lines"). */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Report fields are TAB-separated and lines end in \n, so a path with either must not break them. */
static void sanitize(char *s) {
  for (; *s; s++)
    if (*s == '\t' || *s == '\n' || *s == '\r') *s = ' ';
}

int lerr_set(struct lerr *e, const char *stage, int err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  if (n < 0) e->msg[0] = '\0';
  size_t used = strlen(e->msg);
  if (err != 0 && used < sizeof e->msg)
    snprintf(e->msg + used, sizeof e->msg - used, ": %s", strerror(err));
  sanitize(e->msg);
  e->stage = stage;
  e->err = err;
  return -1;
}

size_t report_format_error(const struct lerr *e, char *buf, size_t size) {
  int n = snprintf(buf, size, "error\t%s\t%d\t%s\n", e->stage ? e->stage : "spec", e->err, e->msg);
  if (n < 0) return 0;
  if ((size_t)n >= size) { /* truncated message: keep the line terminated */
    buf[size - 2] = '\n';
    buf[size - 1] = '\0';
    return size - 1;
  }
  return (size_t)n;
}

int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

void report_line(int fd, const char *fmt, ...) {
  char buf[1200];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n > 0) (void)write_all(fd, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}
