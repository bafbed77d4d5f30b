#include "kinds/db/naming.h"

#include <regex>
#include <vector>

#include "common/ascii.h"

namespace watt::kinds::db {
namespace {

struct Rule {
  std::regex pattern;
  std::string replacement;  // ECMAScript-style $1 references
};

Rule rule(const char* pattern, const char* replacement) {
  return Rule{std::regex(pattern, std::regex::ECMAScript | std::regex::icase), replacement};
}

// The singular rules of `inflected` for English, highest priority first (the library prepends
// each rule it is given, so the last defined wins; irregulars are defined last).
const std::vector<Rule>& singularRules() {
  static const std::vector<Rule> rules = [] {
    std::vector<Rule> defined = {
        rule("s$", ""),
        rule("(ss)$", "$1"),
        rule("(n)ews$", "$1ews"),
        rule("([ti])a$", "$1um"),
        rule("((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)(sis|ses)$", "$1sis"),
        rule("(^analy)(sis|ses)$", "$1sis"),
        rule("([^f])ves$", "$1fe"),
        rule("(hive)s$", "$1"),
        rule("(tive)s$", "$1"),
        rule("([lr])ves$", "$1f"),
        rule("([^aeiouy]|qu)ies$", "$1y"),
        rule("(s)eries$", "$1eries"),
        rule("(m)ovies$", "$1ovie"),
        rule("(x|ch|ss|sh)es$", "$1"),
        rule("^(m|l)ice$", "$1ouse"),
        rule("(bus)(es)?$", "$1"),
        rule("(o)es$", "$1"),
        rule("(shoe)s$", "$1"),
        rule("(cris|test)(is|es)$", "$1is"),
        rule("^(a)x[ie]s$", "$1xis"),
        rule("(octop|vir)(us|i)$", "$1us"),
        rule("(alias|status)(es)?$", "$1"),
        rule("^(ox)en", "$1"),
        rule("(vert|ind)ices$", "$1ex"),
        rule("(matr)ices$", "$1ix"),
        rule("(quiz)zes$", "$1"),
        rule("(database)s$", "$1"),
    };
    // Irregulars whose singular and plural start with the same letter: two rules each.
    const std::pair<const char*, const char*> irregulars[] = {
        {"person", "people"}, {"man", "men"},   {"child", "children"},
        {"sex", "sexes"},     {"move", "moves"}, {"zombie", "zombies"}};
    for (const auto& [singular, plural] : irregulars) {
      std::string s(singular), p(plural);
      defined.push_back(rule(("(" + s.substr(0, 1) + ")" + s.substr(1) + "$").c_str(), ("$1" + s.substr(1)).c_str()));
      defined.push_back(rule(("(" + p.substr(0, 1) + ")" + p.substr(1) + "$").c_str(), ("$1" + s.substr(1)).c_str()));
    }
    return std::vector<Rule>(defined.rbegin(), defined.rend());
  }();
  return rules;
}

bool isUncountable(std::string_view word) {
  // The last word (\b\w+$) of the lower-cased input.
  std::string lower = ascii::lower(word);
  size_t start = lower.size();
  while (start > 0) {
    char c = lower[start - 1];
    bool wordChar = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!wordChar) break;
    --start;
  }
  std::string_view last = std::string_view(lower).substr(start);
  for (auto u : {"equipment", "information", "rice", "money", "species", "series", "fish", "sheep",
                 "jeans", "police"}) {
    if (last == u) return true;
  }
  return false;
}

bool isSeparator(char c) { return c == '_' || c == '.' || c == '-' || c == ' '; }
bool isLower(char c) { return c >= 'a' && c <= 'z'; }
bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentifierChar(char c) { return isLower(c) || isUpper(c) || isDigit(c) || c == '_' ||
                                       static_cast<unsigned char>(c) >= 0x80; }
char toUpper(char c) { return isLower(c) ? static_cast<char>(c - 32) : c; }

}  // namespace

std::string singularize(std::string_view word) {
  std::string result(word);
  if (result.empty() || isUncountable(result)) return result;
  for (const auto& r : singularRules()) {
    if (std::regex_search(result, r.pattern)) {
      return std::regex_replace(result, r.pattern, r.replacement, std::regex_constants::format_first_only);
    }
  }
  return result;
}

std::string camelCase(std::string_view raw) {
  std::string input(ascii::trim(raw));
  if (input.empty()) return input;
  if (input.size() == 1) return ascii::lower(input);
  bool hasUpper = false;
  for (char c : input) hasUpper |= isUpper(c);
  if (hasUpper) {
    // Insert '-' at lower->Upper boundaries and before the last capital of an acronym followed
    // by a lower-case letter ("XMLHttp" -> "XML-Http").
    bool lastLower = false, lastUpper = false, lastLastUpper = false;
    for (size_t i = 0; i < input.size(); ++i) {
      char c = input[i];
      if (lastLower && isUpper(c)) {
        input.insert(i, 1, '-');
        lastLower = false;
        lastLastUpper = lastUpper;
        lastUpper = true;
        ++i;
      } else if (lastUpper && lastLastUpper && isLower(c)) {
        input.insert(i - 1, 1, '-');
        lastLastUpper = lastUpper;
        lastUpper = false;
        lastLower = true;
      } else {
        lastLower = isLower(c);
        lastLastUpper = lastUpper;
        lastUpper = isUpper(c);
      }
    }
  }
  size_t lead = 0;
  while (lead < input.size() && isSeparator(input[lead])) ++lead;
  input = ascii::lower(std::string_view(input).substr(lead));
  // Separators followed by an identifier character (or the end): drop them, upper-case it.
  std::string out;
  out.reserve(input.size());
  for (size_t i = 0; i < input.size();) {
    if (isSeparator(input[i])) {
      size_t j = i;
      while (j < input.size() && isSeparator(input[j])) ++j;
      if (j == input.size()) break;  // trailing separators vanish
      if (isIdentifierChar(input[j])) {
        out += toUpper(input[j]);
        i = j + 1;
        continue;
      }
      out.append(input, i, j - i);
      i = j;
      continue;
    }
    out += input[i++];
  }
  // Digits followed by an identifier character: upper-case that character ("a1b" -> "a1B").
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    if (isDigit(out[i])) {
      size_t j = i;
      while (j < out.size() && isDigit(out[j])) ++j;
      if (j < out.size() && isIdentifierChar(out[j])) out[j] = toUpper(out[j]);
      i = j;
    }
  }
  return out;
}

std::string upperFirst(std::string_view s) {
  std::string out(s);
  if (!out.empty()) out[0] = toUpper(out[0]);
  return out;
}

std::string lowerFirst(std::string_view s) {
  std::string out(s);
  if (!out.empty()) out[0] = ascii::toLower(out[0]);
  return out;
}

std::string entityNameOf(std::string_view table) { return upperFirst(camelCase(singularize(table))); }

}  // namespace watt::kinds::db
