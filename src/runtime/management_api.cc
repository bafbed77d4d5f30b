#include "runtime/management_api.h"

#include <openssl/sha.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/ascii.h"
#include "common/base64.h"
#include "observe/logger.h"

namespace fs = std::filesystem;

namespace watt::runtime {
namespace {

constexpr std::string_view kPrefix = "/api/v1";
// A live log client that reads slower than the runtime logs loses its oldest lines past this.
constexpr size_t kMaxPendingLogBytes = 4 * 1024 * 1024;
// An idle live log stream sends a ping this often, so a client that went away is noticed.
constexpr auto kLogPingInterval = std::chrono::seconds(30);
// How long close() lets answers in flight (the /stop request itself) be written.
constexpr auto kCloseGrace = std::chrono::seconds(2);

std::string tmpDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = tmp && *tmp ? tmp : "/tmp";
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

// "@platformatic/node" -> "nodejs", as Watt's capabilities name themselves.
std::string typeOf(const Application& app) {
  std::string_view kind = app.spec().kind;
  if (kind.starts_with("@platformatic/"))
    kind.remove_prefix(std::string_view("@platformatic/").size());
  if (kind == "node") return "nodejs";
  if (kind == "composer") return "gateway";
  return std::string(kind);
}

std::string readProcFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

json::array processArgv() {
  json::array argv;
  std::string cmdline = readProcFile("/proc/self/cmdline");
  size_t start = 0;
  while (start < cmdline.size()) {
    size_t end = cmdline.find('\0', start);
    if (end == std::string::npos) end = cmdline.size();
    argv.emplace_back(cmdline.substr(start, end - start));
    start = end + 1;
  }
  return argv;
}

http::Response empty(int status) {
  http::Response r;
  r.status = status;
  return r;
}

http::Response jsonResponse(const json::value& value) {
  return http::Response::json(200, json::serialize(value));
}

http::Response notFoundApplication(std::string_view id, const std::vector<std::string>& ids) {
  std::string all;
  for (const auto& i : ids) all += (all.empty() ? "" : ", ") + i;
  // Watt answers this with a 500 and the code below; `wattpm inject` looks for exactly that.
  return http::Response::error(
      500, "Application " + std::string(id) + " not found. Available applications are: " + all,
      "PLT_RUNTIME_APPLICATION_NOT_FOUND");
}

// Calls an application through the mesh on loop 0 and reads the whole answer there (a
// streamed body belongs to the loop's connection pool).
Task<http::Response> dispatchWhole(Mesh& mesh, std::string id, http::Request request) {
  http::Response response = co_await mesh.dispatch(id, std::move(request));
  if (response.stream) {
    response.body = co_await http::readWholeBody(response);
    response.stream.reset();
  }
  co_return response;
}

}  // namespace

std::string managementRuntimesDir() {
  return tmpDir() + "/platformatic/runtimes";
}

std::string defaultManagementSocket(long pid) {
  return managementRuntimesDir() + "/" + std::to_string(pid) + "/socket";
}

std::string ManagementApi::websocketAccept(std::string_view key) {
  std::string input(key);
  input += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  return base64::encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

std::string ManagementApi::websocketFrame(uint8_t opcode, std::string_view payload) {
  std::string frame;
  frame += static_cast<char>(0x80 | opcode);  // FIN, unmasked (server to client)
  if (payload.size() < 126) {
    frame += static_cast<char>(payload.size());
  } else if (payload.size() <= 0xffff) {
    frame += static_cast<char>(126);
    frame += static_cast<char>((payload.size() >> 8) & 0xff);
    frame += static_cast<char>(payload.size() & 0xff);
  } else {
    frame += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8)
      frame += static_cast<char>((static_cast<uint64_t>(payload.size()) >> shift) & 0xff);
  }
  frame += payload;
  return frame;
}

// One /logs/live client: log lines (queued by a logger tap from any thread, then handed to the
// control thread) become WebSocket text frames, one record per frame like Watt's.
class ManagementApi::LogStream : public http::BodyStream,
                                 public std::enable_shared_from_this<ManagementApi::LogStream> {
 public:
  explicit LogStream(asio::io_context& control) : control_(control), wake_(control) {}
  ~LogStream() override { detach(); }

  void attach() {
    std::weak_ptr<LogStream> weak = weak_from_this();
    asio::io_context* control = &control_;
    tap_ = observe::log().addTap([weak, control](std::string_view line) {
      asio::post(*control, [weak, text = std::string(line)]() mutable {
        if (auto self = weak.lock()) self->push(std::move(text));
      });
    });
  }
  void detach() {
    if (tap_) observe::log().removeTap(*tap_);
    tap_.reset();
  }
  // Control thread: the runtime is closing; a close frame is sent after what is queued.
  void end() {
    detach();
    ended_ = true;
    wake_.cancel();
  }

  Task<std::optional<std::string>> next(error_code&) override {
    for (;;) {
      if (!pending_.empty()) {
        std::string frame;
        while (!pending_.empty() && frame.size() < 64 * 1024) {
          std::string& line = pending_.front();
          pendingBytes_ -= line.size();
          if (!line.empty() && line.back() == '\n') line.pop_back();
          frame += websocketFrame(0x1, line);
          pending_.pop_front();
        }
        co_return frame;
      }
      if (ended_) {
        if (closed_) co_return std::nullopt;
        closed_ = true;
        co_return websocketFrame(0x8, std::string_view("\x03\xe9", 2));  // 1001: going away
      }
      wake_.expires_after(kLogPingInterval);
      auto [ec] = co_await wake_.async_wait(kNoThrow);
      if (!ec) co_return websocketFrame(0x9, {});  // idle: ping, so a gone client is noticed
    }
  }
  std::optional<uint64_t> length() const override { return std::nullopt; }

 private:
  void push(std::string line) {
    if (ended_) return;
    pendingBytes_ += line.size();
    pending_.push_back(std::move(line));
    while (pendingBytes_ > kMaxPendingLogBytes && pending_.size() > 1) {
      pendingBytes_ -= pending_.front().size();
      pending_.pop_front();
    }
    wake_.cancel();
  }

  asio::io_context& control_;
  asio::steady_timer wake_;
  std::optional<int> tap_;
  std::deque<std::string> pending_;
  size_t pendingBytes_ = 0;
  bool ended_ = false;
  bool closed_ = false;
};

// The stream handed to the HTTP server keeps the LogStream alive and forgets it once done.
namespace {
class LogStreamHandle : public http::BodyStream {
 public:
  using Registry = std::set<std::shared_ptr<ManagementApi::LogStream>>;
  LogStreamHandle(std::shared_ptr<ManagementApi::LogStream> stream,
                  std::shared_ptr<Registry> registry)
      : stream_(std::move(stream)), registry_(std::move(registry)) {}
  ~LogStreamHandle() override {
    stream_->detach();
    registry_->erase(stream_);
  }
  Task<std::optional<std::string>> next(error_code& ec) override { return stream_->next(ec); }
  std::optional<uint64_t> length() const override { return std::nullopt; }

