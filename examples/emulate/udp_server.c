/*
 * Receives argv[2] datagrams of argv[3] bytes on UDP port argv[1], answering each with one
 * byte sent back to where it came from.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: udp_server PORT COUNT BYTES\n");
		return 2;
	}
	long count = strtol(argv[2], NULL, 10), size = strtol(argv[3], NULL, 10);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])) };
	if (s < 0 || bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("udp_server: bind");
		return 1;
	}
	static char buf[65536];
	struct sockaddr_in peer;
	for (long i = 0; i < count; i++) {
		socklen_t len = sizeof(peer);
		ssize_t n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &len);
		if (n != size) {
			fprintf(stderr, "udp_server: datagram %ld has %zd bytes, not %ld\n", i, n, size);
			return 1;
		}
		for (long j = 0; j < n; j++)
			if (buf[j] != (char)('a' + (i + j) % 26)) {
				fprintf(stderr, "udp_server: datagram %ld differs at byte %ld\n", i, j);
				return 1;
			}
		if (sendto(s, "k", 1, 0, (struct sockaddr *)&peer, len) != 1) {
			perror("udp_server: sendto");
			return 1;
		}
	}
	char from[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &peer.sin_addr, from, sizeof(from));
	printf("server: %ld datagrams of %ld bytes from %s:%d\n", count, size, from, ntohs(peer.sin_port));
	close(s);
	return 0;
}
