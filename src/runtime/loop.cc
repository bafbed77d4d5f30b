#include "runtime/loop.h"

#include <pthread.h>

namespace watt::runtime {
namespace {
thread_local Loop* tCurrentLoop = nullptr;
}

// One thread per context: tell Asio so it can skip internal locking.
Loop::Loop(unsigned index, std::string name)
    : index_(index), name_(std::move(name)), context_(1) {}

Loop::~Loop() { stop(); }

Loop* Loop::current() { return tCurrentLoop; }

void Loop::start() {
  work_.emplace(context_.get_executor());
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
    tCurrentLoop = this;
    context_.run();
    tCurrentLoop = nullptr;
  });
}

void Loop::stop() {
  if (!thread_.joinable()) return;
  work_.reset();
  context_.stop();
  thread_.join();
}

LoopGroup::LoopGroup(unsigned count) {
  for (unsigned i = 0; i < count; ++i)
    loops_.push_back(std::make_unique<Loop>(i, "loop:" + std::to_string(i)));
}

LoopGroup::~LoopGroup() { stop(); }

void LoopGroup::start() {
  for (auto& l : loops_) l->start();
}

void LoopGroup::stop() {
  for (auto& l : loops_) l->stop();
}

}  // namespace watt::runtime
