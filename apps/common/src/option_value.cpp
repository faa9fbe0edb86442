// Option values from text: strtol-style integers, finite doubles, enum spellings, strings.
#include "ptp/app/option_value.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>

#include "text.h"

namespace ptp::app {
namespace {

enum class NumberStatus : std::uint8_t { kOk, kMalformed, kOutOfRange };

// strtol(text, &end, 0) with end required at the end of the text: sign, then "0x" hex, "0"
// octal or decimal digits.
NumberStatus parse_integer(std::string_view text, std::int64_t& result) {
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  } else if (text.size() > 1 && text[0] == '0') {
    base = 8;
    text.remove_prefix(1);
  }
  // from_chars would take a second sign; strtol would not.
  if (text.empty() || text.front() == '+' || text.front() == '-') return NumberStatus::kMalformed;
  std::uint64_t magnitude = 0;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), magnitude, base);
  if (end != text.data() + text.size()) return NumberStatus::kMalformed;
  if (error == std::errc::result_out_of_range) return NumberStatus::kOutOfRange;
  if (error != std::errc()) return NumberStatus::kMalformed;
  constexpr auto kMaxMagnitude =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (magnitude > kMaxMagnitude + (negative ? 1U : 0U)) return NumberStatus::kOutOfRange;
  if (negative) {
    result = magnitude == kMaxMagnitude + 1U ? std::numeric_limits<std::int64_t>::min()
                                             : -static_cast<std::int64_t>(magnitude);
  } else {
    result = static_cast<std::int64_t>(magnitude);
  }
  return NumberStatus::kOk;
}

NumberStatus parse_double(std::string_view text, double& result) {
  // from_chars takes no leading '+', strtod does.
  if (text.size() > 1 && text.front() == '+' && text[1] != '-' && text[1] != '+') {
    text.remove_prefix(1);
  }
  if (text.empty()) return NumberStatus::kMalformed;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), result);
  if (end != text.data() + text.size()) return NumberStatus::kMalformed;
  if (error == std::errc::result_out_of_range) return NumberStatus::kOutOfRange;
  if (error != std::errc() || std::isnan(result)) return NumberStatus::kMalformed;
  if (std::isinf(result)) return NumberStatus::kOutOfRange;
  return NumberStatus::kOk;
}

std::string all_spellings(const OptionDescriptor& option) {
  std::string text;
  for (const EnumSpelling& spelling : option.spellings) {
    if (!text.empty()) text.append(", ");
    text.append(spelling.name);
  }
  return text;
}

Result<OptionValue, OptionError> fail(ConfigErrorKind kind, std::string problem) {
  return unexpected(OptionError{kind, std::move(problem)});
}

std::string out_of_range(const OptionDescriptor& option, std::string_view value) {
  return text::concat({value, " is out of range ", range_text(option)});
}

std::string not_supported(std::string_view value, std::string_view supported) {
  return text::concat({value, " is not supported by ptpstack (supported: ", supported, ")"});
}

std::string quoted(std::string_view text) { return text::concat({"'", text, "'"}); }

Result<OptionValue, OptionError> parse_integer_option(const OptionDescriptor& option,
                                                      std::string_view text) {
  std::int64_t value = 0;
  switch (parse_integer(text, value)) {
    case NumberStatus::kOk: break;
    case NumberStatus::kMalformed:
      return fail(ConfigErrorKind::kMalformedValue,
                  text::concat({quoted(text), " is not an integer"}));
    case NumberStatus::kOutOfRange:
      return fail(ConfigErrorKind::kOutOfRange, out_of_range(option, text));
  }
  if (value < option.min || value > option.max) {
    return fail(ConfigErrorKind::kOutOfRange, out_of_range(option, text));
  }
  if (value < option.supported_min || value > option.supported_max) {
    return fail(
        ConfigErrorKind::kUnsupportedValue,
        not_supported(text, option.supported_min == option.supported_max
                                ? std::to_string(option.supported_min)
                                : text::concat({"[", std::to_string(option.supported_min), ", ",
                                                std::to_string(option.supported_max), "]"})));
  }
  return OptionValue(value);
}

Result<OptionValue, OptionError> parse_double_option(const OptionDescriptor& option,
                                                     std::string_view text) {
  double value = 0;
  switch (parse_double(text, value)) {
    case NumberStatus::kOk: break;
    case NumberStatus::kMalformed:
      return fail(ConfigErrorKind::kMalformedValue,
                  text::concat({quoted(text), " is not a number"}));
    case NumberStatus::kOutOfRange:
      return fail(ConfigErrorKind::kOutOfRange, out_of_range(option, text));
  }
  if (value < option.min_double || value > option.max_double) {
    return fail(ConfigErrorKind::kOutOfRange, out_of_range(option, text));
  }
  return OptionValue(value);
}

Result<OptionValue, OptionError> parse_enum_option(const OptionDescriptor& option,
                                                   std::string_view text) {
  for (const EnumSpelling& spelling : option.spellings) {
    if (!text::equal_ignoring_case(spelling.name, text)) continue;
    if (!spelling.supported) {
      return fail(ConfigErrorKind::kUnsupportedValue,
                  not_supported(spelling.name, supported_spellings(option)));
    }
    return OptionValue(spelling.value);
  }
  return fail(ConfigErrorKind::kBadEnumValue,
              text::concat({quoted(text), " is not one of ", all_spellings(option)}));
}

}  // namespace

Result<OptionValue, OptionError> parse_option_value(const OptionDescriptor& option,
                                                    std::string_view text) {
  if (text.empty()) return fail(ConfigErrorKind::kMissingValue, "missing value");
  switch (option.type) {
    case OptionType::kInteger: return parse_integer_option(option, text);
    case OptionType::kDouble: return parse_double_option(option, text);
    case OptionType::kEnum: return parse_enum_option(option, text);
    case OptionType::kString: return OptionValue(std::string(text));
  }
  return fail(ConfigErrorKind::kMalformedValue, "option of unknown type");
}

}  // namespace ptp::app
