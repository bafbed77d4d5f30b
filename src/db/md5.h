// MD5 as hex, only for the migration checksums postgrator keeps in the `versions` table (a
// file changed after it was applied is detected by comparing them). Not for security.
#pragma once

#include <string>
#include <string_view>

namespace watt::db {

std::string md5Hex(std::string_view data);

}  // namespace watt::db
