#include "runtime/runtime.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <random>
#include <set>

#include "common/ascii.h"
#include "observe/logger.h"
#include "observe/tracer.h"
#include "runtime/request_tracing.h"

namespace fs = std::filesystem;

namespace watt::runtime {
namespace {

std::string formatUrl(const asio::ip::address& address, uint16_t port) {
  if (address.is_v6()) return "http://[" + address.to_string() + "]:" + std::to_string(port);
  return "http://" + address.to_string() + ":" + std::to_string(port);
}

http::ServerLimits limitsFrom(const config::ServerConfig& server) {
  http::ServerLimits limits;
  limits.bodyLimit = server.bodyLimit;
  limits.maxHeaderSize = server.maxHeaderSize;
  limits.keepAliveTimeout = server.keepAliveTimeout;
  limits.headersTimeout = server.headersTimeout;
  limits.requestTimeout = server.requestTimeout;
  return limits;
}

// Runs `f` on every loop and waits for all of them (the caller must not be a loop thread).
template <typename F>
void onEveryLoopAndWait(LoopGroup& loops, F f) {
  std::vector<std::future<void>> done;
  for (unsigned i = 0; i < loops.size(); ++i) {
    auto promise = std::make_shared<std::promise<void>>();
    done.push_back(promise->get_future());
    loops.at(i).post([f, i, promise]() mutable {
      f(i);
      promise->set_value();
    });
  }
  for (auto& d : done) d.wait();
}

// Lets a coroutine wait for N concurrent operations started with co_spawn.
struct Countdown {
  Countdown(asio::io_context& context, size_t n) : pending(n), done(context) {
    done.expires_at(asio::steady_timer::time_point::max());
  }
  size_t pending;
  std::vector<std::string> errors;
  asio::steady_timer done;
};

// The public listener's handler: the request gets its id and trace context, the entrypoint
// serves it, and the response carries `x-request-id` (and `traceparent` when traced, as Watt's
// telemetry plugin answers). At debug level, a "request completed" line per request.
Task<http::Response> serveEntrypoint(Application& entry, http::Request request) {
  adoptIncoming(request);
  bool logged = observe::log().enabled(observe::LogLevel::kDebug);
  std::chrono::steady_clock::time_point started;
  json::object fields;
  if (logged) {
    started = std::chrono::steady_clock::now();
    fields = logFieldsOf(request);
    fields["req"] = json::object{{"method", request.method}, {"url", request.target}};
  }
  std::string requestId = request.requestId;
  http::Response response;
  ServerSpan span(entry, request);
  try {
    response = co_await entry.handle(std::move(request));
    span.finish(response, /*answerTraceparent=*/true);
  } catch (const std::exception& e) {
    span.fail(e.what());
    json::object errorFields{{"reqId", requestId}};
    observe::log().log(observe::LogLevel::kError, {},
                       std::string("unhandled error while serving a request: ") + e.what(), &errorFields);
    response = http::Response::error(500, "Internal Server Error");
  }
  if (logged) {
    // The entrypoint's own span, when it recorded one, is the span of this line.
    if (auto own = observe::parseTraceparent(response.headers.get("traceparent")))
      fields["spanId"] = observe::toHex(own->spanId);
    fields["res"] = json::object{{"statusCode", response.status}};
    fields["responseTime"] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    observe::log().log(observe::LogLevel::kDebug, {}, "request completed", &fields);
  }
  response.headers.set("x-request-id", std::move(requestId));
  co_return response;
}

}  // namespace

Runtime::Runtime(const config::RuntimeConfig& config, const KindRegistry& kinds,
                 RuntimeOptions options)
    : config_(config), kinds_(kinds), options_(std::move(options)), control_(1) {}

Runtime::~Runtime() {
  // I/O objects must go before the contexts they belong to: stop the threads, drop the
  // applications and listeners, then the loops.
  if (loops_) loops_->stop();
  observe::Tracer::stop();
  publicAcceptors_.clear();
  metricsListener_.reset();
  management_.reset();
  applications_.clear();
  publicServer_.reset();
  loops_.reset();
  if (!socketDir_.empty()) {
    std::error_code ec;
    fs::remove_all(socketDir_, ec);
  }
}

std::string Runtime::makeSocketDir() {
  // Unix socket paths are limited to 107 bytes: keep this short and private (0700).
  const char* tmp = std::getenv("TMPDIR");
  std::string base = tmp && *tmp && std::strlen(tmp) < 60 ? tmp : "/tmp";
  std::random_device rd;
  for (int attempt = 0; attempt < 16; ++attempt) {
    char suffix[16];
    std::snprintf(suffix, sizeof(suffix), "%06x", rd() & 0xffffff);
    std::string dir = base + "/watt-" + std::to_string(getpid()) + "-" + suffix;
    if (::mkdir(dir.c_str(), 0700) == 0) return dir;
  }
  return {};
}

bool Runtime::bindPublicListener() {
  const auto& server = config_.server;
  std::vector<asio::ip::address> candidates;
  error_code ec;
  if (server.hostname.empty()) {
    candidates.push_back(asio::ip::address_v6::any());
    candidates.push_back(asio::ip::address_v4::any());
  } else {
    auto address = asio::ip::make_address(server.hostname, ec);
    if (!ec) {
      candidates.push_back(address);
    } else {
      asio::ip::tcp::resolver resolver(control_);
      auto results = resolver.resolve(server.hostname, std::to_string(server.port), ec);
      if (ec || results.empty()) {
        observe::log().error("Cannot listen on " + server.hostname + ":" +
                             std::to_string(server.port) + ": the hostname does not resolve (" +
                             ec.message() + ")");
        return false;
      }
      for (const auto& r : results) candidates.push_back(r.endpoint().address());
    }
  }

  std::string lastError;
  for (const auto& address : candidates) {
    publicAcceptors_.clear();
    asio::ip::tcp::endpoint endpoint(address, server.port);
    std::string where = (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) +
                        ":" + std::to_string(server.port);
    // SO_REUSEPORT lets every loop own a listening socket, but it would also let a second
    // server of the same user share the port silently: probe the port without it first.
    if (server.port != 0) {
      asio::ip::tcp::acceptor probe(control_);
      probe.open(endpoint.protocol(), ec);
      if (!ec && address.is_v6()) probe.set_option(asio::ip::v6_only(false), ec);
      if (!ec) probe.set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) probe.bind(endpoint, ec);
      if (ec) {
        lastError = "Cannot listen on " + where + ": " + ec.message() +
                    (ec == asio::error::address_in_use
                         ? " (another process is using this port; change server.port)"
                         : ec == asio::error::access_denied ? " (ports below 1024 need privileges)" : "");
        if (ec == asio::error::address_family_not_supported) continue;
        observe::log().error(lastError);
        return false;
      }
    }
    uint16_t port = server.port;
    bool ok = true;
    for (unsigned i = 0; i < loops_->size() && ok; ++i) {
      auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(loops_->at(i).context());
      asio::ip::tcp::endpoint ep(address, port);
      acceptor->open(ep.protocol(), ec);
      if (!ec && address.is_v6()) acceptor->set_option(asio::ip::v6_only(false), ec);
      if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) {
        int one = 1;
        if (::setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0)
          ec = error_code(errno, boost::system::system_category());
      }
      if (!ec) acceptor->bind(ep, ec);
      if (ec) {
        lastError = "Cannot listen on " + where + ": " + ec.message();
        ok = false;
        break;
      }
      if (i == 0) port = acceptor->local_endpoint().port();
      publicAcceptors_.push_back(std::move(acceptor));
    }
    if (!ok) {
      if (ec == asio::error::address_family_not_supported) continue;
      observe::log().error(lastError);
      return false;
    }
    services_->publicAddress.address = address.to_string();
    services_->publicAddress.family = address.is_v6() ? "IPv6" : "IPv4";
    services_->publicAddress.port = port;
    listeningUrl_ = formatUrl(address, port);
    return true;
  }
  observe::log().error(lastError.empty() ? "Cannot listen: no usable address" : lastError);
  return false;
}

