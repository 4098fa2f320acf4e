// NETWORK_CONFIG_REQUEST metadata against upstream's vl2 vectors, and the
// controller's reading of it.
#include "proto/config_request_metadata.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "proto/dictionary.hpp"
#include "proto/verbs/network_config.hpp"
#include "proto/verbs/verb_test_support.hpp"
#include "vectors.hpp"

namespace zt {
namespace {

using test::hex;

const nlohmann::json& vec() { return test::vl2()["network_config_request"]; }

TEST(ConfigRequestMetadata, MemberMetadataMatchesUpstream) {
  const auto m = ConfigRequestMetadata::for_member(vec()["ZT_TARGET_NAME"].get<std::string>());
  auto dict = m.to_dictionary();
  ASSERT_TRUE(dict);
  EXPECT_EQ(std::string(dict->begin(), dict->end()), vec()["metadata_text"].get<std::string>());
  EXPECT_EQ(to_hex(*dict), vec()["metadata_hex"].get<std::string>());

  // Both request payloads: no config held, and holding revision 5.
  NetworkConfigRequest req;
  req.network_id = 0xe08309ce1e000001ULL;
  req.metadata = *dict;
  EXPECT_EQ(to_hex(test::written(write_network_config_request, req)),
            vec()["payload_no_config_hex"].get<std::string>());
  req.revision = 5;
  req.timestamp = 1700000000000;
  EXPECT_EQ(to_hex(test::written(write_network_config_request, req)),
            vec()["payload_have_rev5_hex"].get<std::string>());
}

TEST(ConfigRequestMetadata, ControllerReadsTheFieldsItUses) {
  const Bytes dict = hex(vec()["metadata_hex"]);
  const auto m = ConfigRequestMetadata::from_dictionary(dict);
  EXPECT_EQ(m.config_version, 7u);
  EXPECT_EQ(m.protocol_version, 12u);
  EXPECT_EQ(m.major_version, 1u);
  EXPECT_EQ(m.minor_version, 14u);
  EXPECT_EQ(m.revision, 1u);
  EXPECT_EQ(m.rules_engine_revision, 1u);
  EXPECT_EQ(m.max_rules, 1024u);
  EXPECT_EQ(m.os_arch, "linux/x86_64");
  EXPECT_FALSE(m.auth_token());
  EXPECT_EQ(m.to_dictionary(), dict);

  // An old client without the keys reads as zeros: version < 6 and revr 0.
  const auto empty = ConfigRequestMetadata::from_dictionary({});
  EXPECT_EQ(empty.config_version, 0u);
  EXPECT_EQ(empty.rules_engine_revision, 0u);
  EXPECT_EQ(empty.protocol_version, 0u);
}

TEST(ConfigRequestMetadata, AuthToken) {
  auto m = ConfigRequestMetadata::for_member("linux/x86_64");
  m.auth = "token:s3cret";
  auto dict = m.to_dictionary();
  ASSERT_TRUE(dict);
  const std::string text(dict->begin(), dict->end());
  EXPECT_EQ(text.substr(text.size() - 15), "\na=token:s3cret");
  const auto back = ConfigRequestMetadata::from_dictionary(*dict);
  EXPECT_EQ(back.auth_token(), "s3cret");
  for (const char* bad : {"", "token:", "tokens3cret", "Token:x"}) {
    ConfigRequestMetadata b;
    b.auth = bad;
    EXPECT_FALSE(b.auth_token()) << bad;
  }
}

TEST(ConfigRequestMetadata, OversizedInputIsCut) {
  // A request may carry up to 64 KiB of "metadata"; the controller keeps 1023 bytes.
  auto m = ConfigRequestMetadata::for_member("linux/x86_64");
  Bytes dict = *m.to_dictionary();
  dict.push_back('\n');
  dict.insert(dict.end(), 2000, 'x');
  dict.insert(dict.end(), {'\n', 'a', '=', 't', 'o', 'k', 'e', 'n', ':', 'z'});
  const auto back = ConfigRequestMetadata::from_dictionary(dict);
  EXPECT_EQ(back.rules_engine_revision, 1u);
  EXPECT_FALSE(back.auth_token());  // it was past the cut
  m.os_arch.assign(2000, 'o');
  EXPECT_FALSE(m.to_dictionary());
}

}  // namespace
}  // namespace zt
