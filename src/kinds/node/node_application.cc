#include "kinds/node/node_application.h"

#include <signal.h>

#include <algorithm>
#include <cstdio>

#include "common/js_number.h"
#include "kinds/node/node_config.h"
#include "observe/logger.h"
#include "observe/metrics.h"
#include "runtime/request_tracing.h"

namespace watt::kinds::node {
namespace {

constexpr size_t kStderrTailLines = 20;
constexpr auto kQuickCrash = std::chrono::seconds(10);
constexpr auto kMaxBackoff = std::chrono::seconds(30);

const NodeConfig& configOf(const config::ApplicationSpec& spec) {
  return static_cast<const NodeConfig&>(*spec.kindConfig);
}

http::Response unavailable(const std::string& id, std::string_view why) {
  return http::Response::error(503, "Application \"" + id + "\" is not available: " + std::string(why),
                               "FST_REPLY_FROM_SERVICE_UNAVAILABLE");
}

// A `metrics` message of the host (js/PROTOCOL.md); missing or non-numeric fields read as 0.
observe::NodeWorkerSample metricsSample(const json::object& msg) {
  auto number = [](const json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_number() ? it->value().to_number<double>() : 0.0;
  };
  observe::NodeWorkerSample s;
  s.eventLoopUtilization = number(msg, "elu");
  s.heapUsedBytes = number(msg, "heapUsed");
  s.heapTotalBytes = number(msg, "heapTotal");
  if (auto it = msg.find("lag"); it != msg.end() && it->value().is_object()) {
    const auto& lag = it->value().get_object();
    s.lagMin = number(lag, "min");
    s.lagMax = number(lag, "max");
    s.lagMean = number(lag, "mean");
    s.lagStddev = number(lag, "stddev");
    s.lagP50 = number(lag, "p50");
    s.lagP90 = number(lag, "p90");
    s.lagP99 = number(lag, "p99");
  }
  return s;
}

// A custom check's answer in a `metrics` message: absent or true passes, false fails, an object
// is {status, body?, statusCode?}.
runtime::ProbeVerdict verdictOf(const json::value* v) {
  runtime::ProbeVerdict verdict;
  if (!v) return verdict;
  if (v->is_bool()) {
    verdict.ok = v->get_bool();
  } else if (v->is_object()) {
    const auto& o = v->get_object();
    auto status = o.find("status");
    verdict.ok = status != o.end() && status->value().is_bool() && status->value().get_bool();
    if (auto b = o.find("body"); b != o.end() && b->value().is_string())
      verdict.body = std::string(b->value().get_string());
    if (auto c = o.find("statusCode"); c != o.end() && c->value().is_int64())
      verdict.statusCode = static_cast<int>(c->value().get_int64());
  } else {
    verdict.ok = false;
  }
  return verdict;
}

}  // namespace

NodeApplication::NodeApplication(const config::ApplicationSpec& spec,
                                 runtime::RuntimeServices& services)
    : Application(spec),
      services_(services),
      restartTimer_(services.control),
      healthTimer_(services.control),
      loops_(services.loops.size()) {
  const auto& cfg = configOf(spec);
  entry_ = resolveEntry(spec.path, cfg.main);
  hasServer_ = cfg.hasServer;
  for (size_t i = 0; i < services.config.applications.size(); ++i)
    if (&services.config.applications[i] == &spec) index_ = i;
  std::string base = services.socketDir + "/a" + std::to_string(index_);
  for (int k = 0; k < spec.workers; ++k) sockets_.push_back(base + "w" + std::to_string(k) + ".sock");
  meshSocket_ = services.socketDir + "/m" + std::to_string(index_) + ".sock";
  for (auto& loop : loops_) {
    loop.pools.resize(sockets_.size());
    loop.ready.assign(sockets_.size(), false);
  }
}

NodeApplication::~NodeApplication() {
  if (process_) process_->signal(SIGKILL);
}

// --------------------------------------------------------------------------------------------
// Control thread

std::string NodeApplication::initMessage() const {
  json::object init;
  init["type"] = "init";
  init["applicationId"] = id();
  init["root"] = spec().path;
  init["entry"] = entry_;
  init["workers"] = spec().workers;
  json::array sockets;
  for (const auto& s : sockets_) sockets.emplace_back(s);
  init["sockets"] = std::move(sockets);
  init["meshSocket"] = meshSocket_;
  json::array ids;
  for (const auto& i : services_.mesh.ids()) ids.emplace_back(i);
  init["meshApplications"] = std::move(ids);
  init["entrypoint"] = spec().entrypoint;
  if (spec().entrypoint) {
    json::object address;
    address["address"] = services_.publicAddress.address;
    address["family"] = services_.publicAddress.family;
    address["port"] = services_.publicAddress.port;
    init["publicAddress"] = std::move(address);
  } else {
    init["publicAddress"] = nullptr;
  }
  if (hasServer_) init["hasServer"] = *hasServer_;
  else init["hasServer"] = nullptr;
  init["logLevel"] = config::logLevelName(spec().logLevel.value_or(services_.config.logger.level));
  init["metrics"] = services_.metrics != nullptr || healthMonitored();
  init["telemetry"] = services_.config.telemetry.enabled;
  return json::serialize(init) + "\n";
}

std::string NodeApplication::stderrTail() const {
  std::string out;
  for (const auto& line : recentStderr_) {
    out += "\n    ";
    out += line;
  }
  return out;
}

void NodeApplication::wakeLauncher() {
  if (launchWaiter_) launchWaiter_->cancel();
}

void NodeApplication::setWorkerReady(size_t worker, bool ready) {
  if (worker < workerReady_.size()) workerReady_[worker] = ready;
  std::string socket = worker < sockets_.size() ? sockets_[worker] : "";
  services_.loops.postToAll([this, worker, ready, socket](runtime::Loop& loop) {
    LoopState& state = loops_[loop.index()];
    if (worker >= state.ready.size()) return;
    state.ready[worker] = ready;
    if (ready) {
      if (!state.pools[worker]) {
        state.pools[worker] = std::make_unique<http::UpstreamPool>(
            loop.context().get_executor(), http::UnixEndpoint{socket});
      }
      for (auto* waiter : state.waiters) waiter->cancel();
    } else if (state.pools[worker]) {
      state.pools[worker]->closeIdle();
    }
  });
}

void NodeApplication::onOutputLine(std::string_view line, bool isError) {
  if (isError) {
    recentStderr_.emplace_back(line);
    if (recentStderr_.size() > kStderrTailLines) recentStderr_.pop_front();
  }
  observe::log().forwardApplicationLine(id(), 0, line, isError);
}

void NodeApplication::onControlLine(std::string_view line, uint64_t generation) {
  if (generation != generation_) return;
  error_code ec;
  json::value parsed = json::parse(line, ec);
  if (ec || !parsed.is_object()) {
    observe::log().warn("Unexpected message from the host of \"" + id() + "\": " + std::string(line));
    return;
  }
  const auto& msg = parsed.get_object();
  auto field = [&](std::string_view key) -> const json::value* {
    auto it = msg.find(key);
    return it == msg.end() ? nullptr : &it->value();
  };
  std::string type = field("type") && field("type")->is_string() ? std::string(field("type")->get_string()) : "";
  size_t worker = 0;
  if (auto* w = field("worker"); w && w->is_number()) worker = static_cast<size_t>(w->to_number<int64_t>());

  if (type == "log") {
    bool isError = field("stream") && field("stream")->is_string() && field("stream")->get_string() == "stderr";
    std::string text = field("line") && field("line")->is_string() ? std::string(field("line")->get_string()) : "";
    if (isError) {
      recentStderr_.push_back(text);
      if (recentStderr_.size() > kStderrTailLines) recentStderr_.pop_front();
    }
    observe::log().forwardApplicationLine(id(), static_cast<int>(worker), text, isError);
  } else if (type == "ready") {
    if (auto* b = field("background"); b && b->is_bool() && b->get_bool()) background_ = true;
    setWorkerReady(worker, true);
    if (worker < health_.size()) {
      health_[worker] = WorkerHealth{};
      health_[worker].readyAt = std::chrono::steady_clock::now();
      countUnhealthy();
    }
    if (state_ == State::kRunning) {
      observe::log().info("Worker " + std::to_string(worker) + " of \"" + id() + "\" is ready again");
      if (services_.metrics) services_.metrics->countRestart(index_);
    }
    wakeLauncher();
  } else if (type == "failed") {
    std::string message = field("message") && field("message")->is_string()
                              ? std::string(field("message")->get_string())
                              : "unknown error";
    if (failure_.empty()) failure_ = message;
    if (state_ == State::kStarting || state_ == State::kRestarting) {
      wakeLauncher();
    } else {
      observe::log().error("Worker " + std::to_string(worker) + " of \"" + id() + "\" failed: " + message);
    }
  } else if (type == "metrics") {
    auto sample = metricsSample(msg);
    if (services_.metrics) services_.metrics->reportNodeWorker(index_, static_cast<int>(worker), sample);
    if (worker < health_.size()) {
      WorkerHealth& h = health_[worker];
      h.reported = true;
      h.elu = sample.eventLoopUtilization;
      h.heapUsed = sample.heapUsedBytes;
      h.worstDelay = std::max(h.worstDelay, sample.lagMax);
      h.worstDelayP99 = std::max(h.worstDelayP99, sample.lagP99);
      h.liveness = verdictOf(field("liveness"));
      h.readiness = verdictOf(field("readiness"));
    }
  } else if (type == "workerExit") {
    std::string message = field("message") && field("message")->is_string()
                              ? std::string(field("message")->get_string())
                              : "exited";
    setWorkerReady(worker, false);
    if (state_ == State::kStopping) return;
    observe::log().error(message);
    if (!spec().restart.enabled) return;
    auto timer = std::make_shared<asio::steady_timer>(services_.control, spec().restart.delay);
    uint64_t gen = generation_;
    timer->async_wait([this, timer, worker, gen](error_code e) {
      if (e || gen != generation_ || state_ == State::kStopping) return;
      asio::co_spawn(services_.control,
                     sendControl(R"({"type":"restartWorker","worker":)" + std::to_string(worker) + "}\n"),
                     asio::detached);
    });
  }
}

Task<void> NodeApplication::sendControl(std::string line) {
  auto process = process_;
  if (!process) co_return;
  co_await asio::async_write(process->control(), asio::buffer(line), kNoThrow);
}

void NodeApplication::onProcessExit(runtime::ExitStatus status, uint64_t generation) {
  if (generation != generation_) return;
  exited_ = true;
  if (services_.metrics) services_.metrics->setApplicationProcess(index_, 0);
  exitStatus_ = status;
  for (size_t k = 0; k < sockets_.size(); ++k) setWorkerReady(k, false);
  if (stopWaiter_) stopWaiter_->cancel();  // stopProcess() waits for this (stop, or a restart)
  switch (state_.load()) {
    case State::kStarting:
    case State::kRestarting:
      wakeLauncher();
      break;
    case State::kStopping:
      break;
    case State::kRunning: {
      observe::log().error("The application \"" + id() + "\" exited unexpectedly (" +
                           status.describe() + ")" + stderrTail());
      if (!spec().restart.enabled) {
        state_ = State::kFailed;
        observe::log().error("The application \"" + id() +
                             "\" will not be restarted (restartOnError is off)");
        return;
      }
      state_ = State::kRestarting;
      scheduleRestart();
      break;
    }
    default:
      break;
  }
}

void NodeApplication::scheduleRestart() {
  auto now = std::chrono::steady_clock::now();
  quickCrashes_ = (now - readySince_ < kQuickCrash) ? quickCrashes_ + 1 : 1;
  auto delay = std::chrono::duration_cast<runtime::Millis>(spec().restart.delay);
  if (quickCrashes_ > 1) {
    // A crash loop: back off exponentially (200 ms, 400 ms, ... up to 30 s).
    auto backoff = runtime::Millis(100) * (1LL << std::min(quickCrashes_ - 1, 9));
    delay = std::max(delay, std::min<runtime::Millis>(backoff, kMaxBackoff));
  }
  observe::log().info("Restarting \"" + id() + "\" in " + std::to_string(delay.count()) + " ms");
  restartTimer_.expires_after(delay);
  restartTimer_.async_wait([this](error_code ec) {
    if (ec || state_ != State::kRestarting) return;
    asio::co_spawn(services_.control, relaunch(), asio::detached);
  });
}

Task<void> NodeApplication::relaunch() {
  try {
    co_await launch();
    if (state_ != State::kRestarting) co_return;
    state_ = State::kRunning;
    observe::log().info("Restarted the application \"" + id() + "\"");
    if (services_.metrics) services_.metrics->countRestart(index_);
  } catch (const runtime::StartError& e) {
    if (state_ != State::kRestarting) co_return;
    observe::log().error(e.what());
    scheduleRestart();
  }
}

Task<void> NodeApplication::launch() {
  ++generation_;
  uint64_t generation = generation_;
  exited_ = false;
  failure_.clear();
  recentStderr_.clear();
  background_ = false;
  workerReady_.assign(sockets_.size(), false);
  health_.assign(sockets_.size(), WorkerHealth{});
  unhealthyWorkers_ = 0;

  runtime::ChildSpec child;
  child.executable = services_.nodeExecutable;
  child.argv.push_back("node");
  for (const auto& a : spec().execArgv) child.argv.push_back(a);
  child.argv.push_back(services_.nodeHostScript);
  for (const auto& a : spec().arguments) child.argv.push_back(a);
  child.env = spec().env;
  child.cwd = spec().path;
  auto spawned = runtime::ChildProcess::spawn(services_.control, child);
  if (!spawned) {
    throw runtime::StartError("Cannot start the application \"" + id() + "\": " + spawned.error().message +
                              " (Node.js 20 or later must be installed)");
  }
  process_ = std::shared_ptr<runtime::ChildProcess>(std::move(*spawned));
  if (services_.metrics) services_.metrics->setApplicationProcess(index_, process_->pid());
  auto process = process_;
  services_.reaper.watch(process->pid(), [this, generation](runtime::ExitStatus status) {
    onProcessExit(status, generation);
  });
  asio::co_spawn(services_.control, runtime::readLines(process->stdoutPipe(), [this, process](std::string_view l) {
    onOutputLine(l, false);
  }), asio::detached);
  asio::co_spawn(services_.control, runtime::readLines(process->stderrPipe(), [this, process](std::string_view l) {
    onOutputLine(l, true);
  }), asio::detached);
  asio::co_spawn(services_.control, runtime::readLines(process->control(), [this, process, generation](std::string_view l) {
    onControlLine(l, generation);
  }, 16 * 1024 * 1024), asio::detached);

  co_await sendControl(initMessage());

  auto allReady = [this] {
    return std::all_of(workerReady_.begin(), workerReady_.end(), [](bool r) { return r; });
  };
  auto deadline = std::chrono::steady_clock::now() + services_.config.startTimeout;
  bool timedOut = false;
  while (!allReady() && !exited_ && failure_.empty()) {
    launchWaiter_.emplace(services_.control, deadline);
    auto [ec] = co_await launchWaiter_->async_wait(kNoThrow);
    launchWaiter_.reset();
    if (!ec) {
      timedOut = !allReady() && !exited_ && failure_.empty();
      break;
    }
  }
  if (allReady() && failure_.empty()) {
    readySince_ = std::chrono::steady_clock::now();
    co_return;
  }

  std::string message;
  if (!failure_.empty()) {
    message = "The application \"" + id() + "\" failed to start: " + failure_;
  } else if (exited_) {
    message = "The application \"" + id() + "\" exited during start (" + exitStatus_.describe() + ")" +
              stderrTail();
  } else if (timedOut) {
    size_t ready = std::count(workerReady_.begin(), workerReady_.end(), true);
    message = "The application \"" + id() + "\" did not start within " +
              std::to_string(services_.config.startTimeout.count()) + " ms (startTimeout): " +
              std::to_string(ready) + " of " + std::to_string(workerReady_.size()) +
              " workers ready; a server that never calls listen() and exports no build() or "
              "create() cannot be served";
  }
  if (!exited_) process->signal(SIGKILL);
  throw runtime::StartError(message);
}

Task<void> NodeApplication::start() {
  state_ = State::kStarting;
  meshListener_ = std::make_unique<runtime::MeshListener>(services_.loops, services_.mesh, meshSocket_, id());
  if (auto error = meshListener_->start(); !error.empty()) {
    state_ = State::kFailed;
    throw runtime::StartError("Cannot start the application \"" + id() + "\": " + error);
  }
  try {
    co_await launch();
  } catch (...) {
    state_ = State::kFailed;
    throw;
  }
  state_ = State::kRunning;
  if (healthMonitored()) scheduleHealthCheck();
}

// --------------------------------------------------------------------------------------------
// Health (control thread), as Watt's: checked every `interval` once a worker has been ready for
// `gracePeriod`, and only when crashed applications are restarted (restartOnError).

bool NodeApplication::healthMonitored() const {
  return spec().health.enabled && spec().restart.enabled;
}

void NodeApplication::scheduleHealthCheck() {
  healthTimer_.expires_after(spec().health.interval);
  healthTimer_.async_wait([this](error_code ec) {
    if (ec) return;
    State s = state_.load();
    if (s == State::kStopping || s == State::kStopped || s == State::kFailed) return;
    if (s == State::kRunning) checkHealth();
    scheduleHealthCheck();
  });
}

void NodeApplication::checkHealth() {
  const config::HealthConfig& limits = spec().health;
  auto now = std::chrono::steady_clock::now();
  auto percent = [](double fraction) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%.2f %%", fraction * 100);
    return std::string(buffer);
  };
  auto milliseconds = [](double ms) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%.2f ms", ms);
    return std::string(buffer);
  };
  for (size_t k = 0; k < health_.size(); ++k) {
    WorkerHealth& h = health_[k];
    if (k >= workerReady_.size() || !workerReady_[k] || h.replacing || !h.reported) continue;
    if (now - h.readyAt < limits.gracePeriod) continue;
    const std::string label = "worker " + std::to_string(k) + " of the application \"" + id() + "\"";
    double heap = limits.maxHeapTotal > 0 ? h.heapUsed / limits.maxHeapTotal : 0;
    double delay = h.worstDelay * 1000, delayP99 = h.worstDelayP99 * 1000;
    h.worstDelay = h.worstDelayP99 = 0;
    bool eluExceeded = h.elu > limits.maxELU;
    bool heapExceeded = heap > limits.maxHeapUsed;
    bool delayExceeded = limits.maxEventLoopDelay > 0 && delay > limits.maxEventLoopDelay;
    bool p99Exceeded = limits.maxEventLoopDelayP99 > 0 && delayP99 > limits.maxEventLoopDelayP99;
    auto& log = observe::log();
    if (eluExceeded)
      log.error("The " + label + " has an ELU of " + percent(h.elu) +
                ", above the maximum allowed usage of " + percent(limits.maxELU) + ".");
    if (heapExceeded)
      log.error("The " + label + " is using " + percent(heap) +
                " of the memory, above the maximum allowed usage of " + percent(limits.maxHeapUsed) + ".");
    if (delayExceeded)
      log.error("The " + label + " had a maximum event loop delay of " + milliseconds(delay) +
                ", above the maximum allowed delay of " + js::formatJsNumber(limits.maxEventLoopDelay) + " ms.");
    if (p99Exceeded)
      log.error("The " + label + " had a p99 event loop delay of " + milliseconds(delayP99) +
                ", above the maximum allowed p99 delay of " +
                js::formatJsNumber(limits.maxEventLoopDelayP99) + " ms.");
    h.unhealthy = eluExceeded || heapExceeded || delayExceeded || p99Exceeded;
    h.unhealthyChecks = h.unhealthy ? h.unhealthyChecks + 1 : 0;
    if (h.unhealthyChecks >= limits.maxUnhealthyChecks) {
      log.error("The " + label + " is unhealthy. Replacing it ...");
      replaceWorker(k);
    }
  }
  countUnhealthy();
}

