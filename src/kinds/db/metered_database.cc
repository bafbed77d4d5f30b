#include "kinds/db/metered_database.h"

namespace watt::kinds::db {
namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Task<::watt::db::QueryResult> MeteredDatabase::query(unsigned loop, std::string sql,
                                                     std::vector<::watt::db::Value> params) {
  metrics_.queryStarted(loop, application_);
  auto start = std::chrono::steady_clock::now();
  ::watt::db::QueryResult result;
  std::exception_ptr failure;
  try {
    result = co_await inner_->query(loop, std::move(sql), std::move(params));
  } catch (...) {
    failure = std::current_exception();
  }
  metrics_.queryFinished(loop, application_, failure || !result.ok(), secondsSince(start));
  if (failure) std::rethrow_exception(failure);
  co_return result;
}

Task<::watt::db::QueryResult> MeteredDatabase::transaction(
    unsigned loop, std::function<Task<::watt::db::QueryResult>(::watt::db::Connection&)> body) {
  metrics_.queryStarted(loop, application_);
  auto start = std::chrono::steady_clock::now();
  ::watt::db::QueryResult result;
  std::exception_ptr failure;
  try {
    result = co_await inner_->transaction(loop, std::move(body));
  } catch (...) {
    failure = std::current_exception();
  }
  metrics_.queryFinished(loop, application_, failure || !result.ok(), secondsSince(start));
  if (failure) std::rethrow_exception(failure);
  co_return result;
}

}  // namespace watt::kinds::db
