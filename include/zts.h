/*
 * ztsdk's C API. Names, constants, structures and semantics follow libzt's
 * ZeroTierSockets.h wherever libzt has the function, so a libzt program
 * builds against ztsdk unchanged (ZeroTierSockets.h includes this file).
 *
 * Sockets are numbered from 0 and live in ztsdk's own TCP/IP stack: they
 * are not kernel file descriptors and work only with zts_ functions.
 * Functions return ZTS_ERR_OK (0) or a non-negative result on success and a
 * negative ZTS_ERR_* code on failure; ZTS_ERR_SOCKET means zts_errno holds
 * the reason (a ZTS_E* value, equal to Linux's errno values). zts_errno is
 * per thread.
 *
 * Thread safety: any thread may call any function; one socket must not be
 * read by two threads at once (likewise writing), but one thread may read
 * while another writes, and closing a socket wakes its blocked callers.
 */
#ifndef ZTSDK_ZTS_H
#define ZTSDK_ZTS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>    /* memset in ZTS_FD_ZERO */
#include <sys/types.h> /* ssize_t */

#ifdef __cplusplus
extern "C" {
#endif

#define ZTS_API __attribute__((visibility("default")))
#define ZTCALL

/* ---- Results and errors -------------------------------------------------- */

typedef enum {
  ZTS_ERR_OK = 0,
  ZTS_ERR_SOCKET = -1,  /* see zts_errno */
  ZTS_ERR_SERVICE = -2, /* not possible now (node not running) */
  ZTS_ERR_ARG = -3,     /* a bad argument */
  ZTS_ERR_NO_RESULT = -4,
  ZTS_ERR_GENERAL = -5
} zts_error_t;

/* Why the last failing socket call of this thread failed. */
#ifdef __cplusplus
extern thread_local int zts_errno;
#else
extern _Thread_local int zts_errno;
#endif

typedef enum {
  ZTS_EPERM = 1,
  ZTS_ENOENT = 2,
  ZTS_ESRCH = 3,
  ZTS_EINTR = 4,
  ZTS_EIO = 5,
  ZTS_ENXIO = 6,
  ZTS_EBADF = 9,
  ZTS_EAGAIN = 11,
  ZTS_EWOULDBLOCK = ZTS_EAGAIN,
  ZTS_ENOMEM = 12,
  ZTS_EACCES = 13,
  ZTS_EFAULT = 14,
  ZTS_EBUSY = 16,
  ZTS_EEXIST = 17,
  ZTS_ENODEV = 19,
  ZTS_EINVAL = 22,
  ZTS_ENFILE = 23,
  ZTS_EMFILE = 24,
  ZTS_ENOSYS = 38,
  ZTS_ENOTSOCK = 88,
  ZTS_EDESTADDRREQ = 89,
  ZTS_EMSGSIZE = 90,
  ZTS_EPROTOTYPE = 91,
  ZTS_ENOPROTOOPT = 92,
  ZTS_EPROTONOSUPPORT = 93,
  ZTS_ESOCKTNOSUPPORT = 94,
  ZTS_EOPNOTSUPP = 95,
  ZTS_EPFNOSUPPORT = 96,
  ZTS_EAFNOSUPPORT = 97,
  ZTS_EADDRINUSE = 98,
  ZTS_EADDRNOTAVAIL = 99,
  ZTS_ENETDOWN = 100,
  ZTS_ENETUNREACH = 101,
  ZTS_ECONNABORTED = 103,
  ZTS_ECONNRESET = 104,
  ZTS_ENOBUFS = 105,
  ZTS_EISCONN = 106,
  ZTS_ENOTCONN = 107,
  ZTS_ETIMEDOUT = 110,
  ZTS_ECONNREFUSED = 111, /* ztsdk addition: libzt has no name for it */
  ZTS_EHOSTUNREACH = 113,
  ZTS_EALREADY = 114,
  ZTS_EINPROGRESS = 115
} zts_errno_t;

/* ---- Text sizes -------------------------------------------------------- */

#define ZTS_MAC_ADDRSTRLEN 18
#define ZTS_INET_ADDRSTRLEN 16
#define ZTS_INET6_ADDRSTRLEN 46
/* Buffers receiving an address as text must be this long. */
#define ZTS_IP_MAX_STR_LEN ZTS_INET6_ADDRSTRLEN

/* ---- Addresses --------------------------------------------------------- */

#define ZTS_IPADDR_NONE ((uint32_t)0xffffffffUL)
#define ZTS_IPADDR_LOOPBACK ((uint32_t)0x7f000001UL)
#define ZTS_IPADDR_ANY ((uint32_t)0x00000000UL)
#define ZTS_IPADDR_BROADCAST ((uint32_t)0xffffffffUL)
#define ZTS_INADDR_NONE ZTS_IPADDR_NONE
#define ZTS_INADDR_LOOPBACK ZTS_IPADDR_LOOPBACK
#define ZTS_INADDR_ANY ZTS_IPADDR_ANY
#define ZTS_INADDR_BROADCAST ZTS_IPADDR_BROADCAST

#define ZTS_SOCK_STREAM 0x0001
#define ZTS_SOCK_DGRAM 0x0002
#define ZTS_SOCK_RAW 0x0003

#define ZTS_AF_UNSPEC 0x0000
#define ZTS_AF_INET 0x0002
#define ZTS_AF_INET6 0x000a
#define ZTS_PF_INET ZTS_AF_INET
#define ZTS_PF_INET6 ZTS_AF_INET6
#define ZTS_PF_UNSPEC ZTS_AF_UNSPEC

#define ZTS_IPPROTO_IP 0x0000
#define ZTS_IPPROTO_ICMP 0x0001
#define ZTS_IPPROTO_TCP 0x0006
#define ZTS_IPPROTO_UDP 0x0011
#define ZTS_IPPROTO_IPV6 0x0029
#define ZTS_IPPROTO_ICMPV6 0x003a
#define ZTS_IPPROTO_UDPLITE 0x0088
#define ZTS_IPPROTO_RAW 0x00ff

typedef uint32_t zts_socklen_t;
typedef uint32_t zts_in_addr_t;
typedef uint16_t zts_in_port_t;
typedef uint8_t zts_sa_family_t;

struct zts_in_addr {
  zts_in_addr_t s_addr; /* network byte order */
};

struct zts_in6_addr {
  union un {
    uint32_t u32_addr[4];
    uint8_t u8_addr[16];
  } un;
};

/* BSD layout: a length byte, then a one-byte family. */
struct zts_sockaddr {
  uint8_t sa_len;
  zts_sa_family_t sa_family;
  char sa_data[14];
};

#ifndef SIN_ZERO_LEN
#define SIN_ZERO_LEN 8
#endif
struct zts_sockaddr_in {
  uint8_t sin_len;
  zts_sa_family_t sin_family; /* ZTS_AF_INET */
  zts_in_port_t sin_port;     /* network byte order */
  struct zts_in_addr sin_addr;
  char sin_zero[8];
};

struct zts_sockaddr_in6 {
  uint8_t sin6_len;
  zts_sa_family_t sin6_family; /* ZTS_AF_INET6 */
  zts_in_port_t sin6_port;     /* network byte order */
  uint32_t sin6_flowinfo;
  struct zts_in6_addr sin6_addr;
  uint32_t sin6_scope_id;
};

/* Large enough for either family. */
struct zts_sockaddr_storage {
  uint8_t s2_len;
  zts_sa_family_t ss_family;
  char s2_data1[2];
  uint32_t s2_data2[3];
  uint32_t s2_data3[3];
};

/* ---- Socket options ---------------------------------------------------- */

#define ZTS_SOL_SOCKET 0x0fff

#define ZTS_SO_DEBUG 0x0001
#define ZTS_SO_ACCEPTCONN 0x0002
#define ZTS_SO_REUSEADDR 0x0004
#define ZTS_SO_KEEPALIVE 0x0008
#define ZTS_SO_DONTROUTE 0x0010
#define ZTS_SO_BROADCAST 0x0020
#define ZTS_SO_USELOOPBACK 0x0040
#define ZTS_SO_LINGER 0x0080
#define ZTS_SO_DONTLINGER ((int)(~ZTS_SO_LINGER))
#define ZTS_SO_OOBINLINE 0x0100
#define ZTS_SO_REUSEPORT 0x0200
#define ZTS_SO_SNDBUF 0x1001
#define ZTS_SO_RCVBUF 0x1002
#define ZTS_SO_SNDLOWAT 0x1003
#define ZTS_SO_RCVLOWAT 0x1004
#define ZTS_SO_SNDTIMEO 0x1005 /* struct zts_timeval */
#define ZTS_SO_RCVTIMEO 0x1006 /* struct zts_timeval */
#define ZTS_SO_ERROR 0x1007
#define ZTS_SO_TYPE 0x1008
#define ZTS_SO_CONTIMEO 0x1009
#define ZTS_SO_NO_CHECK 0x100a
#define ZTS_SO_BINDTODEVICE 0x100b

struct zts_linger {
  int l_onoff;
  int l_linger; /* seconds */
};

#define ZTS_IP_TOS 0x0001
#define ZTS_IP_TTL 0x0002
#define ZTS_IP_PKTINFO 0x0008
#define ZTS_IP_ADD_MEMBERSHIP 3
#define ZTS_IP_DROP_MEMBERSHIP 4
#define ZTS_IP_MULTICAST_TTL 5
#define ZTS_IP_MULTICAST_IF 6
#define ZTS_IP_MULTICAST_LOOP 7

#define ZTS_TCP_NODELAY 0x0001
#define ZTS_TCP_KEEPALIVE 0x0002 /* idle time before probes, milliseconds */
#define ZTS_TCP_KEEPIDLE 0x0003  /* seconds */
#define ZTS_TCP_KEEPINTVL 0x0004 /* seconds */
#define ZTS_TCP_KEEPCNT 0x0005

#define ZTS_IPV6_CHECKSUM 0x0007
#define ZTS_IPV6_V6ONLY 0x001b
#define ZTS_IPV6_JOIN_GROUP 12
#define ZTS_IPV6_ADD_MEMBERSHIP ZTS_IPV6_JOIN_GROUP
#define ZTS_IPV6_LEAVE_GROUP 13
#define ZTS_IPV6_DROP_MEMBERSHIP ZTS_IPV6_LEAVE_GROUP

#define ZTS_UDPLITE_SEND_CSCOV 0x01
#define ZTS_UDPLITE_RECV_CSCOV 0x02

typedef struct zts_ip_mreq {
  struct zts_in_addr imr_multiaddr;
  struct zts_in_addr imr_interface;
} zts_ip_mreq;

typedef struct zts_ipv6_mreq {
  struct zts_in6_addr ipv6mr_multiaddr;
  unsigned int ipv6mr_interface;
} zts_ipv6_mreq;

struct zts_in_pktinfo {
  unsigned int ipi_ifindex;
  struct zts_in_addr ipi_addr;
};

#define ZTS_IPTOS_TOS_MASK 0x1E
#define ZTS_IPTOS_TOS(tos) ((tos)&ZTS_IPTOS_TOS_MASK)
#define ZTS_IPTOS_LOWDELAY 0x10
#define ZTS_IPTOS_THROUGHPUT 0x08
#define ZTS_IPTOS_RELIABILITY 0x04
#define ZTS_IPTOS_LOWCOST 0x02
#define ZTS_IPTOS_MINCOST ZTS_IPTOS_LOWCOST
#define ZTS_IPTOS_PREC_MASK 0xe0
#define ZTS_IPTOS_PREC(tos) ((tos)&ZTS_IPTOS_PREC_MASK)
#define ZTS_IPTOS_PREC_NETCONTROL 0xe0
#define ZTS_IPTOS_PREC_INTERNETCONTROL 0xc0
#define ZTS_IPTOS_PREC_CRITIC_ECP 0xa0
#define ZTS_IPTOS_PREC_FLASHOVERRIDE 0x80
#define ZTS_IPTOS_PREC_FLASH 0x60
#define ZTS_IPTOS_PREC_IMMEDIATE 0x40
#define ZTS_IPTOS_PREC_PRIORITY 0x20
#define ZTS_IPTOS_PREC_ROUTINE 0x00

/* ---- Flags, fcntl, ioctl, poll, select ----------------------------------- */

#define ZTS_MSG_PEEK 0x0001
#define ZTS_MSG_WAITALL 0x0002
#define ZTS_MSG_OOB 0x0004
#define ZTS_MSG_DONTWAIT 0x0008
#define ZTS_MSG_MORE 0x0010
/* In zts_msghdr.msg_flags after zts_bsd_recvmsg. */
#define ZTS_MSG_TRUNC 0x04
#define ZTS_MSG_CTRUNC 0x08

#define ZTS_F_GETFL 0x0003
#define ZTS_F_SETFL 0x0004
#define ZTS_O_NONBLOCK 1
#define ZTS_O_NDELAY ZTS_O_NONBLOCK
#define ZTS_O_RDONLY 2
#define ZTS_O_WRONLY 4
#define ZTS_O_RDWR (ZTS_O_RDONLY | ZTS_O_WRONLY)

#define ZTS_IOCPARM_MASK 0x7fU
#define ZTS_IOC_VOID 0x20000000UL
#define ZTS_IOC_OUT 0x40000000UL
#define ZTS_IOC_IN 0x80000000UL
#define ZTS_IOC_INOUT (ZTS_IOC_IN | ZTS_IOC_OUT)
#define ZTS_IO(x, y) (ZTS_IOC_VOID | ((x) << 8) | (y))
#define ZTS_IOR(x, y, t) \
  (ZTS_IOC_OUT | (((long)sizeof(t) & ZTS_IOCPARM_MASK) << 16) | ((x) << 8) | (y))
#define ZTS_IOW(x, y, t) \
  (ZTS_IOC_IN | (((long)sizeof(t) & ZTS_IOCPARM_MASK) << 16) | ((x) << 8) | (y))
#define ZTS_FIONREAD ZTS_IOR('f', 127, unsigned long) /* argp: int*, bytes readable */
#define ZTS_FIONBIO ZTS_IOW('f', 126, unsigned long)  /* argp: int*, nonzero = nonblocking */

#define ZTS_POLLIN 0x001
#define ZTS_POLLOUT 0x002
#define ZTS_POLLERR 0x004
#define ZTS_POLLNVAL 0x008
#define ZTS_POLLRDNORM 0x010
#define ZTS_POLLRDBAND 0x020
#define ZTS_POLLPRI 0x040
#define ZTS_POLLWRNORM 0x080
#define ZTS_POLLWRBAND 0x100
#define ZTS_POLLHUP 0x200

typedef unsigned int zts_nfds_t;

struct zts_pollfd {
  int fd;
  short events;
  short revents;
};

/* zts_bsd_select covers sockets 0 .. ZTS_FD_SETSIZE-1; zts_bsd_poll has no
 * such limit. */
#define ZTS_FD_SETSIZE 1024
typedef struct zts_fd_set {
  unsigned char fd_bits[(ZTS_FD_SETSIZE + 7) / 8];
} zts_fd_set;
#define ZTS_FD_VALID_(n) ((int)(n) >= 0 && (int)(n) < ZTS_FD_SETSIZE)
#define ZTS_FD_SET(n, p)                                                           \
  do {                                                                             \
    if (ZTS_FD_VALID_(n)) (p)->fd_bits[(n) / 8] |= (unsigned char)(1u << ((n)&7)); \
  } while (0)
#define ZTS_FD_CLR(n, p)                                                            \
  do {                                                                              \
    if (ZTS_FD_VALID_(n)) (p)->fd_bits[(n) / 8] &= (unsigned char)~(1u << ((n)&7)); \
  } while (0)
#define ZTS_FD_ISSET(n, p) (ZTS_FD_VALID_(n) ? ((p)->fd_bits[(n) / 8] & (1u << ((n)&7))) != 0 : 0)
#define ZTS_FD_ZERO(p) memset((void*)(p), 0, sizeof(*(p)))

typedef struct zts_timeval {
  long tv_sec;
  long tv_usec;
} zts_timeval;

struct zts_iovec {
  void* iov_base;
  size_t iov_len;
};

struct zts_msghdr {
  void* msg_name;
  zts_socklen_t msg_namelen;
  struct zts_iovec* msg_iov;
  int msg_iovlen;
  void* msg_control;
  zts_socklen_t msg_controllen;
  int msg_flags;
};

#define ZTS_SHUT_RD 0x0
#define ZTS_SHUT_WR 0x1
#define ZTS_SHUT_RDWR 0x2

/* ---- BSD-style sockets --------------------------------------------------- */
/* As their POSIX namesakes, with zts_ types. Errors: ZTS_ERR_SOCKET with
 * zts_errno set, or ZTS_ERR_ARG for a null pointer or impossible length. */

ZTS_API int ZTCALL zts_bsd_socket(int family, int type, int protocol);
ZTS_API int ZTCALL zts_bsd_connect(int fd, const struct zts_sockaddr* addr, zts_socklen_t addrlen);
ZTS_API int ZTCALL zts_bsd_bind(int fd, const struct zts_sockaddr* addr, zts_socklen_t addrlen);
ZTS_API int ZTCALL zts_bsd_listen(int fd, int backlog);
ZTS_API int ZTCALL zts_bsd_accept(int fd, struct zts_sockaddr* addr, zts_socklen_t* addrlen);
ZTS_API int ZTCALL zts_bsd_setsockopt(int fd, int level, int optname, const void* optval,
                                      zts_socklen_t optlen);
ZTS_API int ZTCALL zts_bsd_getsockopt(int fd, int level, int optname, void* optval,
                                      zts_socklen_t* optlen);
ZTS_API int ZTCALL zts_bsd_getsockname(int fd, struct zts_sockaddr* addr, zts_socklen_t* addrlen);
ZTS_API int ZTCALL zts_bsd_getpeername(int fd, struct zts_sockaddr* addr, zts_socklen_t* addrlen);
ZTS_API int ZTCALL zts_bsd_close(int fd);
/* Works over zts_bsd_poll; a timeout of NULL waits without limit. */
ZTS_API int ZTCALL zts_bsd_select(int nfds, zts_fd_set* readfds, zts_fd_set* writefds,
                                  zts_fd_set* exceptfds, struct zts_timeval* timeout);
ZTS_API int ZTCALL zts_bsd_fcntl(int fd, int cmd, int flags);
ZTS_API int ZTCALL zts_bsd_poll(struct zts_pollfd* fds, zts_nfds_t nfds, int timeout_ms);
ZTS_API int ZTCALL zts_bsd_ioctl(int fd, unsigned long request, void* argp);
ZTS_API ssize_t ZTCALL zts_bsd_send(int fd, const void* buf, size_t len, int flags);
ZTS_API ssize_t ZTCALL zts_bsd_sendto(int fd, const void* buf, size_t len, int flags,
                                      const struct zts_sockaddr* addr, zts_socklen_t addrlen);
ZTS_API ssize_t ZTCALL zts_bsd_sendmsg(int fd, const struct zts_msghdr* msg, int flags);
ZTS_API ssize_t ZTCALL zts_bsd_recv(int fd, void* buf, size_t len, int flags);
ZTS_API ssize_t ZTCALL zts_bsd_recvfrom(int fd, void* buf, size_t len, int flags,
                                        struct zts_sockaddr* addr, zts_socklen_t* addrlen);
ZTS_API ssize_t ZTCALL zts_bsd_recvmsg(int fd, struct zts_msghdr* msg, int flags);
ZTS_API ssize_t ZTCALL zts_bsd_read(int fd, void* buf, size_t len);
ZTS_API ssize_t ZTCALL zts_bsd_readv(int fd, const struct zts_iovec* iov, int iovcnt);
ZTS_API ssize_t ZTCALL zts_bsd_write(int fd, const void* buf, size_t len);
ZTS_API ssize_t ZTCALL zts_bsd_writev(int fd, const struct zts_iovec* iov, int iovcnt);
ZTS_API int ZTCALL zts_bsd_shutdown(int fd, int how);

/* ---- Simplified sockets -------------------------------------------------- */
/* Addresses as text ("10.147.17.5", "fd80::1"), ports in host order. */

ZTS_API int ZTCALL zts_socket(int family, int type, int protocol);
/* Connects, waiting at most timeout_ms (0: 30 s). A nonblocking socket
 * behaves as zts_bsd_connect. On timeout: ZTS_ERR_SOCKET, ZTS_ETIMEDOUT. */
ZTS_API int ZTCALL zts_connect(int fd, const char* ipstr, unsigned short port, int timeout_ms);
ZTS_API int ZTCALL zts_bind(int fd, const char* ipstr, unsigned short port);
ZTS_API int ZTCALL zts_listen(int fd, int backlog);
/* remote_addr receives the peer's address (len >= ZTS_IP_MAX_STR_LEN). */
ZTS_API int ZTCALL zts_accept(int fd, char* remote_addr, int len, unsigned short* port);
ZTS_API ssize_t ZTCALL zts_send(int fd, const void* buf, size_t len, int flags);
ZTS_API ssize_t ZTCALL zts_recv(int fd, void* buf, size_t len, int flags);
ZTS_API ssize_t ZTCALL zts_read(int fd, void* buf, size_t len);
ZTS_API ssize_t ZTCALL zts_write(int fd, const void* buf, size_t len);
ZTS_API int ZTCALL zts_shutdown_rd(int fd);
ZTS_API int ZTCALL zts_shutdown_wr(int fd);
ZTS_API int ZTCALL zts_shutdown_rdwr(int fd);
ZTS_API int ZTCALL zts_close(int fd);
ZTS_API int ZTCALL zts_getpeername(int fd, char* remote_addr_str, int len, unsigned short* port);
ZTS_API int ZTCALL zts_getsockname(int fd, char* local_addr_str, int len, unsigned short* port);
/* A connected TCP socket of the address's family, or an error. */
ZTS_API int ZTCALL zts_tcp_client(const char* remote_ipstr, unsigned short remote_port);
/* Binds, listens, accepts one connection, closes the listener and returns
 * the connection; remote_ipstr/remote_port receive the peer. */
ZTS_API int ZTCALL zts_tcp_server(const char* local_ipstr, unsigned short local_port,
                                  char* remote_ipstr, int len, unsigned short* remote_port);
/* A UDP socket bound to the address and port. */
ZTS_API int ZTCALL zts_udp_server(const char* local_ipstr, unsigned short local_port);
/* An unbound UDP socket of the address's family. */
ZTS_API int ZTCALL zts_udp_client(const char* remote_ipstr);

/* Option helpers: setters return ZTS_ERR_OK, getters the value (0/1 for
 * on/off options), both a negative ZTS_ERR_* on failure. */
ZTS_API int ZTCALL zts_set_no_delay(int fd, int enabled);
ZTS_API int ZTCALL zts_get_no_delay(int fd);
ZTS_API int ZTCALL zts_get_last_socket_error(int fd); /* SO_ERROR, cleared by reading */
ZTS_API size_t ZTCALL zts_get_data_available(int fd); /* bytes readable now; 0 on error */
ZTS_API int ZTCALL zts_get_pending_data_size(int fd); /* bytes readable now */
ZTS_API int ZTCALL zts_set_linger(int fd, int enabled, int value);
ZTS_API int ZTCALL zts_get_linger_enabled(int fd);
ZTS_API int ZTCALL zts_get_linger_value(int fd);
ZTS_API int ZTCALL zts_set_reuse_addr(int fd, int enabled);
ZTS_API int ZTCALL zts_get_reuse_addr(int fd);
ZTS_API int ZTCALL zts_set_recv_timeout(int fd, int seconds, int microseconds);
ZTS_API int ZTCALL zts_get_recv_timeout(int fd); /* seconds */
ZTS_API int ZTCALL zts_set_send_timeout(int fd, int seconds, int microseconds);
ZTS_API int ZTCALL zts_get_send_timeout(int fd); /* seconds */
ZTS_API int ZTCALL zts_set_send_buf_size(int fd, int size);
ZTS_API int ZTCALL zts_get_send_buf_size(int fd);
ZTS_API int ZTCALL zts_set_recv_buf_size(int fd, int size);
ZTS_API int ZTCALL zts_get_recv_buf_size(int fd);
ZTS_API int ZTCALL zts_set_ttl(int fd, int ttl);
ZTS_API int ZTCALL zts_get_ttl(int fd);
/* enabled = 1: blocking (the default); 0: nonblocking. */
ZTS_API int ZTCALL zts_set_blocking(int fd, int enabled);
ZTS_API int ZTCALL zts_get_blocking(int fd);
ZTS_API int ZTCALL zts_set_keepalive(int fd, int enabled);
ZTS_API int ZTCALL zts_get_keepalive(int fd);

/* ---- Address utilities --------------------------------------------------- */

ZTS_API const char* ZTCALL zts_inet_ntop(int family, const void* src, char* dst,
                                         zts_socklen_t size);
/* 1 on success, 0 if src is not an address of the family, -1 (ZTS_EAFNOSUPPORT) for another family.
 */
ZTS_API int ZTCALL zts_inet_pton(int family, const char* src, void* dst);
/* ZTS_AF_INET or ZTS_AF_INET6 for an address in text, or ZTS_ERR_ARG. */
ZTS_API int ZTCALL zts_util_get_ip_family(const char* ipstr);
/* Fills a zts_sockaddr_in or zts_sockaddr_in6; *addrlen in: buffer size, out: size used. */
ZTS_API int ZTCALL zts_util_ipstr_to_saddr(const char* src_ipstr, unsigned short port,
                                           struct zts_sockaddr* dstaddr, zts_socklen_t* addrlen);
ZTS_API int ZTCALL zts_util_ntop(struct zts_sockaddr* addr, zts_socklen_t addrlen, char* dst_str,
                                 int len, unsigned short* port);
ZTS_API void ZTCALL zts_util_delay(unsigned long milliseconds);

/* ---- Statistics ---------------------------------------------------------- */

/* Packet counters of the whole stack (all networks), per protocol. */
typedef struct {
  uint32_t link_tx, link_rx, link_drop, link_err;
  uint32_t etharp_tx, etharp_rx, etharp_drop, etharp_err;
  uint32_t ip4_tx, ip4_rx, ip4_drop, ip4_err;
  uint32_t ip6_tx, ip6_rx, ip6_drop, ip6_err;
  uint32_t icmp4_tx, icmp4_rx, icmp4_drop, icmp4_err;
  uint32_t icmp6_tx, icmp6_rx, icmp6_drop, icmp6_err;
  uint32_t udp_tx, udp_rx, udp_drop, udp_err;
  uint32_t tcp_tx, tcp_rx, tcp_drop, tcp_err;
  uint32_t nd6_tx, nd6_rx, nd6_drop, nd6_err;
} zts_stats_counter_t;

ZTS_API int ZTCALL zts_stats_get_all(zts_stats_counter_t* dst);

/* ==== The node and its networks ========================================== */
/* A process runs at most one node. Configure it with the zts_init_*
 * functions, start it with zts_node_start (which returns at once: the node
 * comes up on a thread of ztsdk's), then join networks. Everything that
 * happens is reported through the event handler, from one thread of
 * ztsdk's; nothing in ztsdk waits by polling. */

/* ---- Events -------------------------------------------------------------- */

typedef enum {
  ZTS_EVENT_NODE_UP = 200,          /* the node is running (always the first event) */
  ZTS_EVENT_NODE_ONLINE = 201,      /* a root answered: peers are reachable */
  ZTS_EVENT_NODE_OFFLINE = 202,     /* no root heard from for a while */
  ZTS_EVENT_NODE_DOWN = 203,        /* the node stopped (or could not start) */
  ZTS_EVENT_NODE_FATAL_ERROR = 204, /* another node holds our address: the node stops */
  ZTS_EVENT_NETWORK_NOT_FOUND = 210,
  ZTS_EVENT_NETWORK_CLIENT_TOO_OLD = 211,
  ZTS_EVENT_NETWORK_REQ_CONFIG = 212,    /* joined; asking the controller */
  ZTS_EVENT_NETWORK_OK = 213,            /* configured and authorized */
  ZTS_EVENT_NETWORK_ACCESS_DENIED = 214, /* the controller has not authorized us (yet) */
  ZTS_EVENT_NETWORK_READY_IP4 = 215,     /* an IPv4 address is on the stack's interface */
  ZTS_EVENT_NETWORK_READY_IP6 = 216,     /* an IPv6 address is on the stack's interface */
  ZTS_EVENT_NETWORK_READY_IP4_IP6 = 217, /* both (after the two above) */
  ZTS_EVENT_NETWORK_DOWN = 218,          /* left, or the node is stopping */
  ZTS_EVENT_NETWORK_UPDATE = 219,        /* a new config from the controller */
  ZTS_EVENT_STACK_UP = 220,
  ZTS_EVENT_STACK_DOWN = 221, /* never sent: the stack lives as long as the process */
  ZTS_EVENT_NETIF_UP = 230,
  ZTS_EVENT_NETIF_DOWN = 231,
  ZTS_EVENT_NETIF_REMOVED = 232,
  ZTS_EVENT_NETIF_LINK_UP = 233,
  ZTS_EVENT_NETIF_LINK_DOWN = 234,
  ZTS_EVENT_PEER_DIRECT = 240, /* a peer gained a direct path */
  ZTS_EVENT_PEER_RELAY = 241,  /* a peer lost its last direct path */
  ZTS_EVENT_PEER_UNREACHABLE = 242,
  ZTS_EVENT_PEER_PATH_DISCOVERED = 243,
  ZTS_EVENT_PEER_PATH_DEAD = 244,
  ZTS_EVENT_ROUTE_ADDED = 250,
  ZTS_EVENT_ROUTE_REMOVED = 251,
  ZTS_EVENT_ADDR_ADDED_IP4 = 260, /* on the stack's interface */
  ZTS_EVENT_ADDR_REMOVED_IP4 = 261,
  ZTS_EVENT_ADDR_ADDED_IP6 = 262,
  ZTS_EVENT_ADDR_REMOVED_IP6 = 263,
  ZTS_EVENT_STORE_IDENTITY_SECRET = 270,
  ZTS_EVENT_STORE_IDENTITY_PUBLIC = 271,
  ZTS_EVENT_STORE_PLANET = 272,
  ZTS_EVENT_STORE_PEER = 273,
  ZTS_EVENT_STORE_NETWORK = 274
} zts_event_t;

/* ---- Limits -------------------------------------------------------------- */

#define ZTS_STORE_DATA_LEN 4096
#define ZTS_MAX_NETWORK_SHORT_NAME_LENGTH 127
#define ZTS_MAX_NETWORK_ROUTES 32
#define ZTS_MAX_ASSIGNED_ADDRESSES 16
#define ZTS_MAX_PEER_NETWORK_PATHS 64
#define ZTS_MAX_MULTICAST_SUBSCRIPTIONS 1024
#define ZTS_MAX_ENDPOINT_STR_LEN ZTS_INET6_ADDRSTRLEN + 6
#define ZTS_ID_STR_BUF_LEN 384 /* buffer for an identity with its secret, as text */
#define ZTS_MAX_NUM_ROOTS 16
#define ZTS_MAX_ENDPOINTS_PER_ROOT 32

/* ---- What events carry (libzt's layouts) ---------------------------------- */

typedef struct {
  uint64_t node_id;
  uint16_t port_primary;
  uint16_t port_secondary; /* 0: none */
  uint16_t port_tertiary;  /* always 0: no port mapping */
  uint8_t ver_major;       /* the ZeroTier version ztsdk speaks as */
  uint8_t ver_minor;
  uint8_t ver_rev;
} zts_node_info_t;

typedef struct {
  uint64_t net_id;
  struct zts_sockaddr_storage addr; /* port field: the prefix length, network order */
} zts_addr_info_t;

typedef enum {
  ZTS_NETWORK_STATUS_REQUESTING_CONFIGURATION = 0,
  ZTS_NETWORK_STATUS_OK = 1,
  ZTS_NETWORK_STATUS_ACCESS_DENIED = 2,
  ZTS_NETWORK_STATUS_NOT_FOUND = 3,
  ZTS_NETWORK_STATUS_PORT_ERROR = 4,
  ZTS_NETWORK_STATUS_CLIENT_TOO_OLD = 5
  /* zts_net_get_status may also return 6: the network needs SSO authentication */
} zts_network_status_t;

typedef enum { ZTS_NETWORK_TYPE_PRIVATE = 0, ZTS_NETWORK_TYPE_PUBLIC = 1 } zts_net_info_type_t;

typedef struct {
  struct zts_sockaddr_storage target; /* port field: prefix length, network order */
  struct zts_sockaddr_storage via;    /* family 0: on the network's link */
  uint16_t flags;
  uint16_t metric;
} zts_route_info_t;

typedef struct {
  uint64_t mac;
  unsigned long adi;
} zts_multicast_group_t;

typedef enum {
  ZTS_PEER_ROLE_LEAF = 0,
  ZTS_PEER_ROLE_MOON = 1,
  ZTS_PEER_ROLE_PLANET = 2
} zts_peer_role_t;

typedef struct {
  uint64_t net_id;
  uint64_t mac; /* ours on this network, in the low 48 bits */
  char name[ZTS_MAX_NETWORK_SHORT_NAME_LENGTH + 1];
  zts_network_status_t status;
  zts_net_info_type_t type;
  unsigned int mtu;
  int dhcp; /* always 0 */
  int bridge;
  int broadcast_enabled;
  int port_error; /* nonzero when the stack refused the network's config */
  unsigned long netconf_rev;
  unsigned int assigned_addr_count;
  struct zts_sockaddr_storage assigned_addrs[ZTS_MAX_ASSIGNED_ADDRESSES];
  unsigned int route_count;
  zts_route_info_t routes[ZTS_MAX_NETWORK_ROUTES];
  unsigned int multicast_sub_count;
  struct {
    uint64_t mac;
    uint32_t adi;
  } multicast_subs[ZTS_MAX_MULTICAST_SUBSCRIPTIONS];
} zts_net_info_t;

typedef struct {
  struct zts_sockaddr_storage address;
  uint64_t last_tx; /* ms since the epoch, 0: never */
  uint64_t last_rx;
  uint64_t trusted_path_id; /* always 0 */
  float latency;
  float unused_0;
  float unused_1;
  float unused_2;
  float unused_3;
  float unused_4;
  uint64_t unused_5;
  uint64_t unused_6;
  float unused_7;
  char* ifname; /* always NULL */
  int expired;
  int preferred;
} zts_path_t;

typedef struct {
  uint64_t peer_id;
  int ver_major; /* -1: not known */
  int ver_minor;
  int ver_rev;
  int latency; /* ms, -1: not known */
  zts_peer_role_t role;
  unsigned int path_count;
  int unused_0;
  zts_path_t paths[ZTS_MAX_PEER_NETWORK_PATHS];
} zts_peer_info_t;

typedef struct {
  char* public_id_str[ZTS_MAX_NUM_ROOTS];
  char* endpoint_ip_str[ZTS_MAX_NUM_ROOTS][ZTS_MAX_ENDPOINTS_PER_ROOT];
} zts_root_set_t;

typedef struct {
  uint64_t net_id;
  uint64_t mac;
  int mtu;
} zts_netif_info_t;

/* What the event handler receives (as its void* argument). Only the member
 * matching the event is set; the message and what it points to are valid
 * until the handler returns. */
typedef struct {
  int16_t event_code;      /* a zts_event_t */
  zts_node_info_t* node;   /* NODE_* events */
  zts_net_info_t* network; /* NETWORK_* events */
  zts_netif_info_t* netif; /* NETIF_* events */
  zts_route_info_t* route; /* never set */
  zts_peer_info_t* peer;   /* PEER_* events */
  zts_addr_info_t* addr;   /* ADDR_* events */
  void* cache;             /* never set: ztsdk stores its own state */
  int len;                 /* size of the structure set */
} zts_event_msg_t;

/* ---- Before the node starts ---------------------------------------------- */
/* Each returns ZTS_ERR_OK, ZTS_ERR_ARG for a bad argument, or
 * ZTS_ERR_SERVICE once the node has been started (stop it first). */

/* Keep the node's identity (identity.secret, identity.public) in `path`,
 * created if missing, and with it the caches the zts_init_allow_*_cache
 * flags allow (all by default): networks.d/ (networks joined and their last
 * config: a restarted node rejoins them and is ready before the controller
 * answers), peers.d/, planet and moons.d/. Without this (or with
 * zts_init_from_memory) nothing is written anywhere. */
ZTS_API int ZTCALL zts_init_from_storage(const char* path);
/* Use this identity (the text form with the secret, as zts_id_new or
 * zts_node_get_id_pair give it). ZTS_ERR_ARG if it does not validate. */
ZTS_API int ZTCALL zts_init_from_memory(const char* key, unsigned int len);
/* The function that receives every event as a zts_event_msg_t*, on one
 * thread of ztsdk's. Unlike libzt it may also be set (or replaced) while the
 * node runs: the new handler first gets the node's current state replayed
 * (NODE_UP, NODE_ONLINE, each network's status, NETIF_UP, ADDR_ADDED_*,
 * NETWORK_READY_*), then live events. A handler that falls behind loses the
 * oldest queued events (readiness events last); see zts_util_get_dropped_events. */
ZTS_API int ZTCALL zts_init_set_event_handler(void (*callback)(void*));
/* The UDP port (0: a random free one from the random port range). */
ZTS_API int ZTCALL zts_init_set_port(unsigned short port);
/* Where random ports come from (default 20000-45500, as libzt). */
ZTS_API int ZTCALL zts_init_set_random_port_range(unsigned short start_port,
                                                  unsigned short end_port);
/* A second random UDP port for NATs that misbehave with one (default on). */
ZTS_API int ZTCALL zts_init_allow_secondary_port(unsigned int allowed);
/* The planet to use: its serialized form, as `ztsdk world make` writes it
 * (ZTS_ERR_ARG for anything else). Without one the node uses the planet
 * cached in its storage path, if any: ztsdk has no built-in planet. */
ZTS_API int ZTCALL zts_init_set_roots(const void* roots_data, unsigned int len);
ZTS_API int ZTCALL zts_init_allow_net_cache(unsigned int allowed);
ZTS_API int ZTCALL zts_init_allow_peer_cache(unsigned int allowed);
ZTS_API int ZTCALL zts_init_allow_roots_cache(unsigned int allowed);
/* Off: an identity generated at start is not written to the storage path. */
ZTS_API int ZTCALL zts_init_allow_id_cache(unsigned int allowed);
/* Accepted and ignored: ztsdk has no UPnP/NAT-PMP port mapping and no TCP
 * relay, and binds every interface. */
ZTS_API int ZTCALL zts_init_allow_port_mapping(unsigned int allowed);
ZTS_API int ZTCALL zts_init_allow_tcp_relay(int enabled);
ZTS_API int ZTCALL zts_init_force_tcp_relay(int enabled);
ZTS_API int ZTCALL zts_init_set_tcp_relay(const char* tcp_relay_addr,
                                          unsigned short tcp_relay_port);
ZTS_API int ZTCALL zts_init_blacklist_if(const char* prefix, unsigned int len);
ZTS_API int ZTCALL zts_init_set_low_bandwidth_mode(int enabled);

/* ---- Identities ------------------------------------------------------------ */

/* A new identity, as text with its secret, into key (*key_buf_len >=
 * ZTS_ID_STR_BUF_LEN; set to the length written). Takes a moment: the
 * address comes from a memory-hard proof of work. */
ZTS_API int ZTCALL zts_id_new(char* key, unsigned int* key_buf_len);
/* 1 if key holds a valid identity with its secret, else 0. */
ZTS_API int ZTCALL zts_id_pair_is_valid(const char* key, unsigned int len);

/* ---- The node ------------------------------------------------------------ */

/* Starts the node on a thread of ztsdk's and returns at once; NODE_UP,
 * STACK_UP, then NODE_ONLINE follow as events. Calls made while it starts
 * wait for it (a new identity takes a moment to generate). If it cannot
 * start (a UDP port taken, an unreadable identity) a line on stderr says
 * why, NODE_DOWN follows, and calls return ZTS_ERR_SERVICE.
 * ZTS_ERR_SERVICE if it is already running. */
ZTS_API int ZTCALL zts_node_start(void);
/* Stops the node (networks go down, NODE_DOWN follows); networks stay
 * joined in the storage path and are rejoined at the next start. TCP data
 * already written is delivered first (acknowledged, FIN included), waiting
 * at most 1 s for it. The node may be started again. */
ZTS_API int ZTCALL zts_node_stop(void);
/* Stops the node if it runs, delivers the events still queued, ends the
 * event thread and forgets every zts_init_* setting. Unlike libzt the
 * library may then be initialised and started again. */
ZTS_API int ZTCALL zts_node_free(void);
ZTS_API int ZTCALL zts_node_is_online(void);   /* 1 or 0 */
ZTS_API uint64_t ZTCALL zts_node_get_id(void); /* 0 if not running */
ZTS_API int ZTCALL zts_node_get_port(void);    /* primary UDP port, or ZTS_ERR_SERVICE */
/* The identity with its secret, as text (*key_dst_len >= ZTS_ID_STR_BUF_LEN
 * in, the length written out). Handle with care. */
ZTS_API int ZTCALL zts_node_get_id_pair(char* key, unsigned int* key_dst_len);
/* Moons: ztsdk cannot fetch a moon from a seed node, nor drop one while
 * running; both return ZTS_ERR_GENERAL. Moons cached in the storage path's
 * moons.d/ are orbited at start. */
ZTS_API int ZTCALL zts_moon_orbit(uint64_t moon_roots_id, uint64_t moon_seed);
ZTS_API int ZTCALL zts_moon_deorbit(uint64_t moon_roots_id);

/* ---- Networks ------------------------------------------------------------ */
/* Unless said otherwise: ZTS_ERR_SERVICE when the node is not running,
 * ZTS_ERR_ARG for network id 0, ZTS_ERR_NO_RESULT when not joined. */

ZTS_API int ZTCALL zts_net_join(uint64_t net_id); /* joining twice is not an error */
ZTS_API int ZTCALL zts_net_leave(uint64_t net_id);
/* 1 when the network's config is OK and the stack's interface has an
 * address on it, else 0. */
ZTS_API int ZTCALL zts_net_transport_is_ready(const uint64_t net_id);
ZTS_API int ZTCALL zts_net_get_status(uint64_t net_id);   /* a zts_network_status_t */
ZTS_API uint64_t ZTCALL zts_net_get_mac(uint64_t net_id); /* 0 if not joined */
/* "aa:bb:cc:dd:ee:ff"; len >= ZTS_MAC_ADDRSTRLEN. */
ZTS_API int ZTCALL zts_net_get_mac_str(uint64_t net_id, char* dst, unsigned int len);
ZTS_API int ZTCALL zts_net_get_mtu(uint64_t net_id);
/* The network's name, cut to fit len (with its terminating 0). */
ZTS_API int ZTCALL zts_net_get_name(uint64_t net_id, char* dst, unsigned int len);
ZTS_API int ZTCALL zts_net_get_type(uint64_t net_id);      /* a zts_net_info_type_t */
ZTS_API int ZTCALL zts_net_get_broadcast(uint64_t net_id); /* 1 or 0 */
/* 1 if the network has a managed route of the family, else 0. */
ZTS_API int ZTCALL zts_route_is_assigned(uint64_t net_id, unsigned int family);
/* The ad-hoc network id for a port range (ffSSSSEEEE000000): no controller. */
ZTS_API uint64_t ZTCALL zts_net_compute_adhoc_id(uint16_t start_port, uint16_t end_port);

/* ---- Addresses ----------------------------------------------------------- */
/* The addresses a network assigned us that are on the stack's interface
 * (lwIP holds one IPv4 address per interface: the first one). */

ZTS_API int ZTCALL zts_addr_is_assigned(uint64_t net_id, unsigned int family); /* 1 or 0 */
/* The first address of the family; ZTS_ERR_NO_RESULT if none. */
ZTS_API int ZTCALL zts_addr_get(uint64_t net_id, unsigned int family,
                                struct zts_sockaddr_storage* addr);
/* The same as text; len >= ZTS_INET6_ADDRSTRLEN. */
ZTS_API int ZTCALL zts_addr_get_str(uint64_t net_id, unsigned int family, char* dst,
                                    unsigned int len);
/* All of them: *count in, room in addr[] (libzt passes
 * ZTS_MAX_ASSIGNED_ADDRESSES); out, how many were written. */
ZTS_API int ZTCALL zts_addr_get_all(uint64_t net_id, struct zts_sockaddr_storage* addr,
                                    unsigned int* count);
/* The addresses a node has on a network by construction (no controller
 * needed): RFC4193 (fd..::/88) and 6PLANE (fc..::/40). */
ZTS_API int ZTCALL zts_addr_compute_rfc4193(const uint64_t net_id, const uint64_t node_id,
                                            struct zts_sockaddr_storage* addr);
ZTS_API int ZTCALL zts_addr_compute_6plane(const uint64_t net_id, const uint64_t node_id,
                                           struct zts_sockaddr_storage* addr);
/* len >= ZTS_INET6_ADDRSTRLEN. */
ZTS_API int ZTCALL zts_addr_compute_rfc4193_str(uint64_t net_id, uint64_t node_id, char* dst,
                                                unsigned int len);
ZTS_API int ZTCALL zts_addr_compute_6plane_str(uint64_t net_id, uint64_t node_id, char* dst,
                                               unsigned int len);

/* A signed planet listing the roots of roots_spec (identities in text form,
 * endpoints as "IP/port"; at most 4 roots), for zts_init_set_roots.
 * roots_out must hold ZTS_STORE_DATA_LEN bytes, prev_key and curr_key 128
 * each; *roots_len, *prev_key_len and *curr_key_len are set. As libzt: the
 * signing keys of an earlier revision are read from previous.c25519 and
 * current.c25519 in the working directory if both exist, else a new key
 * pair is made. Keep curr_key: the next revision must be signed with it. */
ZTS_API int ZTCALL zts_util_sign_root_set(char* roots_out, unsigned int* roots_len, char* prev_key,
                                          unsigned int* prev_key_len, char* curr_key,
                                          unsigned int* curr_key_len, uint64_t id, uint64_t ts,
                                          zts_root_set_t* roots_spec);

/* ---- ztsdk extensions (not in libzt) -------------------------------------- */

/* Waits, without polling, until the node is online. ZTS_ERR_OK,
 * ZTS_ERR_NO_RESULT after timeout_ms (< 0: no limit), ZTS_ERR_SERVICE if the
 * node is not running or stops meanwhile. */
ZTS_API int ZTCALL zts_node_wait_online(int timeout_ms);
/* Waits, without polling, until the network is ready: its config is OK and
 * the stack's interface has an address of `family` (ZTS_AF_INET,
 * ZTS_AF_INET6, or ZTS_AF_UNSPEC for either). Same results as above. */
ZTS_API int ZTCALL zts_net_wait_ready(uint64_t net_id, int family, int timeout_ms);
/* Sends one ICMP (IPv4) or ICMPv6 echo request to remote_ipstr through the
 * stack and waits up to timeout_ms for the reply. Returns the round-trip
 * time in microseconds (>= 0), ZTS_ERR_NO_RESULT on timeout, ZTS_ERR_ARG
 * for an address that does not parse, ZTS_ERR_SOCKET (zts_errno) when the
 * request cannot be sent (ZTS_ENETUNREACH: no network has a route). */
ZTS_API int ZTCALL zts_ping(const char* remote_ipstr, int timeout_ms);
/* Events dropped because the handler fell behind (the queue holds 256). */
ZTS_API uint64_t ZTCALL zts_util_get_dropped_events(void);

#ifdef __cplusplus
}
#endif

#endif /* ZTSDK_ZTS_H */
