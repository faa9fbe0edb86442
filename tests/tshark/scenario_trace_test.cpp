// Trace check: the packet capture of a simulated PTP network (a master and two slaves running the
// real core and driver for 40 s, over IPv4 and, in a second run, IPv6) must decode in Wireshark's
// tshark with no malformed packet and no expert warning or error, with tshark's own PTP analysis
// (Sync/Follow_Up and Delay_Req/Delay_Resp pairing) switched on, and must hold every message
// type of the delay request-response mechanism. Two passes (-2), so that a Sync is judged
// knowing the Follow_Up that comes after it.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "../scenario/sim_world.h"
#include "ptp/sim/pcap_writer.h"

namespace ptp::sim::testing {
namespace {

std::string quoted(const std::string& text) { return "'" + text + "'"; }

struct TraceSummary {
  int packets = 0;
  int malformed = 0;
  int warnings = 0;  // expert items of severity warning or error
  std::map<std::string, int> message_types;
  std::string first_problem;
};

TraceSummary dissect(const std::filesystem::path& pcap, const std::string& name) {
  TraceSummary summary;
  const std::string tshark = PTP_TSHARK_EXECUTABLE;
  if (tshark.empty() || access(tshark.c_str(), X_OK) != 0) {
    ADD_FAILURE() << "tshark is missing (scripts/install-deps.sh installs it; re-run CMake)";
    return summary;
  }
  const std::filesystem::path work_dir(PTP_TSHARK_WORK_DIR);
  const auto config_dir = work_dir / ("wireshark_config_" + name);
  std::filesystem::create_directories(config_dir);
  const std::string command =
      "WIRESHARK_CONFIG_DIR=" + quoted(config_dir.string()) + " " + quoted(tshark) + " -n -r " +
      quoted(pcap.string()) +
      " -2 -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o ptp.analyze_ptp_messages:TRUE"
      " -T fields -E separator=/t -E occurrence=a -E aggregator=,"
      " -e frame.number -e _ws.malformed -e _ws.expert.severity -e _ws.expert.message"
      " -e ptp.v2.messagetype 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot start " << command;
    return summary;
  }
  std::string output;
  std::array<char, 4096> buffer{};
  std::size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    output.append(buffer.data(), got);
  }
  const int status = pclose(pipe);
  EXPECT_TRUE(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) << command;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    ++summary.packets;
    std::array<std::string, 5> columns;
    std::istringstream fields(line);
    for (auto& column : columns) std::getline(fields, column, '\t');
    const bool malformed = !columns[1].empty();
    // 6291456 = PI_WARN, 8388608 = PI_ERROR (tshark prints severities as numbers).
    const bool warning = columns[2].find("6291456") != std::string::npos ||
                         columns[2].find("8388608") != std::string::npos;
    summary.malformed += malformed ? 1 : 0;
    summary.warnings += warning ? 1 : 0;
    if ((malformed || warning) && summary.first_problem.empty()) summary.first_problem = line;
    ++summary.message_types[columns[4]];
  }
  return summary;
}

void check_trace(hal::AddressFamily family, const std::string& name) {
  SimWorld world(21);
  auto make = [&](const NodeSpec& spec, int index) {
    SimPtpNodeConfig config = node_config(index, spec);
    config.family = family;
    return config;
  };
  auto& master = world.add(make(NodeSpec{.priority1 = 100}, 0));
  auto& slave_a = world.add(make(NodeSpec{.priority1 = 120, .frequency_error_ppm = 9}, 1));
  auto& slave_b = world.add(make(NodeSpec{.priority1 = 130, .frequency_error_ppm = -9}, 2));

  const std::filesystem::path pcap = std::filesystem::path(PTP_TSHARK_WORK_DIR) / (name + ".pcap");
  {
    std::ofstream file(pcap, std::ios::binary | std::ios::trunc);
    auto writer = PcapWriter::open(file);
    ASSERT_TRUE(writer);
    world.network().set_capture(&*writer, Timestamp{1'700'000'000, 0});
    world.start_all();
    world.run_for(40);
    world.network().set_capture(nullptr, Timestamp{});
  }
  ASSERT_EQ(master.clock().state(), PortState::kMaster);
  ASSERT_EQ(slave_a.clock().state(), PortState::kSlave);
  ASSERT_EQ(slave_b.clock().state(), PortState::kSlave);

  const TraceSummary summary = dissect(pcap, name);
  EXPECT_GT(summary.packets, 200);
  EXPECT_EQ(summary.malformed, 0) << summary.first_problem;
  EXPECT_EQ(summary.warnings, 0) << summary.first_problem;
  // Sync 0, Delay_Req 1, Follow_Up 8, Delay_Resp 9, Announce 11 (tshark prints hex nibbles).
  for (const char* type : {"0x00", "0x01", "0x08", "0x09", "0x0b"}) {
    EXPECT_GT(summary.message_types.count(type) != 0 ? summary.message_types.at(type) : 0, 0)
        << "no messages of type " << type;
  }
}

TEST(ScenarioTrace, Ipv4CaptureDecodesCleanlyInTshark) {
  check_trace(hal::AddressFamily::kIpv4, "scenario_trace_ipv4");
}

TEST(ScenarioTrace, Ipv6CaptureDecodesCleanlyInTshark) {
  check_trace(hal::AddressFamily::kIpv6, "scenario_trace_ipv6");
}

}  // namespace
}  // namespace ptp::sim::testing
