// Child processes of the runtime (Node application hosts, command applications): spawned with
// stdin on /dev/null, stdout/stderr on pipes the runtime reads line by line, and fd 3 a Unix
// socket pair for the control channel. Each child gets its own process group (a Ctrl-C or a
// group kill reaches the runtime, which then stops children gracefully) and dies with the
// runtime (PR_SET_PDEATHSIG) if the runtime itself is killed.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/asio.h"
#include "common/result.h"
#include "config/env_file.h"

namespace watt::runtime {

struct ChildSpec {
  std::string executable;  // resolved through PATH when it has no '/'
  std::vector<std::string> argv;  // argv[0] included
  config::EnvMap env;
  std::string cwd;
};

// How a process ended, from waitpid().
struct ExitStatus {
  int code = 0;     // exit code when !signaled
  int signal = 0;   // terminating signal when signaled
  bool signaled = false;
  std::string describe() const;  // "exit code 1", "signal SIGKILL"
};

class ChildProcess {
 public:
  static Result<std::unique_ptr<ChildProcess>> spawn(asio::io_context& context, const ChildSpec& spec);
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  asio::posix::stream_descriptor& stdoutPipe() { return stdout_; }
  asio::posix::stream_descriptor& stderrPipe() { return stderr_; }
  asio::local::stream_protocol::socket& control() { return control_; }
  void signal(int sig);

 private:
  ChildProcess(asio::io_context& context, pid_t pid, int out, int err, int control);
  pid_t pid_;
  asio::posix::stream_descriptor stdout_;
  asio::posix::stream_descriptor stderr_;
  asio::local::stream_protocol::socket control_;
};

// Reaps children on SIGCHLD (on the control loop) and tells whoever watches a pid.
class ProcessReaper {
 public:
  explicit ProcessReaper(asio::io_context& context);
  void watch(pid_t pid, std::function<void(ExitStatus)> onExit);
  // Sends `sig` to every watched (still running) child.
  void signalAll(int sig);
  void start();
  void stop();

 private:
  void arm();
  void reap();
  asio::signal_set signals_;
  std::map<pid_t, std::function<void(ExitStatus)>> watchers_;
  std::map<pid_t, ExitStatus> unclaimed_;  // exited before anyone watched them
  bool stopped_ = false;
};

// Reads a stream line by line (lines longer than `maxLine` are split) until EOF.
template <typename Stream, typename OnLine>
Task<void> readLines(Stream& stream, OnLine onLine, size_t maxLine = 64 * 1024) {
  std::string pending;
  char chunk[8192];
  for (;;) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(chunk), kNoThrow);
    if (n > 0) {
      pending.append(chunk, n);
      size_t start = 0;
      for (;;) {
        size_t nl = pending.find('\n', start);
        if (nl == std::string::npos) break;
        std::string_view line(pending.data() + start, nl - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        onLine(line);
        start = nl + 1;
      }
      pending.erase(0, start);
      while (pending.size() > maxLine) {
        onLine(std::string_view(pending).substr(0, maxLine));
        pending.erase(0, maxLine);
      }
    }
    if (ec) break;
  }
  if (!pending.empty()) onLine(pending);
}

}  // namespace watt::runtime
