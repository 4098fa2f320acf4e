/* lwIP configuration for ztsdk: one lwIP instance per process, one Ethernet
 * netif per joined ZeroTier network, applications on lwIP's socket API.
 *
 * Included by every lwIP source file and by src/stack/ files that include
 * lwIP headers; never by public or widely included headers (lwIP's headers
 * redefine TCP_MSS and friends in whatever includes them).
 *
 * Measured reasons for the main choices are in ../shared/stack-notes.md. */
#ifndef ZTSDK_LWIPOPTS_H
#define ZTSDK_LWIPOPTS_H

/* ---- OS, threads, memory ------------------------------------------------ */

#define NO_SYS 0
/* API calls run under the core lock instead of posting to the tcpip
 * thread's mailbox: one mutex instead of two thread switches per call. */
#define LWIP_TCPIP_CORE_LOCKING 1
#define LWIP_TCPIP_CORE_LOCKING_INPUT 1
#define SYS_LIGHTWEIGHT_PROT 1

/* Heap and pools come from malloc: nothing is reserved up front (RSS stays
 * small), and pool counts (pcbs, segments, netbufs) are not fixed caps. */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 8

/* Debian's Unix port has one fixed mailbox size for every mailbox (our build
 * makes it overridable, see scripts/fetch_lwip.sh). A TCP socket's receive
 * mailbox holds one entry per received segment; when it is full lwIP parks
 * the data and retries only on the next segment or timer tick, so it must
 * hold a full window of segments: 1 MiB / 1460 B = 718 < 1024. */
#define SYS_MBOX_SIZE 1024
#define TCPIP_MBOX_SIZE SYS_MBOX_SIZE
#define DEFAULT_TCP_RECVMBOX_SIZE SYS_MBOX_SIZE
#define DEFAULT_UDP_RECVMBOX_SIZE SYS_MBOX_SIZE
#define DEFAULT_RAW_RECVMBOX_SIZE SYS_MBOX_SIZE
#define DEFAULT_ACCEPTMBOX_SIZE SYS_MBOX_SIZE
#define TCPIP_THREAD_NAME "ztsdk-tcpip"

/* ---- Sockets --------------------------------------------------------------- */

#define LWIP_SOCKET 1
#define LWIP_NETCONN 1
#define LWIP_COMPAT_SOCKETS 0 /* only lwip_* names: no clash with libc's */
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
/* lwIP's own socket structures (BSD layout with sa_len), which is what the
 * zts_ structures mirror; the zts layer still converts field by field. */
#define LWIP_SOCKET_EXTERNAL_HEADERS 0
#define LWIP_SOCKET_OFFSET 0
/* Debian's port patch routes sockets.c's sa_len handling through these
 * macros (defined only in its posix headers); with lwIP's own structures
 * they are upstream's plain field accesses. */
#define IP4ADDR_SOCKADDR_SET_LEN(sin) ((sin)->sin_len = sizeof(struct sockaddr_in))
#define IP6ADDR_SOCKADDR_SET_LEN(sin6) ((sin6)->sin6_len = sizeof(struct sockaddr_in6))
#define IPADDR_SOCKADDR_GET_LEN(addr) ((addr)->sa.sa_len)
/* The socket table is a fixed array of MEMP_NUM_NETCONN entries indexed by
 * fd (a lookup is O(1); Debian's LWIP_SOCKET_OPEN_COUNT variant walks a
 * list under a global lock, 77 us at fd 10000). 4096 leaves room for more
 * than 1024 connections plus listeners; an entry is a few dozen bytes. */
#define MEMP_NUM_NETCONN 4096
#define LWIP_SOCKET_OPEN_COUNT 0
/* zts_bsd_select is built on lwip_poll, so lwIP's select is not needed. */
#define LWIP_SOCKET_SELECT 0
#define LWIP_SOCKET_POLL 1
/* A reader thread and a writer thread may share one socket, and close()
 * from another thread wakes a blocked reader. Needs a semaphore per thread
 * (lwip_hooks.cpp provides it). */
