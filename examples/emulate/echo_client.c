/*
 * Connects to argv[1]:argv[2], finds with select that nothing comes unasked within a
 * second, then sends argv[3] bytes and reads them back, and prints the times by its clock.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/select.h>
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
		fprintf(stderr, "usage: echo_client ADDRESS PORT BYTES\n");
		return 2;
	}
	long size = strtol(argv[3], NULL, 10);
	if (size < 1 || size > (1L << 30)) {
		fprintf(stderr, "echo_client: BYTES must be 1 to 2^30\n");
		return 2;
	}
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1) {
		fprintf(stderr, "echo_client: bad address %s\n", argv[1]);
		return 2;
	}
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("echo_client: connect");
		return 1;
	}
	fd_set readable;
	FD_ZERO(&readable);
	FD_SET(s, &readable);
	struct timeval tv = { .tv_sec = 1 };
	double start = now();
	int ready = select(s + 1, &readable, NULL, NULL, &tv);
	printf("client: select gave %d after %.6f s\n", ready, now() - start);
	char *data = malloc((size_t)size), *back = malloc((size_t)size);
	if (!data || !back)
		return 1;
	for (long i = 0; i < size; i++)
		data[i] = (char)('a' + i % 26);
	start = now();
	if (write(s, data, (size_t)size) != size) {
		perror("echo_client: write");
		return 1;
	}
	for (long got = 0; got < size;) {
		ssize_t n = read(s, back + got, (size_t)(size - got));
		if (n <= 0) {
			perror("echo_client: read");
			return 1;
		}
		got += n;
	}
	for (long i = 0; i < size; i++)
		if (back[i] != data[i]) {
			fprintf(stderr, "echo_client: byte %ld differs\n", i);
			return 1;
		}
	printf("client: %ld bytes echoed in %.6f s\n", size, now() - start);
	free(data);
	free(back);
	close(s);
	return 0;
}
