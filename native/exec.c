/* execvpe() semantics, but with the PATH from the spec's ENV: the launcher's own PATH belongs to
 * the host, and the command must be found in the container's. */
#define _GNU_SOURCE
#include "exec.h"

#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "protocol.h"

/* glibc's execvp default when PATH is unset; TypeScript normally sends a PATH anyway. */
#define DEFAULT_PATH "/bin:/usr/bin"

static const char *find_path(char *const *env) {
  for (; env && *env; env++)
    if (strncmp(*env, "PATH=", 5) == 0) return *env + 5;
  return DEFAULT_PATH;
}

int exec_command(const struct spec *sp, struct lerr *e) {
  static char *const empty[] = {NULL};
  char *const *argv = sp->args.v;
  char *const *envp = sp->env.v ? sp->env.v : empty;
  const char *file = argv[0];
  if (strchr(file, '/')) {
    execve(file, argv, envp);
    return FAIL(e, STAGE_EXEC, "exec \"%s\"", file);
  }
  const char *path = find_path(envp);
  size_t flen = strlen(file);
  int seen_eacces = 0;
  for (const char *p = path;; p++) {
    const char *end = strchrnul(p, ':');
    size_t dlen = (size_t)(end - p);
    char full[PATH_MAX];
    if (dlen + 1 + flen < sizeof full) {
      /* An empty PATH element means the current directory, as in execvp. */
      if (dlen == 0) memcpy(full, file, flen + 1);
      else {
        memcpy(full, p, dlen);
        full[dlen] = '/';
        memcpy(full + dlen + 1, file, flen + 1);
      }
      execve(full, argv, envp);
      switch (errno) {
      case EACCES: seen_eacces = 1; break;
      case ENOENT: case ENOTDIR: case ESTALE: case ENODEV: case ETIMEDOUT: break;
      default: return FAIL(e, STAGE_EXEC, "exec \"%s\"", full);
      }
    }
    if (*end == '\0') break;
    p = end;
  }
  /* Like execvp: "found but not executable" wins over "not found". */
  return lerr_set(e, STAGE_EXEC, seen_eacces ? EACCES : ENOENT, "exec \"%s\" (PATH=%s)", file, path);
}
