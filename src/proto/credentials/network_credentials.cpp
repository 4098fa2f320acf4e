#include "proto/credentials/network_credentials.hpp"

namespace zt {
namespace {

constexpr std::uint8_t kEndOfComs = 0x00;

// A u16 count then that many credentials. False on a malformed one.
template <class T>
bool read_list(ByteReader& r, std::vector<T>& out) {
  const std::size_t count = r.u16();
  for (std::size_t i = 0; i < count && r.ok(); ++i) {
    auto c = T::read(r);
    if (!c) return false;
    out.push_back(std::move(*c));
  }
  return r.ok();
}

template <class T>
void write_list(ByteWriter& w, const std::vector<T>& list) {
  w.u16(static_cast<std::uint16_t>(list.size()));
  for (const auto& c : list) c.write(w);
}

}  // namespace

std::optional<NetworkCredentials> parse_network_credentials(std::span<const std::uint8_t> payload) {
  ByteReader r(payload);
  NetworkCredentials creds;
  // Every COM starts with its format byte 0x01, so a zero ends the list.
  ByteReader peek = r;
  while (!r.at_end() && peek.u8() != kEndOfComs) {
    auto com = CertificateOfMembership::read(r);
    if (!com) return std::nullopt;
    creds.coms.push_back(*com);
    peek = r;
  }
  r.skip(1);  // the terminator, when present
  if (!r.ok() || r.at_end()) return creds;
  if (!read_list(r, creds.capabilities)) return std::nullopt;
  if (r.at_end()) return creds;
  if (!read_list(r, creds.tags)) return std::nullopt;
  if (r.at_end()) return creds;
  if (!read_list(r, creds.revocations)) return std::nullopt;
  if (r.at_end()) return creds;
  if (!read_list(r, creds.coos)) return std::nullopt;
  return creds;
}

void write_network_credentials(ByteWriter& w, const NetworkCredentials& creds) {
  for (const auto& com : creds.coms) com.write(w);
  w.u8(kEndOfComs);
  write_list(w, creds.capabilities);
  write_list(w, creds.tags);
  write_list(w, creds.revocations);
  write_list(w, creds.coos);
}

}  // namespace zt
