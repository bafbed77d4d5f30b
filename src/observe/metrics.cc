#include "observe/metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <fstream>
#include <future>
#include <set>
#include <sstream>

namespace watt::observe {
namespace {

constexpr std::array<std::string_view, 10> kMethods = {
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT", "OTHER"};

// Watt (@platformatic/http-metrics) leaves these out of http_request_all_*.
bool ignoredByWatt(uint8_t method) {
  return method >= 5 && method <= 8;
}

constexpr uint64_t kSourceBit = 1u << 15;

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The fields of /proc/<pid>/stat or /proc/self/task/<tid>/stat after the command name, so
// that fields()[0] is field 3 ("state") of proc(5).
std::vector<std::string_view> statFields(std::string_view stat) {
  std::vector<std::string_view> out;
  size_t close = stat.rfind(')');
  if (close == std::string_view::npos) return out;
  stat.remove_prefix(close + 1);
  size_t i = 0;
  while (i < stat.size()) {
    while (i < stat.size() && stat[i] == ' ') ++i;
    size_t j = i;
    while (j < stat.size() && stat[j] != ' ' && stat[j] != '\n') ++j;
    if (j > i) out.push_back(stat.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

double toDouble(std::string_view s) {
  double v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

double nowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Merged {
  std::array<uint64_t, kDurationBuckets.size()> buckets{};
  uint64_t count = 0;
  double sum = 0;
  std::vector<float> samples;

  void add(const DurationSeries& s) {
    for (size_t i = 0; i < buckets.size(); ++i) buckets[i] += s.buckets[i];
    count += s.count;
    sum += s.sum;
    samples.insert(samples.end(), s.window.begin(), s.window.begin() + s.windowSize);
  }
};

}  // namespace

uint8_t methodIndex(std::string_view method) {
  for (size_t i = 0; i + 1 < kMethods.size(); ++i)
    if (kMethods[i] == method) return static_cast<uint8_t>(i);
  return static_cast<uint8_t>(kMethods.size() - 1);
}

std::string_view methodName(uint8_t index) {
  return kMethods[std::min<size_t>(index, kMethods.size() - 1)];
}

void DurationSeries::observe(double seconds) {
  size_t b = 0;
  while (b < kDurationBuckets.size() && seconds > kDurationBuckets[b]) ++b;
  if (b < buckets.size()) ++buckets[b];
  ++count;
  sum += seconds;
  window[windowNext] = static_cast<float>(seconds);
  windowNext = (windowNext + 1) % kWindow;
  if (windowSize < kWindow) ++windowSize;
}

ShardSnapshot RequestShard::takeSnapshot() {
  ShardSnapshot snapshot{series_, queries_, queriesInFlight_};
  auto restart = [](auto& map) {
    for (auto& [key, s] : map) {
      s.windowSize = 0;
      s.windowNext = 0;
    }
  };
  restart(series_);
  restart(queries_);
  return snapshot;
}

void appendHeader(std::string& out, std::string_view name, std::string_view help,
                  std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void appendNumber(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, end);
}

// One sample line: `{name}{suffix}{labels} {value}`.
void appendSample(std::string& out, std::string_view name, std::string_view suffix,
                  std::string_view labels, double value) {
  out += name;
  out += suffix;
  out += labels;
  out += ' ';
  appendNumber(out, value);
  out += '\n';
}

void appendLabelValue(std::string& out, std::string_view value) {
  out += '"';
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  out += '"';
}

MetricsRegistry::MetricsRegistry(const config::MetricsConfig& config,
                                 std::vector<std::string> applicationIds, unsigned shards,
                                 Poster poster)
    : config_(config),
      applicationIds_(std::move(applicationIds)),
      poster_(std::move(poster)),
      restarts_(new std::atomic<uint64_t>[applicationIds_.size()]) {
  for (unsigned i = 0; i < shards; ++i)
    shards_.push_back(std::make_unique<RequestShard>(applicationIds_.size()));
  for (size_t i = 0; i < applicationIds_.size(); ++i) restarts_[i] = 0;
  for (const auto& [name, value] : config_.labels) {
    constantLabels_ += ',';
    constantLabels_ += name;
    constantLabels_ += '=';
    appendLabelValue(constantLabels_, value);
  }
}

int MetricsRegistry::applicationIndex(std::string_view id) const {
  for (size_t i = 0; i < applicationIds_.size(); ++i)
    if (applicationIds_[i] == id) return static_cast<int>(i);
  return -1;
}

void MetricsRegistry::countRestart(size_t application) {
  if (application < applicationIds_.size())
    restarts_[application].fetch_add(1, std::memory_order_relaxed);
}

void MetricsRegistry::reportNodeWorker(size_t application, int worker,
                                       const NodeWorkerSample& sample) {
  std::lock_guard lock(childrenMutex_);
  nodeWorkers_[{application, worker}] = sample;
}

void MetricsRegistry::setApplicationProcess(size_t application, int pid) {
  std::lock_guard lock(childrenMutex_);
  std::erase_if(nodeWorkers_,
                [application](const auto& e) { return e.first.first == application; });
  if (pid > 0)
    childPids_[application] = pid;
  else
    childPids_.erase(application);
}

std::string MetricsRegistry::applicationLabels(std::string_view id) const {
  std::string out = "{" + config_.applicationLabel + "=";
  appendLabelValue(out, id);
  out += constantLabels_;
  return out;
}

std::string MetricsRegistry::render() {
  std::lock_guard lock(scrapeMutex_);
  std::string out;
  out.reserve(16 * 1024);
  renderProcess(out);
  renderThreads(out);
  appendHeader(out, "platformatic_application_restarts_total",
               "Total number of restarts triggered by the runtime for an application.", "counter");
  for (size_t i = 0; i < applicationIds_.size(); ++i) {
    out += "platformatic_application_restarts_total";
    out += applicationLabels(applicationIds_[i]);
    out += "} ";
    appendNumber(out, static_cast<double>(restarts_[i].load(std::memory_order_relaxed)));
    out += '\n';
  }
  renderRequests(out);
  renderNodeWorkers(out);
  renderChildProcesses(out);
  for (const auto& collector : collectors_) collector(out);
  return out;
}

void MetricsRegistry::renderRequests(std::string& out) {
  // Each loop copies its shard on its own thread; the copies are merged here.
  struct Pending {
    std::promise<ShardSnapshot> promise;
  };
  std::vector<std::future<ShardSnapshot>> futures;
  for (unsigned i = 0; i < shards_.size(); ++i) {
    auto pending = std::make_shared<Pending>();
    futures.push_back(pending->promise.get_future());
    RequestShard* shard = shards_[i].get();
    poster_(i, [pending, shard] { pending->promise.set_value(shard->takeSnapshot()); });
  }
  std::map<uint64_t, Merged> all;   // by application, worker, method, status (both sources)
  std::map<uint64_t, Merged> mesh;  // mesh requests only
  std::map<uint64_t, Merged> queries;
  std::vector<int64_t> queriesInFlight(applicationIds_.size(), 0);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  for (auto& f : futures) {
    if (f.wait_until(deadline) != std::future_status::ready) continue;
    ShardSnapshot snapshot;
    try {
      snapshot = f.get();
    } catch (const std::future_error&) {
      continue;  // the loop dropped the work (it is stopping)
    }
    for (const auto& [key, series] : snapshot.requests) {
      uint8_t method = static_cast<uint8_t>((key >> 10) & 0x1f);
      if (key & kSourceBit) mesh[key & ~kSourceBit].add(series);
      if (!ignoredByWatt(method)) all[key & ~kSourceBit].add(series);
    }
    for (const auto& [key, series] : snapshot.queries) queries[key].add(series);
    for (size_t i = 0; i < queriesInFlight.size() && i < snapshot.queriesInFlight.size(); ++i)
      queriesInFlight[i] += snapshot.queriesInFlight[i];
  }

  // `{extra="v",<own labels>,applicationId="app"<configured labels>}`; `extra` only when named.
  auto labelSet = [this](std::string_view extraName, std::string_view extraValue,
                         std::string_view own, size_t app) {
    std::string l = "{";
    if (!extraName.empty()) {
      l += extraName;
      l += "=\"";
      l += extraValue;
      l += "\",";
    }
    l += own;
    l += ',';
    l += config_.applicationLabel;
    l += '=';
    appendLabelValue(l, app < applicationIds_.size() ? applicationIds_[app] : "");
    l += constantLabels_;
    l += '}';
    return l;
  };
  auto labelsOf = [&](uint64_t key, std::string_view extraName, std::string_view extraValue) {
    std::string own = "method=\"";
    own += methodName(static_cast<uint8_t>((key >> 10) & 0x1f));
    own += "\",status_code=\"";
    own += std::to_string(key & 0x3ff);
    own += "\",workerId=\"";
    own += std::to_string((key >> 16) & 0xffff);
    own += '"';
    return labelSet(extraName, extraValue, own, key >> 32);
  };

  auto histogram = [&](std::string_view name, std::string_view help,
                       const std::map<uint64_t, Merged>& series, auto labelsOf) {
    appendHeader(out, name, help, "histogram");
    for (const auto& [key, m] : series) {
      uint64_t cumulative = 0;
      for (size_t b = 0; b < kDurationBuckets.size(); ++b) {
        cumulative += m.buckets[b];
        std::string le;
        appendNumber(le, kDurationBuckets[b]);
        appendSample(out, name, "_bucket", labelsOf(key, "le", le), static_cast<double>(cumulative));
      }
      std::string labels = labelsOf(key, {}, {});
      appendSample(out, name, "_bucket", labelsOf(key, "le", "+Inf"), static_cast<double>(m.count));
      appendSample(out, name, "_sum", labels, m.sum);
      appendSample(out, name, "_count", labels, static_cast<double>(m.count));
    }
  };

  constexpr std::string_view kSummary = "http_request_all_summary_seconds";
  appendHeader(out, kSummary,
               "request duration in seconds summary for all requests (quantiles over the "
               "requests since the previous scrape)",
               "summary");
  for (auto& [key, m] : all) {
    if (!m.samples.empty()) {
      std::sort(m.samples.begin(), m.samples.end());
      for (double q : kSummaryQuantiles) {
        size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(m.samples.size())));
        float v = m.samples[std::min(m.samples.size() - 1, rank == 0 ? 0 : rank - 1)];
        std::string qs;
        appendNumber(qs, q);
        out += kSummary;
        out += labelsOf(key, "quantile", qs);
        out += ' ';
        char buffer[32];  // a float's shortest form: the window keeps floats
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), v);
        out.append(buffer, end);
        out += '\n';
      }
    }
    std::string labels = labelsOf(key, {}, {});
    appendSample(out, kSummary, "_sum", labels, m.sum);
    appendSample(out, kSummary, "_count", labels, static_cast<double>(m.count));
  }
  histogram("http_request_all_duration_seconds",
            "request duration in seconds histogram for all requests", all, labelsOf);
  histogram("watt_mesh_request_duration_seconds",
            "Duration in seconds of the requests dispatched over the mesh to an application "
            "(from a gateway or from another application), by target application",
            mesh, labelsOf);

  // Database applications: statements and transactions, and how many run right now.
  auto queryLabels = [&](uint64_t key, std::string_view extraName, std::string_view extraValue) {
    return labelSet(extraName, extraValue, (key & 1) ? "outcome=\"error\"" : "outcome=\"ok\"", key >> 1);
  };
  histogram("watt_db_query_duration_seconds",
            "Duration in seconds of the database queries of an application (one statement, or "
            "a whole transaction), including the wait for a pooled connection",
            queries, queryLabels);
  appendHeader(out, "watt_db_queries_in_flight",
               "Database queries of an application running or waiting for a connection now (its "
               "pool use)",
               "gauge");
  std::set<size_t> databaseApplications;
  for (const auto& [key, m] : queries) databaseApplications.insert(key >> 1);
  for (size_t app : databaseApplications) {
    if (app >= applicationIds_.size()) continue;
    out += "watt_db_queries_in_flight";
    out += applicationLabels(applicationIds_[app]);
    out += "} ";
    appendNumber(out, static_cast<double>(queriesInFlight[app]));
    out += '\n';
  }
}

void MetricsRegistry::renderNodeWorkers(std::string& out) {
  std::lock_guard lock(childrenMutex_);
  struct Family {
    std::string_view name;
    std::string_view help;
    double NodeWorkerSample::*field;
  };
  static constexpr Family kFamilies[] = {
      {"nodejs_eventloop_utilization",
       "The event loop utilization as a fraction of the loop time. 1 is fully utilized, 0 is "
       "fully idle.",
       &NodeWorkerSample::eventLoopUtilization},
      {"nodejs_heap_size_total_bytes", "Process heap size from Node.js in bytes.",
       &NodeWorkerSample::heapTotalBytes},
      {"nodejs_heap_size_used_bytes", "Process heap size used from Node.js in bytes.",
       &NodeWorkerSample::heapUsedBytes},
      {"nodejs_eventloop_lag_min_seconds", "The minimum recorded event loop delay.",
       &NodeWorkerSample::lagMin},
      {"nodejs_eventloop_lag_max_seconds", "The maximum recorded event loop delay.",
       &NodeWorkerSample::lagMax},
      {"nodejs_eventloop_lag_mean_seconds", "The mean of the recorded event loop delays.",
       &NodeWorkerSample::lagMean},
      {"nodejs_eventloop_lag_stddev_seconds",
       "The standard deviation of the recorded event loop delays.", &NodeWorkerSample::lagStddev},
      {"nodejs_eventloop_lag_p50_seconds", "The 50th percentile of the recorded event loop delays.",
       &NodeWorkerSample::lagP50},
      {"nodejs_eventloop_lag_p90_seconds", "The 90th percentile of the recorded event loop delays.",
       &NodeWorkerSample::lagP90},
      {"nodejs_eventloop_lag_p99_seconds", "The 99th percentile of the recorded event loop delays.",
       &NodeWorkerSample::lagP99},
  };
  for (const auto& family : kFamilies) {
    appendHeader(out, family.name, family.help, "gauge");
    for (const auto& [key, sample] : nodeWorkers_) {
      if (key.first >= applicationIds_.size()) continue;
      out += family.name;
      out += applicationLabels(applicationIds_[key.first]);
      out += ",workerId=\"";
      out += std::to_string(key.second);
      out += "\"} ";
      appendNumber(out, sample.*(family.field));
      out += '\n';
    }
  }
}

void MetricsRegistry::renderChildProcesses(std::string& out) {
  // The child process of each hosted application, from /proc/<pid>/stat.
  std::map<size_t, int> pids;
  {
    std::lock_guard lock(childrenMutex_);
    pids = childPids_;
  }
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double pageSize = static_cast<double>(::sysconf(_SC_PAGESIZE));
  struct Row {
    size_t application;
    double cpu;
    double rss;
  };
  std::vector<Row> rows;
  for (const auto& [application, pid] : pids) {
    auto f = statFields(readFile("/proc/" + std::to_string(pid) + "/stat"));
    if (f.size() < 22 || application >= applicationIds_.size()) continue;
    rows.push_back(
        {application, (toDouble(f[11]) + toDouble(f[12])) / ticks, toDouble(f[21]) * pageSize});
  }
  appendHeader(out, "watt_application_process_cpu_seconds_total",
               "Total user and system CPU time spent in seconds by the child process of an "
               "application (Node applications).",
               "counter");
  for (const auto& r : rows)
    appendSample(out, "watt_application_process_cpu_seconds_total",
                 applicationLabels(applicationIds_[r.application]), "}", r.cpu);
  appendHeader(out, "watt_application_process_resident_memory_bytes",
               "Resident memory size in bytes of the child process of an application (Node "
               "applications).",
               "gauge");
  for (const auto& r : rows)
    appendSample(out, "watt_application_process_resident_memory_bytes",
                 applicationLabels(applicationIds_[r.application]), "}", r.rss);
}

void MetricsRegistry::renderProcess(std::string& out) {
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double pageSize = static_cast<double>(::sysconf(_SC_PAGESIZE));
  auto f = statFields(readFile("/proc/self/stat"));
  // proc(5): utime is field 14, stime 15, starttime 22, vsize 23, rss 24; f[0] is field 3.
  if (f.size() < 22) return;
  double user = toDouble(f[11]) / ticks;
  double system = toDouble(f[12]) / ticks;
  double bootTime = 0;
  {
    std::istringstream stat(readFile("/proc/stat"));
    std::string line;
    while (std::getline(stat, line))
      if (line.starts_with("btime ")) bootTime = toDouble(std::string_view(line).substr(6));
  }
  double start = bootTime + toDouble(f[19]) / ticks;
  double vsize = toDouble(f[20]);
  double rss = toDouble(f[21]) * pageSize;
  double fds = 0;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (dirent* e = ::readdir(dir))
      if (e->d_name[0] != '.') ++fds;
    ::closedir(dir);
    --fds;  // the directory stream's own descriptor
  }
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);

