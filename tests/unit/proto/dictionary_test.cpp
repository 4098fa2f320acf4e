// The VL2 Dictionary against upstream's vectors, plus hostile and edge input.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "proto/dictionary.hpp"
#include "vectors.hpp"

namespace zt {
namespace {

using test::hex;

const nlohmann::json& dict() { return test::vl2()["dictionary"]; }

std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// The reader views `text`: pass a literal or a string that outlives it.
DictionaryReader reader_of(std::string_view text, std::size_t capacity = 4096) {
  auto r = DictionaryReader::parse(as_bytes(text), capacity);
  EXPECT_TRUE(r.has_value());
  return r.value_or(*DictionaryReader::parse({}, 1));
}

std::string text_of(const std::optional<Bytes>& b) {
  return b ? std::string(b->begin(), b->end()) : std::string("<missing>");
}

void apply_add(DictionaryWriter& w, const nlohmann::json& add) {
  const std::string key = add[0];
  const std::string type = add[1];
  const auto& value = add[2];
  SCOPED_TRACE(key + " (" + type + ")");
  if (type == "str") {
    EXPECT_TRUE(w.add(key, value.get<std::string>()));
  } else if (type == "hex") {
    EXPECT_TRUE(w.add(key, hex(value.get<std::string>())));
  } else if (type == "uint64") {
    EXPECT_TRUE(w.add_u64(key, std::stoull(value.get<std::string>(), nullptr, 16)));
  } else if (type == "int64") {
    EXPECT_TRUE(w.add_i64(key, std::stoll(value.get<std::string>(), nullptr, 10)));
  } else if (type == "bool") {
    EXPECT_TRUE(w.add_bool(key, value.get<bool>()));
  } else if (type == "Address") {
    // Upstream's generic writer takes an Address as a uint64: 16 digits.
    auto a = Address::from_string(value.get<std::string>());
    ASSERT_TRUE(a.has_value());
    EXPECT_TRUE(w.add_u64(key, a->value()));
  } else {
    ADD_FAILURE() << "unknown add type " << type;
  }
}

Bytes vector_serialized() {
  DictionaryWriter w(kNetworkConfigDictCapacity);
  for (const auto& add : dict()["adds"]) apply_add(w, add);
  return w.bytes();
}

TEST(Dictionary, WriterMatchesUpstreamBytes) {
  const Bytes out = vector_serialized();
  EXPECT_EQ(to_hex(out), dict()["serialized_hex"].get<std::string>());
  EXPECT_EQ(out.size(), dict()["serialized_len"].get<std::size_t>());
}

TEST(Dictionary, GetMatchesUpstreamOnItsBytes) {
  const Bytes bytes = hex(dict()["serialized_hex"]);
  auto r = DictionaryReader::parse(bytes, kNetworkConfigDictCapacity);
  ASSERT_TRUE(r.has_value());
  int checked = 0;
  for (const auto& [key, expect] : dict()["parsed"].items()) {
    SCOPED_TRACE(key);
    const auto value = r->get(key);
    const int length = expect["getReturn"];
    if (length < 0) {
      EXPECT_FALSE(value.has_value());
    } else {
      ASSERT_TRUE(value.has_value());
      EXPECT_EQ(value->size(), static_cast<std::size_t>(length));
      EXPECT_EQ(to_hex(*value), expect["value_hex"].get<std::string>());
    }
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

TEST(Dictionary, TypedGettersMatchUpstream) {
  const Bytes bytes = hex(dict()["serialized_hex"]);
  auto r = DictionaryReader::parse(bytes, kNetworkConfigDictCapacity);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->get_u64("u64"), *parse_hex_u64(dict()["getUI_u64"].get<std::string>()));
  EXPECT_EQ(r->get_i64("i64neg"), dict()["getI_i64neg"].get<std::int64_t>());
  EXPECT_EQ(r->get_bool("bool1"), dict()["getB_bool1"].get<bool>());
  EXPECT_EQ(r->get_bool("bool0", true), dict()["getB_bool0"].get<bool>());
  EXPECT_EQ(r->get_u64("addr"), 0x89e92ceee5u);
  EXPECT_EQ(r->get_u64("missing", 77), 77u);
  EXPECT_EQ(r->get_u64("empty", 77), 77u);
  EXPECT_EQ(r->get_string("plain", 5), "hello");
  EXPECT_EQ(r->get_string("plain", 100), "hello world");
}

TEST(Dictionary, ParseExampleFirstKeyWinsAndUnknownEscapesPassThrough) {
  const auto& ex = dict()["parse_example"];
  const std::string text = ex["text"];
  auto r = reader_of(text);
  EXPECT_EQ(text_of(r.get("k")), ex["k"].get<std::string>());
  EXPECT_EQ(text_of(r.get("x")), ex["x"].get<std::string>());
}

TEST(Dictionary, EveryByteValueRoundTrips) {
  Bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<std::uint8_t>(i));
  DictionaryWriter w(4096);
  ASSERT_TRUE(w.add("all", all));
  ASSERT_TRUE(w.add("after", "x"));
  const Bytes& out = w.bytes();
  EXPECT_EQ(std::count(out.begin(), out.end(), 0), 0);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\r'), 0);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);  // only the separator
  auto r = DictionaryReader::parse(w.bytes(), 4096);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->get("all"), all);
  EXPECT_EQ(text_of(r->get("after")), "x");
}

TEST(Dictionary, WriterFormats) {
  DictionaryWriter w(1024);
  EXPECT_TRUE(w.add_u64("v", 7));
  EXPECT_TRUE(w.add_address("id", Address(0x6362cd6fdaULL)));
  EXPECT_TRUE(w.add_bool("t", true));
  EXPECT_TRUE(w.add_i64("n", std::numeric_limits<std::int64_t>::min()));
  EXPECT_EQ(std::string(w.bytes().begin(), w.bytes().end()),
            "v=0000000000000007\nid=6362cd6fda\nt=1\nn=8000000000000000");
}

TEST(Dictionary, WriterRejectsBadKeys) {
  DictionaryWriter w(1024);
  EXPECT_FALSE(w.add("", "v"));
  EXPECT_FALSE(w.add("a=b", "v"));
  EXPECT_FALSE(w.add("a\nb", "v"));
  EXPECT_FALSE(w.add("a\rb", "v"));
  EXPECT_FALSE(w.add(std::string_view("a\0b", 3), "v"));
  EXPECT_EQ(w.size(), 0u);
}

TEST(Dictionary, WriterStaysBelowCapacity) {
  DictionaryWriter w(10);
  EXPECT_FALSE(w.add("k", "12345678"));  // 10 bytes: no room for upstream's NUL
  EXPECT_EQ(w.size(), 0u);
  EXPECT_TRUE(w.add("k", "1234567"));
  EXPECT_EQ(w.size(), 9u);
  EXPECT_FALSE(w.add("j", ""));
  EXPECT_EQ(w.size(), 9u);

  DictionaryWriter escapes(6);  // "k=\\0" is 4 bytes, and the escape counts
  EXPECT_FALSE(escapes.add("k", Bytes{0, 0}));
  EXPECT_TRUE(escapes.add("k", Bytes{0}));
  DictionaryWriter none(0);
  EXPECT_FALSE(none.add("k", ""));
}

TEST(Dictionary, ReaderRejectsInputAtOrAboveCapacity) {
  EXPECT_FALSE(DictionaryReader::parse(as_bytes("k=123456"), 8).has_value());
  EXPECT_TRUE(DictionaryReader::parse(as_bytes("k=12345"), 8).has_value());
  EXPECT_FALSE(DictionaryReader::parse({}, 0).has_value());
}

TEST(Dictionary, ReaderLineRules) {
  using namespace std::string_literals;
  const std::string text = "junk line\n\r\n\r\nkey=a=b\r\nk=ab\\\nz=1\ntrail=x\\";
  auto r = reader_of(text);
  EXPECT_EQ(text_of(r.get("key")), "a=b");       // unescaped '=' in a value is literal
  EXPECT_EQ(text_of(r.get("k")), "ab");          // backslash before LF is dropped
  EXPECT_EQ(text_of(r.get("z")), "1");
  EXPECT_EQ(text_of(r.get("trail")), "x");       // lone trailing backslash dropped
  EXPECT_FALSE(r.get("ke").has_value());         // keys match exactly
  EXPECT_FALSE(r.get("keyx").has_value());
  EXPECT_FALSE(r.get("junk line").has_value());  // a line without '=' is not an entry
  EXPECT_FALSE(r.get("K").has_value());          // case sensitive

  const std::string with_nul = "a=1\0b=2"s;
  auto nul = reader_of(with_nul);
  EXPECT_EQ(text_of(nul.get("a")), "1");
  EXPECT_FALSE(nul.get("b").has_value());  // a NUL ends the dictionary

  auto empty = reader_of("");
  EXPECT_FALSE(empty.get("a").has_value());
}

TEST(Dictionary, GetStringCutsAtNulAndTruncates) {
  auto r = reader_of("s=ab\\0cd\nn=hello");
  EXPECT_EQ(r.get("s")->size(), 5u);
  EXPECT_EQ(r.get_string("s", 100), "ab");
  EXPECT_EQ(r.get_string("n", 3), "hel");
  EXPECT_EQ(r.get_string("n", 0), "");
  EXPECT_FALSE(r.get_string("missing", 10).has_value());
}

TEST(Dictionary, NumbersFollowStrtoullSemantics) {
  constexpr auto kU64Max = std::numeric_limits<std::uint64_t>::max();
  constexpr auto kI64Max = std::numeric_limits<std::int64_t>::max();
  constexpr auto kI64Min = std::numeric_limits<std::int64_t>::min();
  auto r = reader_of(
      "ws= \t0x1F\nshort=2a\nneg=-1\nbad=zz\nover=1ffffffffffffffff\nprefix=0x\nprefixg=0xg\n"
      "stop=12g4\nmin=-8000000000000000\nbig=8000000000000000\nnegover=-18000000000000000\n"
      "plus=+10\nmax=ffffffffffffffff");
  EXPECT_EQ(r.get_u64("ws"), 0x1fu);
  EXPECT_EQ(r.get_u64("short"), 0x2au);
  EXPECT_EQ(r.get_u64("neg"), kU64Max);
  EXPECT_EQ(r.get_u64("bad", 5), 0u);  // present but not a number: 0, not the fallback
  EXPECT_EQ(r.get_u64("over"), kU64Max);
  EXPECT_EQ(r.get_u64("negover"), kU64Max);
  EXPECT_EQ(r.get_u64("prefix"), 0u);
  EXPECT_EQ(r.get_u64("prefixg"), 0u);
  EXPECT_EQ(r.get_u64("stop"), 0x12u);
  EXPECT_EQ(r.get_u64("plus"), 0x10u);
  EXPECT_EQ(r.get_u64("max"), kU64Max);
  EXPECT_EQ(r.get_i64("neg"), -1);
  EXPECT_EQ(r.get_i64("min"), kI64Min);
  EXPECT_EQ(r.get_i64("big"), kI64Max);
  EXPECT_EQ(r.get_i64("max"), kI64Max);
  EXPECT_EQ(r.get_i64("negover"), kI64Min);
  EXPECT_EQ(r.get_i64("missing", -3), -3);
}

TEST(Dictionary, NumbersReadOnlyTheFirst127Bytes) {
  const std::string text = "n=" + std::string(126, ' ') + "7f";
  auto r = reader_of(text);
  EXPECT_EQ(r.get_u64("n"), 7u);
}

TEST(Dictionary, Booleans) {
  auto r = reader_of("a=1\nb=t\nc=True\nd=0\ne=f\nf=\ng=yes");
  EXPECT_TRUE(r.get_bool("a"));
  EXPECT_TRUE(r.get_bool("b"));
  EXPECT_TRUE(r.get_bool("c"));
  EXPECT_FALSE(r.get_bool("d", true));
  EXPECT_FALSE(r.get_bool("e", true));
  EXPECT_TRUE(r.get_bool("f", true));  // empty value: the fallback
  EXPECT_FALSE(r.get_bool("g", true));
  EXPECT_TRUE(r.get_bool("missing", true));
}

}  // namespace
}  // namespace zt
