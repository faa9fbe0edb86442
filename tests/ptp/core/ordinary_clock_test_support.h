// Shared by the OrdinaryClock tests: message builders (the codec encodes what a peer would
// send), a MockServo, and a harness that feeds one event at a time, keeps the actions of the
// last event, tracks the armed timers and checks after every event that no action was dropped.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <utility>
#include <variant>
#include <vector>

#include "ptp/core/ordinary_clock.h"
#include "ptp/core/port_config.h"
#include "ptp/core/port_io.h"
#include "ptp/servo/servo.h"
#include "ptp/wire/management_tlv.h"
#include "ptp/wire/message.h"
#include "ptp/wire/tlv.h"
#include "test_data_sets.h"

namespace ptp {

// Readable gmock/gtest failure messages.
inline void PrintTo(Nanoseconds value, std::ostream* os) { *os << value.count() << " ns"; }
inline void PrintTo(PortState state, std::ostream* os) { *os << to_string(state); }
inline void PrintTo(PortEvent event, std::ostream* os) { *os << to_string(event); }
inline void PrintTo(DropReason reason, std::ostream* os) { *os << to_string(reason); }

namespace servo {
inline void PrintTo(ServoState state, std::ostream* os) { *os << to_string(state); }
}  // namespace servo

namespace clock_test {

using test::clock_id;
using test::port_id;

// The clock under test: clock 0x50, port 1.
inline const ClockIdentity kOurClock = clock_id(0x50);
inline const PortIdentity kOurPort = port_id(0x50, 1);
// A better master (priority1 100) and a worse one (priority1 200); a third better one.
inline const PortIdentity kMasterA = port_id(0x10, 1);
inline const PortIdentity kMasterB = port_id(0x20, 1);
inline const PortIdentity kWorseMaster = port_id(0x70, 1);

inline PeerAddress address(std::uint8_t last_octet) {
  PeerAddress peer;
  peer.octets[0] = 192;
  peer.octets[1] = 168;
  peer.octets[2] = 1;
  peer.octets[3] = last_octet;
  peer.length = 4;
  return peer;
}
inline const PeerAddress kAddressA = address(10);
inline const PeerAddress kAddressB = address(20);
inline const PeerAddress kAddressWorse = address(70);
inline const PeerAddress kAddressSlave = address(99);

constexpr Nanoseconds seconds(std::int64_t s) { return Nanoseconds(s * kNanosecondsPerSecond); }
constexpr Nanoseconds ms(std::int64_t m) { return Nanoseconds(m * 1'000'000); }
constexpr Nanoseconds ns(std::int64_t n) { return Nanoseconds(n); }
constexpr Nanoseconds operator+(Nanoseconds a, Nanoseconds b) {
  return Nanoseconds(a.count() + b.count());
}
constexpr Nanoseconds operator-(Nanoseconds a, Nanoseconds b) {
  return Nanoseconds(a.count() - b.count());
}

inline Timestamp ts(Nanoseconds since_epoch) {
  const auto value = Timestamp::from_nanoseconds(since_epoch);
  EXPECT_TRUE(value.has_value());
  return value.has_value() ? value.value() : Timestamp{};
}

// whole nanoseconds plus `fraction` 2^-16 ns.
inline TimeInterval scaled(std::int64_t whole_ns, std::int64_t fraction = 0) {
  return TimeInterval::from_scaled(whole_ns * 65536 + fraction);
}

// The configuration most tests use: short filter (the estimate is the last sample), fixed seed.
inline PortConfig base_config() {
  PortConfig config;
  config.clock_identity = kOurClock;
  config.port_number = 1;
  config.delay_filter_length = 1;
  config.random_seed = 12345;
  config.clock_quality.clock_class = 248;
  return config;
}

// One encoded message.
struct Bytes {
  std::array<std::byte, 256> data{};
  std::size_t length = 0;
  [[nodiscard]] std::span<const std::byte> span() const {
    return std::span<const std::byte>(data).first(length);
  }
};

inline Bytes encode(const wire::Message& message) {
  Bytes bytes;
  const auto length = wire::encode_message(message, bytes.data);
  EXPECT_TRUE(length.has_value()) << "the test's message does not encode";
  bytes.length = length.has_value() ? length.value() : 0;
  return bytes;
}

inline wire::Header header(wire::MessageType type, const PortIdentity& sender,
                           std::uint16_t sequence_id, std::int8_t log_interval,
                           std::uint8_t domain = 0) {
  wire::Header h;
  h.message_type = type;
  h.domain_number = domain;
  h.source_port_identity = sender;
  h.sequence_id = sequence_id;
  h.control_field = wire::default_control_field(type);
  h.log_message_interval = log_interval;
  return h;
}

struct AnnounceSpec {
  PortIdentity sender = kMasterA;
  std::uint16_t sequence_id = 0;
  std::uint8_t domain = 0;
  std::uint8_t priority1 = 100;
  ClockQuality quality{6, ClockAccuracy::kWithin100ns, 0x4E5D};
  std::uint8_t priority2 = 128;
  std::optional<ClockIdentity> grandmaster;  // default: the sender's clock
  std::uint16_t steps_removed = 0;
  TimeSource time_source = TimeSource::kGnss;
  std::int16_t current_utc_offset = 37;
  std::uint16_t flags = wire::HeaderFlags::kPtpTimescale | wire::HeaderFlags::kTimeTraceable |
                        wire::HeaderFlags::kCurrentUtcOffsetValid;
  std::int8_t log_interval = 1;
};

inline Bytes announce(const AnnounceSpec& spec) {
  wire::Header h = header(wire::MessageType::kAnnounce, spec.sender, spec.sequence_id,
                          spec.log_interval, spec.domain);
  h.flags = wire::HeaderFlags(spec.flags);
  wire::Announce body;
  body.current_utc_offset = spec.current_utc_offset;
  body.grandmaster_priority1 = spec.priority1;
  body.grandmaster_clock_quality = spec.quality;
  body.grandmaster_priority2 = spec.priority2;
  body.grandmaster_identity = spec.grandmaster.value_or(spec.sender.clock_identity);
  body.steps_removed = spec.steps_removed;
  body.time_source = spec.time_source;
  return encode(wire::Message{h, body, {}});
}

inline Bytes worse_announce(std::uint16_t sequence_id) {
  AnnounceSpec spec;
  spec.sender = kWorseMaster;
  spec.sequence_id = sequence_id;
  spec.priority1 = 200;
  spec.quality = ClockQuality{248, ClockAccuracy::kUnknown, 0xFFFF};
  return announce(spec);
}

struct SyncSpec {
  PortIdentity sender = kMasterA;
  std::uint16_t sequence_id = 0;
  bool two_step = true;
  Timestamp origin;  // one-step only, else zero
  TimeInterval correction;
  std::int8_t log_interval = 0;
  std::uint8_t domain = 0;
  bool unicast = false;
};

inline Bytes sync(const SyncSpec& spec) {
  wire::Header h = header(wire::MessageType::kSync, spec.sender, spec.sequence_id,
                          spec.log_interval, spec.domain);
  h.flags.set(wire::HeaderFlags::kTwoStep, spec.two_step);
  h.flags.set(wire::HeaderFlags::kUnicast, spec.unicast);
  h.correction_field = spec.correction;
  return encode(wire::Message{h, wire::Sync{spec.origin}, {}});
}

inline Bytes follow_up(const PortIdentity& sender, std::uint16_t sequence_id, Timestamp origin,
                       TimeInterval correction = {}, bool unicast = false) {
  wire::Header h = header(wire::MessageType::kFollowUp, sender, sequence_id, 0);
  h.correction_field = correction;
  h.flags.set(wire::HeaderFlags::kUnicast, unicast);
  return encode(wire::Message{h, wire::FollowUp{origin}, {}});
}

inline Bytes delay_req(const PortIdentity& sender, std::uint16_t sequence_id,
                       TimeInterval correction = {}, bool unicast = false) {
  wire::Header h = header(wire::MessageType::kDelayReq, sender, sequence_id, 0x7F);
  h.correction_field = correction;
  h.flags.set(wire::HeaderFlags::kUnicast, unicast);
  return encode(wire::Message{h, wire::DelayReq{}, {}});
}

inline Bytes delay_resp(const PortIdentity& sender, std::uint16_t sequence_id, Timestamp receive,
                        const PortIdentity& requester, TimeInterval correction = {},
                        std::int8_t log_interval = 0) {
  wire::Header h = header(wire::MessageType::kDelayResp, sender, sequence_id, log_interval);
  h.correction_field = correction;
  return encode(wire::Message{h, wire::DelayResp{receive, requester}, {}});
}

// A management request as `pmc -u -b 0` sends it.
struct ManagementSpec {
  wire::ManagementAction action = wire::ManagementAction::kGet;
  wire::ManagementId id = wire::ManagementId::kNullManagement;
  std::vector<std::byte> data;  // raw dataField (SET); empty for GET
  PortIdentity target{ClockIdentity{{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}},
                      PortIdentity::kAllPorts};
  PortIdentity source = port_id(0x99, 7);
  std::uint16_t sequence_id = 0x1234;
  bool unicast = false;
  std::uint8_t domain = 0;
};

inline Bytes management(const ManagementSpec& spec) {
  std::array<std::byte, 64> tlv_buffer{};
  wire::TlvWriter writer(tlv_buffer);
  wire::ManagementData data = std::monostate{};
  if (!spec.data.empty()) data = wire::RawManagementData{spec.data};
  EXPECT_TRUE(wire::append_management_tlv(writer, wire::ManagementTlv{spec.id, data}));
  wire::Header h =
      header(wire::MessageType::kManagement, spec.source, spec.sequence_id, 0x7F, spec.domain);
  h.flags.set(wire::HeaderFlags::kUnicast, spec.unicast);
  const wire::Management body{spec.target, 0, 0, spec.action};
  return encode(wire::Message{h, body, writer.written()});
}

// ---- Looking at actions ------------------------------------------------------------------

template <class T>
std::vector<T> all_of(std::span<const PortAction> actions) {
  std::vector<T> found;
  for (const auto& action : actions) {
    if (const auto* item = std::get_if<T>(&action)) found.push_back(*item);
  }
  return found;
}

inline std::optional<Nanoseconds> armed_at(std::span<const PortAction> actions, PortTimer timer) {
  std::optional<Nanoseconds> deadline;
  for (const auto& action : actions) {
    if (const auto* arm = std::get_if<ArmTimer>(&action); arm != nullptr && arm->timer == timer) {
      deadline = arm->deadline;
    }
  }
  return deadline;
}

inline bool cancels(std::span<const PortAction> actions, PortTimer timer) {
  for (const auto& action : actions) {
    if (const auto* cancel = std::get_if<CancelTimer>(&action);
        cancel != nullptr && cancel->timer == timer) {
      return true;
    }
  }
  return false;
}

inline std::vector<std::pair<PortState, PortState>> transitions(
    std::span<const PortAction> actions) {
  std::vector<std::pair<PortState, PortState>> found;
  for (const auto& change : all_of<StateChanged>(actions))
    found.emplace_back(change.from, change.to);
  return found;
}

inline std::vector<PortEvent> events(std::span<const PortAction> actions) {
  std::vector<PortEvent> found;
  for (const auto& change : all_of<StateChanged>(actions)) found.push_back(change.event);
  return found;
}

// A SendMessage decoded again; `tlvs` points into `send.buffer`, so keep `send` alive.
inline wire::Message decode(const SendMessage& send) {
  const auto decoded = wire::decode_message(send.payload());
  EXPECT_TRUE(decoded.has_value()) << "the clock sent a message that does not decode";
  if (!decoded) return wire::Message{};
  EXPECT_EQ(decoded->header.message_length, send.length);
  return decoded.value();
}

inline std::vector<SendMessage> sends_of(std::span<const PortAction> actions,
                                         wire::MessageType type) {
  std::vector<SendMessage> found;
  for (const auto& send : all_of<SendMessage>(actions)) {
    const auto decoded = wire::decode_message(send.payload());
    if (decoded && decoded->type() == type) found.push_back(send);
  }
  return found;
}

// ---- The servo ---------------------------------------------------------------------------

class MockServo : public servo::Servo {
 public:
  MOCK_METHOD(servo::ServoDecision, sample, (Nanoseconds, Nanoseconds), (override));
  MOCK_METHOD(void, set_sync_interval, (Nanoseconds), (override));
  MOCK_METHOD(void, step_applied, (Nanoseconds, Nanoseconds), (override));
  MOCK_METHOD(void, reset, (), (override));
  MOCK_METHOD(double, frequency_ppb, (), (const, override));
  MOCK_METHOD(std::string_view, name, (), (const, override));
};

inline servo::ServoDecision locked(double ppb) {
  return servo::ServoDecision{servo::ServoState::kLocked, ppb, std::nullopt};
}
inline servo::ServoDecision unlocked() {
  return servo::ServoDecision{servo::ServoState::kUnlocked, 0.0, std::nullopt};
}
inline servo::ServoDecision jump(Nanoseconds step, double ppb) {
  return servo::ServoDecision{servo::ServoState::kJump, ppb, step};
}

// ---- The harness -------------------------------------------------------------------------

template <class ServoType>
class BasicHarness {
 public:
  explicit BasicHarness(const PortConfig& config = base_config()) {
    auto created = OrdinaryClock::create(config, servo_);
    EXPECT_TRUE(created.has_value()) << "the test's configuration is invalid";
    if (created) clock_.emplace(std::move(created).value());
  }
  BasicHarness(const BasicHarness&) = delete;
  BasicHarness& operator=(const BasicHarness&) = delete;
  ~BasicHarness() = default;

