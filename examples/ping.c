/*
 * ping: joins a network and pings an address on it with ICMP (IPv4) or
 * ICMPv6 echo requests through ztsdk's stack (zts_ping is a ztsdk
 * extension). Every ztsdk node answers pings.
 *
 *   ping STORAGE NETWORK_ID PEER_IP [COUNT]
 */
#include <stdio.h>
#include <stdlib.h>

#include "ZeroTierSockets.h"

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s STORAGE NETWORK_ID PEER_IP [COUNT]\n", argv[0]);
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  uint64_t net_id = strtoull(argv[2], NULL, 16);
  const char* peer = argv[3];
  int count = argc > 4 ? atoi(argv[4]) : 3;
  int family = zts_util_get_ip_family(peer);
  if (family < 0) {
    fprintf(stderr, "not an IP address: %s\n", peer);
    return 2;
  }

  zts_init_from_storage(argv[1]);
  if (zts_node_start() != ZTS_ERR_OK || zts_net_join(net_id) != ZTS_ERR_OK ||
      zts_net_wait_ready(net_id, family, 60000) != ZTS_ERR_OK) {
    fprintf(stderr, "the node did not get onto the network (is it authorized?)\n");
    return 1;
  }
  int replies = 0;
  for (int i = 0; i < count; ++i) {
    int rtt_us = zts_ping(peer, 2000);
    if (rtt_us >= 0)
      printf("reply from %s: time=%.3f ms\n", peer, rtt_us / 1000.0), ++replies;
    else if (rtt_us == ZTS_ERR_NO_RESULT)
      printf("no reply from %s within 2 s\n", peer);
    else
      printf("cannot ping %s (error %d, zts_errno %d)\n", peer, rtt_us, zts_errno);
  }
  printf("%d of %d pings answered\n", replies, count);
  zts_node_stop();
  zts_node_free();
  return replies > 0 ? 0 : 1;
}
