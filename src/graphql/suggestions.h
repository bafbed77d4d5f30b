// "Did you mean ...?" hints as graphql-js computes them: candidates within a Damerau-Levenshtein
// distance of 40% of the input's length (case changes count as one edit), closest first, ties in
// natural order, at most five quoted in the message.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace watt::graphql {

std::vector<std::string_view> suggestionList(std::string_view input,
                                             const std::vector<std::string_view>& options);

// " Did you mean "a", "b", or "c"?" (empty when there are no suggestions). subMessage is inserted
// after "Did you mean", e.g. "the enum value".
std::string didYouMean(const std::vector<std::string_view>& suggestions,
                       std::string_view subMessage = {});

// graphql-js naturalCompare: digit runs compare by numeric value.
int naturalCompare(std::string_view a, std::string_view b);

}  // namespace watt::graphql