Task<bool> Runtime::startApplications() {
  // Applications start concurrently, except that one waits for those it starts after
  // (its dependencies; the applications a gateway composes). A cycle starts together.
  struct StartState {
    explicit StartState(asio::io_context& context) : wake(context) {}
    asio::steady_timer wake;
    size_t running = 0;
    std::set<std::string> finished;  // lower-case ids, started or failed
    std::vector<std::string> errors;
  };
  auto state = std::make_shared<StartState>(control_);
  std::vector<Application*> pending;
  for (auto& app : applications_) pending.push_back(app.get());

  auto launch = [this, state](Application* a) {
    ++state->running;
    observe::log().info("Starting the application \"" + a->id() + "\"...");
    asio::co_spawn(control_, a->start(), [state, a](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          state->errors.push_back(ex.what());
        }
      } else {
        observe::log().info("Started the application \"" + a->id() + "\"");
      }
      --state->running;
      state->finished.insert(ascii::lower(a->id()));
      state->wake.cancel();
    });
  };

  while (!pending.empty() || state->running > 0) {
    bool launched = false;
    for (auto it = pending.begin(); it != pending.end();) {
      Application* a = *it;
      bool ready = true;
      for (const auto& dep : a->startAfter()) {
        std::string id = ascii::lower(dep);
        if (id == ascii::lower(a->id()) || !mesh_.find(id)) continue;
        if (!state->finished.contains(id)) ready = false;
      }
      if (ready) {
        launch(a);
        launched = true;
        it = pending.erase(it);
      } else {
        ++it;
      }
    }
    if (!launched && state->running == 0 && !pending.empty()) {
      observe::log().warn("The applications' dependencies form a cycle; starting the rest together");
      for (Application* a : pending) launch(a);
      pending.clear();
    }
    if (state->running == 0 && pending.empty()) break;
    state->wake.expires_at(asio::steady_timer::time_point::max());
    co_await state->wake.async_wait(kNoThrow);
  }
  if (!stopRequested_) {
    for (const auto& e : state->errors) observe::log().error(e);
  }
  co_return state->errors.empty();
}

