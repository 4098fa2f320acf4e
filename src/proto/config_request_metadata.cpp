#include "proto/config_request_metadata.hpp"

#include <algorithm>

#include "proto/dictionary.hpp"

namespace zt {
namespace {

namespace key {
constexpr char kVersion[] = "v";
constexpr char kVendor[] = "vend";
constexpr char kProtocolVersion[] = "pv";
constexpr char kMajorVersion[] = "majv";
constexpr char kMinorVersion[] = "minv";
constexpr char kRevision[] = "revv";
constexpr char kMaxRules[] = "mr";
constexpr char kMaxCapabilities[] = "mc";
constexpr char kMaxCapabilityRules[] = "mcr";
constexpr char kMaxTags[] = "mt";
constexpr char kFlags[] = "f";
constexpr char kRulesEngineRevision[] = "revr";
constexpr char kOsArch[] = "o";
constexpr char kAuth[] = "a";
}  // namespace key

}  // namespace

ConfigRequestMetadata ConfigRequestMetadata::for_member(std::string os_arch) {
  ConfigRequestMetadata m;
  m.os_arch = std::move(os_arch);
  return m;
}

std::optional<Bytes> ConfigRequestMetadata::to_dictionary() const {
  DictionaryWriter d(kRequestMetadataDictCapacity);
  const bool ok = d.add_u64(key::kVersion, config_version) && d.add_u64(key::kVendor, vendor) &&
                  d.add_u64(key::kProtocolVersion, protocol_version) &&
                  d.add_u64(key::kMajorVersion, major_version) &&
                  d.add_u64(key::kMinorVersion, minor_version) &&
                  d.add_u64(key::kRevision, revision) && d.add_u64(key::kMaxRules, max_rules) &&
                  d.add_u64(key::kMaxCapabilities, max_capabilities) &&
                  d.add_u64(key::kMaxCapabilityRules, max_capability_rules) &&
                  d.add_u64(key::kMaxTags, max_tags) && d.add_u64(key::kFlags, flags) &&
                  d.add_u64(key::kRulesEngineRevision, rules_engine_revision) &&
                  d.add(key::kOsArch, os_arch) && (auth.empty() || d.add(key::kAuth, auth));
  if (!ok) return std::nullopt;
  return d.bytes();
}

ConfigRequestMetadata ConfigRequestMetadata::from_dictionary(std::span<const std::uint8_t> dict) {
  // Upstream copies the request's bytes into a fixed buffer, cutting them.
  dict = dict.first(std::min(dict.size(), kRequestMetadataDictCapacity - 1));
  const DictionaryReader d = *DictionaryReader::parse(dict, kRequestMetadataDictCapacity);
  ConfigRequestMetadata m;
  m.config_version = d.get_u64(key::kVersion, 0);
  m.vendor = d.get_u64(key::kVendor, 0);
  m.protocol_version = d.get_u64(key::kProtocolVersion, 0);
  m.major_version = d.get_u64(key::kMajorVersion, 0);
  m.minor_version = d.get_u64(key::kMinorVersion, 0);
  m.revision = d.get_u64(key::kRevision, 0);
  m.max_rules = d.get_u64(key::kMaxRules, 0);
  m.max_capabilities = d.get_u64(key::kMaxCapabilities, 0);
  m.max_capability_rules = d.get_u64(key::kMaxCapabilityRules, 0);
  m.max_tags = d.get_u64(key::kMaxTags, 0);
  m.flags = d.get_u64(key::kFlags, 0);
  m.rules_engine_revision = d.get_u64(key::kRulesEngineRevision, 0);
  m.os_arch = d.get_string(key::kOsArch, kRequestMetadataDictCapacity).value_or("");
  m.auth = d.get_string(key::kAuth, kMaxAuthLength).value_or("");
  return m;
}

std::optional<std::string> ConfigRequestMetadata::auth_token() const {
  const std::string_view prefix = kAuthTokenPrefix;
  if (auth.size() <= prefix.size() || auth.compare(0, prefix.size(), prefix) != 0)
    return std::nullopt;
  return auth.substr(prefix.size());
}

}  // namespace zt
