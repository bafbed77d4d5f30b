// Coroutines of one loop waiting for a resource (a pooled PostgreSQL connection, the loop's
// SQLite connection), woken first in, first out. The resource is handed to the woken waiter
// directly, so a newcomer cannot overtake a waiter. One loop only: no locking.
#pragma once

#include <deque>
#include <memory>
#include <optional>

#include "common/asio.h"

namespace watt::db {

template <typename T>
class WaiterQueue {
 public:
  // Suspends until handOff() gives this waiter a value.
  Task<T> wait() {
    auto executor = co_await asio::this_coro::executor;
    auto waiter = std::make_shared<Waiter>(executor);
    waiters_.push_back(waiter);
    while (!waiter->granted) {
      auto [ec] = co_await waiter->timer.async_wait(kNoThrow);
      (void)ec;  // cancelled by handOff(): the expected wake-up
    }
    co_return std::move(*waiter->granted);
  }

  // Gives `value` to the oldest waiter; false (value untouched) when nobody waits.
  bool handOff(T& value) {
    if (waiters_.empty()) return false;
    auto waiter = std::move(waiters_.front());
    waiters_.pop_front();
    waiter->granted = std::move(value);
    waiter->timer.cancel();
    return true;
  }

  bool empty() const { return waiters_.empty(); }

 private:
  struct Waiter {
    explicit Waiter(const asio::any_io_executor& executor)
        : timer(executor, asio::steady_timer::time_point::max()) {}
    asio::steady_timer timer;
    std::optional<T> granted;
  };
  std::deque<std::shared_ptr<Waiter>> waiters_;
};

}  // namespace watt::db
