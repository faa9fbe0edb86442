// [unicast_master_table] sections as ptp4l reads them (table_id, logQueryInterval, UDPv4/UDPv6
// entries), the unicast port options, their errors with line numbers, and the mapping of a port's
// table into the core's UnicastConfig.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "ptp/app/core_config.h"
#include "ptp/app/linuxptp_config_parser.h"
#include "ptp/core/port_config.h"

namespace ptp::app {
namespace {

Result<LinuxPtpConfig, ConfigError> parse(const std::string& text) {
  return parse_linuxptp_config(text, "ptp.cfg");
}

std::string error_of(const Result<LinuxPtpConfig, ConfigError>& result) {
  return result ? std::string("(parsed)") : result.error().message();
}

PeerAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  PeerAddress address;
  address.octets = {a, b, c, d};
  address.length = 4;
  return address;
}

constexpr ClockIdentity kIdentity{{0x00, 0x11, 0x22, 0xFF, 0xFE, 0x33, 0x44, 0x55}};

TEST(UnicastMasterTable, ReadsTablesAsPtp4lDoes) {
  const auto config = parse(
      "[global]\n"
      "unicast_req_duration 60\n"
      "[unicast_master_table]\n"
      "table_id 2\n"
      "logQueryInterval -1\n"
      "UDPv4 192.0.2.1\n"
      "  udpv4   192.0.2.2  \n"
      "[unicast_master_table]\n"
      "table_id 7\n"
      "UDPv6 2001:db8::1\n"
      "[eth0]\n"
      "unicast_master_table 2\n"
      "unicast_listen 1\n");
  ASSERT_TRUE(config) << error_of(config);
  ASSERT_EQ(config->unicast_master_tables.size(), 2U);
  const UnicastMasterTable& first = config->unicast_master_tables[0];
  EXPECT_EQ(first.table_id, 2);
  EXPECT_EQ(first.log_query_interval, -1);
  EXPECT_EQ(first.line, 4U);
  ASSERT_EQ(first.addresses.size(), 2U);
  EXPECT_EQ(first.addresses[0].address, hal::IpAddress::v4(192, 0, 2, 1));
  EXPECT_EQ(first.addresses[1].address, hal::IpAddress::v4(192, 0, 2, 2));
  EXPECT_EQ(first.addresses[1].line, 7U);
  const UnicastMasterTable& second = config->unicast_master_tables[1];
  EXPECT_EQ(second.table_id, 7);
  EXPECT_EQ(second.log_query_interval, 0);  // ptp4l's default
  ASSERT_EQ(second.addresses.size(), 1U);
  EXPECT_EQ(second.addresses[0].transport, NetworkTransport::kUdpV6);

  const PortOptions eth0 = port_options_for(*config, "eth0");
  EXPECT_EQ(eth0.unicast_master_table.value, 2);
  EXPECT_TRUE(eth0.unicast_listen.value);
  EXPECT_EQ(eth0.unicast_req_duration.value, 60);  // from [global]
  EXPECT_EQ(config->port.unicast_master_table.value, 0);
}

TEST(UnicastMasterTable, APortMayNameATableDefinedLaterInTheFile) {
  const auto config = parse(
      "[eth0]\nunicast_master_table 1\n"
      "[unicast_master_table]\ntable_id 1\nUDPv4 10.0.0.1\n");
  ASSERT_TRUE(config) << error_of(config);
  EXPECT_EQ(port_options_for(*config, "eth0").unicast_master_table.value, 1);
}

TEST(UnicastMasterTable, ErrorsNameTheLine) {
  struct Case {
    std::string_view text;
    ConfigErrorKind kind;
    std::string_view message;
  };
  const std::vector<Case> cases{
      {"[unicast_master_table]\nUDPv4 10.0.0.1\n", ConfigErrorKind::kMissingTableId,
       "ptp.cfg:2: UDPv4: missing table_id: a [unicast_master_table] section starts with "
       "'table_id N'"},
      {"[unicast_master_table]\ntable_id 1\n[unicast_master_table]\nlogQueryInterval 1\n",
       ConfigErrorKind::kMissingTableId,
       "ptp.cfg:4: logQueryInterval: missing table_id: a [unicast_master_table] section starts "
       "with 'table_id N'"},
      {"[unicast_master_table]\ntable_id 0\n", ConfigErrorKind::kOutOfRange,
       "ptp.cfg:2: table_id: 0 is out of range [1, 2147483647]"},
      {"[unicast_master_table]\ntable_id one\n", ConfigErrorKind::kMalformedValue,
       "ptp.cfg:2: table_id: 'one' is not a decimal integer"},
      {"[unicast_master_table]\ntable_id\n", ConfigErrorKind::kMissingValue,
       "ptp.cfg:2: table_id: missing value"},
      {"[unicast_master_table]\ntable_id 3\n\n[unicast_master_table]\ntable_id 3\n",
       ConfigErrorKind::kDuplicateTableId,
       "ptp.cfg:5: table_id: table_id 3 is already taken (ptp.cfg:2)"},
      {"[unicast_master_table]\ntable_id 1\nlogQueryInterval 128\n", ConfigErrorKind::kOutOfRange,
       "ptp.cfg:3: logQueryInterval: 128 is out of range [-128, 127]"},
      {"[unicast_master_table]\ntable_id 1\nUDPv4 10.0.0.256\n", ConfigErrorKind::kBadAddress,
       "ptp.cfg:3: UDPv4: '10.0.0.256' is not an IPv4 address"},
      {"[unicast_master_table]\ntable_id 1\nUDPv4 2001:db8::1\n", ConfigErrorKind::kBadAddress,
       "ptp.cfg:3: UDPv4: '2001:db8::1' is not an IPv4 address"},
      {"[unicast_master_table]\ntable_id 1\nUDPv6 10.0.0.1\n", ConfigErrorKind::kBadAddress,
       "ptp.cfg:3: UDPv6: '10.0.0.1' is not an IPv6 address"},
      {"[unicast_master_table]\ntable_id 1\nUDPv4\n", ConfigErrorKind::kBadAddress,
       "ptp.cfg:3: UDPv4: '' is not an IPv4 address"},
      {"[unicast_master_table]\ntable_id 1\nUDPv4 224.0.1.129\n", ConfigErrorKind::kBadAddress,
       "ptp.cfg:3: UDPv4: 224.0.1.129 is a multicast address; a master's own address is needed"},
      {"[unicast_master_table]\ntable_id 1\nUDPv4 10.0.0.1\nUDPv4 10.0.0.1\n",
       ConfigErrorKind::kBadAddress, "ptp.cfg:4: UDPv4: 10.0.0.1 is already in table 1"},
      {"[unicast_master_table]\ntable_id 1\nL2 00:11:22:33:44:55\n",
       ConfigErrorKind::kUnsupportedValue,
       "ptp.cfg:3: L2: L2 masters are not supported by ptpstack (supported: UDPv4, UDPv6)"},
      {"[unicast_master_table]\ntable_id 1\npeer_address 10.0.0.1\n",
       ConfigErrorKind::kUnsupportedOption,
       "ptp.cfg:3: peer_address: unicast peer delay (peer_address) is not supported by ptpstack"},
      {"[unicast_master_table]\ntable_id 1\nTCP 10.0.0.1\n", ConfigErrorKind::kMalformedTableLine,
       "ptp.cfg:3: bad master table line 'TCP 10.0.0.1': expected table_id, logQueryInterval, "
       "or UDPv4 or UDPv6 and an address"},
      {"[global]\nunicast_master_table 4\n[unicast_master_table]\ntable_id 1\n",
       ConfigErrorKind::kUnknownTableId,
       "ptp.cfg:2: unicast_master_table: no [unicast_master_table] has table_id 4"},
      {"[eth0]\n\nunicast_master_table 9\n", ConfigErrorKind::kUnknownTableId,
       "ptp.cfg:3: unicast_master_table: no [unicast_master_table] has table_id 9"},
      {"[global]\nunicast_req_duration 9\n", ConfigErrorKind::kOutOfRange,
       "ptp.cfg:2: unicast_req_duration: 9 is out of range [10, 2147483647]"},
      {"[global]\nunicast_max_clients 0\n", ConfigErrorKind::kOutOfRange,
       "ptp.cfg:2: unicast_max_clients: 0 is out of range [1, 1024]"},
  };
  for (const Case& c : cases) {
    const auto config = parse(std::string(c.text));
    ASSERT_FALSE(config) << c.text;
    EXPECT_EQ(config.error().kind, c.kind) << c.text;
    EXPECT_EQ(config.error().message(), c.message) << c.text;
  }
}

TEST(UnicastMasterTable, AtMostTheCoresTableSize) {
  std::string text = "[unicast_master_table]\ntable_id 1\n";
  for (std::size_t i = 1; i <= kMaxUnicastMasters; ++i) {
    text.append("UDPv4 10.0.0.").append(std::to_string(i)).append("\n");
  }
  ASSERT_TRUE(parse(text)) << error_of(parse(text));
  text += "UDPv4 10.0.1.1\n";
  const auto config = parse(text);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().kind, ConfigErrorKind::kTooManyTableEntries);
  EXPECT_EQ(config.error().message(),
            "ptp.cfg:19: UDPv4: table 1 already has 16 masters, the most a ptpstack port takes");
}