void Runtime::startAccepting() {
  Application* entry = entrypoint_;
  observe::MetricsRegistry* metrics = metrics_.get();
  uint16_t entryIndex = 0;
  while (applications_[entryIndex].get() != entry) ++entryIndex;
  http::Handler handler;
  if (metrics) {
    handler = [entry, metrics, entryIndex](http::Request request) -> Task<http::Response> {
      auto start = std::chrono::steady_clock::now();
      uint8_t method = observe::methodIndex(request.method);
      auto response = co_await serveEntrypoint(*entry, std::move(request));
      std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
      metrics->recordRequest(Loop::current()->index(), response.worker, entryIndex,
                             observe::RequestSource::kPublic, method, response.status,
                             elapsed.count());
      co_return response;
    };
  } else {
    handler = [entry](http::Request request) { return serveEntrypoint(*entry, std::move(request)); };
  }
  publicServer_ = std::make_unique<http::Server>(limitsFrom(config_.server), std::move(handler),
                                                 loops_->size());
  // listen() here, before the "listening" line: no operation is pending on these acceptors yet,
  // so the control thread may touch them. Accepting then starts on each acceptor's own loop.
  for (auto& acceptor : publicAcceptors_) {
    error_code ec;
    acceptor->listen(config_.server.backlog, ec);
    if (ec) throw std::runtime_error("cannot listen: " + ec.message());
  }
  http::Server* server = publicServer_.get();
  for (unsigned i = 0; i < publicAcceptors_.size(); ++i) {
    auto* acceptor = publicAcceptors_[i].get();
    loops_->at(i).post([server, acceptor, i] { server->acceptOn(*acceptor, i); });
  }
}

// The Prometheus listener serves from the start, so that /ready says "not yet" while the
// applications start.
bool Runtime::startMetrics() {
  if (!metrics_) return true;
  MetricsListener::Probes probes;
  probes.ready = [this] {
    if (phase_ != Phase::kRunning) return ProbeVerdict{false};
    for (const auto& app : applications_)
      if (auto v = app->customCheck(true); !v.ok) return v;
    return ProbeVerdict{};
  };
  probes.live = [this, ready = probes.ready] {
    if (auto v = ready(); !v.ok) return v;
    for (const auto& app : applications_)
      if (!app->live()) return ProbeVerdict{false};
    for (const auto& app : applications_)
      if (auto v = app->customCheck(false); !v.ok) return v;
    return ProbeVerdict{};
  };
  metricsListener_ = std::make_unique<MetricsListener>(control_, config_.metrics, *metrics_, probes);
  std::string error = metricsListener_->start();
  if (!error.empty()) {
    observe::log().error(error);
    return false;
  }
  observe::log().info("Prometheus metrics at " + metricsListener_->url() + config_.metrics.endpoint);
  return true;
}

void Runtime::closePublicAcceptors() {
  auto* acceptors = &publicAcceptors_;
  onEveryLoopAndWait(*loops_, [acceptors](unsigned i) {
    if (i < acceptors->size()) {
      error_code ec;
      (*acceptors)[i]->close(ec);
    }
  });
}

