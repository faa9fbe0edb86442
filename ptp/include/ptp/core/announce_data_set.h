// From a received Announce message to what the BMCA keeps of it (AnnounceDataSet): the link
// between the codec and the foreign-master table.
#pragma once

#include "ptp/core/data_set_comparison.h"
#include "ptp/identity.h"
#include "ptp/wire/header.h"
#include "ptp/wire/message_bodies.h"

namespace ptp {

// `receiver` is the portIdentity of the port the Announce arrived on. The time-properties flags
// come from the header's flagField, where Announce carries them (1588-2019 13.3.2.8).
[[nodiscard]] AnnounceDataSet announce_data_set(const wire::Header& header,
                                                const wire::Announce& announce,
                                                const PortIdentity& receiver);

}  // namespace ptp