 private:
  std::shared_ptr<ManagementApi::LogStream> stream_;
  std::shared_ptr<Registry> registry_;
};
}  // namespace

ManagementApi::ManagementApi(asio::io_context& control, ManagementTarget target,
                             std::string socketPath)
    : control_(control),
      target_(std::move(target)),
      socketPath_(std::move(socketPath)),
      closed_(control) {
  closed_.expires_at(asio::steady_timer::time_point::max());
  startedAt_ = std::chrono::steady_clock::now();
  // packageName / packageVersion: the project's package.json, as Watt reports them.
  std::ifstream in(fs::path(target_.config.root) / "package.json", std::ios::binary);
  if (in) {
    std::ostringstream text;
    text << in.rdbuf();
    error_code ec;
    json::value pkg = json::parse(text.str(), ec);
    if (!ec && pkg.is_object()) {
      if (auto* n = pkg.as_object().if_contains("name"); n && n->is_string())
        packageName_ = n->get_string();
      if (auto* v = pkg.as_object().if_contains("version"); v && v->is_string())
        packageVersion_ = v->get_string();
    }
  }
}

ManagementApi::~ManagementApi() {
  for (const auto& stream : *logStreams_) stream->detach();
  if (acceptor_) {
    error_code ec;
    acceptor_->close(ec);
  }
  removeFiles();
}

std::string ManagementApi::start() {
  std::error_code ec;
  if (socketPath_.empty()) {
    socketPath_ = defaultManagementSocket(static_cast<long>(getpid()));
    ownsFolder_ = true;
  }
  if (socketPath_.size() >= sizeof(sockaddr_un::sun_path))
    return "the socket path " + socketPath_ +
           " is too long for a Unix socket; set TMPDIR to a shorter folder";
  fs::path folder = fs::path(socketPath_).parent_path();
  error_code aec;
  for (int attempt = 0; attempt < 3; ++attempt) {
    fs::create_directories(folder, ec);
    if (ec) return "cannot create " + folder.string() + ": " + ec.message();
    if (ownsFolder_ && ::chmod(folder.c_str(), 0700) != 0)
      return "cannot make " + folder.string() + " private: " + std::strerror(errno);
    fs::remove(socketPath_, ec);  // a runtime that had this pid before us and was killed
    acceptor_ = std::make_unique<asio::local::stream_protocol::acceptor>(control_);
    asio::local::stream_protocol::endpoint endpoint(socketPath_);
    acceptor_->open(endpoint.protocol(), aec);
    if (!aec) acceptor_->bind(endpoint, aec);
    // ENOENT: another runtime removed the shared parent folders as it exited; make them again.
    if (aec != boost::system::errc::no_such_file_or_directory) break;
  }
  if (aec) return "cannot listen on " + socketPath_ + ": " + aec.message();
  if (::chmod(socketPath_.c_str(), 0600) != 0)
    return "cannot make " + socketPath_ + " private: " + std::strerror(errno);
  acceptor_->listen(asio::socket_base::max_listen_connections, aec);
  if (aec) return "cannot listen on " + socketPath_ + ": " + aec.message();

  http::ServerLimits limits;
  limits.bodyLimit = target_.config.server.bodyLimit;
  server_ = std::make_unique<http::Server>(
      limits, [this](http::Request request) { return handle(std::move(request)); }, 1);
  server_->acceptOn(*acceptor_, 0);
  return {};
}

Task<void> ManagementApi::close() {
  closing_ = true;
  closed_.cancel();
  if (acceptor_) {
    error_code ec;
    acceptor_->close(ec);
  }
  if (server_) server_->drain();
  // Records logged on this thread until now were handed to the streams by posting: let them
  // arrive before the streams end (the last lines are the applications stopping).
  co_await asio::post(control_.get_executor(), asio::use_awaitable);
  for (const auto& stream : *logStreams_) stream->end();
  asio::steady_timer tick(control_);
  auto deadline = std::chrono::steady_clock::now() + kCloseGrace;
  while (server_ && server_->inFlight() > 0 && std::chrono::steady_clock::now() < deadline) {
    tick.expires_after(std::chrono::milliseconds(5));
    co_await tick.async_wait(kNoThrow);
  }
  removeFiles();
}

void ManagementApi::removeFiles() {
  if (socketPath_.empty()) return;
  std::error_code ec;
  if (!ownsFolder_) {
    fs::remove(socketPath_, ec);
    return;
  }
  fs::path folder = fs::path(socketPath_).parent_path();
  fs::remove_all(folder, ec);
  // The shared parents go too when no other runtime uses them (rmdir fails on a non-empty
  // folder; start() retries if another runtime's folder vanished under it).
  ::rmdir(folder.parent_path().c_str());
  ::rmdir(folder.parent_path().parent_path().c_str());
}

Task<http::Response> ManagementApi::handle(http::Request request) {
  std::string path(request.path());
  if (!path.starts_with(kPrefix) || (path.size() > kPrefix.size() && path[kPrefix.size()] != '/')) {
    co_return http::Response::routeNotFound(request.method, request.target);
  }
  try {
    co_return co_await route(request, std::string_view(path).substr(kPrefix.size()));
  } catch (const std::exception& e) {
    co_return http::Response::error(500, e.what());
  }
}

Task<http::Response> ManagementApi::route(const http::Request& request, std::string_view path) {
  const std::string& method = request.method;
  bool get = method == "GET" || method == "HEAD";
  if (get && path == "/status") co_return jsonResponse(json::object{{"status", target_.status()}});
  if (get && path == "/metadata") co_return jsonResponse(metadata());
  if (get && path == "/config") co_return jsonResponse(configView());
  if (get && path == "/env") {
    json::object env;
    for (const auto& [k, v] : target_.config.env) env[k] = v;
    co_return jsonResponse(env);
  }
  if (get && path == "/applications") co_return jsonResponse(applicationsList());
  if (get && path == "/metrics") co_return metrics(request);
  if (get && path == "/logs/live") co_return logsLive(request);
  if (method == "POST" && path == "/restart") co_return co_await restart(request);
  if (method == "POST" && path == "/stop") {
    // Answered once the runtime has stopped its applications, as Watt does; close() waits for
    // this answer to be written before the process exits.
    target_.stop();
    if (!closing_) co_await closed_.async_wait(kNoThrow);
    co_return empty(200);
  }

  constexpr std::string_view kApps = "/applications/";
  if (path.starts_with(kApps)) {
    std::string_view rest = path.substr(kApps.size());
    size_t slash = rest.find('/');
    std::string id(rest.substr(0, slash));
    std::string_view tail =
        slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    Application* app = target_.mesh.find(id);
    constexpr std::string_view kProxy = "/proxy";
    bool proxied = tail == kProxy || tail.starts_with("/proxy/");
    if (!app && (proxied || (get && (tail.empty() || tail == "/env")))) {
      co_return notFoundApplication(id, target_.mesh.ids());
    }
    if (app && get && tail.empty()) co_return jsonResponse(applicationDetails(*app));
    if (app && get && tail == "/env") {
      json::object env;
      for (const auto& [k, v] : app->spec().env) env[k] = v;
      co_return jsonResponse(env);
    }
    if (app && proxied) {
      std::string target = "/" + std::string(tail.substr(std::min(tail.size(), kProxy.size() + 1)));
      if (!request.query().empty()) target += "?" + std::string(request.query());
      co_return co_await proxy(request, app->id(), std::move(target));
    }
  }
  co_return http::Response::routeNotFound(method, request.target);
}

json::object ManagementApi::metadata() const {
  json::object m;
  std::error_code ec;
  m["pid"] = static_cast<int64_t>(getpid());
  m["cwd"] = fs::current_path(ec).string();
  m["argv"] = processArgv();
  m["uptimeSeconds"] = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::steady_clock::now() - startedAt_)
                           .count();
  m["execPath"] = fs::read_symlink("/proc/self/exe", ec).string();
  m["nodeVersion"] = nullptr;  // no Node.js in the runtime process itself
  m["projectDir"] = target_.config.root;
  m["packageName"] = packageName_.empty() ? json::value(nullptr) : json::value(packageName_);
  m["packageVersion"] =
      packageVersion_.empty() ? json::value(nullptr) : json::value(packageVersion_);
  std::string url = target_.url();
  m["url"] = url.empty() ? json::value(nullptr) : json::value(url);
  m["platformaticVersion"] = WATT_VERSION;
  return m;
}

