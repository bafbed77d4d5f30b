// Event loops: one asio::io_context per thread, each named ("loop:0", "loop:1") so that
// `top -H` reads naturally. State that lives on a loop is touched only by that loop's thread;
// other threads post closures to it. Loop::current() tells code which loop it runs on.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/asio.h"

namespace watt::runtime {

class Loop {
 public:
  Loop(unsigned index, std::string name);
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  unsigned index() const { return index_; }
  const std::string& name() const { return name_; }
  asio::io_context& context() { return context_; }

  // The loop whose thread is calling, or nullptr off the loop threads.
  static Loop* current();

  void start();  // runs the context on a new thread until stop()
  void stop();   // stops the context and joins the thread

  template <typename F>
  void post(F&& f) {
    asio::post(context_, std::forward<F>(f));
  }

 private:
  unsigned index_;
  std::string name_;
  asio::io_context context_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::thread thread_;
};

class LoopGroup {
 public:
  explicit LoopGroup(unsigned count);
  ~LoopGroup();

  unsigned size() const { return static_cast<unsigned>(loops_.size()); }
  Loop& at(unsigned i) { return *loops_[i]; }
  void start();
  void stop();

  // Runs `f(loop)` on every loop (posted; returns immediately).
  template <typename F>
  void postToAll(F f) {
    for (auto& loop : loops_) {
      Loop* l = loop.get();
      l->post([f, l]() mutable { f(*l); });
    }
  }

 private:
  std::vector<std::unique_ptr<Loop>> loops_;
};

}  // namespace watt::runtime