#define LWIP_NETCONN_FULLDUPLEX 1
#define LWIP_NETCONN_SEM_PER_THREAD 1
#define LWIP_SO_SNDTIMEO 1
#define LWIP_SO_RCVTIMEO 1
#define LWIP_SO_RCVBUF 1
#define LWIP_SO_LINGER 1
#define SO_REUSE 1
#define SO_REUSE_RXTOALL 1
#define LWIP_TCP_KEEPALIVE 1
#define LWIP_FIONREAD_LINUXMODE 1 /* FIONREAD = bytes of the next datagram, like Linux */

/* ---- Protocols ------------------------------------------------------------- */

#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 1 /* ICMP echo from applications (ping) */
#define LWIP_UDP 1
#define LWIP_UDPLITE 0
#define LWIP_TCP 1
#define LWIP_ICMP6 1
#define LWIP_BROADCAST_PING 0
#define LWIP_MULTICAST_PING 0
/* ZeroTier assigns addresses: no DHCP, AutoIP, SLAAC or DNS. */
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_DNS 0
#define LWIP_IPV6_AUTOCONFIG 0
#define LWIP_IPV6_DHCP6 0
#define LWIP_IPV6_SEND_ROUTER_SOLICIT 0
#define LWIP_ND6_ALLOW_RA_UPDATES 0
/* Static addresses are usable at once (no duplicate address detection,
 * which would hold an address tentative for ~2 s); the controller hands
 * out unique addresses. */
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS 0
/* IGMP and MLD run 100 ms timers forever; multicast group membership on a
 * ZeroTier network is announced by the engine, not by the stack. */
#define LWIP_IGMP 0
#define LWIP_IPV6_MLD 0

/* A process on two networks must never route between them (Debian's build
 * has both on; lwIP then forwarded TCP between two joined networks). */
#define IP_FORWARD 0
#define LWIP_IPV6_FORWARD 0

#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define LWIP_IPV6_REASS 1
#define LWIP_IPV6_FRAG 1
/* Bounds the memory held by incomplete datagrams (a 64 KiB UDP datagram at
 * MTU 1500 is 45 fragments). */
#define IP_REASS_MAX_PBUFS 128

#define LWIP_IPV6_NUM_ADDRESSES 8 /* link-local + RFC4193 + 6PLANE + managed */
#define ARP_TABLE_SIZE 128
#define ARP_QUEUEING 1
/* nd6.c indexes these tables with s8_t: at most 127 entries. */
#define LWIP_ND6_NUM_NEIGHBORS 64
#define LWIP_ND6_NUM_DESTINATIONS 64
#define LWIP_ND6_QUEUEING 1
#define LWIP_ND6_TCP_REACHABILITY_HINTS 1

/* Connecting to one's own address (or 127.0.0.1) stays inside the stack. */
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 1
/* No cap on packets queued for the loopback: closing a thousand local
 * connections queues a FIN each at once, and with a cap the overflow made
 * unrelated loopback sends fail with ENOMEM. Only this process's own
 * traffic is queued there. */
#define LWIP_LOOPBACK_MAX_PBUFS 0

/* ---- TCP ------------------------------------------------------------------- */

/* TCP_MSS is the largest MSS we offer: MTU 2800 (ZeroTier's default) - 40.
 * lwIP caps the effective MSS per connection by the outgoing netif's MTU
 * (TCP_CALCULATE_EFF_SEND_MSS), so a network with a smaller MTU gets a
 * smaller MSS automatically. */
#define TCP_MSS 2760
#define TCP_CALCULATE_EFF_SEND_MSS 1
/* A 1 MiB window and send buffer: Debian's 64 KiB window, not the CPU, was
 * the limit (161 vs 298 MB/s). Needs window scaling: 65535 << 5 > 1 MiB. */
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 5
#define TCP_WND (1024 * 1024)
#define TCP_SND_BUF (1024 * 1024)
#define TCP_SND_QUEUELEN ((4 * TCP_SND_BUF + TCP_MSS - 1) / TCP_MSS)
/* A socket is writable (poll) once this much send buffer is free. lwIP
 * reports free space through a 16-bit view, so it must stay well below
 * 64 KiB (lwIP's sanity check: 4 MSS below). */
