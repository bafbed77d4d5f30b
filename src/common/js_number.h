// Number.prototype.toString(): how JavaScript prints a double, which every client of a Node
// server observes in JSON ("8.1", "1e+21", "0.000001", "1e-7"). Boost.JSON and printf print
// other digits or layouts ("8.1E0").
#pragma once

#include <string>

namespace watt::js {

// "NaN", "Infinity" and "-Infinity" for the values JSON cannot hold.
std::string formatJsNumber(double value);

}  // namespace watt::js
