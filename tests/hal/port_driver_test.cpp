// PortDriver against the GoogleMock HAL: HAL callbacks become core events (packets, timers, TX
// timestamps, capability changes), core actions become HAL calls (sends, timers, clock steps and
// frequency), the lost-timestamp and failed-send paths, and the timescale: the offset added to
// the system clock follows the parent's timePropertiesDS (ARB: none; PTP: its currentUtcOffset),
// a change of it resets the measurements, and the grandmaster on the system clock announces ARB.
#include "ptp/hal/port_driver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "mock_host_test.h"
#include "ordinary_clock_test_support.h"
#include "ptp/hal/utc_offset_rule.h"

namespace ptp::hal {
namespace {

using clock_test::AnnounceSpec;
using clock_test::Bytes;
using clock_test::kMasterA;
using clock_test::kOurPort;
using clock_test::locked;
using clock_test::MockServo;
using clock_test::ms;
using clock_test::ns;
using clock_test::seconds;
using clock_test::SyncSpec;
using clock_test::ts;
using testing::_;
using testing::NiceMock;
using testing::Return;
using wire::MessageType;

using test::kCounterHz;
// The system clock (UTC) at counter zero, and TAI - UTC.
constexpr Nanoseconds kUtcAtCounterZero = seconds(1'700'000'000);
constexpr Nanoseconds kLeap = seconds(37);
const IpAddress kMasterAddress = IpAddress::v4(192, 168, 1, 10);

constexpr Nanoseconds operator+(Nanoseconds a, Nanoseconds b) {
  return Nanoseconds(a.count() + b.count());
}

InterfaceTimestampCapabilities software_capabilities() {
  InterfaceTimestampCapabilities caps;
  caps.active.software = SoftwareTimestampCapabilities{true, true, false};
  caps.supported = caps.active;
  return caps;
}

InterfaceTimestampCapabilities hardware_capabilities() {
  InterfaceTimestampCapabilities caps = software_capabilities();
  caps.active.hardware.all_receive = true;
  caps.active.hardware.all_transmit = true;
  caps.active.hardware_clock_frequency_hz = kCounterHz;
  caps.supported = caps.active;
  return caps;
}

struct SentPacket {
  PtpUdpPort port = PtpUdpPort::kEvent;
  IpAddress destination;
  std::vector<std::byte> payload;
  TxTimestampRequest request = TxTimestampRequest::kNone;
  std::optional<TxTag> tag;

  [[nodiscard]] wire::Message decode() const {
    const auto decoded = wire::decode_message(payload);
    EXPECT_TRUE(decoded.has_value()) << "the driver sent a message that does not decode";
    return decoded.has_value() ? decoded.value() : wire::Message{};
  }
  [[nodiscard]] MessageType type() const { return decode().type(); }
};

class RecordingObserver : public PortDriverObserver {
 public:
  void on_state_changed(const StateChanged& change, Nanoseconds now) override {
    (void)now;
    changes.push_back(change);
  }
  void on_offset_measured(const OffsetMeasured& measurement, Nanoseconds now) override {
    (void)now;
    offsets.push_back(measurement.offset_from_master);
  }
  void on_utc_offset_changed(Nanoseconds applied, const TimePropertiesDataSet& time_properties,
                             Nanoseconds now) override {
    (void)time_properties;
    (void)now;
    utc_offsets.push_back(applied);
  }
  void on_peer_delay_input_rejected(const PeerDelayInputRejected& rejected,
                                    Nanoseconds now) override {
    (void)now;
    peer_delay_rejections.push_back(rejected);
  }
  std::vector<StateChanged> changes;
  std::vector<Nanoseconds> offsets;
  std::vector<Nanoseconds> utc_offsets;
  std::vector<PeerDelayInputRejected> peer_delay_rejections;
};

class NicMapping : public NicCounterMapping {
 public:
  MOCK_METHOD(std::optional<PreciseCounterTicks>, to_counter, (NicTicks), (override));
  MOCK_METHOD(void, restart, (), (override));
};

// One driver over mocks. The counter is the test's time; the system clock reads UTC =
// kUtcAtCounterZero + counter; sends are recorded and get tags 1, 2, ...; armed timers are kept.
class PortDriverTest : public test::MockHostTest {
 protected:
  PortDriverTest() : MockHostTest(kUtcAtCounterZero) {
    now_ = seconds(100);
    capabilities_ = software_capabilities();
    ON_CALL(transport_, send(_, _, _, _))
        .WillByDefault(
            [this](PtpUdpPort port, const IpAddress& destination,
                   std::span<const std::byte> payload,
                   TxTimestampRequest request) -> Result<std::optional<TxTag>, HalError> {
              if (send_error_) return unexpected(*send_error_);
              SentPacket sent{port, destination, {payload.begin(), payload.end()}, request, {}};
              if (request == TxTimestampRequest::kRequested && !withhold_tags_) {
                sent.tag = TxTag{next_tag_++};
              }
              sent_.push_back(sent);
              return sent.tag;
            });
    ON_CALL(system_clock_, step(_)).WillByDefault([](Nanoseconds offset) {
      return Result<Nanoseconds, HalError>(offset);
    });
    ON_CALL(hardware_clock_, adjustable()).WillByDefault(Return(true));
    ON_CALL(hardware_clock_, step(_)).WillByDefault([](Nanoseconds offset) {
      return Result<Nanoseconds, HalError>(offset);
    });
    ON_CALL(hardware_clock_, adjust_frequency(_)).WillByDefault(Return(Result<void, HalError>{}));
    ON_CALL(timers_, arm(_, _)).WillByDefault([this](TimerId id, CounterTicks deadline) {
      armed_[id.value] = Nanoseconds(deadline.count);
    });
    ON_CALL(timers_, cancel(_)).WillByDefault([this](TimerId id) { armed_[id.value].reset(); });
    ON_CALL(servo_, sample(_, _)).WillByDefault(Return(locked(0)));
  }

  // Builds the clock and driver (a test may change capabilities_ or config first) and starts.
  void start(bool with_hardware_clock = false) {
    port_config_ = clock_test::base_config();
    port_config_.log_sync_interval = 0;
    if (peer_to_peer_) port_config_.delay_mechanism = DelayMechanism::kP2P;
    auto clock = OrdinaryClock::create(port_config_, servo_);
    ASSERT_TRUE(clock.has_value());
    clock_.emplace(std::move(clock).value());
    host_.emplace(mock_host(with_hardware_clock));
    driver_.emplace(*host_, *clock_, driver_config_, &observer_);
    ASSERT_TRUE(driver_->start().has_value());
  }

  void advance_to(Nanoseconds time) { now_ = time; }
  [[nodiscard]] Nanoseconds utc(Nanoseconds counter_time) const {
    return kUtcAtCounterZero + counter_time;
  }

  void receive(const Bytes& bytes, PtpUdpPort port, std::optional<PacketTimestamp> timestamp = {}) {
    ReceivedPacket packet;
    packet.payload = bytes.span();
    packet.port = port;
    packet.source = UdpEndpoint{kMasterAddress, static_cast<std::uint16_t>(port)};
    packet.destination = kPtpPrimaryIpv4;
    packet.timestamp =
        timestamp.value_or(PacketTimestamp{TimestampSource::kSoftware, SystemTime{utc(now_)}});
    driver_->on_packet(packet);
  }
  void announce_from_a(const AnnounceSpec& spec) {
    receive(clock_test::announce(spec), PtpUdpPort::kGeneral);
  }
  // Two Announces of master A with `flags` and `utc_offset`, 1 s apart: UNCALIBRATED.
  void qualify_master_a(std::uint16_t flags, std::int16_t utc_offset) {
    spec_.flags = flags;
    spec_.current_utc_offset = utc_offset;
    spec_.log_interval = 0;
    announce_from_a(spec_);
    ++spec_.sequence_id;
    advance_to(now_ + seconds(1));
    announce_from_a(spec_);
    ++spec_.sequence_id;
  }
  // Fires a timer the driver armed, at its deadline.
  void fire(PortTimer timer) {
    const auto deadline = armed_[static_cast<std::size_t>(timer)];
    ASSERT_TRUE(deadline.has_value()) << to_string(timer) << " is not armed";
    advance_to(*deadline);
    armed_[static_cast<std::size_t>(timer)].reset();
    driver_->on_timer(TimerId{static_cast<std::uint32_t>(timer)});
  }
  [[nodiscard]] std::vector<SentPacket> sent_of(MessageType type) const {
    std::vector<SentPacket> found;
    for (const auto& sent : sent_) {
      if (sent.type() == type) found.push_back(sent);
    }
    return found;
  }

  // Master A sends `master_time(counter)` = UTC + master_ahead; the path takes kDelay each way.
  // One Sync/Follow_Up pair and one Delay_Req/Delay_Resp; true offset of our clock: 0.
  static constexpr Nanoseconds kDelay = ns(40'000);
  Nanoseconds master_ahead = kLeap;
  [[nodiscard]] Nanoseconds master_time(Nanoseconds counter_time) const {
    return utc(counter_time) + master_ahead;
  }
  void sync_exchange() {
    const Nanoseconds t1_counter = now_;
    advance_to(now_ + kDelay);
    SyncSpec sync;
    sync.sequence_id = sync_sequence_;
    sync.log_interval = 0;
    receive(clock_test::sync(sync), PtpUdpPort::kEvent);
    advance_to(now_ + ms(1));
    receive(clock_test::follow_up(kMasterA, sync_sequence_, ts(master_time(t1_counter))),
            PtpUdpPort::kGeneral);
    ++sync_sequence_;
  }
  void delay_exchange() {
    const std::size_t before = sent_of(MessageType::kDelayReq).size();
    fire(PortTimer::kDelayRequest);
    const auto requests = sent_of(MessageType::kDelayReq);
    ASSERT_EQ(requests.size(), before + 1);
    const SentPacket& request = requests.back();
    ASSERT_TRUE(request.tag.has_value());
    const Nanoseconds t3_counter = now_;
    driver_->on_tx_timestamp(*request.tag,
                             PacketTimestamp{TimestampSource::kSoftware, SystemTime{utc(now_)}});
    advance_to(now_ + kDelay);
    receive(clock_test::delay_resp(kMasterA, request.decode().header.sequence_id,
                                   ts(master_time(t3_counter + kDelay)), kOurPort),
            PtpUdpPort::kGeneral);
  }

  NiceMock<MockServo> servo_;
  RecordingObserver observer_;
  PortDriverConfig driver_config_;
  PortConfig port_config_;
  std::optional<OrdinaryClock> clock_;
  std::optional<Host> host_;
  std::optional<PortDriver> driver_;

  std::vector<SentPacket> sent_;
  std::array<std::optional<Nanoseconds>, kPortTimerCount> armed_{};
  std::optional<HalError> send_error_;
  bool withhold_tags_ = false;
  bool peer_to_peer_ = false;
  std::uint32_t next_tag_ = 1;
  std::uint16_t sync_sequence_ = 10;
  AnnounceSpec spec_;
};

constexpr std::uint16_t kPtpValid =
    wire::HeaderFlags::kPtpTimescale | wire::HeaderFlags::kCurrentUtcOffsetValid;
constexpr std::uint16_t kPtpNotValid = wire::HeaderFlags::kPtpTimescale;
constexpr std::uint16_t kArb = 0;

// ---- HAL callbacks in, core events out -------------------------------------------------------

TEST_F(PortDriverTest, StartAttachesToTheHalAndArmsTheAnnounceReceiptTimer) {
  EXPECT_CALL(transport_, set_listener(testing::NotNull()));
  EXPECT_CALL(timers_, set_listener(testing::NotNull()));
  EXPECT_CALL(transport_, set_listener(nullptr)).Times(testing::AnyNumber());  // at destruction
  EXPECT_CALL(timers_, set_listener(nullptr)).Times(testing::AnyNumber());
  EXPECT_CALL(timestamping_, subscribe(_));
  start();
  EXPECT_EQ(clock_->state(), PortState::kListening);
  EXPECT_EQ(driver_->timestamp_source(), TimestampSource::kSoftware);
  EXPECT_FALSE(driver_->disciplines_nic_clock());
  const auto receipt = armed_[static_cast<std::size_t>(PortTimer::kAnnounceReceipt)];
  ASSERT_TRUE(receipt.has_value());
  EXPECT_GT(*receipt, now_);
  ASSERT_EQ(observer_.changes.size(), 1U);
  EXPECT_EQ(observer_.changes[0].from, PortState::kInitializing);
  EXPECT_EQ(observer_.changes[0].to, PortState::kListening);
  EXPECT_EQ(observer_.changes[0].event, PortEvent::kInitComplete);
}

TEST_F(PortDriverTest, StopDetachesUnsubscribesAndCancelsEveryTimer) {
  start();
  EXPECT_CALL(transport_, set_listener(nullptr));
  EXPECT_CALL(timers_, set_listener(nullptr));
  EXPECT_CALL(timestamping_, unsubscribe(SubscriptionId{7}));
  EXPECT_CALL(timers_, cancel(_)).Times(static_cast<int>(kPortTimerCount));
  driver_->stop();
}

TEST_F(PortDriverTest, AnnouncesFromABetterMasterMakeTheClockFollowIt) {
  start();
  qualify_master_a(kArb, 37);
  EXPECT_EQ(clock_->state(), PortState::kUncalibrated);
  EXPECT_EQ(clock_->parent_data_set().parent_port_identity, kMasterA);
}

TEST_F(PortDriverTest, ReceiptTimeoutMakesAMasterThatSendsAnnounceAndSyncToTheGroup) {
  start();
  fire(PortTimer::kAnnounceReceipt);
  EXPECT_EQ(clock_->state(), PortState::kMaster);
  const auto announces = sent_of(MessageType::kAnnounce);
  ASSERT_EQ(announces.size(), 1U);
  EXPECT_EQ(announces[0].port, PtpUdpPort::kGeneral);
  EXPECT_EQ(announces[0].destination, kPtpPrimaryIpv4);
  EXPECT_EQ(announces[0].request, TxTimestampRequest::kNone);
  const auto syncs = sent_of(MessageType::kSync);
  ASSERT_EQ(syncs.size(), 1U);
  EXPECT_EQ(syncs[0].port, PtpUdpPort::kEvent);
  EXPECT_EQ(syncs[0].request, TxTimestampRequest::kRequested);
  EXPECT_TRUE(armed_[static_cast<std::size_t>(PortTimer::kSyncTransmit)].has_value());
}

TEST_F(PortDriverTest, SyncTransmitTimestampBecomesTheFollowUpOriginOnTheLocalTimescale) {
  start();
  fire(PortTimer::kAnnounceReceipt);
  const auto sync = sent_of(MessageType::kSync).at(0);
  ASSERT_TRUE(sync.tag.has_value());
  const Nanoseconds transmitted = utc(now_) + ns(1234);
  driver_->on_tx_timestamp(*sync.tag,
                           PacketTimestamp{TimestampSource::kSoftware, SystemTime{transmitted}});
  const auto follow_ups = sent_of(MessageType::kFollowUp);
  ASSERT_EQ(follow_ups.size(), 1U);
  // A grandmaster on the system clock sends UTC (ARB), as ptp4l on CLOCK_REALTIME does.
  EXPECT_EQ(std::get<wire::FollowUp>(follow_ups[0].decode().body).precise_origin_timestamp,
            ts(transmitted));
}

TEST_F(PortDriverTest, CounterTimestampsGoThroughTheSystemClocksMapping) {
  start();
  EXPECT_CALL(system_clock_, at_counter(CounterTicks{5000}));
  const auto time =
      driver_->local_ptp_time(PacketTimestamp{TimestampSource::kNone, CounterTicks{5000}});
  ASSERT_TRUE(time.has_value());
  EXPECT_EQ(*time, utc(ns(5000)));
}

TEST_F(PortDriverTest, NicTimestampsNeedTheMappingOnTheSystemClock) {
  start();
  EXPECT_FALSE(driver_->local_ptp_time(PacketTimestamp{TimestampSource::kHardware, NicTicks{10}}));
  NicMapping mapping;
  EXPECT_CALL(mapping, to_counter(NicTicks{10}))
      .WillOnce(Return(PreciseCounterTicks{CounterTicks{200}, 0.5}));
  driver_->set_nic_counter_mapping(&mapping);
  const auto time =
      driver_->local_ptp_time(PacketTimestamp{TimestampSource::kHardware, NicTicks{10}});
  ASSERT_TRUE(time.has_value());
  EXPECT_EQ(*time, utc(ns(201)));  // 200.5 ns rounds to 201 (llround: half away from zero)
  driver_->set_nic_counter_mapping(nullptr);
}

TEST_F(PortDriverTest, UnconvertibleReceiveTimestampIsCounted) {
  start();
  ON_CALL(system_clock_, at_counter(_))
      .WillByDefault(Return(Result<SystemTime, HalError>(unexpected(HalError{}))));
  SyncSpec sync;
  receive(clock_test::sync(sync), PtpUdpPort::kEvent,
          PacketTimestamp{TimestampSource::kNone, CounterTicks{1}});
  EXPECT_EQ(driver_->counters().unconvertible_timestamps, 1U);
}

TEST_F(PortDriverTest, BadPeerDelayInputReachesTheObserverOnceAndIsCountedEveryTime) {
  peer_to_peer_ = true;
  start();
  for (int i = 0; i < 3; ++i) {
    wire::Header header = clock_test::header(MessageType::kPdelayResp, kMasterA,
                                             static_cast<std::uint16_t>(40 + i), 0x7F);
    header.flags.set(wire::HeaderFlags::kTwoStep);
    receive(clock_test::encode(
                wire::Message{header, wire::PdelayResp{ts(utc(now_)), clock_test::kOurPort}, {}}),
            PtpUdpPort::kEvent);
  }
  ASSERT_EQ(observer_.peer_delay_rejections.size(), 1U);
  EXPECT_EQ(observer_.peer_delay_rejections[0].problem, PeerDelayProblem::kUnexpectedResponse);
  EXPECT_EQ(observer_.peer_delay_rejections[0].source, kMasterA);
  EXPECT_EQ(clock_->counters().drops(DropReason::kUnmatchedSequence), 3U);
}

// ---- Lost timestamps and failures ------------------------------------------------------------

TEST_F(PortDriverTest, LostSyncTimestampSendsNoFollowUpAndIsCountedByTheCore) {
  start();
  fire(PortTimer::kAnnounceReceipt);
  const auto sync = sent_of(MessageType::kSync).at(0);
  driver_->on_tx_timestamp_lost(*sync.tag, TxTimestampLoss::kTimedOut);
  EXPECT_TRUE(sent_of(MessageType::kFollowUp).empty());
  EXPECT_EQ(clock_->counters().tx_timestamps_lost, 1U);
  // The tag is spent: a late timestamp for it is ignored.
  driver_->on_tx_timestamp(*sync.tag,
                           PacketTimestamp{TimestampSource::kSoftware, SystemTime{utc(now_)}});
  EXPECT_TRUE(sent_of(MessageType::kFollowUp).empty());
}

TEST_F(PortDriverTest, UnknownTagIsIgnored) {
  start();
  fire(PortTimer::kAnnounceReceipt);
  driver_->on_tx_timestamp_lost(TxTag{999}, TxTimestampLoss::kTimedOut);
  EXPECT_EQ(clock_->counters().tx_timestamps_lost, 0U);
}

TEST_F(PortDriverTest, SendWithoutATagForARequestedTimestampIsALostTimestamp) {
  start();
  withhold_tags_ = true;
  fire(PortTimer::kAnnounceReceipt);
  ASSERT_EQ(sent_of(MessageType::kSync).size(), 1U);
  EXPECT_EQ(clock_->counters().tx_timestamps_lost, 1U);
}

TEST_F(PortDriverTest, FailedSendIsAFaultAndLosesItsTimestamp) {
  start();
  send_error_ = HalError{HalErrorCode::kUnavailable, 0};
  fire(PortTimer::kAnnounceReceipt);
  EXPECT_GE(driver_->counters().send_failures, 2U);  // Announce and Sync
  EXPECT_EQ(clock_->state(), PortState::kFaulty);
  EXPECT_EQ(clock_->counters().faults, 1U);
  EXPECT_EQ(clock_->counters().tx_timestamps_lost, 1U);
  EXPECT_TRUE(armed_[static_cast<std::size_t>(PortTimer::kFaultReset)].has_value());
}

TEST_F(PortDriverTest, StepAndFrequencyGoToTheSystemClockAndFailuresAreCounted) {
  start();
  EXPECT_CALL(servo_, sample(_, _))
      .WillOnce(Return(clock_test::jump(ns(-500), 12.5)))
      .WillRepeatedly(Return(locked(12.5)));
  EXPECT_CALL(system_clock_, step(ns(-500)))
      .WillOnce(Return(Result<Nanoseconds, HalError>(unexpected(HalError{}))));
  EXPECT_CALL(servo_, step_applied(_, _)).Times(0);  // nothing moved
  EXPECT_CALL(system_clock_, adjust_frequency(PartsPerBillion{12.5})).Times(testing::AtLeast(1));
  EXPECT_CALL(hardware_clock_, step(_)).Times(0);
  qualify_master_a(kArb, 37);
  master_ahead = Nanoseconds(0);
  sync_exchange();
  delay_exchange();
  sync_exchange();
  EXPECT_EQ(driver_->counters().clock_step_failures, 1U);
}

TEST_F(PortDriverTest, TheStepAClockAppliedReachesTheServo) {
  // A clock that steps coarsely (to the millisecond) lands near the request: the servo hears both.
  start();
  EXPECT_CALL(servo_, sample(_, _))
      .WillOnce(Return(clock_test::jump(ns(-1'234'567), 12.5)))
      .WillRepeatedly(Return(locked(12.5)));
  EXPECT_CALL(system_clock_, step(ns(-1'234'567)))
      .WillOnce(Return(Result<Nanoseconds, HalError>(ns(-1'000'000))));
  EXPECT_CALL(servo_, step_applied(ns(-1'234'567), ns(-1'000'000))).Times(1);
  qualify_master_a(kArb, 37);
  master_ahead = Nanoseconds(0);
  sync_exchange();
  delay_exchange();
  sync_exchange();
  EXPECT_EQ(driver_->counters().clock_step_failures, 0U);
}

TEST_F(PortDriverTest, ASyncTimestampedBeforeAStepAndReceivedAfterItHasNoTimestamp) {
  // The Sync sat in the receive queue while a Follow_Up made the clock step back 100 ms: its
  // reading is on the old timescale, 100 ms off. One taken after the step is kept.
  start();
  EXPECT_CALL(servo_, sample(_, _))
      .WillOnce(Return(clock_test::jump(ms(-100), 12.5)))
      .WillRepeatedly(Return(locked(12.5)));
  qualify_master_a(kArb, 37);
  master_ahead = Nanoseconds(0);
  sync_exchange();
  delay_exchange();
  sync_exchange();  // the step, at utc(now_) on the mock's clock
  const Nanoseconds step_at = now_;
  advance_to(now_ + ns(5'000));
  SyncSpec queued;
  queued.sequence_id = sync_sequence_++;
  queued.log_interval = 0;
  receive(
      clock_test::sync(queued), PtpUdpPort::kEvent,
      PacketTimestamp{TimestampSource::kSoftware, SystemTime{utc(ns(step_at.count() - 20'000))}});
  EXPECT_EQ(driver_->counters().timestamps_before_step, 1U);
  EXPECT_EQ(clock_->counters().drops(DropReason::kNoReceiveTimestamp), 1U);
  SyncSpec fresh;
  fresh.sequence_id = sync_sequence_++;
  fresh.log_interval = 0;
  receive(clock_test::sync(fresh), PtpUdpPort::kEvent,
          PacketTimestamp{TimestampSource::kSoftware,
                          SystemTime{utc(ns(step_at.count() - 100'000'000 + 4'000))}});
  EXPECT_EQ(driver_->counters().timestamps_before_step, 1U);
  EXPECT_EQ(clock_->counters().drops(DropReason::kNoReceiveTimestamp), 1U);
}

TEST_F(PortDriverTest, ReadOnlyNeverTouchesAClock) {
  driver_config_.read_only = true;
  start();
  ON_CALL(servo_, sample(_, _)).WillByDefault(Return(clock_test::jump(ns(-500), 12.5)));
  EXPECT_CALL(system_clock_, step(_)).Times(0);
  EXPECT_CALL(system_clock_, adjust_frequency(_)).Times(0);
  qualify_master_a(kArb, 37);
  master_ahead = Nanoseconds(0);
  sync_exchange();
  delay_exchange();
  sync_exchange();
  EXPECT_FALSE(observer_.offsets.empty());
}

// ---- Capability changes ----------------------------------------------------------------------

TEST_F(PortDriverTest, CapabilityChangeReselectsTheSourceRestartsTheMappingAndTheServo) {
  start();
  NicMapping mapping;
  driver_->set_nic_counter_mapping(&mapping);
  qualify_master_a(kArb, 37);
  master_ahead = Nanoseconds(0);
  sync_exchange();
  delay_exchange();
  sync_exchange();
  ASSERT_EQ(clock_->state(), PortState::kSlave);

  capabilities_ = InterfaceTimestampCapabilities{};
  EXPECT_CALL(mapping, restart());
  EXPECT_CALL(servo_, reset()).Times(testing::AtLeast(1));
  driver_->on_capabilities_changed();
  EXPECT_EQ(driver_->timestamp_source(), TimestampSource::kNone);
  EXPECT_EQ(driver_->counters().capability_changes, 1U);
  EXPECT_EQ(clock_->state(), PortState::kUncalibrated);
  driver_->set_nic_counter_mapping(nullptr);
}

TEST_F(PortDriverTest, HardwareTimestampsWithAnAdjustableNicClockDisciplineTheNicClock) {
  capabilities_ = hardware_capabilities();
  start(/*with_hardware_clock=*/true);
  EXPECT_TRUE(driver_->disciplines_nic_clock());
  EXPECT_EQ(driver_->timestamp_source(), TimestampSource::kHardware);
  // NIC ticks are PTP time as they are; the NIC clock is announced on the PTP timescale.
  EXPECT_EQ(driver_->local_ptp_time(PacketTimestamp{TimestampSource::kHardware, NicTicks{777}}),
            std::optional<Nanoseconds>(ns(777)));
  EXPECT_TRUE(clock_->time_properties_data_set().ptp_timescale);
  fire(PortTimer::kAnnounceReceipt);
  const auto announces = sent_of(MessageType::kAnnounce);
  ASSERT_EQ(announces.size(), 1U);
  EXPECT_TRUE(announces[0].decode().header.flags.ptp_timescale());

  // The NIC clock is lost: the system clock (UTC, ARB) takes over.
  capabilities_ = software_capabilities();
  driver_->on_capabilities_changed();
  EXPECT_FALSE(driver_->disciplines_nic_clock());
  EXPECT_FALSE(clock_->time_properties_data_set().ptp_timescale);
}

// ---- Timescale -------------------------------------------------------------------------------

TEST(UtcOffsetRuleTest, FollowsTheParentsTimescaleAndValidity) {
  TimePropertiesDataSet parent;
  parent.current_utc_offset = 36;
  parent.ptp_timescale = false;
  parent.current_utc_offset_valid = true;
  EXPECT_EQ(utc_offset_to_apply(parent, kLeap), Nanoseconds(0));  // ARB: never an offset
  parent.ptp_timescale = true;
  EXPECT_EQ(utc_offset_to_apply(parent, kLeap), seconds(36));  // valid: the announced one
  parent.current_utc_offset_valid = false;
  EXPECT_EQ(utc_offset_to_apply(parent, kLeap), kLeap);  // not valid: the larger
  parent.current_utc_offset = 38;
  EXPECT_EQ(utc_offset_to_apply(parent, kLeap), seconds(38));
}

TEST_F(PortDriverTest, GrandmasterOnTheSystemClockAnnouncesArbWithTheConfiguredOffset) {
  driver_config_.utc_offset = seconds(37);
  start();
  EXPECT_FALSE(clock_->time_properties_data_set().ptp_timescale);
  EXPECT_EQ(driver_->applied_utc_offset(), Nanoseconds(0));
  fire(PortTimer::kAnnounceReceipt);
  const auto announce = sent_of(MessageType::kAnnounce).at(0).decode();
  EXPECT_FALSE(announce.header.flags.ptp_timescale());
  EXPECT_FALSE(announce.header.flags.current_utc_offset_valid());
  EXPECT_EQ(std::get<wire::Announce>(announce.body).current_utc_offset, 37);
}

TEST_F(PortDriverTest, SystemClockOnThePtpTimescaleWhenConfiguredSendsUtcPlusTheOffset) {
  driver_config_.system_clock_on_ptp_timescale = true;
  start();
  EXPECT_TRUE(clock_->time_properties_data_set().ptp_timescale);
  EXPECT_EQ(driver_->applied_utc_offset(), kLeap);
  fire(PortTimer::kAnnounceReceipt);
  EXPECT_TRUE(sent_of(MessageType::kAnnounce).at(0).decode().header.flags.ptp_timescale());
  const auto sync = sent_of(MessageType::kSync).at(0);
  const Nanoseconds transmitted = utc(now_);
  driver_->on_tx_timestamp(*sync.tag,
                           PacketTimestamp{TimestampSource::kSoftware, SystemTime{transmitted}});
  EXPECT_EQ(std::get<wire::FollowUp>(sent_of(MessageType::kFollowUp).at(0).decode().body)
                .precise_origin_timestamp,
            ts(transmitted + kLeap));
}

TEST_F(PortDriverTest, ArbParentIsComparedWithoutAnOffset) {
  start();
  qualify_master_a(kArb, 37);
  EXPECT_EQ(driver_->applied_utc_offset(), Nanoseconds(0));
  master_ahead = Nanoseconds(0);  // ptp4l on CLOCK_REALTIME: sends UTC
  sync_exchange();
  delay_exchange();
  sync_exchange();
  ASSERT_FALSE(observer_.offsets.empty());
  EXPECT_EQ(observer_.offsets.back(), Nanoseconds(0));
  EXPECT_EQ(driver_->counters().utc_offset_changes, 0U);
}

TEST_F(PortDriverTest, PtpParentWithAValidOffsetHasItSubtracted) {
  start();
  qualify_master_a(kPtpValid, 36);
  EXPECT_EQ(driver_->applied_utc_offset(), seconds(36));
  EXPECT_EQ(observer_.utc_offsets, std::vector<Nanoseconds>{seconds(36)});
  master_ahead = seconds(36);
  sync_exchange();
  delay_exchange();
  sync_exchange();
  ASSERT_FALSE(observer_.offsets.empty());
  EXPECT_EQ(observer_.offsets.back(), Nanoseconds(0));
  EXPECT_EQ(
      driver_->local_ptp_time(PacketTimestamp{TimestampSource::kSoftware, SystemTime{utc(ns(5))}}),
      std::optional<Nanoseconds>(utc(ns(5)) + seconds(36)));
}

// The core's TimescaleChanged, not a re-read of its data sets, moves the applied offset: when
// the PTP parent falls silent the clock is its own (ARB) grandmaster again and applies none; a
// master holds no measurement, so nothing restarts.
TEST_F(PortDriverTest, OwnGrandmasterAfterAPtpParentFellSilentAppliesNoOffsetAndRestartsNothing) {
  start();
  qualify_master_a(kPtpValid, 37);
  ASSERT_EQ(driver_->applied_utc_offset(), kLeap);
  EXPECT_CALL(servo_, reset()).Times(0);
  fire(PortTimer::kAnnounceReceipt);
  ASSERT_EQ(clock_->state(), PortState::kMaster);
  EXPECT_EQ(driver_->applied_utc_offset(), Nanoseconds(0));
  EXPECT_EQ(driver_->counters().utc_offset_changes, 2U);
  EXPECT_EQ(observer_.utc_offsets, (std::vector<Nanoseconds>{kLeap, Nanoseconds(0)}));
}

TEST_F(PortDriverTest, PtpParentWithoutAValidOffsetGetsTheLargerOfAnnouncedAndConfigured) {
  driver_config_.utc_offset = seconds(37);
  start();
  qualify_master_a(kPtpNotValid, 30);
  EXPECT_EQ(driver_->applied_utc_offset(), seconds(37));
  spec_.current_utc_offset = 40;
  announce_from_a(spec_);
  EXPECT_EQ(driver_->applied_utc_offset(), seconds(40));
}

// The parent changes from ARB to PTP while SLAVE: no 37 s sample reaches the servo, the
// measurements start over (UNCALIBRATED, servo reset), and the next exchange measures 0.
TEST_F(PortDriverTest, OffsetChangeWhileSlaveResetsTheMeasurementsInsteadOfFeedingAJump) {
  start();
  qualify_master_a(kArb, 37);
  master_ahead = Nanoseconds(0);
  sync_exchange();
  delay_exchange();
  sync_exchange();
  ASSERT_EQ(clock_->state(), PortState::kSlave);
  const std::size_t measured = observer_.offsets.size();

  // A Sync taken before the change, whose Follow_Up comes after it: must not be used.
  const Nanoseconds t1_counter = now_;
  advance_to(now_ + kDelay);
  SyncSpec sync;
  sync.sequence_id = sync_sequence_;
  sync.log_interval = 0;
  receive(clock_test::sync(sync), PtpUdpPort::kEvent);

  EXPECT_CALL(servo_, reset()).Times(testing::AtLeast(1));
  master_ahead = kLeap;
  spec_.flags = kPtpValid;
  announce_from_a(spec_);
  testing::Mock::VerifyAndClearExpectations(&servo_);
  EXPECT_EQ(driver_->applied_utc_offset(), kLeap);
  EXPECT_EQ(driver_->counters().utc_offset_changes, 1U);
  EXPECT_EQ(clock_->state(), PortState::kUncalibrated);

  EXPECT_CALL(servo_, sample(_, _)).WillRepeatedly(Return(locked(0)));
  EXPECT_CALL(servo_, sample(testing::Gt(ns(1'000'000)), _)).Times(0);
  EXPECT_CALL(servo_, sample(testing::Lt(ns(-1'000'000)), _)).Times(0);
  receive(clock_test::follow_up(kMasterA, sync_sequence_, ts(master_time(t1_counter))),
          PtpUdpPort::kGeneral);
  ++sync_sequence_;
  EXPECT_EQ(observer_.offsets.size(), measured);  // the straddling pair was discarded
  sync_exchange();
  delay_exchange();
  sync_exchange();
  ASSERT_GT(observer_.offsets.size(), measured);
  EXPECT_EQ(observer_.offsets.back(), Nanoseconds(0));
}

// Becoming grandmaster after following a PTP parent: the offset goes to 0 (ARB) without a
// reset of the new master's Sync (its Follow_Up still goes out, in UTC).
TEST_F(PortDriverTest, BecomingGrandmasterDropsTheOffsetWithoutLosingTheFirstFollowUp) {
  start();
  qualify_master_a(kPtpValid, 37);
  ASSERT_EQ(driver_->applied_utc_offset(), kLeap);
  fire(PortTimer::kAnnounceReceipt);
  ASSERT_EQ(clock_->state(), PortState::kMaster);
  EXPECT_EQ(driver_->applied_utc_offset(), Nanoseconds(0));
  const auto syncs = sent_of(MessageType::kSync);
  ASSERT_EQ(syncs.size(), 1U);
  const Nanoseconds transmitted = utc(now_);
  driver_->on_tx_timestamp(*syncs[0].tag,
                           PacketTimestamp{TimestampSource::kSoftware, SystemTime{transmitted}});
  const auto follow_ups = sent_of(MessageType::kFollowUp);
  ASSERT_EQ(follow_ups.size(), 1U);
  EXPECT_EQ(std::get<wire::FollowUp>(follow_ups[0].decode().body).precise_origin_timestamp,
            ts(transmitted));
}

TEST_F(PortDriverTest, NicClockIgnoresTheParentsUtcOffset) {
  capabilities_ = hardware_capabilities();
  start(/*with_hardware_clock=*/true);
  qualify_master_a(kArb, 37);
  EXPECT_CALL(servo_, reset()).Times(0);
  spec_.flags = kPtpValid;
  announce_from_a(spec_);
  EXPECT_EQ(driver_->local_ptp_time(PacketTimestamp{TimestampSource::kHardware, NicTicks{5}}),
            std::optional<Nanoseconds>(ns(5)));
  EXPECT_EQ(clock_->state(), PortState::kUncalibrated);
}

}  // namespace
}  // namespace ptp::hal
