#include "graphql/error.h"

namespace watt::graphql {

json::object GraphqlError::toJson(bool pathIndicesAsStrings) const {
  json::object out;
  out.reserve(3);
  out.emplace("message", message);
  if (!locations.empty()) {
    json::array locs;
    locs.reserve(locations.size());
    for (const SourceLocation& loc : locations) {
      locs.push_back(json::object{{"line", loc.line}, {"column", loc.column}});
    }
    out.emplace("locations", std::move(locs));
  }
  if (!path.empty()) {
    if (!pathIndicesAsStrings) {
      out.emplace("path", path);
    } else {
      json::array p;
      p.reserve(path.size());
      for (const json::value& segment : path) {
        if (segment.is_string()) {
          p.push_back(segment);
        } else {
          p.push_back(json::value(std::to_string(segment.to_number<int64_t>())));
        }
      }
      out.emplace("path", std::move(p));
    }
  }
  return out;
}

GraphqlError locatedError(const ast::Document& document, std::string message,
                          std::initializer_list<uint32_t> offsets) {
  GraphqlError error{std::move(message), {}, {}};
  error.locations.reserve(offsets.size());
  for (uint32_t offset : offsets) error.locations.push_back(document.locate(offset));
  return error;
}

}  // namespace watt::graphql
