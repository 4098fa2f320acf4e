// Request handling and pushes with a recording sender: not found, denied
// then authorized, identity pinning, public networks, join tokens, the rate
// limit, pushes after changes and COM revocations after deauthorization.
#include "controller/controller.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "io/temp_dir.hpp"
#include "proto/config_request_metadata.hpp"
#include "proto/credentials/credential_test_support.hpp"
#include "proto/credentials/revocation.hpp"
#include "proto/network_config.hpp"
#include "vectors.hpp"

namespace zt::controller {
namespace {

using test::kVectorNwid;
using test::kVectorTs;

struct SentConfig {
  std::uint64_t nwid;
  Address to;
  std::uint64_t packet_id;
  NetworkConfig config;
};
struct SentError {
  std::uint64_t nwid;
  Address to;
  std::uint64_t packet_id;
  ErrorCode code;
  Bytes auth_info;
};
struct SentRevocation {
  Address to;
  Revocation revocation;
};

class RecordingSender : public NetworkControllerSender {
 public:
  void send_config(std::int64_t, std::uint64_t nwid, Address to, std::uint64_t packet_id,
                   const NetworkConfig& config) override {
    configs.push_back({nwid, to, packet_id, config});
  }
  void send_error(std::int64_t, std::uint64_t nwid, Address to, std::uint64_t packet_id,
                  ErrorCode code, std::span<const std::uint8_t> auth_info) override {
    errors.push_back({nwid, to, packet_id, code, Bytes(auth_info.begin(), auth_info.end())});
  }
  void send_revocation(std::int64_t, Address to, const Revocation& revocation) override {
    revocations.push_back({to, revocation});
  }
  void clear() {
    configs.clear();
    errors.clear();
    revocations.clear();
  }
  std::vector<SentConfig> configs;
  std::vector<SentError> errors;
  std::vector<SentRevocation> revocations;
};

class ControllerTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  void open() {
    controller_.reset();
    auto store = Store::open(dir_.path() / "controller.d", nullptr);
    ASSERT_TRUE(store);
    controller_ = std::make_unique<Controller>(controller_id_, std::move(*store),
                                               [this] { return next_random_++; });
  }

  static Bytes metadata(const std::string& auth = {}) {
    ConfigRequestMetadata m = ConfigRequestMetadata::for_member("linux/x86_64");
    m.auth = auth;
    return *m.to_dictionary();
  }

  void ask(std::int64_t now, const Identity& who, std::uint64_t nwid = kVectorNwid,
           std::uint64_t packet_id = 0x1234, const Bytes& meta = metadata(),
           const InetAddress& physical = *InetAddress::from_string("192.0.2.7/9993")) {
    controller_->request(now, sender_, nwid, who, packet_id, physical, meta);
  }

  json member_record(const Identity& who) {
    const json* m = controller_->store().member(kVectorNwid, who.address());
    return m ? *m : json();
  }

  void make_network(const json& body = json::object()) {
    controller_->set_network(kVectorTs, kVectorNwid, body);
  }
  void authorize(const Identity& who, bool yes = true, std::int64_t now = kVectorTs) {
    ASSERT_TRUE(controller_->set_member(now, kVectorNwid, who.address(), {{"authorized", yes}}));
  }

