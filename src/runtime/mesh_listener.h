// The mesh entry for hosted applications: a Unix socket per Node application on which its
// `fetch('http://x.plt.local/...')` calls arrive (routed there by js/host.cjs). Requests are
// dispatched through the Mesh by their Host header, on the loop that accepted the connection.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "http/server.h"
#include "runtime/loop.h"
#include "runtime/mesh.h"

namespace watt::runtime {

class MeshListener {
 public:
  MeshListener(LoopGroup& loops, const Mesh& mesh, std::string path, std::string sourceId);
  ~MeshListener();

  // Binds the socket and starts accepting on every loop. Returns an error message on failure.
  std::string start();
  void stop();
  const std::string& path() const { return path_; }

 private:
  LoopGroup& loops_;
  const Mesh& mesh_;
  std::string path_;
  std::string sourceId_;
  std::unique_ptr<http::Server> server_;
  std::vector<std::unique_ptr<asio::local::stream_protocol::acceptor>> acceptors_;
};

}  // namespace watt::runtime
