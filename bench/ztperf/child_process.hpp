#pragma once
// A copy of this program started as another process (ztperf's server and
// client), with a pipe to its stdin and one from its stdout; stderr is
// shared. Lines are read with a deadline so a stuck child cannot hang the run.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ztperf {

class ChildProcess {
 public:
  // Runs this program again with `args` (argv[1..]); started() is false on failure.
  explicit ChildProcess(const std::vector<std::string>& args);
  ~ChildProcess();  // kills the child if it still runs
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  // The next line of its stdout (without '\n'), or nullopt at EOF or timeout.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // Closes its stdin (ztperf's children take that as "finish").
  void close_stdin();
  // Waits for it to exit, up to `timeout`, then kills it. Its exit status,
  // or -1 if it had to be killed.
  int wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string buffered_;
};

}  // namespace ztperf
