// JavaScript's way of turning values into text, which GraphQL clients observe: numbers as
// Number.prototype.toString prints them ("8.1", "1e+21"), JSON as JSON.stringify writes it, values
// in error messages as graphql-js's inspect() shows them, and strings read as numbers like
// Number("12") does. Boost.JSON would print 8.1 as "8.1E0", which no Node client ever sees.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/asio.h"
#include "common/js_number.h"

namespace watt::graphql {

using ::watt::js::formatJsNumber;  // Number.prototype.toString() of a double

// String(n) for a JSON number (integers beyond 2^53 rounded as JSON.parse would).
std::string formatJsNumber(const json::value& number);

// The number a JSON number holds, as JavaScript sees it (all numbers are doubles there).
double jsNumber(const json::value& number);

// Number(text) for a string: trimmed, "" is 0, hexadecimal/octal/binary prefixes, "Infinity";
// nullopt for NaN.
std::optional<double> jsStringToNumber(std::string_view text);

// graphql-js inspect(): strings quoted as JSON, objects as "{ a: 1 }", nesting beyond two
// levels as "[Object]"/"[Array]", at most ten array items.
std::string inspect(const json::value& value);

// JSON.stringify(value) without indentation. Doubles that are not finite become null.
void appendJsJson(std::string& out, const json::value& value);
std::string serializeJsJson(const json::value& value);

}  // namespace watt::graphql