json::object ManagementApi::applicationDetails(const Application& app) const {
  const auto& spec = app.spec();
  std::string status = app.status();
  if (status.empty()) status = target_.status();
  json::object d;
  d["id"] = spec.id;
  d["type"] = typeOf(app);
  d["config"] = spec.configFile.empty() ? json::value(nullptr) : json::value(spec.configFile);
  d["path"] = spec.path;
  d["status"] = status;
  json::array deps;
  for (const auto& dep : spec.dependencies) deps.emplace_back(dep);
  d["dependencies"] = std::move(deps);
  d["version"] = WATT_VERSION;
  d["localUrl"] = "http://" + Mesh::hostFor(spec.id);
  d["entrypoint"] = spec.entrypoint;
  d["sourceMaps"] = false;
  d["workers"] = spec.workers;
  if (spec.entrypoint) {
    std::string url = target_.url();
    d["url"] = status == "started" && !url.empty() ? json::value(url) : json::value(nullptr);
  }
  return d;
}

json::object ManagementApi::applicationsList() const {
  json::object out;
  out["entrypoint"] = target_.config.entrypoint;
  out["production"] = true;
  json::array list;
  for (const auto& app : target_.applications) list.emplace_back(applicationDetails(*app));
  out["applications"] = std::move(list);
  return out;
}