  test::TempDir dir_;
  Identity controller_id_ = test::vl2_identity("controller");
  Identity a_ = test::vl2_identity("memberA").public_only();
  Identity b_ = test::vl2_identity("memberB").public_only();
  std::uint64_t next_random_ = 100;
  RecordingSender sender_;
  std::unique_ptr<Controller> controller_;
};

TEST_F(ControllerTest, IgnoresNetworksItDoesNotServe) {
  make_network();
  ask(kVectorTs, a_, 0x1122334455000001ULL);
  EXPECT_TRUE(sender_.configs.empty());
  EXPECT_TRUE(sender_.errors.empty());
}

TEST_F(ControllerTest, UnknownNetworkIsNotFound) {
  ask(kVectorTs, a_);
  ASSERT_EQ(sender_.errors.size(), 1u);
  EXPECT_EQ(sender_.errors[0].code, ErrorCode::kObjectNotFound);
  EXPECT_EQ(sender_.errors[0].packet_id, 0x1234u);
  EXPECT_EQ(sender_.errors[0].to, a_.address());
  EXPECT_EQ(sender_.errors[0].nwid, kVectorNwid);
  EXPECT_TRUE(sender_.configs.empty());
}

TEST_F(ControllerTest, DeniedMemberIsRecordedThenServedOnceAuthorized) {
  make_network();
  ask(kVectorTs, a_);
  ASSERT_EQ(sender_.errors.size(), 1u);
  EXPECT_EQ(sender_.errors[0].code, ErrorCode::kNetworkAccessDenied);
  json m = member_record(a_);
  EXPECT_EQ(m["authorized"], false);
  EXPECT_EQ(m["identity"], a_.to_string(false));
  EXPECT_EQ(m["revision"], 1);
  EXPECT_EQ(m["vMajor"], -1);  // versions are recorded for authorized requests only

  // Authorizing a member that waits (asked within the online window) pushes
  // its config at once; upstream would make it wait for its next retry.
  sender_.clear();
  authorize(a_, true, kVectorTs + 500);
  ASSERT_EQ(sender_.configs.size(), 1u);
  EXPECT_EQ(sender_.configs[0].packet_id, 0u) << "a push, not an answer";
  EXPECT_EQ(sender_.configs[0].config.issued_to, a_.address());
  EXPECT_TRUE(sender_.errors.empty());

  sender_.clear();
  ask(kVectorTs + 1001, a_);
  ASSERT_EQ(sender_.configs.size(), 1u);
  const SentConfig& sent = sender_.configs[0];
  EXPECT_EQ(sent.packet_id, 0x1234u);
  EXPECT_EQ(sent.to, a_.address());
  EXPECT_EQ(sent.config.issued_to, a_.address());
  EXPECT_EQ(sent.config.timestamp, kVectorTs + 1001);
  EXPECT_TRUE(sent.config.com.verify(controller_id_));
  EXPECT_TRUE(sent.config.com.agrees_with(sent.config.com, a_));
  m = member_record(a_);
  EXPECT_EQ(m["vMajor"], 1);
  EXPECT_EQ(m["vMinor"], 14);
  EXPECT_EQ(m["vRev"], 1);
  EXPECT_EQ(m["vProto"], 12);
  EXPECT_EQ(m["lastAuthorizedCredentialType"], "api");
  EXPECT_TRUE(
      controller_->authorized_recently(kVectorTs + 1001 + 179999, kVectorNwid, a_.address()));
  EXPECT_FALSE(
      controller_->authorized_recently(kVectorTs + 1001 + 180000, kVectorNwid, a_.address()));
  EXPECT_FALSE(controller_->authorized_recently(kVectorTs, kVectorNwid, b_.address()));
}

TEST_F(ControllerTest, AnotherKeyForAKnownAddressIsDenied) {
  make_network();
  authorize(a_);
  ask(kVectorTs, a_);
  ASSERT_EQ(sender_.configs.size(), 1u);
  const json before = member_record(a_);

  // Member A's address with member B's public key.
  const std::string b_text = b_.to_string(false);
  const auto impostor = Identity::from_string(a_.address().to_string() + b_text.substr(10));
  ASSERT_TRUE(impostor);
  ASSERT_EQ(impostor->address(), a_.address());
  sender_.clear();
  ask(kVectorTs + 5000, *impostor);
  ASSERT_EQ(sender_.errors.size(), 1u);
  EXPECT_EQ(sender_.errors[0].code, ErrorCode::kNetworkAccessDenied);
  EXPECT_TRUE(sender_.configs.empty());
  EXPECT_EQ(member_record(a_), before);
}

TEST_F(ControllerTest, PublicNetworkAuthorizesAnyone) {
  make_network({{"private", false}});
  ask(kVectorTs + 3, b_);
  ASSERT_EQ(sender_.configs.size(), 1u);
  EXPECT_TRUE(sender_.configs[0].config.is_public());
  const json m = member_record(b_);
  EXPECT_EQ(m["authorized"], true);
  EXPECT_EQ(m["lastAuthorizedTime"], kVectorTs + 3);
  EXPECT_EQ(m["lastAuthorizedCredentialType"], "public");
  EXPECT_TRUE(m["lastAuthorizedCredential"].is_null());
}

TEST_F(ControllerTest, JoinTokensAuthorizeUntilTheyExpire) {
  make_network(
      {{"authTokens", {{"forever", 0}, {"later", kVectorTs + 10000}, {"gone", kVectorTs - 1}}}});
  ask(kVectorTs, a_, kVectorNwid, 1, metadata("token:gone"));
  ask(kVectorTs, b_, kVectorNwid, 2, metadata("token:nosuch"));
  ASSERT_EQ(sender_.errors.size(), 2u);
  EXPECT_EQ(sender_.errors[0].code, ErrorCode::kNetworkAccessDenied);
  EXPECT_EQ(sender_.errors[1].code, ErrorCode::kNetworkAccessDenied);

  ask(kVectorTs + 2000, a_, kVectorNwid, 3, metadata("token:later"));
  ask(kVectorTs + 2000, b_, kVectorNwid, 4, metadata("token:forever"));
  ASSERT_EQ(sender_.configs.size(), 2u);
  EXPECT_EQ(member_record(a_)["lastAuthorizedCredentialType"], "token");
  EXPECT_EQ(member_record(a_)["lastAuthorizedCredential"], "later");
  EXPECT_EQ(member_record(b_)["lastAuthorizedCredential"], "forever");
}

TEST_F(ControllerTest, RequestsWithinASecondAreDropped) {
  make_network({{"private", false}});
  ask(kVectorTs, a_);
  ask(kVectorTs + 1000, a_);
  EXPECT_EQ(sender_.configs.size(), 1u);
  ask(kVectorTs + 1000, b_);  // per member
  EXPECT_EQ(sender_.configs.size(), 2u);
  ask(kVectorTs + 1001, a_);
  EXPECT_EQ(sender_.configs.size(), 3u);
}

TEST_F(ControllerTest, OnlineMembersAndTheirPhysicalAddress) {
  make_network({{"private", false}});
  ask(kVectorTs, a_);
  ask(kVectorTs + 10, b_, kVectorNwid, 9, metadata(), InetAddress());
  auto online = controller_->online_members(kVectorTs + 119999, kVectorNwid);
  ASSERT_EQ(online.size(), 2u);
  EXPECT_EQ(online[0].address, a_.address());
  EXPECT_EQ(online[0].physical, *InetAddress::from_string("192.0.2.7/9993"));
  EXPECT_TRUE(online[1].physical.is_nil());
  online = controller_->online_members(kVectorTs + 120005, kVectorNwid);
  ASSERT_EQ(online.size(), 1u);
  EXPECT_EQ(online[0].address, b_.address());
}

TEST_F(ControllerTest, NetworkChangesArePushedToOnlineMembers) {
  make_network({{"private", false}});
  ask(kVectorTs, a_);
  ask(kVectorTs, b_);
  sender_.clear();

  controller_->set_network(kVectorTs + 50, kVectorNwid, {{"name", "renamed"}});
  ASSERT_EQ(sender_.configs.size(), 2u);
  for (const SentConfig& sent : sender_.configs) {
    EXPECT_EQ(sent.packet_id, 0u);  // a push
    EXPECT_EQ(sent.config.name, "renamed");
    EXPECT_EQ(sent.config.revision, 2u);
    EXPECT_EQ(sent.config.timestamp, kVectorTs + 50);
  }

  sender_.clear();
  controller_->set_network(kVectorTs + 60, kVectorNwid, {{"name", "renamed"}});  // no change
  EXPECT_TRUE(sender_.configs.empty());

  controller_->set_network(kVectorTs + 120000, kVectorNwid, {{"name", "later"}});  // all offline
  EXPECT_TRUE(sender_.configs.empty());
}

TEST_F(ControllerTest, MemberChangesArePushedToThatMember) {
  make_network({{"private", false}, {"routes", {{{"target", "10.147.17.0/24"}}}}});
  ask(kVectorTs, a_);
  ask(kVectorTs, b_);
  sender_.clear();
  auto updated = controller_->set_member(kVectorTs + 5, kVectorNwid, a_.address(),
                                         {{"ipAssignments", {"10.147.17.5"}}});
  ASSERT_TRUE(updated);
  EXPECT_EQ((*updated)["revision"], 2);
  ASSERT_EQ(sender_.configs.size(), 1u);
  EXPECT_EQ(sender_.configs[0].to, a_.address());
  EXPECT_EQ(sender_.configs[0].packet_id, 0u);
  ASSERT_EQ(sender_.configs[0].config.static_ips.size(), 1u);
  EXPECT_EQ(sender_.configs[0].config.static_ips[0], *InetAddress::from_string("10.147.17.5/24"));
  EXPECT_TRUE(sender_.revocations.empty());
}

TEST_F(ControllerTest, DeauthorizingRevokesTheComEverywhere) {
  make_network();
  authorize(a_);
  authorize(b_);
  ask(kVectorTs, a_);
  ask(kVectorTs, b_);
  sender_.clear();

  authorize(a_, false, kVectorTs + 77);
  ASSERT_EQ(sender_.revocations.size(), 2u);
  std::vector<Address> told;
  for (const SentRevocation& r : sender_.revocations) {
    told.push_back(r.to);
    EXPECT_EQ(r.revocation.target, a_.address());
    EXPECT_EQ(r.revocation.network_id, kVectorNwid);
    EXPECT_EQ(r.revocation.threshold, kVectorTs + 77);
    EXPECT_EQ(r.revocation.credential_type, CredentialType::kCom);
    EXPECT_EQ(r.revocation.credential_id, 0u);
    EXPECT_TRUE(r.revocation.fast_propagate());
    EXPECT_TRUE(r.revocation.verify(controller_id_));
  }
  EXPECT_EQ(told, (std::vector<Address>{a_.address(), b_.address()}));
  // The push to A is refused, and a push has no request to answer.
  EXPECT_TRUE(sender_.configs.empty());
  EXPECT_TRUE(sender_.errors.empty());
  EXPECT_EQ(member_record(a_)["lastDeauthorizedTime"], kVectorTs + 77);

  ask(kVectorTs + 2000, a_);
  ASSERT_EQ(sender_.errors.size(), 1u);
  EXPECT_EQ(sender_.errors[0].code, ErrorCode::kNetworkAccessDenied);
}

TEST_F(ControllerTest, DeletingRevokesAndForgets) {
  make_network();
  authorize(a_);
  authorize(b_);
  ask(kVectorTs, a_);
  ask(kVectorTs, b_);
  sender_.clear();

  ASSERT_TRUE(controller_->delete_member(kVectorTs + 1, kVectorNwid, b_.address()));
  EXPECT_EQ(sender_.revocations.size(), 2u);
  EXPECT_FALSE(controller_->delete_member(kVectorTs + 1, kVectorNwid, b_.address()));

  sender_.clear();
  const auto old = controller_->delete_network(kVectorTs + 2, kVectorNwid);
  ASSERT_TRUE(old);
  EXPECT_EQ((*old)["id"], "e08309ce1e000001");
  // One revocation per member (only A is left), to each online member.
  ASSERT_EQ(sender_.revocations.size(), 2u);
  EXPECT_EQ(sender_.revocations[0].revocation.target, a_.address());
  EXPECT_FALSE(controller_->delete_network(kVectorTs + 2, kVectorNwid));
  EXPECT_FALSE(controller_->set_member(kVectorTs + 3, kVectorNwid, a_.address(), json::object()));

  ask(kVectorTs + 5000, a_);
  ASSERT_EQ(sender_.errors.size(), 1u);
  EXPECT_EQ(sender_.errors[0].code, ErrorCode::kObjectNotFound);
}

TEST_F(ControllerTest, ThisNodeIsServedInProcessAndToldOfRefusals) {
  make_network();
  const Identity self = controller_id_.public_only();
  ask(kVectorTs, self, kVectorNwid, 0, metadata(), InetAddress());
  ASSERT_EQ(sender_.errors.size(), 1u);
  EXPECT_EQ(sender_.errors[0].packet_id, 0u);
  authorize(self);
  ASSERT_EQ(sender_.configs.size(), 1u) << "authorizing pushes to the waiting node at once";
  ask(kVectorTs + 2000, self, kVectorNwid, 0, metadata(), InetAddress());
  ASSERT_EQ(sender_.configs.size(), 2u);
  EXPECT_EQ(sender_.configs[1].to, self.address());

  sender_.clear();
  authorize(self, false, kVectorTs + 3000);
  // A push that is refused still reaches this node, so its network knows.
  ASSERT_EQ(sender_.errors.size(), 1u);
  EXPECT_EQ(sender_.errors[0].code, ErrorCode::kNetworkAccessDenied);
}

TEST_F(ControllerTest, NewNetworkIdsCarryTheControllerAddress) {
  next_random_ = 0x5000000;  // low 24 bits zero: upstream sets them to 1
  auto id = controller_->unused_network_id();
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, 0xe08309ce1e000001ULL);
  make_network();  // takes ...000001
  next_random_ = 0x1000000;
  id = controller_->unused_network_id();
  ASSERT_TRUE(id);
  // 0x1000000 and 0x1000001 both name ...000001, which is taken.
  EXPECT_EQ(*id, 0xe08309ce1e000002ULL);
}