TEST(UnicastMasterTable, MapsIntoTheCoresUnicastConfig) {
  const auto config = parse(
      "[global]\nunicast_req_duration 120\nunicast_max_clients 3\nunicast_listen 1\n"
      "inhibit_multicast_service 1\n"
      "[unicast_master_table]\ntable_id 5\nlogQueryInterval 1\nUDPv4 192.0.2.9\n"
      "UDPv4 192.0.2.10\n"
      "[eth0]\nunicast_master_table 5\n");
  ASSERT_TRUE(config) << error_of(config);
  const PortOptions port = port_options_for(*config, "eth0");
  auto mapped = to_port_config(config->clock, port, kIdentity);
  ASSERT_TRUE(mapped);
  EXPECT_TRUE(mapped->unicast.listen);
  EXPECT_TRUE(mapped->unicast.inhibit_multicast_service);
  EXPECT_EQ(mapped->unicast.request_duration_seconds, 120U);
  EXPECT_EQ(mapped->unicast.max_clients, 3U);
  EXPECT_FALSE(mapped->unicast.has_master_table());  // the table needs the whole configuration
  ASSERT_TRUE(apply_unicast_master_table(*config, port, mapped->unicast));
  ASSERT_EQ(mapped->unicast.master_count, 2U);
  EXPECT_EQ(mapped->unicast.masters[0], v4(192, 0, 2, 9));
  EXPECT_EQ(mapped->unicast.masters[1], v4(192, 0, 2, 10));
  EXPECT_EQ(mapped->unicast.log_query_interval, 1);
  EXPECT_TRUE(validate(*mapped));
}