void NodeApplication::countUnhealthy() {
  unhealthyWorkers_ = static_cast<int>(
      std::count_if(health_.begin(), health_.end(), [](const auto& h) { return h.unhealthy; }));
}

// One worker: the whole process restarts (its worker is the main thread); several: the host
// stops that thread and starts it again, and its `ready` counts the restart.
void NodeApplication::replaceWorker(size_t worker) {
  health_[worker].replacing = true;
  auto timeout = services_.config.gracefulShutdown.application;
  if (health_.size() == 1) {
    asio::co_spawn(services_.control, restart(timeout), asio::detached);
    return;
  }
  setWorkerReady(worker, false);
  asio::co_spawn(services_.control,
                 sendControl(R"({"type":"replaceWorker","worker":)" + std::to_string(worker) +
                             R"(,"timeout":)" + std::to_string(timeout.count()) + "}\n"),
                 asio::detached);
}

// Asks the host to stop gracefully and waits for the process to exit.
Task<void> NodeApplication::stopProcess(runtime::Millis timeout) {
  co_await sendControl(R"({"type":"stop","timeout":)" + std::to_string(timeout.count()) + "}\n");
  // The host exits by itself once stopped (or when its own timeout runs out); give it that
  // long plus a margin, then kill it.
  for (int phase = 0; phase < 2 && !exited_; ++phase) {
    stopWaiter_.emplace(services_.control,
                        phase == 0 ? timeout + runtime::Millis(1000) : runtime::Millis(2000));
    co_await stopWaiter_->async_wait(kNoThrow);
    stopWaiter_.reset();
    if (!exited_ && phase == 0) {
      observe::log().warn("The application \"" + id() + "\" did not stop within " +
                          std::to_string(timeout.count()) + " ms; killing it");
      process_->signal(SIGKILL);
    }
  }
}

