#include "cli/management_commands.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/runtime_client.h"
#include "common/ascii.h"
#include "config/runtime_config.h"
#include "runtime/management_api.h"

namespace fs = std::filesystem;

namespace watt::cli {
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "watt: %s\n", message.c_str());
  return 1;
}

bool wantsTable(const ManagementOptions& o) {
  if (o.json) return false;
  if (o.table) return true;
  return isatty(STDOUT_FILENO) == 1;
}

size_t displayWidth(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xc0) != 0x80) ++n;  // count UTF-8 code points, not bytes
  return n;
}

// A boxed table like wattpm's: a header row, a rule, then the rows.
void printTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size(), 0);
  for (size_t i = 0; i < header.size(); ++i) width[i] = displayWidth(header[i]);
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], displayWidth(row[i]));
  auto rule = [&](const char* left, const char* mid, const char* right) {
    std::string line = left;
    for (size_t i = 0; i < width.size(); ++i) {
      for (size_t k = 0; k < width[i] + 2; ++k) line += "─";
      line += i + 1 < width.size() ? mid : right;
    }
    std::puts(line.c_str());
  };
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out = "│";
    for (size_t i = 0; i < width.size(); ++i) {
      std::string cell = i < cells.size() ? cells[i] : "";
      out += " " + cell + std::string(width[i] - displayWidth(cell), ' ') + " │";
    }
    std::puts(out.c_str());
  };
  rule("┌", "┬", "┐");
  line(header);
  rule("├", "┼", "┤");
  for (const auto& row : rows) line(row);
  rule("└", "┴", "┘");
}

