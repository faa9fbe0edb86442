// [unicast_master_table] sections: table_id, logQueryInterval and the master addresses, with
// ptp4l's ranges (table_id 1..INT_MAX, logQueryInterval INT8) and ptpstack's table size.
#include "unicast_master_table_reader.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "ptp/core/port_config.h"
#include "text.h"

namespace ptp::app {
namespace {

struct Words {
  std::string_view first;
  std::string_view rest;  // trimmed
};

Words split_first_word(std::string_view line) {
  const std::size_t end = line.find_first_of(" \t\f\v\r");
  if (end == std::string_view::npos) return {line, {}};
  return {line.substr(0, end), text::trim(line.substr(end))};
}

// A decimal integer with an optional sign and nothing else, as ptp4l's "%d" reads a table line.
std::optional<std::int64_t> parse_decimal(std::string_view value) {
  if (value.empty()) return std::nullopt;
  const bool negative = value.front() == '-';
  if (value.front() == '-' || value.front() == '+') value.remove_prefix(1);
  std::uint64_t magnitude = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), magnitude);
  if (value.empty() || error != std::errc() || end != value.data() + value.size() ||
      magnitude > std::uint64_t{1} << 32U) {
    return std::nullopt;
  }
  const auto number = static_cast<std::int64_t>(magnitude);
  return negative ? -number : number;
}

Result<void, ConfigError> fail(ConfigErrorKind kind, std::string_view source,
                               std::size_t line_number, std::string_view subject,
                               std::string problem) {
  return unexpected(ConfigError{kind, std::string(source), line_number, std::string(subject),
                                std::move(problem)});
}

// "name N" with N in [min, max].
Result<std::int64_t, ConfigError> read_number(std::string_view name, std::string_view value,
                                              std::int64_t min, std::int64_t max,
                                              std::string_view source, std::size_t line_number) {
  if (value.empty()) {
    return unexpected(ConfigError{ConfigErrorKind::kMissingValue, std::string(source), line_number,
                                  std::string(name), "missing value"});
  }
  const auto number = parse_decimal(value);
  if (!number) {
    return unexpected(ConfigError{ConfigErrorKind::kMalformedValue, std::string(source),
                                  line_number, std::string(name),
                                  text::concat({"'", value, "' is not a decimal integer"})});
  }
  if (*number < min || *number > max) {
    return unexpected(ConfigError{ConfigErrorKind::kOutOfRange, std::string(source), line_number,
                                  std::string(name),
                                  text::concat({value, " is out of range [", std::to_string(min),
                                                ", ", std::to_string(max), "]"})});
  }
  return *number;
}

Result<void, ConfigError> read_table_id(LinuxPtpConfig& config, std::string_view value,
                                        std::string_view source, std::size_t line_number,
                                        UnicastTableCursor& cursor) {
  auto id = read_number("table_id", value, 1, std::numeric_limits<std::int32_t>::max(), source,
                        line_number);
  if (!id) return unexpected(id.error());
  const auto table_id = static_cast<std::int32_t>(*id);
  if (const UnicastMasterTable* earlier = find_unicast_master_table(config, table_id)) {
    return fail(ConfigErrorKind::kDuplicateTableId, source, line_number, "table_id",
                text::concat({"table_id ", value, " is already taken (", earlier->source, ":",
                              std::to_string(earlier->line), ")"}));
  }
  cursor.table = config.unicast_master_tables.size();
  config.unicast_master_tables.push_back(
      UnicastMasterTable{table_id, 0, {}, std::string(source), line_number});
  return {};
}

