/* lwIP's compiler/platform header for ztsdk (Linux, glibc, gcc or clang).
 * Replaces the port's own cc.h so that lwIP's randomness and assertions go
 * through our functions (declared in lwipopts.h). */
#ifndef ZTSDK_LWIP_ARCH_CC_H
#define ZTSDK_LWIP_ARCH_CC_H

#include <sys/time.h>  /* struct timeval for SO_RCVTIMEO/SO_SNDTIMEO */
#include <sys/types.h> /* BYTE_ORDER */

#define LWIP_TIMEVAL_PRIVATE 0
/* <sys/time.h> also brings glibc's 1024-bit fd_set, which lwIP's sockets.h
 * checks against its socket count for lwip_select. This build has no
 * lwip_select (zts_bsd_select works over lwip_poll), so the check is moot;
 * FD_SETSIZE is only a user-level macro, the fd_set type keeps its size. */
#if !LWIP_SOCKET_SELECT
#undef FD_SETSIZE
#define FD_SETSIZE MEMP_NUM_NETCONN
#endif
/* errno values are the C library's (they equal the ZTS_E* values). */
#define LWIP_ERRNO_STDINCLUDE 1
#define LWIP_ERRNO_INCLUDE <errno.h>
/* lwIP uses its lwip_htons() etc. internally; leave htons() to the libc. */
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS

/* Pointers are 8 bytes, larger than the fragment header lwIP would overlay. */
#if defined __LP64__
#define IPV6_FRAG_COPYHEADER 1
#endif

typedef unsigned int sys_prot_t;

/* Random local ports and protocol jitter: from the OS, not rand(). */
#define LWIP_RAND() ((u32_t)ztsdk_lwip_rand())

/* An lwIP assertion means its state is corrupt: report it on stderr and
 * abort rather than run on. */
#define LWIP_PLATFORM_ASSERT(message) ztsdk_lwip_assert_failed((message), __LINE__, __FILE__)

#endif /* ZTSDK_LWIP_ARCH_CC_H */