TEST(UnicastMasterTable, MapsIpv6AddressesToSixteenOctets) {
  const auto config = parse(
      "[global]\nnetwork_transport UDPv6\nunicast_master_table 1\n"
      "[unicast_master_table]\ntable_id 1\nUDPv6 2001:db8::7\n");
  ASSERT_TRUE(config) << error_of(config);
  UnicastConfig unicast;
  ASSERT_TRUE(apply_unicast_master_table(*config, config->port, unicast));
  ASSERT_EQ(unicast.master_count, 1U);
  EXPECT_EQ(unicast.masters[0].length, 16);
  EXPECT_EQ(unicast.masters[0].octets[0], 0x20);
  EXPECT_EQ(unicast.masters[0].octets[15], 0x07);
}

TEST(UnicastMasterTable, NoTableLeavesTheCoreMulticast) {
  const auto config = parse("[global]\n");
  ASSERT_TRUE(config);
  UnicastConfig unicast;
  ASSERT_TRUE(apply_unicast_master_table(*config, config->port, unicast));
  EXPECT_FALSE(unicast.has_master_table());
  EXPECT_FALSE(unicast.listen);
  EXPECT_FALSE(unicast.inhibit_multicast_service);
}

TEST(UnicastMasterTable, ATableOfAnotherTransportIsAnError) {
  const auto config = parse(
      "[global]\nnetwork_transport UDPv6\n"
      "[unicast_master_table]\ntable_id 1\nUDPv4 192.0.2.1\n"
      "[eth0]\nunicast_master_table 1\n");
  ASSERT_TRUE(config) << error_of(config);
  UnicastConfig unicast;
  const auto applied =
      apply_unicast_master_table(*config, port_options_for(*config, "eth0"), unicast);
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().kind, ConfigErrorKind::kTableTransportMismatch);
  EXPECT_EQ(applied.error().message(),
            "ptp.cfg:5: UDPv4: a UDPv4 master in table 1, used by a port whose network_transport "
            "is UDPv6");
}

TEST(UnicastMasterTable, AnUnknownTableOnTheCommandLineIsAnError) {
  auto config = parse("[unicast_master_table]\ntable_id 1\nUDPv4 192.0.2.1\n");
  ASSERT_TRUE(config);
  ASSERT_TRUE(apply_command_line_option(*config, "unicast_master_table", "2"));
  UnicastConfig unicast;
  const auto applied = apply_unicast_master_table(*config, config->port, unicast);
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().kind, ConfigErrorKind::kUnknownTableId);
  EXPECT_EQ(applied.error().message(),
            "command line: --unicast_master_table: no [unicast_master_table] has table_id 2");
}

}  // namespace
}  // namespace ptp::app
