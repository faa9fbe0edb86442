// Reading the lines of a [unicast_master_table] section as ptp4l reads them (private to
// ptp_app_common): "table_id N" starts a table, "logQueryInterval N" sets its query interval,
// "UDPv4 <address>" and "UDPv6 <address>" add a master. L2 and peer_address (unicast peer
// delay) are linuxptp's but not ptpstack's: refused with their own message.
#pragma once

#include <cstddef>
#include <string_view>

#include "ptp/app/config_error.h"
#include "ptp/app/linuxptp_config.h"
#include "ptp/result.h"

namespace ptp::app {

// Where a file's reading stands in its [unicast_master_table] sections.
struct UnicastTableCursor {
  // Index into config.unicast_master_tables of the table that this section's entries go to;
  // kNoTable until the section's table_id line (each section header resets it, as in ptp4l).
  static constexpr std::size_t kNoTable = static_cast<std::size_t>(-1);
  std::size_t table = kNoTable;
};

// Reads one non-empty, non-comment, trimmed line of a [unicast_master_table] section.
Result<void, ConfigError> read_unicast_master_table_line(LinuxPtpConfig& config,
                                                         std::string_view line,
                                                         std::string_view source,
                                                         std::size_t line_number,
                                                         UnicastTableCursor& cursor);

// A port option unicast_master_table read from the file at `line_number`, naming `table_id`.
struct UnicastTableReference {
  std::size_t line_number = 0;
  std::int32_t table_id = 0;
};

// Fails, naming the line, for a reference to a table the configuration does not have. Tables may
// follow the ports that name them (ptp4l resolves them when the port starts), so this runs once
// the whole file has been read.
Result<void, ConfigError> check_unicast_table_references(
    const LinuxPtpConfig& config, std::string_view source,
    const std::vector<UnicastTableReference>& references);

}  // namespace ptp::app