// A requested restart: the process stops gracefully and is launched again the way a crashed
// one is; requests arriving meanwhile wait for the new workers (bounded by startTimeout).
Task<bool> NodeApplication::restart(runtime::Millis timeout) {
  State expected = State::kRunning;
  if (!state_.compare_exchange_strong(expected, State::kRestarting)) co_return false;
  observe::log().info("Restarting the application \"" + id() + "\"...");
  if (process_ && !exited_) co_await stopProcess(timeout);
  if (state_ != State::kRestarting) co_return false;  // stopped meanwhile
  readySince_ = {};  // a requested restart is not a crash: no backoff
  quickCrashes_ = 0;
  co_await relaunch();
  co_return state_ == State::kRunning;
}

runtime::ProbeVerdict NodeApplication::customCheck(bool readiness) const {
  for (size_t k = 0; k < health_.size() && k < workerReady_.size(); ++k) {
    if (!workerReady_[k]) continue;
    const auto& verdict = readiness ? health_[k].readiness : health_[k].liveness;
    if (!verdict.ok) return verdict;
  }
  return {};
}

std::string NodeApplication::status() const {
  switch (state_.load()) {
    case State::kStarting:
    case State::kRestarting:
      return "starting";
    case State::kRunning:
      return "started";
    case State::kStopping:
      return "stopping";
    case State::kStopped:
      return "stopped";
    case State::kFailed:
      return "failed";
  }
  return "stopped";
}

