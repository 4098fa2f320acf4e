#include "vectors.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>

namespace zt::test {
namespace {

nlohmann::json load(const std::string& name) {
  std::ifstream in(protocol_path("vectors/" + name));
  if (!in) {
    ADD_FAILURE() << "cannot open vectors/" << name;
    return nlohmann::json::object();
  }
  return nlohmann::json::parse(in);
}

}  // namespace

std::string protocol_path(const std::string& relative) {
  return std::string(ZTSDK_PROTOCOL_DIR) + "/" + relative;
}

const nlohmann::json& vl1() {
  static const nlohmann::json j = load("vl1.json");
  return j;
}

const nlohmann::json& vl2() {
  static const nlohmann::json j = load("vl2.json");
  return j;
}

Bytes hex(const std::string& text) {
  auto b = from_hex(text);
  if (!b) {
    ADD_FAILURE() << "bad hex in vector: " << text.substr(0, 40);
    return {};
  }
  return *b;
}

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot open " << path;
    return {};
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace zt::test