  auto gauge = [&](std::string_view name, std::string_view help, std::string_view type, double v) {
    appendHeader(out, name, help, type);
    out += name;
    if (!constantLabels_.empty()) {
      out += '{';
      out += std::string_view(constantLabels_).substr(1);
      out += '}';
    }
    out += ' ';
    appendNumber(out, v);
    out += '\n';
  };
  gauge("process_cpu_user_seconds_total", "Total user CPU time spent in seconds.", "counter", user);
  gauge("process_cpu_system_seconds_total", "Total system CPU time spent in seconds.", "counter",
        system);
  gauge("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter",
        user + system);
  gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
        "gauge", std::floor(start));
  gauge("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge", rss);
  gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge", vsize);
  gauge("process_open_fds", "Number of open file descriptors.", "gauge", fds);
  gauge("process_max_fds", "Maximum number of open file descriptors.", "gauge",
        limit.rlim_cur == RLIM_INFINITY ? -1 : static_cast<double>(limit.rlim_cur));
}

void MetricsRegistry::renderThreads(std::string& out) {
  // Per thread of the runtime (loop:0, loop:1, ... and the control thread), by thread name.
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  struct Row {
    std::string name;
    double cpu = 0;
    double percent = 0;
  };
  std::vector<Row> rows;
  std::map<int, ThreadSample> current;
  double now = nowSeconds();
  if (DIR* dir = ::opendir("/proc/self/task")) {
    while (dirent* e = ::readdir(dir)) {
      if (e->d_name[0] == '.') continue;
      int tid = std::atoi(e->d_name);
      std::string base = std::string("/proc/self/task/") + e->d_name;
      std::string name = readFile(base + "/comm");
      while (!name.empty() && (name.back() == '\n' || name.back() == ' ')) name.pop_back();
      auto f = statFields(readFile(base + "/stat"));
      if (f.size() < 13) continue;
      double cpu = (toDouble(f[11]) + toDouble(f[12])) / ticks;
      double percent = 0;
      if (auto it = lastThreadSample_.find(tid);
          it != lastThreadSample_.end() && now > it->second.at)
        percent = 100 * (cpu - it->second.cpuSeconds) / (now - it->second.at);
      current[tid] = {cpu, now};
      rows.push_back({name + ":" + std::to_string(tid), cpu, std::max(0.0, percent)});
    }
    ::closedir(dir);
  }
  lastThreadSample_ = std::move(current);
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.name < b.name; });
  auto emit = [&](std::string_view name, std::string_view help, std::string_view type,
                  double Row::*field) {
    appendHeader(out, name, help, type);
    for (const auto& r : rows) {
      out += name;
      out += "{thread=";
      appendLabelValue(out, r.name);
      out += constantLabels_;
      out += "} ";
      appendNumber(out, r.*field);
      out += '\n';
    }
  };
  emit("thread_cpu_seconds_total",
       "Total user and system CPU time spent in seconds by a thread of the runtime (name:tid).",
       "counter", &Row::cpu);
  emit("thread_cpu_percent_usage",
       "The CPU percent usage of a thread of the runtime since the previous scrape.", "gauge",
       &Row::percent);
}

