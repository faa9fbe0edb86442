// The MANAGEMENT TLV (IEEE 1588-2019 15.5.2) and the data set layouts of 15.5.3.
#include "ptp/wire/management_tlv.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "ptp/wire/byte_order.h"
#include "ptp/wire/fields.h"

namespace ptp::wire {

namespace {

constexpr std::size_t kManagementIdSize = 2;
constexpr std::size_t kDefaultDataSetSize = 20;
constexpr std::size_t kCurrentDataSetSize = 18;
constexpr std::size_t kParentDataSetSize = 32;
constexpr std::size_t kTimePropertiesDataSetSize = 4;
constexpr std::size_t kPortDataSetSize = 26;

// defaultDS flags octet (15.5.3.3.1)
constexpr std::uint8_t kTwoStepBit = 0x01;
constexpr std::uint8_t kSlaveOnlyBit = 0x02;
// timePropertiesDS flags octet (15.5.3.6.1)
constexpr std::uint8_t kLeap61Bit = 0x01;
constexpr std::uint8_t kLeap59Bit = 0x02;
constexpr std::uint8_t kUtcOffsetValidBit = 0x04;
constexpr std::uint8_t kPtpTimescaleBit = 0x08;
constexpr std::uint8_t kTimeTraceableBit = 0x10;
constexpr std::uint8_t kFrequencyTraceableBit = 0x20;

std::uint8_t bit_if(bool on, std::uint8_t bit) { return on ? bit : std::uint8_t{0}; }

ManagementDefaultDataSet load_default(const std::byte* p) {
  ManagementDefaultDataSet ds;
  const std::uint8_t flags = load_u8(p);
  ds.two_step = (flags & kTwoStepBit) != 0;
  ds.slave_only = (flags & kSlaveOnlyBit) != 0;
  ds.number_ports = load_u16(p + 2);
  ds.priority1 = load_u8(p + 4);
  ds.clock_quality = load_clock_quality(p + 5);
  ds.priority2 = load_u8(p + 9);
  ds.clock_identity = load_clock_identity(p + 10);
  ds.domain_number = load_u8(p + 18);
  return ds;
}

void store_default(std::byte* p, const ManagementDefaultDataSet& ds) {
  store_u8(p, static_cast<std::uint8_t>(bit_if(ds.two_step, kTwoStepBit) |
                                        bit_if(ds.slave_only, kSlaveOnlyBit)));
  store_u8(p + 1, 0);
  store_u16(p + 2, ds.number_ports);
  store_u8(p + 4, ds.priority1);
  store_clock_quality(p + 5, ds.clock_quality);
  store_u8(p + 9, ds.priority2);
  store_clock_identity(p + 10, ds.clock_identity);
  store_u8(p + 18, ds.domain_number);
  store_u8(p + 19, 0);
}

ManagementCurrentDataSet load_current(const std::byte* p) {
  return ManagementCurrentDataSet{load_u16(p), load_time_interval(p + 2),
                                  load_time_interval(p + 10)};
}

void store_current(std::byte* p, const ManagementCurrentDataSet& ds) {
  store_u16(p, ds.steps_removed);
  store_time_interval(p + 2, ds.offset_from_master);
  store_time_interval(p + 10, ds.mean_path_delay);
}

ManagementParentDataSet load_parent(const std::byte* p) {
  ManagementParentDataSet ds;
  ds.parent_port_identity = load_port_identity(p);
  ds.parent_stats = (load_u8(p + 10) & 0x01U) != 0;
  ds.observed_parent_offset_scaled_log_variance = load_u16(p + 12);
  ds.observed_parent_clock_phase_change_rate = static_cast<std::int32_t>(load_u32(p + 14));
  ds.grandmaster_priority1 = load_u8(p + 18);
  ds.grandmaster_clock_quality = load_clock_quality(p + 19);
  ds.grandmaster_priority2 = load_u8(p + 23);
  ds.grandmaster_identity = load_clock_identity(p + 24);
  return ds;
}

void store_parent(std::byte* p, const ManagementParentDataSet& ds) {
  store_port_identity(p, ds.parent_port_identity);
  store_u8(p + 10, ds.parent_stats ? 1 : 0);
  store_u8(p + 11, 0);
  store_u16(p + 12, ds.observed_parent_offset_scaled_log_variance);
  store_u32(p + 14, static_cast<std::uint32_t>(ds.observed_parent_clock_phase_change_rate));
  store_u8(p + 18, ds.grandmaster_priority1);
  store_clock_quality(p + 19, ds.grandmaster_clock_quality);
  store_u8(p + 23, ds.grandmaster_priority2);
  store_clock_identity(p + 24, ds.grandmaster_identity);
}

ManagementTimePropertiesDataSet load_time_properties(const std::byte* p) {
  ManagementTimePropertiesDataSet ds;
  ds.current_utc_offset = static_cast<std::int16_t>(load_u16(p));
  const std::uint8_t flags = load_u8(p + 2);
  ds.leap61 = (flags & kLeap61Bit) != 0;
  ds.leap59 = (flags & kLeap59Bit) != 0;
  ds.current_utc_offset_valid = (flags & kUtcOffsetValidBit) != 0;
  ds.ptp_timescale = (flags & kPtpTimescaleBit) != 0;
  ds.time_traceable = (flags & kTimeTraceableBit) != 0;
  ds.frequency_traceable = (flags & kFrequencyTraceableBit) != 0;
  ds.time_source = static_cast<TimeSource>(load_u8(p + 3));
  return ds;
}

void store_time_properties(std::byte* p, const ManagementTimePropertiesDataSet& ds) {
  store_u16(p, static_cast<std::uint16_t>(ds.current_utc_offset));
  store_u8(p + 2,
           static_cast<std::uint8_t>(bit_if(ds.leap61, kLeap61Bit) | bit_if(ds.leap59, kLeap59Bit) |
                                     bit_if(ds.current_utc_offset_valid, kUtcOffsetValidBit) |
                                     bit_if(ds.ptp_timescale, kPtpTimescaleBit) |
                                     bit_if(ds.time_traceable, kTimeTraceableBit) |
                                     bit_if(ds.frequency_traceable, kFrequencyTraceableBit)));
  store_u8(p + 3, static_cast<std::uint8_t>(ds.time_source));
}

ManagementPortDataSet load_port(const std::byte* p) {
  ManagementPortDataSet ds;
  ds.port_identity = load_port_identity(p);
  ds.port_state = load_u8(p + 10);
  ds.log_min_delay_req_interval = static_cast<std::int8_t>(load_u8(p + 11));
  ds.peer_mean_path_delay = load_time_interval(p + 12);
  ds.log_announce_interval = static_cast<std::int8_t>(load_u8(p + 20));
  ds.announce_receipt_timeout = load_u8(p + 21);
  ds.log_sync_interval = static_cast<std::int8_t>(load_u8(p + 22));
  ds.delay_mechanism = load_u8(p + 23);
  ds.log_min_pdelay_req_interval = static_cast<std::int8_t>(load_u8(p + 24));
  ds.version_number = load_u8(p + 25) & 0x0FU;
  return ds;
}

void store_port(std::byte* p, const ManagementPortDataSet& ds) {
  store_port_identity(p, ds.port_identity);
  store_u8(p + 10, ds.port_state);
  store_u8(p + 11, static_cast<std::uint8_t>(ds.log_min_delay_req_interval));
  store_time_interval(p + 12, ds.peer_mean_path_delay);
  store_u8(p + 20, static_cast<std::uint8_t>(ds.log_announce_interval));
  store_u8(p + 21, ds.announce_receipt_timeout);
  store_u8(p + 22, static_cast<std::uint8_t>(ds.log_sync_interval));
  store_u8(p + 23, ds.delay_mechanism);
  store_u8(p + 24, static_cast<std::uint8_t>(ds.log_min_pdelay_req_interval));
  store_u8(p + 25, ds.version_number);
}

// The data set type that a managementId's dataField holds, if this codec types it.
template <class DataSet>
constexpr ManagementId kIdOf = ManagementId::kNullManagement;
template <>
constexpr ManagementId kIdOf<ManagementDefaultDataSet> = ManagementId::kDefaultDataSet;
template <>
constexpr ManagementId kIdOf<ManagementCurrentDataSet> = ManagementId::kCurrentDataSet;
template <>
constexpr ManagementId kIdOf<ManagementParentDataSet> = ManagementId::kParentDataSet;
template <>
constexpr ManagementId kIdOf<ManagementTimePropertiesDataSet> =
    ManagementId::kTimePropertiesDataSet;
template <>
constexpr ManagementId kIdOf<ManagementPortDataSet> = ManagementId::kPortDataSet;

// Fills `tlv.data` with the data set, or reports a dataField of the wrong size.
template <class DataSet, class Load>
std::optional<WireError> load_typed(std::span<const std::byte> data, std::size_t size, Load load,
                                    ManagementTlv& tlv) {
  if (data.size() != size) return WireError::kBadManagementLength;
  tlv.data.emplace<DataSet>(load(data.data()));
  return std::nullopt;
}

}  // namespace

bool operator==(const RawManagementData& a, const RawManagementData& b) {
  return std::ranges::equal(a.octets, b.octets);
}

Result<ManagementTlv, WireError> decode_management_tlv(const TlvView& tlv) {
  // One result object filled in place and returned from every path (NRVO), as decode_message.
  Result<ManagementTlv, WireError> result{ManagementTlv{}};
  const std::optional<WireError> error = [&]() -> std::optional<WireError> {
    if (tlv.type != TlvType::kManagement) return WireError::kWrongTlvType;
    if (tlv.value.size() < kManagementIdSize) return WireError::kBadTlvLength;
    ManagementTlv& out = *result;
    out.management_id = static_cast<ManagementId>(load_u16(tlv.value.data()));
    const std::span<const std::byte> data = tlv.value.subspan(kManagementIdSize);
    if (data.empty()) return std::nullopt;  // a GET, or NULL_MANAGEMENT: std::monostate
    // 15.5.2: dataField is padded to an even length; an odd one is malformed (and accepting it
    // would make re-encoding, which pads, change the data).
    if (data.size() % 2 != 0) return WireError::kBadManagementLength;
    switch (out.management_id) {
      case ManagementId::kNullManagement: return WireError::kBadManagementLength;
      case ManagementId::kDefaultDataSet:
        return load_typed<ManagementDefaultDataSet>(data, kDefaultDataSetSize, load_default, out);
      case ManagementId::kCurrentDataSet:
        return load_typed<ManagementCurrentDataSet>(data, kCurrentDataSetSize, load_current, out);
      case ManagementId::kParentDataSet:
        return load_typed<ManagementParentDataSet>(data, kParentDataSetSize, load_parent, out);
      case ManagementId::kTimePropertiesDataSet:
        return load_typed<ManagementTimePropertiesDataSet>(data, kTimePropertiesDataSetSize,
                                                           load_time_properties, out);
      case ManagementId::kPortDataSet:
        return load_typed<ManagementPortDataSet>(data, kPortDataSetSize, load_port, out);
      default: out.data.emplace<RawManagementData>(RawManagementData{data}); return std::nullopt;
    }
  }();
  if (error) result = unexpected(*error);
  return result;
}

Result<void, WireError> append_management_tlv(TlvWriter& writer, const ManagementTlv& tlv) {
  const auto id = static_cast<std::uint16_t>(tlv.management_id);
  struct Layout {
    std::size_t size;
    bool matches_id;
  };
  const Layout layout = std::visit(
      [&](const auto& data) -> Layout {
        using Data = std::decay_t<decltype(data)>;
        if constexpr (std::is_same_v<Data, std::monostate>) {
          return {0, true};
        } else if constexpr (std::is_same_v<Data, RawManagementData>) {
          return {data.octets.size() + (data.octets.size() % 2), true};
        } else if constexpr (std::is_same_v<Data, ManagementDefaultDataSet>) {
          return {kDefaultDataSetSize, tlv.management_id == kIdOf<Data>};
        } else if constexpr (std::is_same_v<Data, ManagementCurrentDataSet>) {
          return {kCurrentDataSetSize, tlv.management_id == kIdOf<Data>};
        } else if constexpr (std::is_same_v<Data, ManagementParentDataSet>) {
          return {kParentDataSetSize, tlv.management_id == kIdOf<Data>};
        } else if constexpr (std::is_same_v<Data, ManagementTimePropertiesDataSet>) {
          return {kTimePropertiesDataSetSize, tlv.management_id == kIdOf<Data>};
        } else {
          static_assert(std::is_same_v<Data, ManagementPortDataSet>);
          return {kPortDataSetSize,
                  tlv.management_id == kIdOf<Data> && data.version_number <= 0x0F};
        }
      },
      tlv.data);
  if (!layout.matches_id) return unexpected(WireError::kValueOutOfRange);
  return writer.append_with(
      TlvType::kManagement, kManagementIdSize + layout.size, [&](ValueWriter& out) {
        store_u16(out.take(kManagementIdSize), id);
        std::byte* p = out.take(layout.size);
        std::visit(
            [&](const auto& data) {
              using Data = std::decay_t<decltype(data)>;
              if constexpr (std::is_same_v<Data, RawManagementData>) {
                if (!data.octets.empty()) std::memcpy(p, data.octets.data(), data.octets.size());
                if (data.octets.size() % 2 != 0) p[data.octets.size()] = std::byte{0};
              } else if constexpr (std::is_same_v<Data, ManagementDefaultDataSet>) {
                store_default(p, data);
              } else if constexpr (std::is_same_v<Data, ManagementCurrentDataSet>) {
                store_current(p, data);
              } else if constexpr (std::is_same_v<Data, ManagementParentDataSet>) {
                store_parent(p, data);
              } else if constexpr (std::is_same_v<Data, ManagementTimePropertiesDataSet>) {
                store_time_properties(p, data);
              } else if constexpr (std::is_same_v<Data, ManagementPortDataSet>) {
                store_port(p, data);
              }
            },
            tlv.data);
      });
}

}  // namespace ptp::wire
