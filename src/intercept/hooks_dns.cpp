// getaddrinfo and gethostbyname*: names in a joined network's DNS domain
// are asked of that network's DNS servers, through the service (which
// queries them over the virtual network). Other names go to libc's
// resolver, except in strict mode, where they do not resolve. Results are
// built by libc's own getaddrinfo from the numeric addresses, so they are
// freed by libc's freeaddrinfo as usual.
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "intercept/shim.hpp"

using namespace zt::intercept;

namespace {

bool numeric(const char* name) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, name, buffer) == 1 || inet_pton(AF_INET6, name, buffer) == 1 ||
         strchr(name, '%') != nullptr || strchr(name, ':') != nullptr;
}

enum class Lookup { kNotOurs, kFound, kNotFound, kTryAgain };

// Asks the service. kNotOurs: the name is in no network's domain (or the
// service is not there): libc's resolver decides.
Lookup lookup(const char* name, int family, Reply& reply) {
  const std::size_t length = strlen(name);
  if (length == 0 || length > kMaxHostName) return Lookup::kNotOurs;
  Request q;
  q.op = Op::kResolve;
  q.domain = family == AF_INET ? 4 : family == AF_INET6 ? 6 : 0;
  q.host_length = static_cast<std::uint8_t>(length);
  memcpy(q.host, name, length);
  const int error = request(q, reply);
  if (error != 0) return Lookup::kNotOurs;
  switch (reply.error) {
    case 0: return reply.address_count ? Lookup::kFound : Lookup::kNotFound;
    case ENOENT: return Lookup::kNotOurs;
    case ETIMEDOUT: return Lookup::kTryAgain;
    default: return Lookup::kNotFound;
  }
}

// A hostent in the caller's buffer: name, no aliases, the addresses.
int fill_hostent(const char* name, int family, const Reply& reply, hostent* out, char* buffer,
                 size_t length, hostent** result, int* h_error) {
  const int address_length = family == AF_INET ? 4 : 16;
  int count = 0;
  for (int i = 0; i < reply.address_count; ++i)
    if (reply.addresses[i].family == (family == AF_INET ? 4 : 6)) ++count;
  const size_t name_length = strlen(name) + 1;
  const size_t pointers = (static_cast<size_t>(count) + 2) * sizeof(char*);  // addresses + NULL, aliases NULL
  const size_t need = pointers + static_cast<size_t>(count * address_length) + name_length + alignof(char*);
  if (result) *result = nullptr;
  if (need > length) {
    if (h_error) *h_error = NETDB_INTERNAL;
    return ERANGE;
  }
  if (count == 0) {
    if (h_error) *h_error = NO_DATA;
    return 0;
  }
  char* p = buffer;
  p += (alignof(char*) - reinterpret_cast<uintptr_t>(p) % alignof(char*)) % alignof(char*);
  auto** list = reinterpret_cast<char**>(p);
  char* data = p + pointers;
  int n = 0;
  for (int i = 0; i < reply.address_count; ++i) {
    if (reply.addresses[i].family != (family == AF_INET ? 4 : 6)) continue;
    memcpy(data, reply.addresses[i].ip, static_cast<size_t>(address_length));
    list[n++] = data;
    data += address_length;
  }
  list[n] = nullptr;
  list[n + 1] = nullptr;  // the (empty) alias list
  memcpy(data, name, name_length);
  out->h_name = data;
  out->h_aliases = &list[n + 1];
  out->h_addrtype = family;
  out->h_length = address_length;
  out->h_addr_list = list;
  if (result) *result = out;
  return 0;
}

int by_name_r(const char* name, int family, hostent* out, char* buffer, size_t length,
              hostent** result, int* h_error, bool& handled) {
  handled = false;
  if (!active() || !name || numeric(name)) return 0;
  Reply reply;
  switch (lookup(name, family, reply)) {
    case Lookup::kNotOurs:
      if (!strict()) return 0;
      [[fallthrough]];
    case Lookup::kNotFound:
      handled = true;
      if (result) *result = nullptr;
      if (h_error) *h_error = HOST_NOT_FOUND;
      return 0;
    case Lookup::kTryAgain:
      handled = true;
      if (result) *result = nullptr;
      if (h_error) *h_error = TRY_AGAIN;
      return EAGAIN;
    case Lookup::kFound:
      handled = true;
      return fill_hostent(name, family, reply, out, buffer, length, result, h_error);
  }
  return 0;
}

hostent static_host;
char static_buffer[1024];

hostent* by_name(const char* name, int family, bool& handled) {
  hostent* result = nullptr;
  int error = 0;
  by_name_r(name, family, &static_host, static_buffer, sizeof static_buffer, &result, &error, handled);
  if (handled && !result) h_errno = error;
  return result;
}

}  // namespace

extern "C" {

int getaddrinfo(const char* node, const char* service, const addrinfo* hints, addrinfo** result) {
  const RealCalls& r = real();
  if (!active() || !node || numeric(node) || (hints && (hints->ai_flags & AI_NUMERICHOST)))
    return r.getaddrinfo(node, service, hints, result);
  const int family = hints ? hints->ai_family : AF_UNSPEC;
  Reply reply;
  switch (lookup(node, family, reply)) {
    case Lookup::kNotOurs:
      return strict() ? EAI_NONAME : r.getaddrinfo(node, service, hints, result);
    case Lookup::kNotFound: return EAI_NONAME;
    case Lookup::kTryAgain: return EAI_AGAIN;
    case Lookup::kFound: break;
  }
  addrinfo numeric_hints{};
  if (hints) numeric_hints = *hints;
  numeric_hints.ai_flags = (numeric_hints.ai_flags | AI_NUMERICHOST) & ~(AI_CANONNAME | AI_ADDRCONFIG);
  addrinfo* head = nullptr;
  addrinfo** tail = &head;
  int last_error = EAI_NONAME;
  for (int i = 0; i < reply.address_count; ++i) {
    const Endpoint& a = reply.addresses[i];
    char text[INET6_ADDRSTRLEN];
    if (!inet_ntop(a.family == 4 ? AF_INET : AF_INET6, a.ip, text, sizeof text)) continue;
    addrinfo* part = nullptr;
    last_error = r.getaddrinfo(text, service, &numeric_hints, &part);
    if (last_error != 0 || !part) continue;
    *tail = part;
    while (*tail) tail = &(*tail)->ai_next;
  }
  if (!head) return last_error;
  if (hints && (hints->ai_flags & AI_CANONNAME)) {
    free(head->ai_canonname);
    head->ai_canonname = strdup(node);
  }
  *result = head;
  return 0;
}

hostent* gethostbyname(const char* name) {
  bool handled;
  hostent* h = by_name(name, AF_INET, handled);
  return handled ? h : real().gethostbyname(name);
}

hostent* gethostbyname2(const char* name, int family) {
  bool handled;
  hostent* h = by_name(name, family, handled);
  return handled ? h : real().gethostbyname2(name, family);
}

int gethostbyname_r(const char* name, hostent* out, char* buffer, size_t length, hostent** result,
                    int* h_error) {
  bool handled;
  const int e = by_name_r(name, AF_INET, out, buffer, length, result, h_error, handled);
  return handled ? e : real().gethostbyname_r(name, out, buffer, length, result, h_error);
}

int gethostbyname2_r(const char* name, int family, hostent* out, char* buffer, size_t length,
                     hostent** result, int* h_error) {
  bool handled;
  const int e = by_name_r(name, family, out, buffer, length, result, h_error, handled);
  return handled ? e : real().gethostbyname2_r(name, family, out, buffer, length, result, h_error);
}

}  // extern "C"