void Runtime::armSignals() {
  signals_->async_wait([this](error_code ec, int sig) {
    if (ec) return;
    onSignal(sig);
    armSignals();
  });
}

void Runtime::onSignal(int sig) {
  const char* name = sig == SIGINT ? "SIGINT" : "SIGTERM";
  if (phase_ == Phase::kStopping) {
    // A second signal while stopping means "now". Children die with us (PR_SET_PDEATHSIG).
    observe::log().warn(std::string("Received ") + name + " again, exiting immediately");
    std::error_code ignored;
    if (!socketDir_.empty()) std::filesystem::remove_all(socketDir_, ignored);
    if (management_) management_.reset();  // removes its socket
    std::_Exit(1);
  }
  stopGracefully(std::string("Received ") + name);
}

// A signal or the management API's POST /stop.
void Runtime::stopGracefully(const std::string& why) {
  switch (phase_) {
    case Phase::kStopping:
      return;
    case Phase::kStarting:
      // Starting applications wait for their processes: ending those ends the start-up, and
      // main() then stops everything and exits normally.
      observe::log().info(why + " while starting, stopping the runtime...");
      phase_ = Phase::kStopping;
      stopRequested_ = true;
      reaper_->signalAll(SIGTERM);
      return;
    case Phase::kRunning:
      observe::log().info(why + ", stopping the runtime...");
      phase_ = Phase::kStopping;
      asio::co_spawn(control_, shutdown(), [this](std::exception_ptr) {
        exitCode_ = 0;
        control_.stop();
      });
      return;
  }
}

Task<void> Runtime::stopApplications() {
  auto state = std::make_shared<Countdown>(control_, applications_.size());
  for (auto& app : applications_) {
    Application* a = app.get();
    asio::co_spawn(control_, a->stop(config_.gracefulShutdown.application),
                   [state, a](std::exception_ptr e) {
                     if (e) {
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& ex) {
                         observe::log().error("Error while stopping \"" + a->id() + "\": " + ex.what());
                       }
                     } else {
                       observe::log().info("Stopped the application \"" + a->id() + "\"");
                     }
                     if (--state->pending == 0) state->done.cancel();
                   });
  }
  if (state->pending > 0) co_await state->done.async_wait(kNoThrow);
}

Task<void> Runtime::shutdown() {
  if (publicServer_) {
    closePublicAcceptors();
    publicServer_->drain();
    // In-flight requests finish (their responses say `connection: close`), within the budget.
    auto deadline = std::chrono::steady_clock::now() + config_.gracefulShutdown.runtime;
    asio::steady_timer tick(control_);
    while (publicServer_->inFlight() > 0 && std::chrono::steady_clock::now() < deadline) {
      tick.expires_after(std::chrono::milliseconds(5));
      co_await tick.async_wait(kNoThrow);
    }
    if (publicServer_->inFlight() > 0) {
      observe::log().warn(std::to_string(publicServer_->inFlight()) +
                          " requests still in flight after gracefulShutdown.runtime (" +
                          std::to_string(config_.gracefulShutdown.runtime.count()) +
                          " ms); stopping anyway");
    }
  }
  co_await stopApplications();
  if (metricsListener_) metricsListener_->stop();
  if (management_) co_await management_->close();
}

Task<void> Runtime::main() {
  // (No co_await inside ?: or an if condition: GCC 12 miscompiles both.)
  bool started = false;
  if (!stopRequested_) {
    started = co_await startApplications();
  }
  if (stopRequested_) {
    co_await stopApplications();
    if (management_) co_await management_->close();
    exitCode_ = 0;
    control_.stop();
    co_return;
  }
  if (!started) {
    observe::log().error("The runtime could not start; stopping the applications that did");
    phase_ = Phase::kStopping;
    co_await stopApplications();
    if (management_) co_await management_->close();
    exitCode_ = 1;
    control_.stop();
    co_return;
  }
  startAccepting();
  phase_ = Phase::kRunning;
  observe::log().info("Watt is now listening at " + listeningUrl_);
  // From here, a signal runs shutdown() (onSignal) and stops the control loop.
}