// The resolved runtime configuration in Watt's shape (what `wattpm config` prints).
json::object ManagementApi::configView() const {
  const auto& c = target_.config;
  json::object out;
  out["$schema"] = "https://schemas.platformatic.dev/wattpm/3.0.0.json";
  out["entrypoint"] = c.entrypoint;
  json::object server;
  if (!c.server.hostname.empty()) server["hostname"] = c.server.hostname;
  server["port"] = c.server.port;
  out["server"] = std::move(server);
  out["logger"] = json::object{{"level", config::logLevelName(c.logger.level)}};
  out["restartOnError"] =
      c.restart.enabled ? json::value(c.restart.delay.count()) : json::value(false);
  out["startTimeout"] = c.startTimeout.count();
  out["gracefulShutdown"] = json::object{{"runtime", c.gracefulShutdown.runtime.count()},
                                         {"application", c.gracefulShutdown.application.count()}};
  if (c.managementApi.socket.empty() &&
      c.managementApi.logsMaxSize == config::ManagementApiConfig{}.logsMaxSize) {
    out["managementApi"] = true;
  } else {
    out["managementApi"] =
        json::object{{"logs", json::object{{"maxSize", c.managementApi.logsMaxSize}}},
                     {"socket", c.managementApi.socket}};
  }
  json::array apps;
  for (const auto& spec : c.applications) {
    json::object a;
    a["id"] = spec.id;
    a["path"] = spec.path;
    a["config"] = spec.configFile.empty() ? json::value(nullptr) : json::value(spec.configFile);
    a["type"] = spec.kind;
    a["entrypoint"] = spec.entrypoint;
    a["workers"] = spec.workers;
    json::array deps;
    for (const auto& dep : spec.dependencies) deps.emplace_back(dep);
    a["dependencies"] = std::move(deps);
    a["localUrl"] = "http://" + Mesh::hostFor(spec.id);
    apps.emplace_back(std::move(a));
  }
  out["applications"] = std::move(apps);
  return out;
}

