// A Database that times every query and transaction of one application into the metrics
// registry (watt_db_query_duration_seconds, watt_db_queries_in_flight) and forwards everything
// to the real database. Used only when metrics are on; the record is two per-loop updates.
#pragma once

#include <chrono>
#include <exception>
#include <memory>

#include "db/database.h"
#include "observe/metrics.h"

namespace watt::kinds::db {

class MeteredDatabase final : public ::watt::db::Database {
 public:
  MeteredDatabase(std::unique_ptr<::watt::db::Database> inner, observe::MetricsRegistry& metrics,
                  uint16_t application)
      : inner_(std::move(inner)), metrics_(metrics), application_(application) {}

  ::watt::db::Dialect dialect() const override { return inner_->dialect(); }
  ::watt::db::Connection& controlConnection() override { return inner_->controlConnection(); }
  std::optional<::watt::db::Schema> introspect(
      std::string& error, const ::watt::db::IntrospectOptions& options) override {
    return inner_->introspect(error, options);
  }
  Task<::watt::db::QueryResult> query(unsigned loop, std::string sql,
                                      std::vector<::watt::db::Value> params) override;
  Task<::watt::db::QueryResult> transaction(
      unsigned loop,
      std::function<Task<::watt::db::QueryResult>(::watt::db::Connection&)> body) override;
  void close() override { inner_->close(); }

 private:
  std::unique_ptr<::watt::db::Database> inner_;
  observe::MetricsRegistry& metrics_;
  uint16_t application_;
};

}  // namespace watt::kinds::db
