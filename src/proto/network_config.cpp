#include "proto/network_config.hpp"

#include <algorithm>

#include "proto/byte_io.hpp"
#include "proto/dictionary.hpp"

namespace zt {
namespace {

// Upstream's buffers for the SSO strings (less their NUL).
constexpr std::size_t kSsoNonceMax = 127;
constexpr std::size_t kSsoStateMax = 255;
constexpr std::size_t kSsoClientIdMax = 255;
constexpr std::size_t kSsoProviderMax = 63;
constexpr char kDefaultSsoProvider[] = "default";

namespace key {
constexpr char kVersion[] = "v";
constexpr char kNetworkId[] = "nwid";
constexpr char kTimestamp[] = "ts";
constexpr char kCredentialTimeMaxDelta[] = "ctmd";
constexpr char kRevision[] = "r";
constexpr char kIssuedTo[] = "id";
constexpr char kRemoteTraceTarget[] = "tt";
constexpr char kRemoteTraceLevel[] = "tl";
constexpr char kFlags[] = "f";
constexpr char kMulticastLimit[] = "ml";
constexpr char kType[] = "t";
constexpr char kName[] = "n";
constexpr char kMtu[] = "mtu";
constexpr char kCom[] = "C";
constexpr char kCapabilities[] = "CAP";
constexpr char kTags[] = "TAG";
constexpr char kCoos[] = "COO";
constexpr char kSpecialists[] = "S";
constexpr char kRoutes[] = "RT";
constexpr char kStaticIps[] = "I";
constexpr char kRules[] = "R";
constexpr char kDns[] = "DNS";
constexpr char kSsoVersion[] = "ssov";
constexpr char kSsoEnabled[] = "ssoe";
constexpr char kAuthenticationUrl[] = "aurl";
constexpr char kAuthenticationExpiry[] = "aexpt";
constexpr char kIssuerUrl[] = "iurl";
constexpr char kCentralEndpointUrl[] = "ssoce";
constexpr char kNonce[] = "sson";
constexpr char kState[] = "ssos";
constexpr char kClientId[] = "ssocid";
constexpr char kSsoProvider[] = "ssop";
}  // namespace key

// Upstream's strings are C strings: nothing after a NUL is written.
std::string_view c_string(const std::string& s) {
  return std::string_view(s.data(), std::min(s.size(), s.find('\0')));
}

// Writes each item with `write_one`; the key is left out when nothing was
// written.
template <class List, class WriteOne>
bool add_blob(DictionaryWriter& d, const char* k, const List& list, WriteOne write_one) {
  Bytes blob;
  ByteWriter w(blob);
  for (const auto& item : list) write_one(w, item);
  return blob.empty() || d.add(k, blob);
}

void write_dns(ByteWriter& w, const NetworkConfig::Dns& dns) {
  std::array<std::uint8_t, NetworkConfig::Dns::kDomainFieldSize> domain{};
  const std::string_view name = c_string(dns.domain);
  std::copy_n(name.begin(), std::min(name.size(), domain.size() - 1), domain.begin());
  w.bytes(domain.data(), domain.size());
  for (const auto& server : dns.servers) server.serialize(w);
}

bool add_sso(DictionaryWriter& d, const NetworkConfig& c) {
  if (c.sso_version == 0) {
    if (!d.add_u64(key::kSsoVersion, c.sso_version) || !d.add_bool(key::kSsoEnabled, c.sso_enabled))
      return false;
    if (!c.sso_enabled) return true;
    if (!c_string(c.authentication_url).empty() &&
        !d.add(key::kAuthenticationUrl, c_string(c.authentication_url)))
      return false;
    return d.add_u64(key::kAuthenticationExpiry, c.authentication_expiry_time);
  }
  if (c.sso_version == 1) {
    return d.add_u64(key::kSsoVersion, c.sso_version) &&
           d.add_bool(key::kSsoEnabled, c.sso_enabled) &&
           d.add(key::kIssuerUrl, c_string(c.issuer_url)) &&
           d.add(key::kCentralEndpointUrl, c_string(c.central_auth_url)) &&
           d.add(key::kNonce, c_string(c.sso_nonce)) && d.add(key::kState, c_string(c.sso_state)) &&
           d.add(key::kClientId, c_string(c.sso_client_id)) &&
           d.add(key::kSsoProvider, c_string(c.sso_provider));
  }
  return true;  // unknown versions carry nothing
}

// Credentials one after another until the blob ends, one fails to parse,
// or `max` are kept; then sorted by id. Upstream keeps what parsed.
template <class T>
std::vector<T> read_sorted_credentials(std::span<const std::uint8_t> blob, std::size_t max) {
  std::vector<T> out;
  ByteReader r(blob);
  while (!r.at_end() && out.size() < max) {
    auto c = T::read(r);
    if (!c) break;
    out.push_back(std::move(*c));
  }
  std::stable_sort(out.begin(), out.end(), [](const T& a, const T& b) { return a.id < b.id; });
  return out;
}

// Every COO must parse; only the first few are kept.
bool read_coos(std::span<const std::uint8_t> blob, std::vector<CertificateOfOwnership>& out) {
  ByteReader r(blob);
  while (!r.at_end()) {
    auto c = CertificateOfOwnership::read(r);
    if (!c) return false;
    if (out.size() < kMaxCertificatesOfOwnership) out.push_back(std::move(*c));
  }
  return true;
}

void read_specialists(std::span<const std::uint8_t> blob, std::vector<std::uint64_t>& out) {
  ByteReader r(blob);
  while (r.remaining() >= 8) {
    const std::uint64_t s = r.u64();
    if (out.size() < kMaxNetworkSpecialists) out.push_back(s);
  }
}

bool read_routes(std::span<const std::uint8_t> blob, std::vector<NetworkConfig::Route>& out) {
  ByteReader r(blob);
  while (!r.at_end() && out.size() < kMaxNetworkRoutes) {
    NetworkConfig::Route route;
    route.target = InetAddress::deserialize(r);
    route.via = InetAddress::deserialize(r);
    route.flags = r.u16();
    route.metric = r.u16();
    if (!r.ok()) return false;
    out.push_back(route);
  }
  return true;
}

bool read_static_ips(std::span<const std::uint8_t> blob, std::vector<InetAddress>& out) {
  ByteReader r(blob);
  while (!r.at_end() && out.size() < kMaxStaticIps) {
    InetAddress ip = InetAddress::deserialize(r);
    if (!r.ok()) return false;
    out.push_back(ip);
  }
  return true;
}

bool read_dns(std::span<const std::uint8_t> blob, NetworkConfig::Dns& dns) {
  ByteReader r(blob);
  constexpr std::size_t kField = NetworkConfig::Dns::kDomainFieldSize;
  auto domain = r.take(kField);
  for (auto& server : dns.servers) server = InetAddress::deserialize(r);
  if (!r.ok()) return false;
  // Upstream forces a NUL into the last byte of its copy.
  const auto end = std::find(domain.begin(), domain.begin() + kField - 1, std::uint8_t{0});
  dns.domain.assign(domain.begin(), end);
  return true;
}

void read_sso(const DictionaryReader& d, NetworkConfig& c) {
  c.sso_version = d.get_u64(key::kSsoVersion, 0);
  c.sso_enabled = d.get_bool(key::kSsoEnabled, false);
  if (!c.sso_enabled) return;  // every SSO field stays empty
  auto text = [&](const char* k, std::size_t max) { return d.get_string(k, max).value_or(""); };
  if (c.sso_version == 0) {
    c.authentication_url = text(key::kAuthenticationUrl, kMaxSsoUrlLength);
    c.authentication_expiry_time =
        static_cast<std::uint64_t>(d.get_i64(key::kAuthenticationExpiry, 0));
  } else if (c.sso_version == 1) {
    c.authentication_url = text(key::kAuthenticationUrl, kMaxSsoUrlLength);
    c.issuer_url = text(key::kIssuerUrl, kMaxSsoUrlLength);
    c.central_auth_url = text(key::kCentralEndpointUrl, kMaxSsoUrlLength);
    c.sso_nonce = text(key::kNonce, kSsoNonceMax);
    c.sso_state = text(key::kState, kSsoStateMax);
    c.sso_client_id = text(key::kClientId, kSsoClientIdMax);
    c.sso_provider = text(key::kSsoProvider, kSsoProviderMax);
    if (c.sso_provider.empty()) c.sso_provider = kDefaultSsoProvider;
  }
}

}  // namespace

std::vector<Address> NetworkConfig::specialists_with(std::uint64_t roles) const {
  std::vector<Address> out;
  for (std::uint64_t s : specialists)
    if (s & roles) out.push_back(Address(s));
  return out;
}

std::optional<Bytes> NetworkConfig::to_dictionary() const {
  DictionaryWriter d(kNetworkConfigDictCapacity);
  const bool scalars_ok =
      d.add_u64(key::kVersion, kNetworkConfigVersion) && d.add_u64(key::kNetworkId, network_id) &&
      d.add_i64(key::kTimestamp, timestamp) &&
      d.add_u64(key::kCredentialTimeMaxDelta, credential_time_max_delta) &&
      d.add_u64(key::kRevision, revision) && d.add_address(key::kIssuedTo, issued_to) &&
      d.add_address(key::kRemoteTraceTarget, remote_trace_target) &&
      d.add_u64(key::kRemoteTraceLevel, remote_trace_level) && d.add_u64(key::kFlags, flags) &&
      d.add_u64(key::kMulticastLimit, multicast_limit) &&
      d.add_u64(key::kType, static_cast<std::uint64_t>(type)) &&
      d.add(key::kName, c_string(name)) && d.add_u64(key::kMtu, mtu);
  if (!scalars_ok) return std::nullopt;

  auto write_credential = [](ByteWriter& w, const auto& c) { c.write(w); };
  const bool blobs_ok = (com.empty() || d.add(key::kCom, com.serialize())) &&
                        add_blob(d, key::kCapabilities, capabilities, write_credential) &&
                        add_blob(d, key::kTags, tags, write_credential) &&
                        add_blob(d, key::kCoos, certificates_of_ownership, write_credential) &&
                        add_blob(d, key::kSpecialists, specialists,
                                 [](ByteWriter& w, std::uint64_t s) { w.u64(s); }) &&
                        add_blob(d, key::kRoutes, routes,
                                 [](ByteWriter& w, const NetworkConfig::Route& r) {
                                   r.target.serialize(w);
                                   r.via.serialize(w);
                                   w.u16(r.flags);
                                   w.u16(r.metric);
                                 }) &&
                        add_blob(d, key::kStaticIps, static_ips,
                                 [](ByteWriter& w, const InetAddress& ip) { ip.serialize(w); }) &&
                        (rules.empty() || d.add(key::kRules, rules));
  if (!blobs_ok) return std::nullopt;

  Bytes dns_blob;  // always present, all zero when unset
  dns_blob.reserve(NetworkConfig::Dns::kDomainFieldSize + kMaxDnsServers * 19);
  ByteWriter w(dns_blob);
  write_dns(w, dns);
  if (!d.add(key::kDns, dns_blob) || !add_sso(d, *this)) return std::nullopt;
  return d.bytes();
}

std::optional<NetworkConfig> NetworkConfig::from_dictionary(std::span<const std::uint8_t> dict) {
  auto parsed = DictionaryReader::parse(dict, kNetworkConfigDictCapacity);
  if (!parsed) return std::nullopt;
  const DictionaryReader& d = *parsed;
  NetworkConfig c;
  c.network_id = d.get_u64(key::kNetworkId, 0);
  c.issued_to = Address(d.get_u64(key::kIssuedTo, 0));
  if (c.network_id == 0 || c.issued_to.is_nil()) return std::nullopt;
  // Legacy (pre-v6) configs: upstream 1.14.1 is built without them.
  if (d.get_u64(key::kVersion, 0) < kNetworkConfigMinVersion) return std::nullopt;

  c.timestamp = static_cast<std::int64_t>(d.get_u64(key::kTimestamp, 0));
  c.credential_time_max_delta = d.get_u64(key::kCredentialTimeMaxDelta, 0);
  c.revision = d.get_u64(key::kRevision, 0);
  c.remote_trace_target = Address(d.get_u64(key::kRemoteTraceTarget, 0));
  c.remote_trace_level = static_cast<std::uint32_t>(d.get_u64(key::kRemoteTraceLevel, 0));
  c.multicast_limit = static_cast<std::uint32_t>(d.get_u64(key::kMulticastLimit, 0));
  c.name = d.get_string(key::kName, kMaxNetworkNameLength).value_or("");
  // Upstream truncates to its unsigned int before clamping.
  c.mtu = std::clamp(static_cast<std::uint32_t>(d.get_u64(key::kMtu, kDefaultNetworkMtu)),
                     kMinNetworkMtu, kMaxNetworkMtu);
  c.flags = d.get_u64(key::kFlags, 0);
  c.type = static_cast<NetworkConfig::Type>(
      static_cast<std::uint32_t>(d.get_u64(key::kType, std::uint64_t{0})));

  if (auto blob = d.get(key::kCom)) {
    ByteReader r(*blob);
    if (auto com = CertificateOfMembership::read(r)) c.com = *com;
  }
  if (auto blob = d.get(key::kCapabilities))
    c.capabilities = read_sorted_credentials<Capability>(*blob, kMaxNetworkCapabilities);
  if (auto blob = d.get(key::kTags)) c.tags = read_sorted_credentials<Tag>(*blob, kMaxNetworkTags);
  if (auto blob = d.get(key::kCoos); blob && !read_coos(*blob, c.certificates_of_ownership))
    return std::nullopt;
  if (auto blob = d.get(key::kSpecialists)) read_specialists(*blob, c.specialists);
  if (auto blob = d.get(key::kRoutes); blob && !read_routes(*blob, c.routes)) return std::nullopt;
  if (auto blob = d.get(key::kStaticIps); blob && !read_static_ips(*blob, c.static_ips))
    return std::nullopt;
  if (auto blob = d.get(key::kRules)) c.rules = std::move(*blob);
  if (auto blob = d.get(key::kDns); blob && !read_dns(*blob, c.dns)) return std::nullopt;
  read_sso(d, c);
  return c;
}

}  // namespace zt
