/*
 * Connects to argv[1]:argv[2] (a host name or an address), sends argv[3] bytes, waits for
 * the server's one-byte answer, and prints the time that took by the clock it sees.
 */
#include <netdb.h>
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
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *found;
	int rc = getaddrinfo(argv[1], argv[2], &hints, &found);
	if (rc != 0) {
		fprintf(stderr, "tcp_client: %s: %s\n", argv[1], gai_strerror(rc));
		return 2;
	}
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, found->ai_addr, found->ai_addrlen) < 0) {
		perror("tcp_client: connect");
		return 1;
	}
	freeaddrinfo(found);
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
