/*
 * Connects to argv[1]:argv[2], sends argv[3] bytes, waits for the server's one-byte answer,
 * and prints the time that took by the clock it sees.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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
	if (argc != 4) {
		fprintf(stderr, "usage: tcp_client ADDRESS PORT BYTES\n");
		return 2;
	}
	long size = strtol(argv[3], NULL, 10);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1) {
		fprintf(stderr, "tcp_client: bad address %s\n", argv[1]);
		return 2;
	}
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("tcp_client: connect");
		return 1;
	}
	char *data = malloc((size_t)size);
	if (!data)
		return 1;
	for (long i = 0; i < size; i++)
		data[i] = (char)('a' + i % 26);
	double start = now();
	for (long sent = 0; sent < size;) {
		ssize_t n = write(s, data + sent, (size_t)(size - sent));
		if (n <= 0) {
			perror("tcp_client: write");
			return 1;
		}
		sent += n;
	}
	char answer;
	if (read(s, &answer, 1) != 1) {
		perror("tcp_client: read");
		return 1;
	}
	printf("client: %ld bytes sent and answered in %.9f s\n", size, now() - start);
	free(data);
	close(s);
	return 0;
}