namespace {

// `k="v",k2="v2"` (Prometheus text escapes) -> object.
json::object parseLabels(std::string_view text) {
  json::object labels;
  size_t i = 0;
  while (i < text.size()) {
    size_t eq = text.find('=', i);
    if (eq == std::string_view::npos || eq + 1 >= text.size() || text[eq + 1] != '"') break;
    std::string key(text.substr(i, eq - i));
    std::string value;
    size_t j = eq + 2;
    for (; j < text.size() && text[j] != '"'; ++j) {
      if (text[j] == '\\' && j + 1 < text.size()) {
        ++j;
        value += text[j] == 'n' ? '\n' : text[j];
      } else {
        value += text[j];
      }
    }
    labels[key] = value;
    i = j + 1;
    if (i < text.size() && text[i] == ',') ++i;
  }
  return labels;
}

}  // namespace

std::string MetricsRegistry::renderJson() {
  std::string text = render();
  json::array families;
  json::object* family = nullptr;
  std::string familyName;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    if (line.starts_with("# HELP ")) {
      std::string_view rest = line.substr(7);
      size_t space = rest.find(' ');
      familyName = std::string(rest.substr(0, space));
      families.push_back(json::object{{"name", familyName},
                                      {"help", space == std::string_view::npos ? "" : rest.substr(space + 1)},
                                      {"type", "untyped"},
                                      {"values", json::array()},
                                      {"aggregator", "sum"}});
      family = &families.back().get_object();
      continue;
    }
    if (line.starts_with("# TYPE ")) {
      std::string_view rest = line.substr(7);
      size_t space = rest.find(' ');
      if (family && space != std::string_view::npos && rest.substr(0, space) == familyName)
        (*family)["type"] = rest.substr(space + 1);
      continue;
    }
    if (line.front() == '#' || !family) continue;
    size_t brace = line.find('{');
    size_t valueAt = line.rfind(' ');
    if (valueAt == std::string_view::npos) continue;
    std::string_view name = line.substr(0, std::min(brace, valueAt));
    json::object labels;
    if (brace != std::string_view::npos && brace < valueAt) {
      size_t close = line.rfind('}', valueAt);
      if (close != std::string_view::npos && close > brace)
        labels = parseLabels(line.substr(brace + 1, close - brace - 1));
    }
    std::string number(line.substr(valueAt + 1));
    json::object sample;
    char* parsedEnd = nullptr;
    double v = std::strtod(number.c_str(), &parsedEnd);
    if (parsedEnd && *parsedEnd == '\0' && std::isfinite(v)) sample["value"] = v;
    else sample["value"] = number;  // +Inf / NaN as prom-client prints them
    sample["labels"] = std::move(labels);
    if (name != familyName) sample["metricName"] = name;
    (*family)["values"].get_array().push_back(std::move(sample));
  }
  return json::serialize(families);
}

}  // namespace watt::observe
