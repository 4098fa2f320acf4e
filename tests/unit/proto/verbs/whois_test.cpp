// WHOIS and OK(WHOIS) payloads against upstream's vl1 packet vectors.
#include "proto/verbs/whois.hpp"

#include "proto/verbs/ok_error.hpp"
#include "verb_test_support.hpp"

namespace zt {
namespace {

const std::string kWhois = "WHOIS A->R(root) for B";
const std::string kOkWhois = "OK(WHOIS) R->A with B's identity";

Identity identity_b() {
  for (const auto& v : test::vl1()["identities"])
    if (v.value("address", "") == "eadedf2c91")
      return Identity::from_string(v["public_string"].get<std::string>()).value_or(Identity());
  ADD_FAILURE() << "identity B missing";
  return {};
}

TEST(VerbWhois, ParsesAndWritesUpstreamWhois) {
  const Bytes payload = test::vl1_payload(kWhois);
  auto whois = parse_whois(payload);
  ASSERT_TRUE(whois);
  ASSERT_EQ(whois->addresses.size(), 1u);
  EXPECT_EQ(whois->addresses[0].to_string(), "eadedf2c91");
  EXPECT_EQ(to_hex(test::written(write_whois, *whois)), to_hex(payload));
}

TEST(VerbWhois, SeveralAddressesAndWholeRecordsOnly) {
  Whois many;
  for (std::uint64_t a : {0x0102030405ULL, 0xaabbccddeeULL, 0x467b3c2101ULL})
    many.addresses.emplace_back(a);
  const Bytes out = test::written(write_whois, many);
  ASSERT_EQ(out.size(), 15u);
  auto back = parse_whois(out);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->addresses, many.addresses);
  for (std::size_t n = 0; n < out.size(); ++n)
    EXPECT_EQ(parse_whois(std::span(out).first(n)).has_value(), n > 0 && n % 5 == 0) << n;
  EXPECT_GT(test::run_garbage(parse_whois, write_whois), 0u);
}

TEST(VerbOkWhois, CarriesIdentityB) {
  const Bytes payload = test::vl1_payload(kOkWhois);
  auto ok = parse_ok(payload);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->in_re_verb, Verb::kWhois);
  EXPECT_EQ(ok->in_re_packet_id, 0x0102030405060708ULL);
  auto body = parse_ok_whois(ok->body);
  ASSERT_TRUE(body);
  EXPECT_EQ(body->identity, identity_b());
  EXPECT_EQ(body->identity.address().to_string(), "eadedf2c91");
  EXPECT_EQ(body->more_identities, 0u);

  Bytes out;
  ByteWriter w(out);
  write_ok_header(w, ok->in_re_verb, ok->in_re_packet_id);
  const Identity ids[] = {body->identity};
  write_ok_whois(w, ids);
  EXPECT_EQ(to_hex(out), to_hex(payload));
}

TEST(VerbOkWhois, CountsFurtherIdentitiesLeniently) {
  const Identity b = identity_b();
  const Identity ids[] = {b, b, b};
  Bytes three;
  ByteWriter w(three);
  write_ok_whois(w, ids);
  auto ok = parse_ok_whois(three);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->more_identities, 2u);
  // A cut-off third identity is not counted, and does not spoil the first.
  auto cut = parse_ok_whois(std::span(three).first(three.size() - 1));
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->more_identities, 1u);
}

TEST(VerbOkWhois, TruncationAndGarbageFail) {
  const Bytes payload = test::vl1_payload(kOkWhois);
  auto ok = parse_ok(payload);
  ASSERT_TRUE(ok);
  test::expect_every_truncation_fails(parse_ok_whois, ok->body);
  Bytes bad_type(ok->body.begin(), ok->body.end());
  bad_type[5] = 1;
  EXPECT_FALSE(parse_ok_whois(bad_type));
  auto write_one = [](ByteWriter& w, const OkWhois& o) {
    const Identity ids[] = {o.identity};
    write_ok_whois(w, ids);
  };
  test::run_garbage(parse_ok_whois, write_one);
  EXPECT_GT(test::run_mutations(parse_ok_whois, write_one, ok->body), 0u);
}

}  // namespace
}  // namespace zt
