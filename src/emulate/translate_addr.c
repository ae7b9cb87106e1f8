/*
 * Translate mode's address map: which loopback address stands for which simulated host,
 * how programs named the addresses their sockets are bound to, and the two forms an
 * address takes (sockaddr_in, or IPv4-mapped sockaddr_in6 on an IPv6 socket). The one
 * place that knows the 127.R.H.H scheme, so that the calls only ask for a host's address
 * or the host behind an address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emulate/net.h"
#include "emulate/sockargs.h"
#include "emulate/translate.h"
#include "util/util.h"

/* 127.R.0.0/16 holds the run's host addresses; the last one is the broadcast address. */
#define LOOPBACK_HOSTS_MAX 65534u

static uint32_t run_prefix;

/* Whether a socket of this machine, in any state (TIME_WAIT included), has a local address in prefix/16. */
static int prefix_in_use(uint32_t prefix)
{
	static const char *const tables[] = { "/proc/net/tcp", "/proc/net/udp" };
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		FILE *f = fopen(tables[t], "r");
		if (!f)
			continue;
		char line[512];
		unsigned raw;
		int used = 0;
		while (!used && fgets(line, sizeof(line), f))
			used = sscanf(line, " %*u: %x:", &raw) == 1 && (ntohl(raw) & 0xffff0000u) == prefix;
		fclose(f);
		if (used)
			return 1;
	}
	return 0;
}

/*
 * 127.R.0.0 in host order, R from 1 to 254: the first from one the pid gives that no
 * socket uses, so that runs side by side, and the TIME_WAIT sockets of runs just ended,
 * keep out of each other's ports.
 */
static uint32_t loopback_prefix(void)
{
	if (run_prefix)
		return run_prefix;
	unsigned first = (unsigned)getpid() % 254;
	for (unsigned i = 0; i < 254 && !run_prefix; i++) {
		uint32_t prefix = (127u << 24) | ((1 + (first + i) % 254) << 16);
		if (!prefix_in_use(prefix))
			run_prefix = prefix;
	}
	if (!run_prefix)
		run_prefix = (127u << 24) | ((1 + first) << 16);
	return run_prefix;
}

uint32_t host_loopback(sg_host_t host)
{
	sg_host_t *hosts = sg_host_list();
	size_t n = sg_host_count(), rank = 0;
	while (rank < n && hosts[rank] != host)
		rank++;
	free(hosts);
	return rank < n && rank < LOOPBACK_HOSTS_MAX ? loopback_prefix() | (uint32_t)(rank + 1) : 0;
}

sg_host_t loopback_host(uint32_t ip)
{
	if ((ip & 0xffff0000u) != loopback_prefix())
		return NULL;
	size_t rank = ip & 0xffffu;
	sg_host_t *hosts = sg_host_list();
	sg_host_t found = rank >= 1 && rank <= sg_host_count() ? hosts[rank - 1] : NULL;
	free(hosts);
	return found;
}

uint32_t kernel_address(sg_host_t self, uint32_t ip)
{
	if (ip == INADDR_ANY || (ip >> 24) == 127)
		return host_loopback(self);
	sg_host_t h = net_host_by_ip(ip);
	return h ? host_loopback(h) : 0;
}

uint32_t virtual_address(uint32_t ip)
{
	sg_host_t h = loopback_host(ip);
	return h ? net_host_ip(h) : ip;
}

int read_program_address(struct emu_thread *th, int family, int ipv4_too, uint64_t addr, uint64_t len, uint32_t *ip,
			 uint16_t *port)
{
	struct in6_addr a;
	int rc = addr ? read_sockaddr(th, family, ipv4_too, addr, len, &a, port) : -EINVAL;
	if (rc < 0)
		return rc;
	*ip = net_addr_is_v4(&a) ? net_addr_v4(&a) : INADDR_ANY;
	if (IN6_IS_ADDR_UNSPECIFIED(&a))
		return ADDRESS_IPV6_ANY;
	return net_addr_is_v4(&a) ? ADDRESS_IPV4 : ADDRESS_IPV6;
}

socklen_t make_sockaddr(int family, uint32_t ip, uint16_t port, struct sockaddr_storage *ss)
{
	/* The IPv4 wildcard an IPv6 socket shows is the IPv6 one. */
	struct in6_addr a = family == AF_INET6 && ip == INADDR_ANY ? in6addr_any : net_addr_from_v4(ip);
	return fill_sockaddr(ss, family, &a, port);
}

int parse_sockaddr(const void *sa, socklen_t len, uint32_t *ip, uint16_t *port)
{
	sa_family_t family;
	if (len < sizeof(family))
		return -1;
	memcpy(&family, sa, sizeof(family));
	if (family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in sin;
		memcpy(&sin, sa, sizeof(sin));
		*ip = ntohl(sin.sin_addr.s_addr);
		*port = ntohs(sin.sin_port);
		return 0;
	}
	struct sockaddr_in6 sin6;
	if (family != AF_INET6 || len < offsetof(struct sockaddr_in6, sin6_scope_id))
		return -1;
	memcpy(&sin6, sa, offsetof(struct sockaddr_in6, sin6_scope_id));
	if (!net_addr_is_v4(&sin6.sin6_addr) && !IN6_IS_ADDR_UNSPECIFIED(&sin6.sin6_addr))
		return -1;
	*ip = net_addr_v4(&sin6.sin6_addr);
	*port = ntohs(sin6.sin6_port);
	return 0;
}

/*
 * How programs named the addresses their sockets are bound to, by kernel address, port
 * and protocol: the wildcard or a 127/8 address, which getsockname gives back (the
 * wildcard only until the socket is connected, as in Linux). Every bind updates it.
 */
struct naming {
	uint32_t kernel_ip, named_ip;
	uint16_t port;
	int stream;
};

static struct naming *namings;
static size_t nnamings, namings_cap;

static struct naming *naming_find(uint32_t kernel_ip, uint16_t port, int stream)
{
	for (size_t i = 0; i < nnamings; i++)
		if (namings[i].kernel_ip == kernel_ip && namings[i].port == port && namings[i].stream == stream)
			return &namings[i];
	return NULL;
}

/* The socket now bound to kernel_ip:port was named named_ip by its program (kernel_ip: by its virtual address). */
void naming_set(uint32_t kernel_ip, uint16_t port, int stream, uint32_t named_ip)
{
	struct naming *n = naming_find(kernel_ip, port, stream);
	if (named_ip == kernel_ip) {
		if (n)
			*n = namings[--nnamings];
		return;
	}
	if (!n) {
		if (nnamings == namings_cap) {
			namings_cap = namings_cap ? namings_cap * 2 : 16;
			namings = rp_realloc(namings, namings_cap * sizeof(*namings));
		}
		n = &namings[nnamings++];
	}
	*n = (struct naming){ .kernel_ip = kernel_ip, .named_ip = named_ip, .port = port, .stream = stream };
}


int naming_lookup(uint32_t kernel_ip, uint16_t port, int stream, uint32_t *named_ip)
{
	const struct naming *n = naming_find(kernel_ip, port, stream);
	if (n)
		*named_ip = n->named_ip;
	return n != NULL;
}

void namings_free(void)
{
	free(namings);
	namings = NULL;
	nnamings = namings_cap = 0;
}
