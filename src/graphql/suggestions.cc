#include "graphql/suggestions.h"

#include <algorithm>
#include <optional>

namespace watt::graphql {
namespace {

constexpr size_t kMaxSuggestions = 5;

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

// Optimal string alignment distance, abandoned as soon as it must exceed the threshold.
class LexicalDistance {
 public:
  explicit LexicalDistance(std::string_view input) : input_(input), inputLower_(lowered(input)) {
    for (auto& row : rows_) row.assign(input.size() + 1, 0);
  }

  std::optional<size_t> measure(std::string_view option, size_t threshold) {
    if (input_ == option) return 0;
    std::string optionLower = lowered(option);
    if (inputLower_ == optionLower) return 1;
    std::string_view a = optionLower, b = inputLower_;
    if (a.size() < b.size()) std::swap(a, b);
    const size_t aLength = a.size(), bLength = b.size();
    if (aLength - bLength > threshold) return std::nullopt;
    for (size_t j = 0; j <= bLength; ++j) rows_[0][j] = j;
    for (size_t i = 1; i <= aLength; ++i) {
      auto& up = rows_[(i - 1) % 3];
      auto& current = rows_[i % 3];
      size_t smallest = current[0] = i;
      for (size_t j = 1; j <= bLength; ++j) {
        size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
        size_t cell = std::min({up[j] + 1, current[j - 1] + 1, up[j - 1] + cost});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
          cell = std::min(cell, rows_[(i - 2) % 3][j - 2] + 1);
        }
        smallest = std::min(smallest, cell);
        current[j] = cell;
      }
      if (smallest > threshold) return std::nullopt;
    }
    size_t distance = rows_[aLength % 3][bLength];
    if (distance > threshold) return std::nullopt;
    return distance;
  }

 private:
  std::string_view input_;
  std::string inputLower_;
  std::vector<size_t> rows_[3];
};

}  // namespace

std::vector<std::string_view> suggestionList(std::string_view input,
                                             const std::vector<std::string_view>& options) {
  LexicalDistance distance(input);
  const size_t threshold = input.size() * 4 / 10 + 1;  // Math.floor(length * 0.4) + 1
  std::vector<std::pair<std::string_view, size_t>> found;
  for (std::string_view option : options) {
    auto d = distance.measure(option, threshold);
    if (!d) continue;
    // Options are keys of a JS object: a repeated one keeps its first position, last distance.
    auto it = std::find_if(found.begin(), found.end(), [&](auto& f) { return f.first == option; });
    if (it != found.end()) {
      it->second = *d;
    } else {
      found.emplace_back(option, *d);
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& x, const auto& y) {
    if (x.second != y.second) return x.second < y.second;
    return naturalCompare(x.first, y.first) < 0;
  });
  std::vector<std::string_view> out;
  out.reserve(found.size());
  for (auto& f : found) out.push_back(f.first);
  return out;
}

std::string didYouMean(const std::vector<std::string_view>& suggestions,
                       std::string_view subMessage) {
  if (suggestions.empty()) return {};
  std::string message = " Did you mean ";
  if (!subMessage.empty()) {
    message.append(subMessage);
    message += ' ';
  }
  auto quoted = [](std::string_view s) { return "\"" + std::string(s) + "\""; };
  if (suggestions.size() == 1) return message + quoted(suggestions[0]) + "?";
  if (suggestions.size() == 2) {
    return message + quoted(suggestions[0]) + " or " + quoted(suggestions[1]) + "?";
  }
  size_t count = std::min(kMaxSuggestions, suggestions.size());
  for (size_t i = 0; i + 1 < count; ++i) message += quoted(suggestions[i]) + ", ";
  return message + "or " + quoted(suggestions[count - 1]) + "?";
}

int naturalCompare(std::string_view a, std::string_view b) {
  auto isDigit = [](char c) { return c >= '0' && c <= '9'; };
  size_t ai = 0, bi = 0;
  while (ai < a.size() && bi < b.size()) {
    char ac = a[ai], bc = b[bi];
    if (isDigit(ac) && isDigit(bc)) {
      // As graphql-js: a digit run is read while the number stays zero or the next char is a
      // digit, so leading zeros end a run early.
      uint64_t an = 0, bn = 0;
      do {
        an = an * 10 + static_cast<uint64_t>(a[ai] - '0');
        ++ai;
      } while (ai < a.size() && isDigit(a[ai]) && an > 0);
      do {
        bn = bn * 10 + static_cast<uint64_t>(b[bi] - '0');
        ++bi;
      } while (bi < b.size() && isDigit(b[bi]) && bn > 0);
      if (an < bn) return -1;
      if (an > bn) return 1;
    } else {
      if (ac < bc) return -1;
      if (ac > bc) return 1;
      ++ai;
      ++bi;
    }
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

}  // namespace watt::graphql
