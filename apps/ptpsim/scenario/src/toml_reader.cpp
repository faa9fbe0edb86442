// TableReader: typed, located reads of toml11 tables; durations with units.
#include "toml_reader.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include "ptp/portability.h"

namespace ptp::ptpsim::detail {
namespace {

std::string format_number(double value) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return {buffer.data(), result.ptr};
}

struct Unit {
  std::string_view name;
  std::int64_t picoseconds;
};

constexpr std::array kUnits{
    Unit{"ps", 1},
    Unit{"ns", 1'000},
    Unit{"us", 1'000'000},
    Unit{"ms", 1'000'000'000},
    Unit{"s", 1'000'000'000'000},
    Unit{"min", 60'000'000'000'000},
    Unit{"h", 3'600'000'000'000'000},
};

}  // namespace

std::string join(std::initializer_list<std::string_view> parts) {
  std::string joined;
  for (std::string_view part : parts) joined.append(part);
  return joined;
}

void Context::fail(ScenarioErrorKind kind, std::size_t line, std::string key, std::string problem) {
  if (error_) return;  // the first error is the one worth reading
  error_ = ScenarioError{kind, file_, line, std::move(key), std::move(problem)};
}

std::size_t line_of(const TomlValue& value) { return value.location().line(); }

std::string_view type_name(const TomlValue& value) {
  switch (value.type()) {
    case toml::value_t::boolean: return "a boolean";
    case toml::value_t::integer: return "an integer";
    case toml::value_t::floating: return "a float";
    case toml::value_t::string: return "a string";
    case toml::value_t::array: return "an array";
    case toml::value_t::table: return "a table";
    case toml::value_t::offset_datetime:
    case toml::value_t::local_datetime:
    case toml::value_t::local_date:
    case toml::value_t::local_time: return "a date or time";
    case toml::value_t::empty: break;
  }
  return "nothing";
}

std::optional<SimDuration> parse_duration_text(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const std::size_t number_end = text.find_first_not_of("0123456789.");
  if (number_end == 0 || number_end == std::string_view::npos) return std::nullopt;
  const std::string_view number = text.substr(0, number_end);
  std::string_view unit_name = text.substr(number_end);
  while (!unit_name.empty() && unit_name.front() == ' ') unit_name.remove_prefix(1);
  const Unit* unit = nullptr;
  for (const Unit& candidate : kUnits) {
    if (candidate.name == unit_name) unit = &candidate;
  }
  if (unit == nullptr) return std::nullopt;

  // Exact decimal arithmetic: whole part times the unit, plus the fraction's digits scaled.
  const std::size_t point = number.find('.');
  const std::string_view whole = number.substr(0, point);
  const std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : number.substr(point + 1);
  if (fraction.find('.') != std::string_view::npos || (whole.empty() && fraction.empty())) {
    return std::nullopt;
  }
  std::int64_t whole_value = 0;
  if (!whole.empty()) {
    const auto [end, error] =
        std::from_chars(whole.data(), whole.data() + whole.size(), whole_value);
    if (error != std::errc() || end != whole.data() + whole.size()) return std::nullopt;
  }
  const auto whole_picoseconds = checked_mul(whole_value, unit->picoseconds);
  if (!whole_picoseconds) return std::nullopt;
  std::int64_t picoseconds = *whole_picoseconds;
  std::int64_t scale = unit->picoseconds;
  for (const char digit : fraction) {
    // Digits finer than a picosecond must be zero: a duration is a whole number of picoseconds.
    if (scale % 10 != 0) {
      if (digit != '0') return std::nullopt;
      continue;
    }
    scale /= 10;
    const auto sum = checked_add(picoseconds, (digit - '0') * scale);
    if (!sum) return std::nullopt;
    picoseconds = *sum;
  }
  return SimDuration::picoseconds(negative ? -picoseconds : picoseconds);
}

std::optional<SimDuration> duration_from_seconds(double seconds) {
  const double picoseconds = std::round(seconds * 1e12);
  // 9.2e18 ps (~106 days) is what an int64 of picoseconds holds.
  if (!std::isfinite(picoseconds) || std::fabs(picoseconds) > 9.2e18) return std::nullopt;
  return SimDuration::picoseconds(static_cast<std::int64_t>(picoseconds));
}

TableReader::TableReader(Context& context, const TomlValue& table, std::string path)
    : context_(&context), table_(&table), path_(std::move(path)) {}

std::string TableReader::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : join({path_, ".", key});
}

bool TableReader::has(std::string_view key) const {
  return table_->as_table().count(std::string(key)) != 0;
}

const TomlValue* TableReader::find(std::string_view key) {
  if (context_->failed()) return nullptr;
  const auto& table = table_->as_table();
  const auto found = table.find(std::string(key));
  if (found == table.end()) return nullptr;
  read_.insert(std::string(key));
  return &found->second;
}

std::vector<std::pair<std::string, const TomlValue*>> TableReader::entries() const {
  std::vector<std::pair<std::string, const TomlValue*>> all;
  for (const auto& [key, value] : table_->as_table()) all.emplace_back(key, &value);
  return all;
}

std::size_t TableReader::line_of_key(std::string_view key) const {
  const auto& table = table_->as_table();
  const auto found = table.find(std::string(key));
  return found == table.end() ? line() : line_of(found->second);
}

void TableReader::fail(ScenarioErrorKind kind, std::string_view key, std::string problem) {
  context_->fail(kind, line_of_key(key), key_path(key), std::move(problem));
}

void TableReader::type_error(std::string_view key, const TomlValue& value,
                             std::string_view expected) {
  fail(ScenarioErrorKind::kWrongType, key,
       join({"expected ", expected, ", got ", type_name(value)}));
}

void TableReader::string(std::string_view key, std::string& out) {
  const TomlValue* value = find(key);
  if (value == nullptr) return;
  if (!value->is_string()) return type_error(key, *value, "a string");
  out = value->as_string().str;
}

void TableReader::required_string(std::string_view key, std::string& out) {
  if (!context_->failed() && !has(key)) {
    return fail(ScenarioErrorKind::kMissingKey, key, "missing (required)");
  }
  string(key, out);
  if (!context_->failed() && out.empty()) {
    fail(ScenarioErrorKind::kBadValue, key, "must not be empty");
  }
}

void TableReader::integer(std::string_view key, std::int64_t& out, std::int64_t min,
                          std::int64_t max) {
  const TomlValue* value = find(key);
  if (value == nullptr) return;
  if (!value->is_integer()) return type_error(key, *value, "an integer");
  const std::int64_t number = value->as_integer();
  if (number < min || number > max) {
    return fail(ScenarioErrorKind::kBadValue, key,
                join({std::to_string(number), " is out of range [", std::to_string(min), ", ",
                      std::to_string(max), "]"}));
  }
  out = number;
}

void TableReader::unsigned_integer(std::string_view key, std::uint64_t& out, std::uint64_t min) {
  std::int64_t number = static_cast<std::int64_t>(out);
  integer(key, number, static_cast<std::int64_t>(min), std::numeric_limits<std::int64_t>::max());
  if (!context_->failed()) out = static_cast<std::uint64_t>(number);
}

void TableReader::real(std::string_view key, double& out, double min, double max) {
  const TomlValue* value = find(key);
  if (value == nullptr) return;
  double number = 0;
  if (value->is_floating()) {
    number = value->as_floating();
  } else if (value->is_integer()) {
    number = static_cast<double>(value->as_integer());
  } else {
    return type_error(key, *value, "a number");
  }
  if (!std::isfinite(number) || number < min || number > max) {
    const std::string low =
        min == -std::numeric_limits<double>::max() ? "-inf" : format_number(min);
    const std::string high = max == std::numeric_limits<double>::max() ? "inf" : format_number(max);
    return fail(ScenarioErrorKind::kBadValue, key,
                join({format_number(number), " is out of range [", low, ", ", high, "]"}));
  }
  out = number;
}

void TableReader::boolean(std::string_view key, bool& out) {
  const TomlValue* value = find(key);
  if (value == nullptr) return;
  if (!value->is_boolean()) return type_error(key, *value, "a boolean (true or false)");
  out = value->as_boolean();
}

void TableReader::duration(std::string_view key, SimDuration& out, DurationRule rule) {
  std::optional<SimDuration> parsed;
  optional_duration(key, parsed, rule);
  if (parsed) out = *parsed;
}

void TableReader::optional_duration(std::string_view key, std::optional<SimDuration>& out,
                                    DurationRule rule) {
  const TomlValue* value = find(key);
  if (value == nullptr) return;
  std::optional<SimDuration> parsed;
  if (value->is_integer()) {
    parsed = duration_from_seconds(static_cast<double>(value->as_integer()));
  } else if (value->is_floating()) {
    parsed = duration_from_seconds(value->as_floating());
  } else if (value->is_string()) {
    parsed = parse_duration_text(value->as_string().str);
    if (!parsed) {
      return fail(ScenarioErrorKind::kBadValue, key,
                  join({"'", value->as_string().str,
                        "' is not a duration: give seconds as a number, or a string such as "
                        "\"500 ns\" (units ps, ns, us, ms, s, min, h)"}));
    }
  } else {
    return type_error(key, *value, "a duration (seconds, or a string such as \"500 ns\")");
  }
  if (!parsed) return fail(ScenarioErrorKind::kBadValue, key, "duration out of range");
  if (rule == DurationRule::kNonNegative && parsed->picoseconds() < 0) {
    return fail(ScenarioErrorKind::kBadValue, key, "must not be negative");
  }
  if (rule == DurationRule::kPositive && parsed->picoseconds() <= 0) {
    return fail(ScenarioErrorKind::kBadValue, key, "must be greater than zero");
  }
  out = parsed;
}

std::optional<std::size_t> TableReader::word(std::string_view key,
                                             std::span<const std::string_view> words) {
  const TomlValue* value = find(key);
  if (value == nullptr) return std::nullopt;
  std::string allowed;
  for (std::string_view candidate : words) {
    if (!allowed.empty()) allowed.append(", ");
    allowed.append(join({"\"", candidate, "\""}));
  }
  if (!value->is_string()) {
    type_error(key, *value, join({"one of ", allowed}));
    return std::nullopt;
  }
  const std::string& text = value->as_string().str;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i] == text) return i;
  }
  fail(ScenarioErrorKind::kBadValue, key, join({"'", text, "' is not one of ", allowed}));
  return std::nullopt;
}

