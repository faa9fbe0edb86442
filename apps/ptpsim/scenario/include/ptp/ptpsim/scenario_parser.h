// Reading ptpsim scenario files (TOML, through toml11). Every error names the file, the line and
// the key, and says what is wrong:
//   failover.toml:14: node[1].options.priority1: 256 is out of range [0, 255]
//   failover.toml:30: link[0].b: unknown node or switch 'sw9'
// Nothing is thrown: toml11's exceptions are caught inside and become errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "ptp/ptpsim/scenario.h"
#include "ptp/result.h"

namespace ptp::ptpsim {

enum class ScenarioErrorKind : std::uint8_t {
  kCannotReadFile,
  kSyntax,            // not TOML
  kWrongType,         // e.g. a string where a number belongs
  kUnknownKey,        // a key the format does not have (never ignored)
  kMissingKey,        // a required key is absent
  kBadValue,          // out of range, not one of the allowed words, a malformed duration, ...
  kBadOption,         // a ptp4l option in [node.options] that the option table rejects
  kDuplicateName,     // two nodes, switches or links of one name
  kUnknownReference,  // a link or an event naming a node, switch or link that does not exist
  kBadTopology,       // a link from a node to itself, a host with two links, a loop, ...
  kEventOutOfRun,     // an event after the run's duration
};

struct ScenarioError {
  ScenarioErrorKind kind = ScenarioErrorKind::kSyntax;
  std::string file;
  std::size_t line = 0;  // 1-based; 0 when unknown
  std::string key;       // dotted path with array indices: "node[2].options.priority1"
  std::string problem;

  // "file:line: key: problem", leaving out what is empty or zero.
  [[nodiscard]] std::string message() const;
};

// `file_name` names the text in errors.
Result<Scenario, ScenarioError> parse_scenario(std::string_view text, std::string_view file_name);
Result<Scenario, ScenarioError> parse_scenario_file(const std::filesystem::path& path);

}  // namespace ptp::ptpsim