bool Runtime::startManagementApi() {
  if (!config_.managementApi.enabled) return true;
  ManagementTarget target{
      .config = config_, .applications = applications_, .mesh = mesh_, .loops = *loops_};
  target.status = [this]() -> std::string {
    switch (phase_) {
      case Phase::kStarting:
        return "starting";
      case Phase::kRunning:
        return "started";
      case Phase::kStopping:
        return "stopping";
    }
    return "stopping";
  };
  target.url = [this]() { return phase_ == Phase::kRunning ? listeningUrl_ : std::string(); };
  target.stop = [this]() { stopGracefully("Stop requested through the management API"); };
  target.metricsText = options_.metricsText;
  target.metricsJson = options_.metricsJson;
  // With `metrics` on, the API serves the same Prometheus text as the metrics listener.
  if (!target.metricsText && metrics_) {
    target.metricsText = [m = metrics_.get()] { return m->render(); };
    target.metricsJson = [m = metrics_.get()] { return m->renderJson(); };
  }
  management_ =
      std::make_unique<ManagementApi>(control_, std::move(target), config_.managementApi.socket);
  std::string error = management_->start();
  if (!error.empty()) {
    observe::log().error("Cannot start the management API: " + error +
                         " (set \"managementApi\": false to run without it)");
    management_.reset();
    return false;
  }
  return true;
}

int Runtime::run() {
  unsigned threads = config_.server.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  loops_ = std::make_unique<LoopGroup>(threads);
  if (config_.telemetry.enabled) {
    std::vector<std::string> ids;
    for (const auto& spec : config_.applications) ids.push_back(spec.id);
    observe::Tracer::start(config_.telemetry, ids);
  }
  reaper_ = std::make_unique<ProcessReaper>(control_);
  socketDir_ = makeSocketDir();
  if (socketDir_.empty()) {
    observe::log().error("Cannot create a private folder for the runtime's sockets in $TMPDIR");
    return 1;
  }
  services_ = std::make_unique<RuntimeServices>(RuntimeServices{
      *loops_, mesh_, control_, *reaper_, config_, socketDir_, options_.nodeExecutable,
      options_.nodeHostScript, PublicAddress{}});
  if (config_.metrics.enabled) {
    std::vector<std::string> ids;
    for (const auto& spec : config_.applications) ids.push_back(spec.id);
    LoopGroup* loops = loops_.get();
    metrics_ = std::make_unique<observe::MetricsRegistry>(
        config_.metrics, std::move(ids), loops_->size(),
        [loops](unsigned shard, std::function<void()> work) {
          // A scrape from a loop thread (e.g. an API served on the loops) reads its own shard
          // in place; the other loops answer by posting.
          if (Loop::current() == &loops->at(shard)) work();
          else loops->at(shard).post(std::move(work));
        });
    services_->metrics = metrics_.get();
    mesh_.setMetrics(metrics_.get());
    if (config_.telemetry.enabled) {
      metrics_->addCollector([](std::string& out) {
        observe::Tracer* tracer = observe::Tracer::instance();
        if (!tracer) return;
        out += "# HELP watt_tracing_spans_exported_total Spans the exporter handed to its destination.\n"
               "# TYPE watt_tracing_spans_exported_total counter\n"
               "watt_tracing_spans_exported_total " + std::to_string(tracer->exported()) + "\n"
               "# HELP watt_tracing_spans_dropped_total Spans dropped: export queue full or collector unreachable.\n"
               "# TYPE watt_tracing_spans_dropped_total counter\n"
               "watt_tracing_spans_dropped_total " + std::to_string(tracer->dropped()) + "\n";
      });
    }
  }

  for (const auto& spec : config_.applications) {
    const Kind* kind = kinds_.find(spec.kind);
    if (!kind) {
      observe::log().error("No kind \"" + spec.kind + "\" for application \"" + spec.id + "\"");
      return 1;
    }
    applications_.push_back(kind->create(spec, *services_));
    mesh_.add(*applications_.back());
    if (spec.entrypoint) entrypoint_ = applications_.back().get();
  }
  if (!entrypoint_) {
    observe::log().error("No entrypoint application");
    return 1;
  }

  if (!startManagementApi()) return 1;
  signals_.emplace(control_, SIGINT, SIGTERM);
  armSignals();
  loops_->start();
  if (!bindPublicListener() || !startMetrics()) {
    loops_->stop();
    return 1;
  }
  reaper_->start();
  asio::co_spawn(control_, main(), [this](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      observe::log().error(std::string("The runtime failed: ") + ex.what());
    }
    exitCode_ = 1;
    control_.stop();
  });
  control_.run();
  reaper_->stop();
  loops_->stop();
  observe::Tracer::stop();  // after the loops: exports the last spans
  return exitCode_;
}

}  // namespace watt::runtime