TEST_F(ControllerTest, StoredGoldenRecordsGiveUpstreamsConfig) {
  // Records as upstream's file database would hold them for the vector's
  // network, loaded from disk.
  const auto root = dir_.path() / "controller.d" / "network";
  std::filesystem::create_directories(root / "e08309ce1e000001" / "member");
  std::ofstream(root / "e08309ce1e000001.json")
      << R"({"id":"e08309ce1e000001","nwid":"e08309ce1e000001","objtype":"network",)"
         R"("name":"golden-net","private":true,"revision":5,"mtu":2800,"multicastLimit":32,)"
         R"("enableBroadcast":true,"routes":[{"target":"10.147.17.0/24","via":null},)"
         R"({"target":"192.168.100.0/24","via":"10.147.17.1"}],"v4AssignMode":{"zt":false},)"
         R"("v6AssignMode":{"rfc4193":true,"6plane":true,"zt":false},)"
         R"("rules":[{"type":"ACTION_ACCEPT"}],)"
         R"("dns":{"domain":"golden.example","servers":["10.147.17.1"]}})";
  std::ofstream(root / "e08309ce1e000001" / "member" / "6362cd6fda.json")
      << R"({"id":"6362cd6fda","address":"6362cd6fda","nwid":"e08309ce1e000001","objtype":"member",)"
         R"("authorized":true,"ipAssignments":["10.147.17.5"],"revision":3})";
  open();
  ask(kVectorTs, a_);
  ASSERT_EQ(sender_.configs.size(), 1u);
  const auto dict = sender_.configs[0].config.to_dictionary();
  ASSERT_TRUE(dict);
  EXPECT_EQ(to_hex(*dict), test::vl2()["network_config"]["dict_hex"].get<std::string>());
  EXPECT_EQ(member_record(a_)["revision"], 4);  // identity and versions learned
}

}  // namespace
}  // namespace zt::controller
