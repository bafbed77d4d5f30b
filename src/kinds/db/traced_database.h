// A database that records a CLIENT span per SQL statement a request runs (`db.system`,
// `db.query.text` with the statement as built: placeholders, never parameter values), as a
// child of the request's span. Wraps the real database only when telemetry is on.
//
// The database layer has no Request at hand: the parent comes from observe::currentTrace(),
// which ServerSpan sets when the request's handler starts; each query puts it back when it
// resumes, since other requests of the loop may have run meanwhile.
#pragma once

#include <memory>

#include "db/database.h"

namespace watt::kinds::db {

std::unique_ptr<::watt::db::Database> tracedDatabase(std::unique_ptr<::watt::db::Database> inner);

}  // namespace watt::kinds::db