void prettyJson(std::string& out, const json::value& v, int indent) {
  std::string pad(static_cast<size_t>(indent + 2), ' ');
  std::string closePad(static_cast<size_t>(indent), ' ');
  if (v.is_object()) {
    const auto& o = v.get_object();
    if (o.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    size_t i = 0;
    for (const auto& [k, item] : o) {
      out += pad + json::serialize(json::string(k)) + ": ";
      prettyJson(out, item, indent + 2);
      out += ++i < o.size() ? ",\n" : "\n";
    }
    out += closePad + "}";
  } else if (v.is_array()) {
    const auto& a = v.get_array();
    if (a.empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    for (size_t i = 0; i < a.size(); ++i) {
      out += pad;
      prettyJson(out, a[i], indent + 2);
      out += i + 1 < a.size() ? ",\n" : "\n";
    }
    out += closePad + "]";
  } else {
    out += json::serialize(v);
  }
}

void printJson(const json::value& v) {
  std::string out;
  prettyJson(out, v, 0);
  out += '\n';
  std::fwrite(out.data(), 1, out.size(), stdout);
}

std::string text(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return "";
  if (v->is_string()) return std::string(v->get_string());
  return json::serialize(*v);
}

std::string formatDuration(int64_t seconds) {
  if (seconds <= 0) return "now";
  std::string out;
  const std::pair<int64_t, const char*> units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  for (auto [size, unit] : units) {
    if (seconds >= size) {
      out += (out.empty() ? "" : " ") + std::to_string(seconds / size) + unit;
      seconds %= size;
    }
  }
  return out;
}

bool isDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct Selected {
  RuntimeInfo runtime;
  std::vector<std::string> rest;  // the positionals after [id]
};

std::string describe(const RuntimeInfo& r) {
  std::string name = r.name();
  return std::to_string(r.pid) + (name.empty() ? "" : " (" + name + ")");
}

// Picks the runtime `[id]` names (a pid or a package name), else the one running from the
// current folder, else the only one. `takesMore`: the command has positionals of its own, so a
// first argument that names no runtime is one of those (as in Watt).
std::optional<Selected> selectRuntime(const std::vector<std::string>& args, bool takesMore,
                                      int& exitCode) {
  exitCode = 1;
  auto runtimes = RuntimeClient::list();
  if (runtimes.empty()) {
    fail("no runtime is running (none answers in " + runtime::managementRuntimesDir() + ")");
    return std::nullopt;
  }
  Selected s;
  if (!args.empty()) {
    const std::string& id = args[0];
    for (const auto& r : runtimes) {
      if ((isDigits(id) && std::to_string(r.pid) == id) || (!isDigits(id) && r.name() == id)) {
        s.runtime = r;
        s.rest.assign(args.begin() + 1, args.end());
        return s;
      }
    }
    if (isDigits(id) || !takesMore) {
      std::string known;
      for (const auto& r : runtimes) known += (known.empty() ? "" : ", ") + describe(r);
      fail("no running runtime has the " + std::string(isDigits(id) ? "pid" : "name") + " \"" + id +
           "\"; running: " + known);
      return std::nullopt;
    }
  }
  s.rest = args;
  std::error_code ec;
  std::string cwd = fs::current_path(ec).string();
  for (const auto& r : runtimes) {
    if (text(r.metadata, "cwd") == cwd) {
      s.runtime = r;
      return s;
    }
  }
  if (runtimes.size() == 1) {
    s.runtime = runtimes[0];
    return s;
  }
  std::string known;
  for (const auto& r : runtimes) known += (known.empty() ? "" : ", ") + describe(r);
  fail("several runtimes are running (" + known + "); name one by pid or name");
  return std::nullopt;
}

// GET/POST on the selected runtime; prints why on failure.
std::optional<ClientResponse> call(const RuntimeInfo& r, std::string method, std::string target,
                                   std::string body = {}) {
  http::Request req;
  req.method = std::move(method);
  req.target = std::move(target);
  if (!body.empty()) {
    req.headers.add("content-type", "application/json");
    req.headers.add("content-length", std::to_string(body.size()));
    req.body = std::move(body);
  }
  auto res = RuntimeClient::request(r.socket, std::move(req));
  if (!res.error.empty()) {
    fail("cannot reach the runtime " + describe(r) + ": " + res.error);
    return std::nullopt;
  }
  return res;
}

// The message of an error answer ({"message": ...}), or the body.
std::string errorMessage(const ClientResponse& res) {
  error_code ec;
  json::value v = json::parse(res.body, ec);
  if (!ec && v.is_object()) {
    if (auto m = text(v.get_object(), "message"); !m.empty()) return m;
  }
  return "HTTP " + std::to_string(res.status) + " " + res.body;
}

std::optional<json::value> callJson(const RuntimeInfo& r, std::string target) {
  auto res = call(r, "GET", std::move(target));
  if (!res) return std::nullopt;
  if (res->status != 200) {
    fail(errorMessage(*res));
    return std::nullopt;
  }
  error_code ec;
  json::value v = json::parse(res->body, ec);
  if (ec) {
    fail("the runtime answered with invalid JSON: " + ec.message());
    return std::nullopt;
  }
  return v;
}

bool isApplicationNotFound(const ClientResponse& res) {
  return res.status == 500 &&
         res.body.find("PLT_RUNTIME_APPLICATION_NOT_FOUND") != std::string::npos;
}

}  // namespace

int runPs(const ManagementOptions& o) {
  auto runtimes = RuntimeClient::list();
  if (!wantsTable(o)) {
    json::array out;
    for (const auto& r : runtimes) out.emplace_back(r.metadata);
    printJson(out);
    return 0;
  }
  if (runtimes.empty()) {
    std::puts("No runtimes found.");
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : runtimes) {
    const auto& m = r.metadata;
    int64_t uptime = 0;
    if (auto* u = m.if_contains("uptimeSeconds"); u && u->is_number())
      uptime = u->to_number<int64_t>();
    rows.push_back({std::to_string(r.pid), text(m, "packageName"), text(m, "platformaticVersion"),
                    formatDuration(uptime), text(m, "url"), text(m, "projectDir")});
  }
  printTable({"PID", "Name", "Version", "Uptime", "URL", "Directory"}, rows);
  return 0;
}

int runApplications(const ManagementOptions& o) {
  int code = 0;
  auto s = selectRuntime(o.args, false, code);
  if (!s) return code;
  auto v = callJson(s->runtime, "/api/v1/applications");
  if (!v) return 1;
  if (!wantsTable(o)) {
    printJson(*v);
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  if (v->is_object()) {
    if (auto* apps = v->as_object().if_contains("applications"); apps && apps->is_array()) {
      for (const auto& a : apps->get_array()) {
        if (!a.is_object()) continue;
        const auto& app = a.get_object();
        auto* e = app.if_contains("entrypoint");
        rows.push_back({text(app, "id"), text(app, "workers"), text(app, "type"),
                        text(app, "status"), e && e->is_bool() && e->get_bool() ? "Yes" : "No"});
      }
    }
  }
  printTable({"Name", "Workers", "Type", "Status", "Entrypoint"}, rows);
  return 0;
}

int runLogs(const ManagementOptions& o) {
  auto level = config::parseLogLevel(o.level);
  if (!level)
    return fail("--level: expected one of fatal, error, warn, info, debug, trace, got \"" +
                o.level + "\"");
  int code = 0;
  auto s = selectRuntime(o.args, true, code);
  if (!s) return code;
  std::string application = s->rest.empty() ? "" : s->rest[0];
  std::string error;
  int minimum = static_cast<int>(*level);
  bool ok = RuntimeClient::followLogs(
      s->runtime.socket,
      [&](std::string_view line) {
        error_code ec;
        json::value v = json::parse(line, ec);
        if (ec || !v.is_object()) return;
        const auto& record = v.get_object();
        if (auto* l = record.if_contains("level");
            l && l->is_number() && l->to_number<int64_t>() < minimum)
          return;
        if (!application.empty() && text(record, "name") != application) return;
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
      },
      error);
  if (!ok) return fail("cannot stream the logs of " + describe(s->runtime) + ": " + error);
  return 0;
}

int runInject(const ManagementOptions& o) {
  int code = 0;
  auto s = selectRuntime(o.args, true, code);
  if (!s) return code;
  std::string application;
  if (!s->rest.empty()) {
    application = s->rest[0];
  } else {
    auto apps = callJson(s->runtime, "/api/v1/applications");
    if (!apps) return 1;
    if (apps->is_object()) application = text(apps->as_object(), "entrypoint");
  }
  http::Request req;
  req.method = o.method;
  std::string path = o.path.empty() || o.path[0] != '/' ? "/" + o.path : o.path;
  req.target = "/api/v1/applications/" + application + "/proxy" + path;
  for (const auto& h : o.headers) {
    size_t colon = h.find(':');
    if (colon == std::string::npos || colon == 0)
      return fail("--header: expected \"name: value\", got \"" + h + "\"");
    req.headers.add(std::string(ascii::trim(h.substr(0, colon))),
                    std::string(ascii::trim(h.substr(colon + 1))));
  }
  if (!o.dataFile.empty()) {
    std::ifstream in(o.dataFile, std::ios::binary);
    if (!in) return fail("--data-file: cannot read " + o.dataFile);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    req.body = buffer.str();
  } else {
    req.body = o.data;
  }
  if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH")
    req.headers.set("content-length", std::to_string(req.body.size()));

  auto res = RuntimeClient::request(s->runtime.socket, req);
  if (!res.error.empty()) return fail("cannot perform the request: " + res.error);
  if (isApplicationNotFound(res))
    return fail("no application \"" + application + "\" in " + describe(s->runtime));

  std::string out;
  if (o.fullOutput) {
    out += "> " + o.method + " " + path + " HTTP/1.1\n";
    for (const auto& h : req.headers) out += "> " + h.name + ": " + h.value + "\n";
    out += ">\n< HTTP/1.1 " + std::to_string(res.status) + "\n";
    for (const auto& h : res.headers) out += "< " + h.name + ": " + h.value + "\n";
    out += "<\n\n";
  }
  out += res.body;
  if (!o.output.empty()) {
    std::ofstream file(o.output, std::ios::binary);
    file << out;
    if (!file) return fail("--output: cannot write " + o.output);
    return 0;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

int runMetrics(const ManagementOptions& o) {
  if (o.format != "json" && o.format != "text")
    return fail("--format: expected json or text, got \"" + o.format + "\"");
  int code = 0;
  auto s = selectRuntime(o.args, false, code);
  if (!s) return code;
  http::Request req;
  req.target = "/api/v1/metrics";
  req.headers.add("accept", o.format == "json" ? "application/json" : "text/plain");
  auto res = RuntimeClient::request(s->runtime.socket, req);
  if (!res.error.empty())
    return fail("cannot reach the runtime " + describe(s->runtime) + ": " + res.error);
  if (res.status != 200)
    return fail("cannot get the metrics of " + describe(s->runtime) + ": " + errorMessage(res));
  if (o.format == "text") {
    std::fwrite(res.body.data(), 1, res.body.size(), stdout);
    return 0;
  }
  error_code ec;
  json::value v = json::parse(res.body, ec);
  if (ec) return fail("the runtime answered with invalid JSON metrics");
  printJson(v);
  return 0;
}

int runEnv(const ManagementOptions& o) {
  int code = 0;
  auto s = selectRuntime(o.args, true, code);
  if (!s) return code;
  std::string target = "/api/v1/env";
  if (!s->rest.empty()) target = "/api/v1/applications/" + s->rest[0] + "/env";
  auto res = call(s->runtime, "GET", target);
  if (!res) return 1;
  if (isApplicationNotFound(*res))
    return fail("no application \"" + s->rest[0] + "\" in " + describe(s->runtime));
  if (res->status != 200) return fail(errorMessage(*res));
  error_code ec;
  json::value v = json::parse(res->body, ec);
  if (ec || !v.is_object()) return fail("the runtime answered with invalid JSON");
  if (!wantsTable(o)) {
    printJson(v);
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& [k, value] : v.get_object())
    rows.push_back({std::string(k), text(v.get_object(), k)});
  printTable({"Name", "Value"}, rows);
  return 0;
}

int runConfig(const ManagementOptions& o) {
  int code = 0;
  auto s = selectRuntime(o.args, false, code);
  if (!s) return code;
  auto v = callJson(s->runtime, "/api/v1/config");
  if (!v) return 1;
  printJson(*v);  // a configuration reads best as JSON, on a terminal too
  return 0;
}

int runRestart(const ManagementOptions& o) {
  int code = 0;
  auto s = selectRuntime(o.args, true, code);
  if (!s) return code;
  json::array apps;
  for (const auto& a : s->rest) apps.emplace_back(a);
  if (!s->rest.empty()) {
    // Watt ignores ids it does not know; an operator's typo deserves an error instead.
    auto list = callJson(s->runtime, "/api/v1/applications");
    if (!list) return 1;
    std::vector<std::string> known;
    if (auto* all = list->as_object().if_contains("applications"); all && all->is_array())
      for (const auto& a : all->get_array())
        if (a.is_object()) known.push_back(text(a.get_object(), "id"));
    for (const auto& a : s->rest) {
      if (std::find(known.begin(), known.end(), a) == known.end())
        return fail("no application \"" + a + "\" in " + describe(s->runtime));
    }
  }
  auto res = call(s->runtime, "POST", "/api/v1/restart",
                  json::serialize(json::object{{"applications", apps}}));
  if (!res) return 1;
  if (res->status != 200)
    return fail("cannot restart " + describe(s->runtime) + ": " + errorMessage(*res));
  if (o.json) {
    printJson(json::object{{"pid", s->runtime.pid}, {"restarted", apps}});
  } else {
    std::printf("Runtime %s has been restarted.\n", describe(s->runtime).c_str());
  }
  return 0;
}

int runStop(const ManagementOptions& o) {
  int code = 0;
  auto s = selectRuntime(o.args, false, code);
  if (!s) return code;
  auto res = call(s->runtime, "POST", "/api/v1/stop");
  if (!res) return 1;
  if (res->status != 200)
    return fail("cannot stop " + describe(s->runtime) + ": " + errorMessage(*res));
  if (o.json) {
    printJson(json::object{{"pid", s->runtime.pid}, {"stopped", true}});
  } else {
    std::printf("Runtime %s has been stopped.\n", describe(s->runtime).c_str());
  }
  return 0;
}

}  // namespace watt::cli