  OrdinaryClock& clock() { return *clock_; }
  ServoType& servo() { return servo_; }
  [[nodiscard]] const PortCounters& counters() const { return clock_->counters(); }
  [[nodiscard]] PortState state() const { return clock_->state(); }
  [[nodiscard]] std::span<const PortAction> actions() const { return out_.view(); }
  // The deadline of each timer as the actions so far left it (std::nullopt: not running).
  [[nodiscard]] std::optional<Nanoseconds> deadline(PortTimer timer) const {
    return timers_[static_cast<std::size_t>(timer)];
  }

  std::span<const PortAction> start(Nanoseconds now) {
    return run([&] { clock_->start(now, out_); });
  }
  std::span<const PortAction> receive(const Bytes& bytes, MessageChannel channel,
                                      std::optional<Nanoseconds> receive_time, Nanoseconds now,
                                      const PeerAddress& source = kAddressA,
                                      bool multicast = true) {
    ReceivedMessage message;
    message.bytes = bytes.span();
    message.channel = channel;
    message.source = source;
    message.receive_time = receive_time;
    message.multicast = multicast;
    return run([&] { clock_->handle_message(message, now, out_); });
  }
  // A general message (Announce, Follow_Up, Delay_Resp, Management).
  std::span<const PortAction> general(const Bytes& bytes, Nanoseconds now,
                                      const PeerAddress& source = kAddressA) {
    return receive(bytes, MessageChannel::kGeneral, std::nullopt, now, source);
  }
  // An event message (Sync, Delay_Req) received at `receive_time`.
  std::span<const PortAction> event(const Bytes& bytes, Nanoseconds receive_time, Nanoseconds now,
                                    const PeerAddress& source = kAddressA) {
    return receive(bytes, MessageChannel::kEvent, receive_time, now, source);
  }
  std::span<const PortAction> timer(PortTimer timer, Nanoseconds now) {
    return run([&] { clock_->handle_timer(timer, now, out_); });
  }
  std::span<const PortAction> tx_timestamp(TxTimestampId id, Nanoseconds time, Nanoseconds now) {
    return run([&] { clock_->handle_tx_timestamp(id, time, now, out_); });
  }
  std::span<const PortAction> tx_timestamp_lost(TxTimestampId id, Nanoseconds now) {
    return run([&] { clock_->handle_tx_timestamp_lost(id, now, out_); });
  }
  std::span<const PortAction> timestamping_changed(Nanoseconds now) {
    return run([&] { clock_->handle_timestamping_changed(now, out_); });
  }
  std::span<const PortAction> fault(Nanoseconds now) {
    return run([&] { clock_->handle_fault(now, out_); });
  }
  std::span<const PortAction> enable(bool enabled, Nanoseconds now) {
    return run([&] { clock_->set_enabled(enabled, now, out_); });
  }
  std::span<const PortAction> local_ptp_timescale(bool ptp_timescale) {
    return run([&] { clock_->set_local_ptp_timescale(ptp_timescale, out_); });
  }

