#include "runtime/mesh_listener.h"

#include <unistd.h>

#include <future>

#include "runtime/request_tracing.h"

namespace watt::runtime {

MeshListener::MeshListener(LoopGroup& loops, const Mesh& mesh, std::string path, std::string sourceId)
    : loops_(loops), mesh_(mesh), path_(std::move(path)), sourceId_(std::move(sourceId)) {}

// stop() must have run while the loops were alive; here only the socket file is left to remove.
MeshListener::~MeshListener() { ::unlink(path_.c_str()); }

std::string MeshListener::start() {
  http::ServerLimits limits;
  limits.bodyLimit = 64ull * 1024 * 1024;  // application to application: generous
  limits.keepAliveTimeout = std::chrono::hours(24);
  const Mesh* mesh = &mesh_;
  const std::string* source = &sourceId_;
  server_ = std::make_unique<http::Server>(
      limits,
      [mesh, source](http::Request request) -> Task<http::Response> {
        auto id = Mesh::idFromHost(request.headers.get("host"));
        if (!id) {
          co_return http::Response::error(
              400, "Mesh requests must be addressed to http://{id}.plt.local, got host \"" +
                       std::string(request.headers.get("host")) + "\"");
        }
        // The application's own request id and trace context travel in its headers (js/host.cjs
        // adds those of the request it is serving); the hop is a CLIENT span of the caller.
        adoptIncoming(request);
        std::string host(request.headers.get("host"));
        observe::Span span = startClientSpan(*source, request, "http", host);
        http::Response response = co_await mesh->dispatch(*id, std::move(request));
        span.setHttpStatus(response.status);
        span.end();
        co_return response;
      },
      loops_.size());

  ::unlink(path_.c_str());
  asio::local::stream_protocol::acceptor first(loops_.at(0).context());
  error_code ec;
  first.open(asio::local::stream_protocol(), ec);
  if (!ec) first.bind(asio::local::stream_protocol::endpoint(path_), ec);
  if (!ec) first.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return "cannot listen on " + path_ + ": " + ec.message();
  int fd = first.release(ec);
  // Every loop accepts on its own descriptor of the same socket: the kernel hands each
  // connection to one of them.
  for (unsigned i = 0; i < loops_.size(); ++i) {
    int mine = i == 0 ? fd : ::dup(fd);
    auto acceptor = std::make_unique<asio::local::stream_protocol::acceptor>(loops_.at(i).context());
    acceptor->assign(asio::local::stream_protocol(), mine, ec);
    if (ec) return "cannot listen on " + path_ + ": " + ec.message();
    acceptors_.push_back(std::move(acceptor));
  }
  for (unsigned i = 0; i < loops_.size(); ++i) {
    auto* acceptor = acceptors_[i].get();
    auto* server = server_.get();
    loops_.at(i).post([server, acceptor, i] { server->acceptOn(*acceptor, i); });
  }
  return {};
}

void MeshListener::stop() {
  if (acceptors_.empty()) return;
  // Acceptors belong to their loops: close them there and wait.
  std::vector<std::future<void>> done;
  for (unsigned i = 0; i < acceptors_.size(); ++i) {
    auto promise = std::make_shared<std::promise<void>>();
    done.push_back(promise->get_future());
    auto* acceptor = acceptors_[i].get();
    loops_.at(i).post([acceptor, promise] {
      error_code ec;
      acceptor->close(ec);
      promise->set_value();
    });
  }
  for (auto& f : done) f.wait();
  if (server_) server_->drain();
  ::unlink(path_.c_str());
}

}  // namespace watt::runtime