#define TCP_SNDLOWAT (32 * 1024)
#define TCP_QUEUE_OOSEQ 1
#define TCP_OOSEQ_MAX_BYTES TCP_WND
#define TCP_OOSEQ_MAX_PBUFS 1024
#define LWIP_TCP_SACK_OUT 1
/* TIME-WAIT lasts 2 MSL: 60 s as on Linux (lwIP's default is 120 s). A
 * connect finding no free port takes one from TIME-WAIT (time_wait.hpp). */
#define TCP_MSL 30000UL
/* ---- TCP under loss (scripts/lwip-patches: *-tcp-sack-recovery) ---- */
/* The sender uses the SACK blocks it receives, finds losses by time (RACK)
 * and probes lost tails, instead of lwIP's one fast retransmit per window
 * and a timeout for every other loss (10% loss: ~26 KB/s). */
#define LWIP_TCP_SACK_RECOVERY 1
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 0xff
/* lwIP's TCP clock: the fast timer (delayed ACKs, retrying parked receive
 * data) runs every TCP_TMR_INTERVAL and the slow timer (retransmission,
 * keepalive) every 2x that. The default 250 ms makes a delayed ACK cost up
 * to 250 ms and puts the retransmission timeout's floor at 3 slow ticks
 * = 1.5 s; 50 ms gives <= 50 ms and ~300 ms (Linux: 40 ms, 200 ms). The
 * timer only runs while TCP connections exist. */
#define TCP_TMR_INTERVAL 50
#define LWIP_CHECKSUM_ON_COPY 1
/* Each TCP segment and its headers go out as one contiguous pbuf, so the
 * link output hands the engine one buffer without copying. */
#define LWIP_NETIF_TX_SINGLE_PBUF 1

/* ---- Netifs ---------------------------------------------------------------- */

#define LWIP_SINGLE_NETIF 0
/* Two bytes before each Ethernet header put the IP header on a 4-byte
 * boundary: lwIP reads its header fields as aligned words (undefined
 * behaviour otherwise, which UBSan reports). stack_interface.cpp adds and
 * strips them. */
#define ETH_PAD_SIZE 2
#define LWIP_NETIF_HWADDRHINT 1
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0

/* ---- Statistics (zts_stats_get_all) ---------------------------------------- */

#define LWIP_STATS 1
#define LWIP_STATS_LARGE 1 /* 32-bit counters (16-bit ones wrap within a second) */
#define LWIP_STATS_DISPLAY 0
#define LINK_STATS 1
#define ETHARP_STATS 1
#define IP_STATS 1
#define ICMP_STATS 1
#define UDP_STATS 1
#define TCP_STATS 1
#define IP6_STATS 1
#define ICMP6_STATS 1
#define ND6_STATS 1
#define IPFRAG_STATS 0
#define IP6_FRAG_STATS 0
#define MEM_STATS 0
#define MEMP_STATS 0
#define SYS_STATS 0
#define IGMP_STATS 0
#define MLD6_STATS 0

/* ---- Hooks (implemented in lwip_hooks.cpp) ------------------------------- */

