#include "runtime/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

namespace watt::runtime {

std::string ExitStatus::describe() const {
  if (signaled) {
    const char* name = sigabbrev_np(signal);
    return std::string("signal ") + (name ? std::string("SIG") + name : std::to_string(signal));
  }
  return "exit code " + std::to_string(code);
}

namespace {

std::string resolveExecutable(const std::string& name, const config::EnvMap& env) {
  if (name.find('/') != std::string::npos) return name;
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  if (auto it = env.find("PATH"); it != env.end()) path = it->second;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

void closeQuietly(int fd) {
  if (fd >= 0) ::close(fd);
}

}  // namespace

ChildProcess::ChildProcess(asio::io_context& context, pid_t pid, int out, int err, int control)
    : pid_(pid), stdout_(context, out), stderr_(context, err), control_(context) {
  control_.assign(asio::local::stream_protocol(), control);
}

ChildProcess::~ChildProcess() = default;

void ChildProcess::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

Result<std::unique_ptr<ChildProcess>> ChildProcess::spawn(asio::io_context& context,
                                                          const ChildSpec& spec) {
  std::string executable = resolveExecutable(spec.executable, spec.env);
  if (executable.empty()) return Error{"\"" + spec.executable + "\" was not found in PATH"};

  // Everything the child needs is prepared before fork(): after it, only async-signal-safe calls.
  std::vector<std::string> envStrings;
  for (const auto& [k, v] : spec.env) envStrings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : envStrings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argvStrings = spec.argv;
  std::vector<char*> argv;
  for (auto& s : argvStrings) argv.push_back(s.data());
  argv.push_back(nullptr);

  int out[2] = {-1, -1}, err[2] = {-1, -1}, ctl[2] = {-1, -1};
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0 ||
      socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ctl) != 0) {
    std::string message = std::string("cannot create pipes: ") + strerror(errno);
    for (int fd : {out[0], out[1], err[0], err[1], ctl[0], ctl[1]}) closeQuietly(fd);
    return Error{message};
  }
  int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_t parent = getpid();

  // Signals stay blocked across fork() until the child has reset its handlers: the runtime's
  // handlers (asio's signal_set) write to a pipe the child shares, so a SIGTERM reaching the
  // child before the reset would look like a second SIGTERM to the runtime.
  const int maxDescriptor = static_cast<int>(std::min<long>(::sysconf(_SC_OPEN_MAX), 1 << 20));
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  pid_t pid = fork();
  if (pid != 0) pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (pid < 0) {
    std::string message = std::string("fork failed: ") + strerror(errno);
    for (int fd : {out[0], out[1], err[0], err[1], ctl[0], ctl[1], devnull}) closeQuietly(fd);
    return Error{message};
  }
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the runtime died before we got here
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGCHLD, SIGHUP}) sigaction(sig, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    // dup2 clears FD_CLOEXEC on the targets. Every other descriptor is closed: not all of the
    // runtime's have FD_CLOEXEC (asio opens sockets without it), and a child holding the public
    // listener would keep the port bound after the runtime is gone.
    if (dup2(devnull, 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0 || dup2(ctl[1], 3) < 0)
      _exit(127);
    if (close_range(4, ~0U, 0) != 0) {
      for (int fd = 4; fd < maxDescriptor; ++fd) ::close(fd);
    }
    if (!spec.cwd.empty() && chdir(spec.cwd.c_str()) != 0) _exit(127);
    execve(executable.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  for (int fd : {out[1], err[1], ctl[1], devnull}) closeQuietly(fd);
  for (int fd : {out[0], err[0], ctl[0]}) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return std::unique_ptr<ChildProcess>(new ChildProcess(context, pid, out[0], err[0], ctl[0]));
}

ProcessReaper::ProcessReaper(asio::io_context& context) : signals_(context, SIGCHLD) {}

void ProcessReaper::watch(pid_t pid, std::function<void(ExitStatus)> onExit) {
  reap();
  if (auto it = unclaimed_.find(pid); it != unclaimed_.end()) {
    ExitStatus exit = it->second;
    unclaimed_.erase(it);
    onExit(exit);
    return;
  }
  watchers_[pid] = std::move(onExit);
}

void ProcessReaper::start() { arm(); }

void ProcessReaper::signalAll(int sig) {
  for (const auto& [pid, watcher] : watchers_) ::kill(pid, sig);
}

void ProcessReaper::stop() {
  stopped_ = true;
  error_code ec;
  signals_.cancel(ec);
}

void ProcessReaper::arm() {
  signals_.async_wait([this](error_code ec, int) {
    if (ec || stopped_) return;
    reap();
    arm();
  });
}

void ProcessReaper::reap() {
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    ExitStatus exit;
    if (WIFSIGNALED(status)) {
      exit.signaled = true;
      exit.signal = WTERMSIG(status);
    } else {
      exit.code = WEXITSTATUS(status);
    }
    auto it = watchers_.find(pid);
    if (it == watchers_.end()) {
      unclaimed_[pid] = exit;
      continue;
    }
    auto callback = std::move(it->second);
    watchers_.erase(it);
    callback(exit);
  }
}

}  // namespace watt::runtime