std::optional<TableReader> TableReader::table(std::string_view key) {
  const TomlValue* value = find(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_table()) {
    type_error(key, *value, "a table");
    return std::nullopt;
  }
  return TableReader(*context_, *value, key_path(key));
}

std::vector<TableReader> TableReader::array_of_tables(std::string_view key) {
  std::vector<TableReader> tables;
  const TomlValue* value = find(key);
  if (value == nullptr) return tables;
  if (!value->is_array()) {
    type_error(key, *value, join({"an array of tables ([[", key, "]])"}));
    return tables;
  }
  const auto& array = value->as_array();
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string path = join({key_path(key), "[", std::to_string(i), "]"});
    if (!array[i].is_table()) {
      context_->fail(ScenarioErrorKind::kWrongType, line_of(array[i]), path,
                     join({"expected a table, got ", type_name(array[i])}));
      return {};
    }
    tables.emplace_back(*context_, array[i], path);
  }
  return tables;
}

void TableReader::finish() {
  if (context_->failed()) return;
  const std::pair<const std::string, TomlValue>* first_unknown = nullptr;
  for (const auto& entry : table_->as_table()) {
    if (read_.count(entry.first) != 0) continue;
    if (first_unknown == nullptr || line_of(entry.second) < line_of(first_unknown->second)) {
      first_unknown = &entry;
    }
  }
  if (first_unknown != nullptr) {
    context_->fail(ScenarioErrorKind::kUnknownKey, line_of(first_unknown->second),
                   key_path(first_unknown->first), "unknown key");
  }
}

}  // namespace ptp::ptpsim::detail
