# lwIP for the user-space TCP/IP stack, and the stack glue (src/stack).
#
# Default: lwIP 2.1.3 from Debian's `lwip` source package, fetched into the
# build tree at configure time by scripts/fetch_lwip.sh (never committed),
# with patches of ours (scripts/lwip-patches, each headed by what it does
# and why: mailbox size, IPv6 neighbour solicitation for 6PLANE, TCP loss
# recovery and timers), compiled with our lwipopts.h. Result: ZTSDK_STACK_OBJECTS, objects to put
# into libztsdk, and ZTSDK_STACK_LIBS, libraries its users must link.
#
# Keeping lwIP's symbols away from applications: lwIP is compiled with
# hidden visibility, then lwIP and the glue are linked into one relocatable
# object (ld -r) in which lwIP's global names are made local (objcopy
# --localize-symbols, scripts/merge_stack_objects.sh). In both libztsdk.a
# and libztsdk.so, lwIP's names
# (tcp_connect, mem_malloc, sys_now, ...) are therefore invisible: an
# application may define its own without a clash, in a static link too,
# which hidden visibility alone would not give. libztsdk.so additionally
# exports only zts_* (src/ztsdk.map).
#
# -DZTSDK_SYSTEM_LWIP=ON uses Debian's prebuilt liblwip-dev instead, for
# trials only. TCP/UDP over IPv4 and IPv6 between two stacks work, but
# (stack-notes.md and our tests): TCP_MSS 1460 and a 64 KiB window cap a
# stream at ~160 MB/s; IPv4 and IPv6 forwarding are compiled in and none of
# our hooks exist, so a process on two networks may route between them and
# accepts packets for one network's address on another (weak host), IPv6
# assumes /64 prefixes (6PLANE peers unreachable, RFC4193 networks of one
# controller confused), managed routes are ignored; no loopback interface
# (127.0.0.1); no statistics; sockets live in a list walked under a global
# lock; lwIP's symbols are exported by liblwip.so.

option(ZTSDK_SYSTEM_LWIP "Use Debian's prebuilt liblwip-dev (limited: see src/stack/lwip.cmake)"
  OFF)

