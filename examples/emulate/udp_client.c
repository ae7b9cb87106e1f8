/*
 * Sends argv[3] datagrams of argv[4] bytes to argv[1]:argv[2], each in two parts with
 * sendmsg, waiting for the server's one-byte answer to each, and prints the time that took
 * by the clock it sees.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: udp_client ADDRESS PORT COUNT BYTES\n");
		return 2;
	}
	long count = strtol(argv[3], NULL, 10), size = strtol(argv[4], NULL, 10);
	if (size < 2 || size > 65507) {
		fprintf(stderr, "udp_client: a datagram holds 2 to 65507 bytes\n");
		return 2;
	}
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1) {
		fprintf(stderr, "udp_client: bad address %s\n", argv[1]);
		return 2;
	}
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("udp_client: connect");
		return 1;
	}
	static char data[65507];
	double start = now();
	for (long i = 0; i < count; i++) {
		for (long j = 0; j < size; j++)
			data[j] = (char)('a' + (i + j) % 26);
		struct iovec parts[2] = { { data, (size_t)size / 2 }, { data + size / 2, (size_t)(size - size / 2) } };
		struct msghdr mh = { .msg_iov = parts, .msg_iovlen = 2 };
		char answer;
		if (sendmsg(s, &mh, 0) != size || recv(s, &answer, 1, 0) != 1) {
			perror("udp_client: datagram");
			return 1;
		}
	}
	printf("client: %ld datagrams of %ld bytes sent and answered in %.9f s\n", count, size, now() - start);
	close(s);
	return 0;
}
