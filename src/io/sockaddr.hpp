#pragma once
// InetAddress <-> the kernel's sockaddr forms.
#include <sys/socket.h>

#include "proto/inet_address.hpp"

namespace zt::io {

// Fills `out` for a v4 or v6 address; returns the length to pass to the
// kernel (0 for a nil address).
socklen_t to_sockaddr(const InetAddress& address, sockaddr_storage& out);

// IPv4-mapped IPv6 (::ffff:a.b.c.d) comes back as plain IPv4, since peers
// are known by their IPv4 address. Nil for other families or short lengths.
InetAddress from_sockaddr(const sockaddr_storage& in, socklen_t len);

}  // namespace zt::io