file(GLOB ZTSDK_STACK_GLUE_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/stack/*.cpp)
add_library(ztsdk_stack_glue OBJECT ${ZTSDK_STACK_GLUE_SOURCES})
set_target_properties(ztsdk_stack_glue PROPERTIES POSITION_INDEPENDENT_CODE ON)
target_link_libraries(ztsdk_stack_glue PUBLIC ztsdk_usage)

if(ZTSDK_SYSTEM_LWIP)
  find_path(ZTSDK_SYSTEM_LWIP_INCLUDE lwip/opt.h PATH_SUFFIXES lwip REQUIRED)
  find_library(ZTSDK_SYSTEM_LWIP_LIBRARY lwip REQUIRED)
  target_include_directories(ztsdk_stack_glue PRIVATE ${ZTSDK_SYSTEM_LWIP_INCLUDE})
  target_compile_definitions(ztsdk_stack_glue PRIVATE ZTSDK_SYSTEM_LWIP=1)
  set(ZTSDK_STACK_OBJECTS $<TARGET_OBJECTS:ztsdk_stack_glue>)
  set(ZTSDK_STACK_LIBS ${ZTSDK_SYSTEM_LWIP_LIBRARY})
  return()
endif()

# Fetch Debian's lwIP source once; later runs only check the cached tree
# (milliseconds), and unpack it again when our patches change.
file(GLOB ZTSDK_LWIP_PATCHES ${CMAKE_SOURCE_DIR}/scripts/lwip-patches/*.patch)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${ZTSDK_LWIP_PATCHES} ${CMAKE_SOURCE_DIR}/scripts/fetch_lwip.sh)
execute_process(
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/fetch_lwip.sh ${CMAKE_BINARY_DIR}/_deps/lwip
  OUTPUT_VARIABLE ZTSDK_LWIP_DIR OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE lwip_result)
if(NOT lwip_result EQUAL 0)
  message(FATAL_ERROR "Fetching lwIP's source failed (see above). Run scripts/deps.sh, "
                      "or configure with -DZTSDK_SYSTEM_LWIP=ON to use Debian's liblwip-dev.")
endif()

set(lwip ${ZTSDK_LWIP_DIR})
set(ZTSDK_LWIP_SOURCES
  ${lwip}/src/core/init.c ${lwip}/src/core/def.c ${lwip}/src/core/inet_chksum.c
  ${lwip}/src/core/ip.c ${lwip}/src/core/mem.c ${lwip}/src/core/memp.c
  ${lwip}/src/core/netif.c ${lwip}/src/core/pbuf.c ${lwip}/src/core/raw.c
  ${lwip}/src/core/stats.c ${lwip}/src/core/sys.c ${lwip}/src/core/tcp.c
  ${lwip}/src/core/tcp_in.c ${lwip}/src/core/tcp_out.c ${lwip}/src/core/tcp_rate.c ${lwip}/src/core/tcp_recovery.c
  ${lwip}/src/core/timeouts.c
  ${lwip}/src/core/udp.c
  ${lwip}/src/core/ipv4/etharp.c ${lwip}/src/core/ipv4/icmp.c ${lwip}/src/core/ipv4/ip4.c
  ${lwip}/src/core/ipv4/ip4_addr.c ${lwip}/src/core/ipv4/ip4_frag.c
  ${lwip}/src/core/ipv6/ethip6.c ${lwip}/src/core/ipv6/icmp6.c ${lwip}/src/core/ipv6/inet6.c
  ${lwip}/src/core/ipv6/ip6.c ${lwip}/src/core/ipv6/ip6_addr.c ${lwip}/src/core/ipv6/ip6_frag.c
  ${lwip}/src/core/ipv6/nd6.c
  ${lwip}/src/api/api_lib.c ${lwip}/src/api/api_msg.c ${lwip}/src/api/err.c
  ${lwip}/src/api/netbuf.c ${lwip}/src/api/sockets.c ${lwip}/src/api/tcpip.c
  ${lwip}/src/netif/ethernet.c
  ${lwip}/port/sys_arch.c)
# Our lwipopts.h and arch/cc.h come first; arch/sys_arch.h from the port.
set(ZTSDK_LWIP_INCLUDES ${CMAKE_CURRENT_SOURCE_DIR}/stack ${lwip}/src/include ${lwip}/port/include)

add_library(ztsdk_lwip OBJECT ${ZTSDK_LWIP_SOURCES})
set_target_properties(ztsdk_lwip PROPERTIES POSITION_INDEPENDENT_CODE ON
  C_VISIBILITY_PRESET hidden C_STANDARD 99 C_EXTENSIONS ON)
target_include_directories(ztsdk_lwip PRIVATE ${ZTSDK_LWIP_INCLUDES})
# lwIP compiles warning-free with -Wall -Wextra under these options bar
# two harmless kinds from disabled features; keep it that way (a warning
# here found an s8_t table index overflowing). A missing declaration is an
# error: Debian's patches rely on macros from headers we do not use.
target_compile_options(ztsdk_lwip PRIVATE -Wno-unused-parameter -Wno-unused-variable
  -Werror=implicit-function-declaration)
if(CMAKE_C_COMPILER_ID STREQUAL "Clang")  # two more harmless kinds (fuzz builds)
  target_compile_options(ztsdk_lwip PRIVATE -Wno-parentheses-equality
    -Wno-tautological-constant-out-of-range-compare)
endif()
target_include_directories(ztsdk_stack_glue PRIVATE ${ZTSDK_LWIP_INCLUDES})

# One relocatable object with lwIP's symbols made local.
set(ZTSDK_STACK_MERGED ${CMAKE_CURRENT_BINARY_DIR}/ztsdk_stack.o)
add_custom_command(
  OUTPUT ${ZTSDK_STACK_MERGED}
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/merge_stack_objects.sh ${ZTSDK_STACK_MERGED}
          ${CMAKE_LINKER} ${CMAKE_OBJCOPY} ${CMAKE_NM}
          $<TARGET_OBJECTS:ztsdk_lwip> -- $<TARGET_OBJECTS:ztsdk_stack_glue>
  DEPENDS ztsdk_lwip ztsdk_stack_glue
          $<TARGET_OBJECTS:ztsdk_lwip> $<TARGET_OBJECTS:ztsdk_stack_glue>
          ${CMAKE_SOURCE_DIR}/scripts/merge_stack_objects.sh
  COMMAND_EXPAND_LISTS
  COMMENT "Merging lwIP and the stack glue into ztsdk_stack.o (lwIP symbols local)")
set_source_files_properties(${ZTSDK_STACK_MERGED} PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
set(ZTSDK_STACK_OBJECTS ${ZTSDK_STACK_MERGED})
set(ZTSDK_STACK_LIBS "")
