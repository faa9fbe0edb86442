// Interop with linuxptp's pmc: the real `pmc` queries our OrdinaryClock over UDP/IPv4 multicast
// and must print the data sets the clock holds, and a SET PRIORITY1 from pmc must change the
// clock. Everything happens inside a network namespace this test creates and removes, on its
// loopback interface only. The test process joins the namespace (setns) to open its socket;
// pmc runs there through `nsenter --net` (not `ip netns exec`, which remounts / and /sys and so
// fails in a chroot, where / is not a mount point). The socket glue below is test code: the clock
// itself is the production core.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

#include "ptp/core/ordinary_clock.h"
#include "ptp/servo/servo_config.h"
#include "ptp/servo/servo_factory.h"

namespace ptp {
namespace {

constexpr const char* kNamespace = "ptpstack_pmc_test";

bool run(const std::string& command) { return std::system(command.c_str()) == 0; }

class PmcInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_FAIL() << "needs root for network namespaces (CI runs as root)";
    if (!run("command -v pmc >/dev/null && command -v ip >/dev/null && command -v nsenter "
             ">/dev/null")) {
      GTEST_FAIL() << "pmc, ip or nsenter missing: scripts/install-deps.sh installs linuxptp, "
                      "iproute2, util-linux";
    }
    (void)run(std::string("ip netns del ") + kNamespace + " 2>/dev/null");
    ASSERT_TRUE(run(std::string("ip netns add ") + kNamespace));
    const std::string exec = std::string("nsenter --net=/run/netns/") + kNamespace + " ";
    ASSERT_TRUE(run(exec + "ip link set lo up"));
    ASSERT_TRUE(run(exec + "ip link set lo multicast on"));
    ASSERT_TRUE(run(exec + "ip route add 224.0.0.0/4 dev lo"));
    original_ns_ = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    const int target =
        open((std::string("/run/netns/") + kNamespace).c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(target, 0);
    ASSERT_EQ(setns(target, CLONE_NEWNET), 0);
    close(target);
    socket_ = open_socket();
    ASSERT_GE(socket_, 0);
  }

  void TearDown() override {
    if (socket_ >= 0) close(socket_);
    if (original_ns_ >= 0) {
      (void)setns(original_ns_, CLONE_NEWNET);
      close(original_ns_);
    }
    (void)run(std::string("ip netns del ") + kNamespace + " 2>/dev/null");
  }

  // UDP 320 on the PTP primary group, as ptp4l opens it (SO_REUSEADDR, so pmc can bind too).
  static int open_socket() {
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(320);
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) return -1;
    ip_mreqn membership{};
    inet_pton(AF_INET, "224.0.1.129", &membership.imr_multiaddr);
    membership.imr_ifindex = 1;  // lo
    if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &membership, sizeof membership) != 0) {
      return -1;
    }
    in_addr loopback{};
    inet_pton(AF_INET, "127.0.0.1", &loopback);
    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &loopback, sizeof loopback);
    return fd;
  }

  // Runs pmc with `commands` while this thread answers for the clock; returns pmc's output.
  std::string query(OrdinaryClock& clock, const std::string& commands) {
    const std::string command = std::string("nsenter --net=/run/netns/") + kNamespace +
                                " pmc -4 -i lo -b 0 " + commands + " 2>&1";
    finished_.store(false);
    FILE* pmc = popen(command.c_str(), "r");
    EXPECT_NE(pmc, nullptr);
    if (pmc == nullptr) return {};
    // pmc exits once every command was answered or its timeout passed; we serve until its output
    // closes. Reading is on another thread so the serving loop never blocks on it.
    std::string output;
    std::thread reader([&] {
      std::array<char, 4096> buffer{};
      std::size_t got = 0;
      while ((got = std::fread(buffer.data(), 1, buffer.size(), pmc)) > 0) {
        output.append(buffer.data(), got);
      }
      finished_.store(true);  // pmc closed its output: it is exiting
    });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd ready{socket_, POLLIN, 0};
      if (poll(&ready, 1, 100) <= 0) {
        if (finished_.load()) break;
        continue;
      }
      std::array<std::byte, 1500> datagram{};
      sockaddr_in from{};
      socklen_t from_length = sizeof from;
      const ssize_t length = recvfrom(socket_, datagram.data(), datagram.size(), 0,
                                      reinterpret_cast<sockaddr*>(&from), &from_length);
      if (length <= 0) continue;
      ReceivedMessage message;
      message.bytes = std::span<const std::byte>(datagram).first(static_cast<std::size_t>(length));
      message.channel = MessageChannel::kGeneral;
      message.source.length = 4;
      std::memcpy(message.source.octets.data(), &from.sin_addr, 4);
      PortActions actions;
      clock.handle_message(message, Nanoseconds(0), actions);
      for (const PortAction& action : actions.view()) {
        const auto* send = std::get_if<SendMessage>(&action);
        if (send == nullptr) continue;
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(320);
        inet_pton(AF_INET, "224.0.1.129", &to.sin_addr);
        (void)sendto(socket_, send->payload().data(), send->length, 0,
                     reinterpret_cast<const sockaddr*>(&to), sizeof to);
        ++replies_;
      }
    }
    pclose(pmc);  // waits for pmc to exit, which ends the reader
    reader.join();
    return output;
  }

  int original_ns_ = -1;
  int socket_ = -1;
  int replies_ = 0;
  std::atomic<bool> finished_{false};
};

