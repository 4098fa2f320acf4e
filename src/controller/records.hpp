#pragma once
// The controller's network and member records (controller.md §2): JSON
// objects with upstream 1.14.1's defaults, the way its API applies a POST
// body to them (types coerced, arrays validated and sorted, unknown keys
// ignored), and the fields it strips before saving. Records are plain
// nlohmann::json so unknown keys in stored files survive untouched.
#include <cstdint>

#include "controller/json_fields.hpp"
#include "proto/address.hpp"

namespace zt::controller {

// DB::initNetwork / initMember: every missing key gets its default and
// objtype is set. Upstream's typo ("removeTraceLevel") makes both reset
// remoteTraceLevel to 0 every time; kept, since stored records show it.
void init_network(json& network, std::int64_t now);
void init_member(json& member, std::int64_t now);

// DB::cleanNetwork / cleanMember: computed fields that are never stored.
void clean_network(json& network);
void clean_member(json& member);

// What POST /controller/network/{nwid} saves: `existing` (null for a new
// network) initialized, every recognized key of `body` applied, id/nwid
// set, cleaned. The body may be any JSON: a non-object changes nothing.
json network_from_post(const json& existing, const json& body, std::uint64_t nwid,
                       std::int64_t now);

// What POST /controller/network/{nwid}/member/{id} saves, likewise. A
// change of `authorized` stamps lastAuthorizedTime or lastDeauthorizedTime.
json member_from_post(const json& existing, const json& body, std::uint64_t nwid, Address id,
                      std::int64_t now);

// DB::_compareRecords: equal apart from "revision".
bool same_record(const json& a, const json& b);

// The record's "id" as a network id / member address (upstream reads hex
// with strtoull); 0 when absent or unreadable.
std::uint64_t record_network_id(const json& record);
Address record_member_id(const json& record);

}  // namespace zt::controller
