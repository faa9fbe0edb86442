// Writes the seed corpus of ptp_wire_decode_fuzzer: one valid encoded message of every message
// type, and of every typed TLV the codec knows (PATH_TRACE, ORGANIZATION_EXTENSION, MANAGEMENT
// with each typed data set, NULL_MANAGEMENT, MANAGEMENT_ERROR_STATUS, the four unicast
// negotiation TLVs).
//
// Usage: ptp_make_seed_corpus <output-dir>
//
// The seeds are built with the codec's own encoders, not typed in as hex, so they stay valid when
// the message model changes; the `ptp_fuzz_seed_corpus` target reruns this into fuzz/corpus. The
// output is deterministic (fixed field values, fixed file names), so regenerating an unchanged
// codec leaves the committed files unchanged.
#include <array>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ptp/wire/management_error_status_tlv.h"
#include "ptp/wire/management_tlv.h"
#include "ptp/wire/message.h"
#include "ptp/wire/organization_extension_tlv.h"
#include "ptp/wire/path_trace_tlv.h"
#include "ptp/wire/tlv.h"
#include "ptp/wire/unicast_negotiation_tlv.h"

namespace {

using ptp::ClockAccuracy;
using ptp::ClockIdentity;
using ptp::ClockQuality;
using ptp::PortIdentity;
using ptp::TimeInterval;
using ptp::TimeSource;
using ptp::Timestamp;
using namespace ptp::wire;  // NOLINT(google-build-using-namespace): a tool of this namespace

// Distinct, non-zero values everywhere: a seed whose fields are all zero would hide byte-order
// and offset mistakes from the fuzzer's comparisons.
constexpr ClockIdentity kLocalClock{{0x00, 0x1B, 0x21, 0xFF, 0xFE, 0x12, 0x34, 0x56}};
constexpr ClockIdentity kMasterClock{{0xAC, 0x1F, 0x6B, 0xFF, 0xFE, 0x65, 0x43, 0x21}};
constexpr ClockIdentity kGrandmasterClock{{0x00, 0x0E, 0xFE, 0xFF, 0xFE, 0x0A, 0x0B, 0x0C}};
constexpr PortIdentity kLocalPort{kLocalClock, 1};
constexpr PortIdentity kMasterPort{kMasterClock, 3};
constexpr PortIdentity kAllClocksAllPorts{
    ClockIdentity{{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}}, PortIdentity::kAllPorts};
constexpr Timestamp kTime{1'700'000'037, 123'456'789};
constexpr ClockQuality kGrandmasterQuality{6, ClockAccuracy::kWithin100ns, 0x4E5D};

struct Seed {
  std::string name;
  std::vector<std::byte> bytes;
};

Header header_for(MessageType type, const PortIdentity& source, std::uint16_t sequence_id,
                  std::int8_t log_message_interval) {
  Header header;
  header.message_type = type;
  header.domain_number = 0;
  header.flags = HeaderFlags().set(HeaderFlags::kPtpTimescale);
  if (type == MessageType::kSync || type == MessageType::kPdelayResp) {
    header.flags.set(HeaderFlags::kTwoStep);
  }
  if (type == MessageType::kAnnounce) {
    header.flags.set(HeaderFlags::kCurrentUtcOffsetValid).set(HeaderFlags::kTimeTraceable);
  }
  if (type == MessageType::kFollowUp || type == MessageType::kPdelayRespFollowUp) {
    header.correction_field = TimeInterval::from_scaled(0x0000'0000'02A0'8000);  // 672.5 ns
  }
  header.source_port_identity = source;
  header.sequence_id = sequence_id;
  header.control_field = default_control_field(type);
  header.log_message_interval = log_message_interval;
  return header;
}

// The seeds built so far; any failure to build one is remembered and makes the program fail,
// since it is a bug in this program or in the codec.
class Corpus {
 public:
  void add(std::string name, const Message& message) {
    std::vector<std::byte> out(kMaxMessageLength);
    auto size = encode_message(message, out);
    if (!size) {
      fail(name, to_string(size.error()));
      return;
    }
    out.resize(*size);
    // The corpus must hold inputs the codec accepts and decodes to what was meant: check rather
    // than trust the encoder. (messageLength is an output of encoding, not an input.)
    Message expected = message;
    expected.header.message_length = static_cast<std::uint16_t>(*size);
    if (auto decoded = decode_message(out); !decoded || !(*decoded == expected)) {
      fail(name, "does not decode back to itself");
      return;
    }
    seeds_.push_back(Seed{std::move(name), std::move(out)});
  }

  // For TLV areas that could not be built.
  void fail(const std::string& name, std::string_view why) {
    std::fprintf(stderr, "make_seed_corpus: %s: %.*s\n", name.c_str(), static_cast<int>(why.size()),
                 why.data());
    failed_ = true;
  }

  [[nodiscard]] bool failed() const { return failed_; }
  [[nodiscard]] const std::vector<Seed>& seeds() const { return seeds_; }

 private:
  std::vector<Seed> seeds_;
  bool failed_ = false;
};

// Management messages address every port of every clock, as `pmc` does by default.
Message management_message(const Header& header, ManagementAction action) {
  return Message{header, Management{kAllClocksAllPorts, 1, 1, action}, {}};
}

// Adds `message` with a TLV area of the one TLV that `append` writes.
template <class Append>
void add_with_tlv(Corpus& corpus, std::string name, Message message, Append append) {
  std::vector<std::byte> area(512);
  TlvWriter writer(area);
  if (!append(writer)) {
    corpus.fail(name, "cannot build its TLV");
    return;
  }
  message.tlvs = writer.written();
  corpus.add(std::move(name), message);
}

void build(Corpus& corpus) {
  // Event and general messages without TLVs.
  corpus.add("sync", Message{header_for(MessageType::kSync, kMasterPort, 101, 0), Sync{kTime}, {}});
  corpus.add(
      "delay_req",
      Message{header_for(MessageType::kDelayReq, kLocalPort, 202, 0x7F), DelayReq{kTime}, {}});
  corpus.add(
      "pdelay_req",
      Message{header_for(MessageType::kPdelayReq, kLocalPort, 303, 0), PdelayReq{kTime}, {}});
  corpus.add("pdelay_resp", Message{header_for(MessageType::kPdelayResp, kMasterPort, 303, 0x7F),
                                    PdelayResp{kTime, kLocalPort},
                                    {}});
  corpus.add("follow_up",
             Message{header_for(MessageType::kFollowUp, kMasterPort, 101, 0), FollowUp{kTime}, {}});
  corpus.add("delay_resp", Message{header_for(MessageType::kDelayResp, kMasterPort, 202, 0),
                                   DelayResp{kTime, kLocalPort},
                                   {}});
  corpus.add("pdelay_resp_follow_up",
             Message{header_for(MessageType::kPdelayRespFollowUp, kMasterPort, 303, 0x7F),
                     PdelayRespFollowUp{kTime, kLocalPort},
                     {}});

  // Announce carrying a PATH_TRACE TLV (16.2): grandmaster, then the boundary clock that relayed.
  {
    Announce announce;
    announce.origin_timestamp = kTime;
    announce.current_utc_offset = 37;
    announce.grandmaster_priority1 = 128;
    announce.grandmaster_clock_quality = kGrandmasterQuality;
    announce.grandmaster_priority2 = 127;
    announce.grandmaster_identity = kGrandmasterClock;
    announce.steps_removed = 1;
    announce.time_source = TimeSource::kGnss;
    add_with_tlv(corpus, "announce_path_trace",
                 Message{header_for(MessageType::kAnnounce, kMasterPort, 404, 1), announce, {}},
                 [](TlvWriter& writer) {
                   const std::array<ClockIdentity, 2> path{kGrandmasterClock, kMasterClock};
                   return bool(append_path_trace_tlv(writer, path));
                 });
  }

  // Signaling carrying the four unicast negotiation TLVs (16.1.4), several per message as
  // ptp4l sends them.
  add_with_tlv(
      corpus, "signaling_unicast_negotiation",
      Message{
          header_for(MessageType::kSignaling, kLocalPort, 506, 0x7F), Signaling{kMasterPort}, {}},
      [](TlvWriter& writer) {
        const std::array<UnicastNegotiationTlv, 4> tlvs{
            RequestUnicastTransmissionTlv{MessageType::kAnnounce, 1, 300},
            GrantUnicastTransmissionTlv{MessageType::kSync, -3, 300, true},
            CancelUnicastTransmissionTlv{MessageType::kDelayResp, true, false},
            AcknowledgeCancelUnicastTransmissionTlv{MessageType::kSync, false, true}};
        for (const UnicastNegotiationTlv& tlv : tlvs) {
          if (!append_unicast_negotiation_tlv(writer, tlv)) return false;
        }
        return true;
      });
  // Signaling carrying an ORGANIZATION_EXTENSION TLV (14.3).
  add_with_tlv(
      corpus, "signaling_org_ext",
      Message{
          header_for(MessageType::kSignaling, kLocalPort, 505, 0x7F), Signaling{kMasterPort}, {}},
      [](TlvWriter& writer) {
        static constexpr std::array<std::byte, 10> kData{
            std::byte{0x00}, std::byte{0x01}, std::byte{0x02}, std::byte{0x03}, std::byte{0x04},
            std::byte{0x05}, std::byte{0x06}, std::byte{0x07}, std::byte{0x08}, std::byte{0x09}};
        OrganizationExtensionTlv tlv;
        tlv.organization_id = {0x00, 0x80, 0xC2};  // IEEE 802.1
        tlv.organization_sub_type = {0x00, 0x00, 0x02};
        tlv.data = kData;
        return bool(append_organization_extension_tlv(writer, tlv));
      });

  // Management: a GET (empty dataField) and a RESPONSE for each typed data set.
  ManagementDefaultDataSet default_ds;
  default_ds.two_step = true;
  default_ds.slave_only = false;
  default_ds.number_ports = 1;
  default_ds.priority1 = 128;
  default_ds.clock_quality = ClockQuality{248, ClockAccuracy::kUnknown, 0xFFFF};
  default_ds.priority2 = 128;
  default_ds.clock_identity = kLocalClock;
  default_ds.domain_number = 0;

  ManagementCurrentDataSet current_ds;
  current_ds.steps_removed = 1;
  current_ds.offset_from_master = TimeInterval::from_scaled(-0x0000'0000'0123'4000);
  current_ds.mean_path_delay = TimeInterval::from_scaled(0x0000'0000'0456'8000);

  ManagementParentDataSet parent_ds;
  parent_ds.parent_port_identity = kMasterPort;
  parent_ds.parent_stats = false;
  parent_ds.observed_parent_offset_scaled_log_variance = 0xFFFF;
  parent_ds.observed_parent_clock_phase_change_rate = 0x7FFFFFFF;
  parent_ds.grandmaster_priority1 = 128;
  parent_ds.grandmaster_clock_quality = kGrandmasterQuality;
  parent_ds.grandmaster_priority2 = 127;
  parent_ds.grandmaster_identity = kGrandmasterClock;

  ManagementTimePropertiesDataSet time_properties_ds;
  time_properties_ds.current_utc_offset = 37;
  time_properties_ds.current_utc_offset_valid = true;
  time_properties_ds.ptp_timescale = true;
  time_properties_ds.time_traceable = true;
  time_properties_ds.frequency_traceable = true;
  time_properties_ds.time_source = TimeSource::kGnss;

  ManagementPortDataSet port_ds;
  port_ds.port_identity = kLocalPort;
  port_ds.port_state = 9;  // SLAVE
  port_ds.log_min_delay_req_interval = 0;
  port_ds.peer_mean_path_delay = TimeInterval::from_scaled(0);
  port_ds.log_announce_interval = 1;
  port_ds.announce_receipt_timeout = 3;
  port_ds.log_sync_interval = 0;
  port_ds.delay_mechanism = 1;  // E2E
  port_ds.log_min_pdelay_req_interval = 0;
  port_ds.version_number = 2;

  const std::pair<const char*, ManagementTlv> data_sets[] = {
      {"default_data_set", ManagementTlv{ManagementId::kDefaultDataSet, default_ds}},
      {"current_data_set", ManagementTlv{ManagementId::kCurrentDataSet, current_ds}},
      {"parent_data_set", ManagementTlv{ManagementId::kParentDataSet, parent_ds}},
      {"time_properties_data_set",
       ManagementTlv{ManagementId::kTimePropertiesDataSet, time_properties_ds}},
      {"port_data_set", ManagementTlv{ManagementId::kPortDataSet, port_ds}},
  };
  std::uint16_t sequence_id = 600;
  // (Not a structured binding: clang 14 cannot capture one in the lambdas below.)
  for (const auto& data_set : data_sets) {
    const char* name = data_set.first;
    const ManagementTlv& response_tlv = data_set.second;
    add_with_tlv(
        corpus, std::string("management_get_") + name,
        management_message(header_for(MessageType::kManagement, kLocalPort, sequence_id, 0x7F),
                           ManagementAction::kGet),
        [&](TlvWriter& writer) {
          return bool(append_management_tlv(
              writer, ManagementTlv{response_tlv.management_id, std::monostate{}}));
        });
    add_with_tlv(
        corpus, std::string("management_response_") + name,
        management_message(header_for(MessageType::kManagement, kMasterPort, sequence_id, 0x7F),
                           ManagementAction::kResponse),
        [&](TlvWriter& writer) { return bool(append_management_tlv(writer, response_tlv)); });
    ++sequence_id;
  }

  // NULL_MANAGEMENT (15.5.3.1.1), as `pmc` sends it to probe for a management responder.
  add_with_tlv(corpus, "management_null",
               management_message(header_for(MessageType::kManagement, kLocalPort, 700, 0x7F),
                                  ManagementAction::kCommand),
               [](TlvWriter& writer) {
                 return bool(append_management_tlv(
                     writer, ManagementTlv{ManagementId::kNullManagement, std::monostate{}}));
               });

  // MANAGEMENT_ERROR_STATUS (15.5.4) with displayData, answering a GET this node does not support.
  add_with_tlv(corpus, "management_error_status",
               management_message(header_for(MessageType::kManagement, kMasterPort, 701, 0x7F),
                                  ManagementAction::kResponse),
               [](TlvWriter& writer) {
                 ManagementErrorStatusTlv error;
                 error.error_id = ManagementErrorId::kNotSupported;
                 error.management_id = ManagementId::kClockDescription;
                 error.display_data = "not supported";
                 return bool(append_management_error_status_tlv(writer, error));
               });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output-dir>\n", argc > 0 ? argv[0] : "ptp_make_seed_corpus");
    return 2;
  }
  Corpus corpus;
  build(corpus);
  if (corpus.failed()) return 1;

  const std::filesystem::path dir(argv[1]);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    std::fprintf(stderr, "make_seed_corpus: cannot create %s: %s\n", dir.c_str(),
                 error.message().c_str());
    return 1;
  }
  for (const Seed& seed : corpus.seeds()) {
    const std::filesystem::path path = dir / (seed.name + ".bin");
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(seed.bytes.data()),  // NOLINT: octets to a stream
               static_cast<std::streamsize>(seed.bytes.size()));
    if (!file) {
      std::fprintf(stderr, "make_seed_corpus: cannot write %s\n", path.c_str());
      return 1;
    }
    std::printf("%s (%zu octets)\n", path.c_str(), seed.bytes.size());
  }
  return 0;
}
