// The management responder of IEEE 1588-2019 clause 15, as pure functions: it reads one decoded
// management request and the clock's data sets and writes the reply (RESPONSE, ACKNOWLEDGE or
// MANAGEMENT_ERROR_STATUS) into the caller's buffer. It never changes the data sets: a SET it
// accepts comes back as a ManagementChange for the caller to apply, so the clock stays the only
// owner of its state. Also here: the conversions between the core data sets and the wire layouts
// of the management data sets (15.5.3).
//
// Behaviour follows what ptp4l does and `pmc` expects; the choices are documented at
// respond_to_management.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "ptp/core/data_sets.h"
#include "ptp/identity.h"
#include "ptp/result.h"
#include "ptp/wire/header.h"
#include "ptp/wire/management_tlv.h"
#include "ptp/wire/message.h"
#include "ptp/wire/wire_error.h"

namespace ptp {

// Core data set -> wire management data set (15.5.3.3-15.5.3.7). Fields the wire layout lacks
// (sdoId, maxStepsRemoved, minorVersionNumber, masterOnly) are dropped.
wire::ManagementDefaultDataSet to_management_data_set(const DefaultDataSet& ds);
wire::ManagementCurrentDataSet to_management_data_set(const CurrentDataSet& ds);
wire::ManagementParentDataSet to_management_data_set(const ParentDataSet& ds);
wire::ManagementTimePropertiesDataSet to_management_data_set(const TimePropertiesDataSet& ds);
wire::ManagementPortDataSet to_management_data_set(const PortDataSet& ds);

// Everything the responder reads. Copies rather than references: the data sets are small, and a
// context that owns its values cannot dangle when the caller keeps it.
struct ManagementContext {
  DefaultDataSet default_ds;
  CurrentDataSet current_ds;
  ParentDataSet parent_ds;
  TimePropertiesDataSet time_properties_ds;
  PortDataSet port_ds;
  // Our PortIdentity: the response's sourcePortIdentity and the address requests must match.
  PortIdentity port_identity;
  // The clock's domain: requests from other domains are not for us; responses carry it.
  std::uint8_t domain_number = kDefaultDomainNumber;
};

// The defaultDS members a management SET may change (1588-2019 15.5.3.3.2-15.5.3.3.4).
enum class ManagementSetting : std::uint8_t {
  kPriority1,
  kPriority2,
  kDomainNumber,
};

// A SET the responder accepted: the caller applies it (see with_management_change).
struct ManagementChange {
  ManagementSetting setting = ManagementSetting::kPriority1;
  std::uint8_t value = 0;
  friend bool operator==(const ManagementChange&, const ManagementChange&) = default;
};

// What one answered request produced.
struct ManagementOutcome {
  std::size_t response_length = 0;  // octets of `out` holding the encoded reply
  std::optional<ManagementChange> change;
  friend bool operator==(const ManagementOutcome&, const ManagementOutcome&) = default;
};

// The longest reply: header, management body (14 octets) and PARENT_DATA_SET's 38-octet TLV.
inline constexpr std::size_t kMaxManagementReplyLength = wire::kHeaderSize + 14 + 38;

// Answers `request` into `out`. std::nullopt: no reply is due (see below). The only error is the
// encoder's: kBufferTooSmall when `out` cannot hold the reply (kMaxManagementReplyLength always
// can).
//
// A request is for us when its domainNumber is `context.domain_number`, its targetPortIdentity's
// clockIdentity is ours or all-ones and its portNumber is ours or 0xFFFF. (ptp4l answers the
// clock-wide ids whatever the portNumber; this stack has one port per responder, so it checks
// both, as ptp4l does for port-wide ids.)
//
// Not answered (std::nullopt), as ptp4l drops them: messages that are not Management; requests
// not for us; RESPONSE, ACKNOWLEDGE and reserved actions; a TLV area that is not exactly one
// MANAGEMENT TLV (there is no managementId to name in an error); a MANAGEMENT TLV too short to
// hold a managementId.
//
// Answered with MANAGEMENT_ERROR_STATUS (action RESPONSE for GET/SET, ACKNOWLEDGE for COMMAND),
// where ptp4l would drop the message: a dataField whose length is wrong for the action and id
// (non-empty in a COMMAND, not two octets in a SET of PRIORITY1/PRIORITY2/DOMAIN, wrong size for
// a data set in a SET) -> WRONG_LENGTH, so a pmc user sees why. A GET's dataField is ignored
// whatever its size, as ptp4l ignores it (pmc fills it with zeros of the data set's size). Other
// errors: an id not in 1588-2019 Table 59 -> NO_SUCH_ID; a SET of a GET-only data set ->
// NOT_SETABLE (ptp4l says NOT_SUPPORTED; 1588-2019 Table 109 names this case NOT_SETABLE); a SET
// DOMAIN outside 0..127 (the domains 1588-2019 Table 2 leaves to users) -> WRONG_VALUE; any other
// id or action -> NOT_SUPPORTED.
//
// Answered: GET of DEFAULT_DATA_SET, CURRENT_DATA_SET, PARENT_DATA_SET, TIME_PROPERTIES_DATA_SET,
// PORT_DATA_SET, PRIORITY1, PRIORITY2, DOMAIN -> RESPONSE with the value; GET or SET of
// NULL_MANAGEMENT -> RESPONSE, COMMAND NULL_MANAGEMENT -> ACKNOWLEDGE, both without data; SET of
// PRIORITY1, PRIORITY2, DOMAIN -> RESPONSE with the new value, and the change in the outcome.
//
// The reply's header is built as ptp4l builds it: sourcePortIdentity ours, sequenceId the
// request's (pmc matches replies by it), domainNumber ours, sdoId from defaultDS, controlField 4,
// logMessageInterval 0x7F, unicast flag copied from the request, everything else zero. Its body:
// targetPortIdentity the request's sourcePortIdentity, startingBoundaryHops the hops the request
// used (its startingBoundaryHops - boundaryHops, zero if boundaryHops is larger), boundaryHops
// equal to startingBoundaryHops.
Result<std::optional<ManagementOutcome>, wire::WireError> respond_to_management(
    const wire::Message& request, const ManagementContext& context, std::span<std::byte> out);

// `ds` with an accepted change applied: the caller's half of a SET.
DefaultDataSet with_management_change(DefaultDataSet ds, const ManagementChange& change);

}  // namespace ptp
