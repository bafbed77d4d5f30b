// The data operations behind both generated APIs of a database application (REST and GraphQL):
// how a save decides between update and insert, fills auto-timestamps and generated uuids, and
// keeps a restricted role inside its row checks. One implementation, so the two APIs cannot
// drift apart (sql-mapper's entity.save/insert/delete in the reference).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/asio.h"
#include "db/database.h"
#include "db/sql_builder.h"
#include "kinds/db/entity_model.h"

namespace watt::kinds::db {

// "2026-11-21T10:00:00.000Z": what `new Date()` prints, for auto-timestamp columns.
std::string isoNow();
std::string uuidV4();

// WHERE key1 = v1 AND key2 = v2 ...
sql::Filter keyFilter(const InputValues& key);

// Adds an authorization rule's row checks to a client filter. A check replaces a client
// condition on the same column at the top level; OR groups are kept and stay AND-ed with the
// checks, so they can only narrow what the checks allow.
void applyChecks(sql::Filter& where, const std::vector<sql::Condition>& checks);

struct SaveRequest {
  const Entity* entity = nullptr;
  InputValues values;  // the row's fields (input merged with path keys and rule defaults)
  InputValues key;     // the row to update; empty: every primary key found in `values`, if all are
  std::vector<sql::Condition> checks;  // the save rule's row checks; an update must satisfy them
  std::vector<std::string> returning;  // columns read back
};

struct SaveOutcome {
  sql::QueryResult result;  // the saved row (one row), or the database's error
  bool forbidden = false;   // the row to update is outside the rule's checks (or does not exist)
};

// Update the keyed row when there is one (within `checks`), else insert; in one transaction.
Task<SaveOutcome> saveRow(sql::Database& database, unsigned loop, SaveRequest request);

// Inserts every row in one transaction; the rows read back, in input order.
Task<sql::QueryResult> insertRows(sql::Database& database, unsigned loop, const Entity& entity,
                                  std::vector<InputValues> rows, std::vector<std::string> returning);

}  // namespace watt::kinds::db
