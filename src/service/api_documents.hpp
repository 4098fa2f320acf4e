#pragma once
// The local API's JSON bodies, with upstream's field names (controller.md
// §6) plus ztsdk's additions ("counters", "root", the ping answer).
#include <string>
#include <string_view>

#include "service/api_backend.hpp"

namespace zt::service {

inline constexpr char kVersionString[] = "1.14.1";

const char* role_name(PeerRole role);

std::string status_document(const StatusSnapshot& status);
// GET /ztsdk/intercept: controlSocket, openSockets, socksPort.
std::string programs_side_document(const ProgramsSideSnapshot& p);
// `{}` when `info` is absent, as upstream answers for an unknown peer.
std::string peer_document(const std::optional<PeerInfo>& info,
                          const std::map<LocalSocket, std::uint16_t>& local_ports);
std::string peers_document(const PeersSnapshot& snapshot);
std::string network_document(const NetworkView& view);
std::string networks_document(const std::vector<NetworkView>& views);
std::string ping_document(const EchoReply& reply);
std::string frames_document(const std::vector<runtime::CapturedFrame>& frames);
// The frame of a {"frame": "<hex>"} body; nullopt when malformed.
std::optional<Bytes> frame_from_body(const std::string& body);
std::string error_document(std::string_view message);

}  // namespace zt::service