#ifdef __cplusplus
extern "C" {
#endif
struct pbuf;
struct netif;
struct ip4_addr;
struct ip6_addr;
struct ip_addr;
struct sys_sem;
/* Hidden, and made local with lwIP's own symbols by the build
 * (scripts/merge_stack_objects.sh). */
#pragma GCC visibility push(hidden)
int ztsdk_lwip_ip4_input_filter(struct pbuf* p, struct netif* input_netif);
int ztsdk_lwip_ip6_input_filter(struct pbuf* p, struct netif* input_netif);
struct netif* ztsdk_lwip_ip4_route(const struct ip4_addr* src, const struct ip4_addr* dest);
const struct ip4_addr* ztsdk_lwip_ip4_gateway(struct netif* netif, const struct ip4_addr* dest);
struct netif* ztsdk_lwip_ip6_route(const struct ip6_addr* src, const struct ip6_addr* dest);
const struct ip6_addr* ztsdk_lwip_ip6_next_hop(struct netif* netif, const struct ip6_addr* dest);
unsigned int ztsdk_lwip_tcp_isn(const struct ip_addr* local_ip, unsigned short local_port,
                                const struct ip_addr* remote_ip, unsigned short remote_port);
unsigned int ztsdk_lwip_rand(void);
unsigned short ztsdk_lwip_chksum(const void* data, int len);
struct sys_sem** ztsdk_lwip_thread_sem(void);
void ztsdk_lwip_assert_failed(const char* message, int line, const char* file);
void ztsdk_lwip_timeout_first(void); /* stack_runtime.cpp */
#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif

/* Strong host model: a packet is accepted only by the netif it arrived on. */
#define LWIP_HOOK_IP4_INPUT(pbuf, input_netif) ztsdk_lwip_ip4_input_filter((pbuf), (input_netif))
#define LWIP_HOOK_IP6_INPUT(pbuf, input_netif) ztsdk_lwip_ip6_input_filter((pbuf), (input_netif))
/* Routing by source address and by the networks' prefix lengths and
 * managed routes (lwIP alone assumes /64 for IPv6 and one gateway). */
#define LWIP_HOOK_IP4_ROUTE_SRC(src, dest) ztsdk_lwip_ip4_route((src), (dest))
#define LWIP_HOOK_ETHARP_GET_GW(netif, dest) ztsdk_lwip_ip4_gateway((netif), (dest))
#define LWIP_HOOK_IP6_ROUTE(src, dest) ztsdk_lwip_ip6_route((src), (dest))
#define LWIP_HOOK_ND6_GET_GW(netif, dest) ztsdk_lwip_ip6_next_hop((netif), (dest))
/* A timeout added by a thread other than lwIP's own became the earliest
 * (scripts/lwip-patches, timeouts.c): lwIP's thread is woken to count its
 * sleep again. */
#define ZTSDK_HOOK_SYS_TIMEOUT_FIRST() ztsdk_lwip_timeout_first()
/* RFC 6528 initial sequence numbers (lwIP's own are predictable). */
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) \
  ztsdk_lwip_tcp_isn((local_ip), (local_port), (remote_ip), (remote_port))

/* The Internet checksum 8 bytes at a time (internet_checksum.cpp); lwIP's
 * own adds 2 bytes at a time and cost a tenth of the TCP data path. */
#define LWIP_CHKSUM ztsdk_lwip_chksum

/* One semaphore per application thread for blocking socket calls. */
#define LWIP_NETCONN_THREAD_SEM_GET() ztsdk_lwip_thread_sem()
#define LWIP_NETCONN_THREAD_SEM_ALLOC() ((void)ztsdk_lwip_thread_sem())
#define LWIP_NETCONN_THREAD_SEM_FREE() ((void)0)

/* ---- Core-lock checks (Debian's Unix port provides these) ----------------- */

#ifdef __cplusplus
extern "C" {
#endif
void sys_check_core_locking(void);
void sys_mark_tcpip_thread(void);
void sys_lock_tcpip_core(void);
void sys_unlock_tcpip_core(void);
#ifdef __cplusplus
}
#endif
#define LWIP_ASSERT_CORE_LOCKED() sys_check_core_locking()
#define LWIP_MARK_TCPIP_THREAD() sys_mark_tcpip_thread()
#define LOCK_TCPIP_CORE() sys_lock_tcpip_core()
#define UNLOCK_TCPIP_CORE() sys_unlock_tcpip_core()

#endif /* ZTSDK_LWIPOPTS_H */