  // Every event of every test passes here: no action list may ever overflow.
  void expect_no_dropped_actions() const {
    EXPECT_EQ(out_.dropped(), 0U) << "PortActions overflowed";
    EXPECT_EQ(clock_->counters().actions_dropped, 0U) << "counters().actions_dropped";
  }

 private:
  template <class F>
  std::span<const PortAction> run(F&& call) {
    out_.clear();
    call();
    expect_no_dropped_actions();
    for (const auto& action : out_.view()) {
      if (const auto* arm = std::get_if<ArmTimer>(&action)) {
        timers_[static_cast<std::size_t>(arm->timer)] = arm->deadline;
      } else if (const auto* cancel = std::get_if<CancelTimer>(&action)) {
        timers_[static_cast<std::size_t>(cancel->timer)].reset();
      }
    }
    return out_.view();
  }

  ServoType servo_;
  std::optional<OrdinaryClock> clock_;
  PortActions out_;
  std::array<std::optional<Nanoseconds>, kPortTimerCount> timers_{};
};

using Harness = BasicHarness<testing::NiceMock<MockServo>>;

// ---- Scripted peers ----------------------------------------------------------------------

// Two Announces of master A (priority1 100, better than us) one interval apart, starting at
// `at`: A is qualified after the second, and a slave clock goes UNCALIBRATED.
template <class H>
void qualify_master_a(H& h, Nanoseconds at, std::uint16_t first_sequence = 0) {
  AnnounceSpec spec;
  spec.sequence_id = first_sequence;
  h.general(announce(spec), at);
  spec.sequence_id = static_cast<std::uint16_t>(first_sequence + 1);
  h.general(announce(spec), at + seconds(2));
}

// The last message of `type` the clock sent in `actions`.
inline std::optional<SendMessage> last_send(std::span<const PortAction> actions,
                                            wire::MessageType type) {
  const auto found = sends_of(actions, type);
  if (found.empty()) return std::nullopt;
  return found.back();
}

// Master A as seen by a slave under test: `master_time` is A's clock (PTP timescale) at the
// harness time `now`; the slave's clock reads master_time + offset; every message takes `delay`.
// So t2 = t1 + delay + offset, t3 = master_time + offset, t4 = master_time + delay.
template <class H>
struct MasterAScript {
  H& h;
  Nanoseconds now = seconds(1000);
  Nanoseconds master_time = seconds(1'700'000'000);
  Nanoseconds delay = ns(50'000);
  Nanoseconds offset = ns(0);
  std::uint16_t sync_sequence = 100;
  std::uint16_t announce_sequence = 0;
  std::uint32_t delay_requests = 0;

  void advance(Nanoseconds by) {
    now = now + by;
    master_time = master_time + by;
  }
  // start(), then two Announces of A: UNCALIBRATED.
  void start_and_qualify() {
    h.start(now);
    announce_once();
    advance(seconds(2));
    announce_once();
  }
  std::span<const PortAction> announce_once() {
    AnnounceSpec spec;
    spec.sequence_id = announce_sequence++;
    return h.general(announce(spec), now);
  }
  // A two-step Sync and its Follow_Up; the actions of the Follow_Up (where the offset is
  // computed). The next exchange is one second later.
  std::span<const PortAction> sync_exchange() {
    const Nanoseconds t1 = master_time;
    const Nanoseconds t2 = t1 + delay + offset;
    SyncSpec spec;
    spec.sequence_id = sync_sequence;
    h.event(sync(spec), t2, now);
    advance(ms(1));
    const auto result = h.general(follow_up(kMasterA, sync_sequence, ts(t1)), now);
    ++sync_sequence;
    advance(ms(999));
    return result;
  }
  // The Delay_Req timer fires, the request's TX timestamp arrives, then A's Delay_Resp.
  void delay_exchange() {
    const auto sent =
        last_send(h.timer(PortTimer::kDelayRequest, now), wire::MessageType::kDelayReq);
    ASSERT_TRUE(sent.has_value()) << "no Delay_Req";
    ASSERT_TRUE(sent->timestamp_id.has_value());
    const wire::Message request = decode(*sent);
    const Nanoseconds t3 = master_time + offset;
    const Nanoseconds t4 = master_time + delay;
    h.tx_timestamp(*sent->timestamp_id, t3, now + ns(10));
    advance(ms(2));
    h.general(delay_resp(kMasterA, request.header.sequence_id, ts(t4), kOurPort), now);
    ++delay_requests;
    advance(ms(998));
  }
  // From start() to SLAVE, for a servo that answers kLocked.
  void reach_slave() {
    start_and_qualify();
    advance(ms(500));
    sync_exchange();
    delay_exchange();
    sync_exchange();
  }
};

}  // namespace clock_test
}  // namespace ptp