Result<void, ConfigError> read_address(UnicastMasterTable& table, NetworkTransport transport,
                                       std::string_view transport_name, std::string_view value,
                                       std::string_view source, std::size_t line_number) {
  const bool v4 = transport == NetworkTransport::kUdpV4;
  const auto address = hal::IpAddress::parse(value);
  if (value.empty() || !address ||
      address->family() != (v4 ? hal::AddressFamily::kIpv4 : hal::AddressFamily::kIpv6)) {
    return fail(ConfigErrorKind::kBadAddress, source, line_number, transport_name,
                text::concat({"'", value, "' is not an ", v4 ? "IPv4" : "IPv6", " address"}));
  }
  if (address->is_multicast()) {
    return fail(ConfigErrorKind::kBadAddress, source, line_number, transport_name,
                text::concat({value, " is a multicast address; a master's own address is needed"}));
  }
  const auto same = [&](const UnicastMasterAddress& a) { return a.address == *address; };
  if (std::any_of(table.addresses.begin(), table.addresses.end(), same)) {
    return fail(ConfigErrorKind::kBadAddress, source, line_number, transport_name,
                text::concat({value, " is already in table ", std::to_string(table.table_id)}));
  }
  if (table.addresses.size() == kMaxUnicastMasters) {
    return fail(ConfigErrorKind::kTooManyTableEntries, source, line_number, transport_name,
                text::concat({"table ", std::to_string(table.table_id), " already has ",
                              std::to_string(kMaxUnicastMasters),
                              " masters, the most a ptpstack port takes"}));
  }
  table.addresses.push_back(UnicastMasterAddress{transport, *address, line_number});
  return {};
}

}  // namespace

Result<void, ConfigError> read_unicast_master_table_line(LinuxPtpConfig& config,
                                                         std::string_view line,
                                                         std::string_view source,
                                                         std::size_t line_number,
                                                         UnicastTableCursor& cursor) {
  const Words words = split_first_word(line);
  if (words.first == "table_id") {
    return read_table_id(config, words.rest, source, line_number, cursor);
  }
  if (cursor.table == UnicastTableCursor::kNoTable) {
    return fail(ConfigErrorKind::kMissingTableId, source, line_number, words.first,
                "missing table_id: a [unicast_master_table] section starts with 'table_id N'");
  }
  UnicastMasterTable& table = config.unicast_master_tables[cursor.table];
  if (words.first == "logQueryInterval") {
    auto interval = read_number(words.first, words.rest, std::numeric_limits<std::int8_t>::min(),
                                std::numeric_limits<std::int8_t>::max(), source, line_number);
    if (!interval) return unexpected(interval.error());
    table.log_query_interval = static_cast<std::int8_t>(*interval);
    return {};
  }
  if (words.first == "peer_address") {
    return fail(ConfigErrorKind::kUnsupportedOption, source, line_number, words.first,
                "unicast peer delay (peer_address) is not supported by ptpstack");
  }
  if (text::equal_ignoring_case(words.first, "UDPv4")) {
    return read_address(table, NetworkTransport::kUdpV4, words.first, words.rest, source,
                        line_number);
  }
  if (text::equal_ignoring_case(words.first, "UDPv6")) {
    return read_address(table, NetworkTransport::kUdpV6, words.first, words.rest, source,
                        line_number);
  }
  if (text::equal_ignoring_case(words.first, "L2")) {
    return fail(ConfigErrorKind::kUnsupportedValue, source, line_number, words.first,
                "L2 masters are not supported by ptpstack (supported: UDPv4, UDPv6)");
  }
  return fail(ConfigErrorKind::kMalformedTableLine, source, line_number, {},
              text::concat({"bad master table line '", line,
                            "': expected table_id, logQueryInterval, or UDPv4 or UDPv6 and an "
                            "address"}));
}

Result<void, ConfigError> check_unicast_table_references(
    const LinuxPtpConfig& config, std::string_view source,
    const std::vector<UnicastTableReference>& references) {
  for (const UnicastTableReference& reference : references) {
    if (reference.table_id == 0 || find_unicast_master_table(config, reference.table_id)) continue;
    return fail(ConfigErrorKind::kUnknownTableId, source, reference.line_number,
                "unicast_master_table",
                text::concat({"no [unicast_master_table] has table_id ",
                              std::to_string(reference.table_id)}));
  }
  return {};
}

}  // namespace ptp::app