PortConfig interop_config() {
  PortConfig config;
  config.clock_identity.octets = {0x02, 0x42, 0x42, 0xFF, 0xFE, 0x00, 0x00, 0x07};
  config.priority1 = 77;
  config.priority2 = 99;
  config.clock_quality.clock_class = 187;
  config.clock_quality.clock_accuracy = ClockAccuracy::kWithin1us;
  config.clock_quality.offset_scaled_log_variance = 0x4E5D;
  return config;
}

TEST_F(PmcInterop, PmcReadsTheDataSetsAndSetsPriority1) {
  auto servo = servo::make_servo(servo::ServoConfig{}, 0.0);
  ASSERT_TRUE(servo);
  auto clock = OrdinaryClock::create(interop_config(), **servo);
  ASSERT_TRUE(clock);
  PortActions actions;
  clock->start(Nanoseconds(0), actions);

  const std::string output = query(*clock,
                                   "'GET DEFAULT_DATA_SET' 'GET PORT_DATA_SET' "
                                   "'GET TIME_PROPERTIES_DATA_SET' 'SET PRIORITY1 55' "
                                   "'GET PRIORITY1'");
  SCOPED_TRACE(output);
  for (std::size_t reason = 0; reason < kDropReasonCount; ++reason) {
    if (clock->counters().dropped[reason] != 0) {
      std::cout << "dropped " << to_string(static_cast<DropReason>(reason)) << ": "
                << clock->counters().dropped[reason] << "\n";
    }
  }
  // pmc prints "<port identity> seq N RESPONSE MANAGEMENT <ID>" and then the fields.
  EXPECT_NE(output.find("024242.fffe.000007-1 seq 0 RESPONSE MANAGEMENT DEFAULT_DATA_SET"),
            std::string::npos);
  EXPECT_NE(output.find("priority1               77"), std::string::npos);
  EXPECT_NE(output.find("priority2               99"), std::string::npos);
  EXPECT_NE(output.find("clockClass              187"), std::string::npos);
  EXPECT_NE(output.find("clockAccuracy           0x23"), std::string::npos);
  EXPECT_NE(output.find("offsetScaledLogVariance 0x4e5d"), std::string::npos);
  EXPECT_NE(output.find("clockIdentity           024242.fffe.000007"), std::string::npos);
  EXPECT_NE(output.find("RESPONSE MANAGEMENT PORT_DATA_SET"), std::string::npos);
  EXPECT_NE(output.find("portState               LISTENING"), std::string::npos);
  EXPECT_NE(output.find("RESPONSE MANAGEMENT TIME_PROPERTIES_DATA_SET"), std::string::npos);
  EXPECT_NE(output.find("RESPONSE MANAGEMENT PRIORITY1"), std::string::npos);
  EXPECT_NE(output.find("priority1 55"), std::string::npos);
  EXPECT_EQ(clock->default_data_set().priority1, 55);
  EXPECT_GE(replies_, 5);
}

}  // namespace
}  // namespace ptp