Task<http::Response> ManagementApi::proxy(const http::Request& request, const std::string& id,
                                          std::string target) {
  http::Request forwarded;
  forwarded.method = request.method;
  forwarded.target = std::move(target);
  forwarded.headers = request.headers;
  for (std::string_view h :
       {"connection", "content-length", "content-encoding", "transfer-encoding"})
    forwarded.headers.remove(h);
  forwarded.body = request.body;
  if (!forwarded.body.empty())
    forwarded.headers.set("content-length", std::to_string(forwarded.body.size()));
  auto loop = target_.loops.at(0).context().get_executor();
  http::Response response = co_await asio::co_spawn(
      loop, dispatchWhole(target_.mesh, id, std::move(forwarded)), asio::use_awaitable);
  response.headers.remove("content-length");
  response.headers.remove("transfer-encoding");
  co_return response;
}

Task<http::Response> ManagementApi::restart(const http::Request& request) {
  std::set<std::string> wanted;
  if (!request.body.empty()) {
    error_code ec;
    json::value body = json::parse(request.body, ec);
    const json::value* list = nullptr;
    if (!ec && body.is_object()) list = body.as_object().if_contains("applications");
    if (ec || !body.is_object() || (list && !list->is_array())) {
      co_return http::Response::error(400, "expected a JSON body {\"applications\": [\"id\", ...]}",
                                      "FST_ERR_VALIDATION");
    }
    if (list) {
      for (const auto& item : list->get_array())
        if (item.is_string()) wanted.insert(ascii::lower(item.get_string()));
    }
  }
  // Like Watt: no list restarts every application; ids that do not exist are ignored.
  for (const auto& app : target_.applications) {
    if (!wanted.empty() && !wanted.contains(ascii::lower(app->id()))) continue;
    bool restarted = co_await app->restart(target_.config.gracefulShutdown.application);
    if (!restarted && app->status().empty()) {
      observe::log().info("The application \"" + app->id() +
                          "\" runs inside the runtime; there is no process to restart");
    }
  }
  co_return empty(200);
}

http::Response ManagementApi::logsLive(const http::Request& request) {
  std::string_view key = request.headers.get("sec-websocket-key");
  if (!ascii::iequals(ascii::trim(request.headers.get("upgrade")), "websocket") || key.empty()) {
    return http::Response::error(400,
                                 "GET /api/v1/logs/live is a WebSocket: send Upgrade: websocket");
  }
  auto stream = std::make_shared<LogStream>(control_);
  stream->attach();
  logStreams_->insert(stream);
  http::Response r;
  r.status = 101;
  r.headers.add("Upgrade", "websocket");
  r.headers.add("Connection", "Upgrade");
  r.headers.add("Sec-WebSocket-Accept", websocketAccept(ascii::trim(key)));
  r.stream = std::make_shared<LogStreamHandle>(stream, logStreams_);
  return r;
}

http::Response ManagementApi::metrics(const http::Request& request) const {
  if (!target_.metricsText) {
    return http::Response::error(501, "Metrics are not enabled in this runtime.");
  }
  std::string_view accept = request.headers.get("accept");
  bool wantsJson = accept.find("application/json") != std::string_view::npos &&
                   accept.find("text/plain") == std::string_view::npos;
  if (wantsJson && target_.metricsJson) return http::Response::json(200, target_.metricsJson());
  http::Response r;
  r.headers.add("content-type", "text/plain; charset=utf-8");
  r.body = target_.metricsText();
  return r;
}

}  // namespace watt::runtime