Task<void> NodeApplication::stop(runtime::Millis timeout) {
  State previous = state_.exchange(State::kStopping);
  restartTimer_.cancel();
  healthTimer_.cancel();
  if (process_ && !exited_ && previous != State::kStopped) co_await stopProcess(timeout);
  if (meshListener_) meshListener_->stop();
  services_.loops.postToAll([this](runtime::Loop& loop) {
    LoopState& state = loops_[loop.index()];
    for (auto& pool : state.pools)
      if (pool) pool->closeIdle();
    for (auto* waiter : state.waiters) waiter->cancel();
  });
  state_ = State::kStopped;
}

// --------------------------------------------------------------------------------------------
// Loop threads

Task<http::Response> NodeApplication::handle(http::Request request) {
  if (background_) {
    co_return http::Response::error(
        500, "Background services cannot receive HTTP requests via the mesh network.",
        "FST_REPLY_FROM_INTERNAL_SERVER_ERROR");
  }
  runtime::Loop* loop = runtime::Loop::current();
  if (!loop) co_return unavailable(id(), "called outside the event loops");
  // Upstream requests are HTTP/1.1, where Host is mandatory (an HTTP/1.0 client may omit it).
  if (!request.headers.has("host")) request.headers.add("host", runtime::Mesh::hostFor(id()));
  runtime::writeCorrelationHeaders(request);
  LoopState& state = loops_[loop->index()];
  const size_t workers = state.ready.size();

  for (int attempt = 0; attempt < 3; ++attempt) {
    // Round robin over the ready workers; the counter is shared by all loops so that the
    // spread is even whatever loop a request arrives on.
    std::optional<size_t> chosen;
    for (size_t tries = 0; tries < workers && !chosen; ++tries) {
      size_t k = next_.fetch_add(1, std::memory_order_relaxed) % workers;
      if (state.ready[k]) chosen = k;
    }
    if (chosen) {
      auto result = co_await state.pools[*chosen]->send(request);
      if (result.response) {
        result.response->worker = static_cast<int16_t>(*chosen);
        co_return std::move(*result.response);
      }
      using Kind = http::UpstreamError::Kind;
      if (result.error->kind == Kind::kConnect && attempt < 2) continue;  // it just went away
      if (result.error->kind == Kind::kTimeout)
        co_return http::Response::error(504, "Gateway Timeout", "FST_REPLY_FROM_GATEWAY_TIMEOUT");
      co_return http::Response::error(
          502, "Application \"" + id() + "\" closed the connection: " + result.error->message,
          "FST_REPLY_FROM_BAD_GATEWAY");
    }
    State s = state_.load();
    if (s != State::kStarting && s != State::kRestarting) break;
    // Starting or restarting: wait for a worker (bounded by startTimeout), then try again.
    asio::steady_timer waiter(loop->context(), services_.config.startTimeout);
    auto it = state.waiters.insert(state.waiters.end(), &waiter);
    co_await waiter.async_wait(kNoThrow);
    state.waiters.erase(it);
  }
  switch (state_.load()) {
    case State::kStopping:
    case State::kStopped: co_return unavailable(id(), "it is stopping");
    case State::kFailed: co_return unavailable(id(), "it crashed and is not restarted");
    default: co_return unavailable(id(), "no worker is ready");
  }
}

runtime::Kind nodeKind() {
  return runtime::Kind{
      nodeParser(),
      [](const config::ApplicationSpec& spec, runtime::RuntimeServices& services) {
        return std::unique_ptr<runtime::Application>(new NodeApplication(spec, services));
      }};
}

}  // namespace watt::kinds::node
