// The library's settings, from the environment (read once).
#include <pthread.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intercept/shim.hpp"

namespace zt::intercept {
namespace {

bool is_active = false;
bool is_strict = false;
bool is_debug = false;
char path[108] = {};  // sun_path's size
pthread_once_t once = PTHREAD_ONCE_INIT;

bool flag(const char* name) {
  const char* v = getenv(name);
  return v && *v && strcmp(v, "0") != 0;
}

void read_settings() {
  is_strict = flag("ZTS_INTERCEPT_STRICT");
  is_debug = flag("ZTS_INTERCEPT_DEBUG");
  const char* service = getenv("ZTS_SERVICE");
  if (!service || !*service) return;
  // A home directory, or the socket itself.
  struct stat st;
  int n;
  if (stat(service, &st) == 0 && S_ISDIR(st.st_mode))
    n = snprintf(path, sizeof path, "%s/%s", service, kSocketFileName);
  else
    n = snprintf(path, sizeof path, "%s", service);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof path) {
    if (is_debug) fprintf(stderr, "ztintercept: ZTS_SERVICE path too long; inactive\n");
    return;
  }
  is_active = true;
}

void settings() { pthread_once(&once, read_settings); }

}  // namespace

bool active() {
  settings();
  return is_active;
}

bool strict() {
  settings();
  return is_strict;
}

const char* control_path() {
  settings();
  return path;
}

void debug(const char* format, ...) {
  settings();
  if (!is_debug) return;
  char line[512];
  int n = snprintf(line, sizeof line, "ztintercept[%d]: ", static_cast<int>(getpid()));
  va_list args;
  va_start(args, format);
  n += vsnprintf(line + n, sizeof line - static_cast<size_t>(n) - 1, format, args);
  va_end(args);
  if (n > static_cast<int>(sizeof line) - 2) n = static_cast<int>(sizeof line) - 2;
  line[n++] = '\n';
  // Straight to fd 2: stdio's stderr may be in use by the program.
  real().write(2, line, static_cast<size_t>(n));
}

int fail(int error) {
  errno = error;
  return -1;
}

}  // namespace zt::intercept
