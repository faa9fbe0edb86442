// Reading toml11 values with errors that name the file, the line and the key path. A Context
// keeps the first error; after it, every read is a no-op, so the readers can be written as
// straight-line code and checked once at the end. A TableReader remembers which keys were read,
// so that finish() can report the first key nobody asked for: unknown keys are errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ptp/ptpsim/scenario.h"
#include "ptp/ptpsim/scenario_parser.h"

// toml11 warns under the project's flags: SYSTEM includes keep its warnings out.
#include <toml.hpp>

namespace ptp::ptpsim::detail {

// std::map: tables iterate in key order, whatever the platform's hash.
using TomlValue = toml::basic_value<toml::discard_comments, std::map, std::vector>;

class Context {
 public:
  explicit Context(std::string file) : file_(std::move(file)) {}

  void fail(ScenarioErrorKind kind, std::size_t line, std::string key, std::string problem);
  [[nodiscard]] bool failed() const { return error_.has_value(); }
  [[nodiscard]] const ScenarioError& error() const { return *error_; }

 private:
  std::string file_;
  std::optional<ScenarioError> error_;
};

// Joins text parts: chains of `std::string + ...` cost a temporary each (clang-tidy's
// performance-inefficient-string-concatenation) and trip a false -Wrestrict in GCC 12 at -O3.
std::string join(std::initializer_list<std::string_view> parts);

// Which durations a key accepts.
enum class DurationRule : std::uint8_t { kAny, kNonNegative, kPositive };

std::size_t line_of(const TomlValue& value);
// "an integer", "a string", ... for type errors.
std::string_view type_name(const TomlValue& value);
// A duration from its text: "<decimal> <unit>", units ps, ns, us, ms, s, min, h (blank
// optional), exact to the picosecond; std::nullopt when malformed or beyond SimDuration.
std::optional<SimDuration> parse_duration_text(std::string_view text);
std::optional<SimDuration> duration_from_seconds(double seconds);

class TableReader {
 public:
  // `table` must be a table; `path` is its key path ("node[2].clock", "" for the file's root).
  TableReader(Context& context, const TomlValue& table, std::string path);

  [[nodiscard]] Context& context() const { return *context_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::size_t line() const { return line_of(*table_); }
  [[nodiscard]] std::string key_path(std::string_view key) const;
  [[nodiscard]] bool has(std::string_view key) const;
  // The value of `key` (marking it read), or nullptr when absent or after an error.
  const TomlValue* find(std::string_view key);
  // Every key and value, in key order, without marking them read.
  [[nodiscard]] std::vector<std::pair<std::string, const TomlValue*>> entries() const;
  // The line of `key` if present, else the table's.
  [[nodiscard]] std::size_t line_of_key(std::string_view key) const;

  void fail(ScenarioErrorKind kind, std::string_view key, std::string problem);

  // Optional keys: `out` keeps its value when the key is absent.
  void string(std::string_view key, std::string& out);
  void required_string(std::string_view key, std::string& out);
  void integer(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max);
  void unsigned_integer(std::string_view key, std::uint64_t& out, std::uint64_t min);
  // A float or an integer, finite, in [min, max].
  void real(std::string_view key, double& out, double min, double max);
  void probability(std::string_view key, double& out) { real(key, out, 0.0, 1.0); }
  void boolean(std::string_view key, bool& out);
  // A number of seconds, or a string with a unit ("500 ns", "5 min").
  void duration(std::string_view key, SimDuration& out, DurationRule rule);
  void optional_duration(std::string_view key, std::optional<SimDuration>& out, DurationRule rule);
  // One of `words`; returns the index of the word given, or std::nullopt (absent or error).
  std::optional<std::size_t> word(std::string_view key, std::span<const std::string_view> words);
  // A sub-table (or nullopt when absent or not a table: the latter is an error).
  std::optional<TableReader> table(std::string_view key);
  // An array of tables ([[node]]), or empty when absent.
  std::vector<TableReader> array_of_tables(std::string_view key);

  // Reports the first key (in line order) that nobody read.
  void finish();

 private:
  void type_error(std::string_view key, const TomlValue& value, std::string_view expected);

  Context* context_;
  const TomlValue* table_;
  std::string path_;
  std::set<std::string, std::less<>> read_;
};

}  // namespace ptp::ptpsim::detail
