// A temporary project folder for tests: write files by relative path, removed afterwards.
#pragma once

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace watt::testing {

class ProjectDir {
 public:
  ProjectDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("watt-test-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~ProjectDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ProjectDir(const ProjectDir&) = delete;
  ProjectDir& operator=(const ProjectDir&) = delete;

  void write(const std::string& relative, const std::string& content) const {
    auto file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << content;
  }
  void mkdir(const std::string& relative) const { std::filesystem::create_directories(path_ / relative); }
  std::string path() const { return path_.string(); }
  std::string operator/(const std::string& relative) const { return (path_ / relative).string(); }

  // A Node application folder that the node kind accepts.
  void nodeApp(const std::string& folder) const {
    write(folder + "/platformatic.json",
          R"({"$schema":"https://schemas.platformatic.dev/@platformatic/node/3.0.0.json"})");
    write(folder + "/index.js", "module.exports.build = () => require('node:http').createServer()\n");
  }
  void gatewayApp(const std::string& folder, const std::string& gatewayJson) const {
    write(folder + "/platformatic.json",
          R"({"$schema":"https://schemas.platformatic.dev/@platformatic/gateway/3.0.0.json","gateway":)" +
              gatewayJson + "}");
  }

 private:
  std::filesystem::path path_;
};

}  // namespace watt::testing
