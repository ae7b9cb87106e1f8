/*
 * The simulated crossing of TCP bytes in translate mode: the kernel moves them over
 * loopback at once, so reprise keeps, per direction of a connection, what is still
 * crossing the simulated route and what has arrived, and lets readers take only that.
 */
#include <simgrid/actor.h>
#include <stdlib.h>
#include <string.h>

#include "emulate/net.h"
#include "emulate/translate.h"
#include "util/util.h"

/*
 * One direction of a TCP connection between two hosts, named by its kernel endpoints.
 * Bytes written are queued; the flow's sender, an actor running while the queue holds
 * something, hands it to the network in batches of at most a segment, each one SimGrid
 * transfer carried by an actor of its own, so batches cross the route side by side as a
 * TCP window's segments do; they arrive in the order written and are readable until a
 * reader takes them. As in mediate mode, at most half the window may be crossing the
 * route's latency at once: a long stream pays the latency once rather than once per
 * batch, and the batches under way (a window's worth at most, the writers' bound) stay
 * few however the writer splits its bytes.
 */
#define FLOW_SEGMENT (64u << 10)

/* A batch that left recently: it may still be crossing the route's latency. */
struct departure {
	double at;
	uint64_t len;
};

struct flow {
	struct flow *next;
	uint32_t src_ip, dst_ip;
	uint16_t src_port, dst_port;
	sg_host_t src, dst;
	double latency;          /* an empty message's crossing, < 0 until measured */
	uint64_t queued;         /* written, not yet in a batch */
	uint64_t crossing;       /* in batches not yet arrived */
	uint64_t readable;       /* arrived in simulated time, not yet read */
	int fin_queued;          /* the writer shut down or closed: its FIN goes with the last batch */
	int fins_crossing;       /* batches carrying a FIN, not yet arrived */
	int sending;             /* the sender is running */
	int actors;              /* the sender, the latency's probe and the batches, running */
	uint64_t batches_sent, batches_arrived;
	struct departure *recent; /* batches that left less than a latency ago, oldest first */
	size_t nrecent, recent_cap;
	int linked;              /* in the list (a new connection on the same ports unlinks the old one's) */
};

/* One batch: its bytes, and the FIN with them, crossing the route. */
struct batch {
	struct flow *f;
	uint64_t bytes, turn;
	int fin;
};

static struct flow *flows;

static void flow_unlink(struct flow *f)
{
	for (struct flow **p = &flows; *p; p = &(*p)->next)
		if (*p == f) {
			*p = f->next;
			break;
		}
	f->linked = 0;
}

static void flow_free(struct flow *f)
{
	free(f->recent);
	free(f);
}

/* Frees a flow nobody needs: nothing in flight or unread, or an old connection's once idle. */
void flow_settle(struct flow *f)
{
	if (f->actors)
		return;
	if (f->linked && (f->queued || f->crossing || f->readable || f->fin_queued || f->fins_crossing))
		return;
	if (f->linked)
		flow_unlink(f);
	flow_free(f);
}

static struct flow *flow_find(uint32_t src_ip, uint16_t src_port, uint32_t dst_ip, uint16_t dst_port)
{
	for (struct flow *f = flows; f; f = f->next)
		if (f->src_ip == src_ip && f->src_port == src_port && f->dst_ip == dst_ip && f->dst_port == dst_port)
			return f;
	return NULL;
}

static void actor_done(struct flow *f)
{
	f->actors--;
	/* Settled first: the notice lets a reader run, which may settle the flow and free it. */
	flow_settle(f);
	emu_notify();
}

static void start_actor(struct flow *f, const char *name, void (*code)(int, char **), void *data)
{
	f->actors++;
	/* Not a daemon: it always ends, and SimGrid 3.32 crashes killing a daemon that never ran. */
	sg_actor_t a = sg_actor_init(name, f->src);
	sg_actor_set_data(a, data);
	sg_actor_start(a, code, 0, NULL);
}

/* Measures the latency as mediate mode's handshake does: an empty message crossing the route. */
static void probe_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct flow *f = sg_actor_self_get_data();
	double start = emu_clock();
	sg_host_sendto(f->src, f->dst, 0);
	f->latency = emu_clock() - start;
	actor_done(f);
}

/* The flow from src to dst, made if need be; NULL within one host, where bytes take no time. */
struct flow *flow_get(uint32_t src_ip, uint16_t src_port, uint32_t dst_ip, uint16_t dst_port)
{
	struct flow *f = flow_find(src_ip, src_port, dst_ip, dst_port);
	if (f)
		return f;
	sg_host_t src = loopback_host(src_ip), dst = loopback_host(dst_ip);
	if (!src || !dst || src == dst)
		return NULL;
	f = rp_calloc(1, sizeof(*f));
	*f = (struct flow){ .next = flows, .src_ip = src_ip, .dst_ip = dst_ip, .src_port = src_port, .dst_port = dst_port,
			    .src = src, .dst = dst, .latency = -1, .linked = 1 };
	flows = f;
	start_actor(f, "latency probe", probe_main, f);
	return f;
}

static void carrier_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct batch *b = sg_actor_self_get_data();
	struct flow *f = b->f;
	sg_host_sendto(f->src, f->dst, (double)b->bytes);
	while (f->batches_arrived != b->turn)
		emu_wait(-1);
	f->batches_arrived++;
	f->crossing -= b->bytes;
	f->fins_crossing -= b->fin;
	f->readable += b->bytes;
	free(b);
	actor_done(f);
}

static void launch(struct flow *f, uint64_t bytes, int fin)
{
	struct batch *b = rp_malloc(sizeof(*b));
	*b = (struct batch){ .f = f, .bytes = bytes, .turn = f->batches_sent++, .fin = fin };
	f->queued -= bytes;
	f->fin_queued -= fin;
	f->crossing += bytes;
	f->fins_crossing += fin;
	if (f->nrecent == f->recent_cap) {
		f->recent_cap = f->recent_cap ? 2 * f->recent_cap : 8;
		f->recent = rp_realloc(f->recent, f->recent_cap * sizeof(*f->recent));
	}
	f->recent[f->nrecent++] = (struct departure){ emu_clock(), bytes };
	start_actor(f, "carrier", carrier_main, b);
}

/* The bytes of batches still crossing the route's latency (all, until it is measured); forgets the others. */
static uint64_t crossing_latency(struct flow *f)
{
	double now = emu_clock();
	size_t gone = 0;
	uint64_t bytes = 0;
	while (f->latency >= 0 && gone < f->nrecent && f->recent[gone].at + f->latency <= now)
		gone++;
	if (gone) {
		memmove(f->recent, f->recent + gone, (f->nrecent - gone) * sizeof(*f->recent));
		f->nrecent -= gone;
	}
	for (size_t i = 0; i < f->nrecent; i++)
		bytes += f->recent[i].len;
	return bytes;
}

/*
 * The bytes the next batch may carry now (0: wait), and in *wait how long at most before
 * asking again (< 0: until a change, the latency's measure among them).
 */
static uint64_t next_batch(struct flow *f, double *wait)
{
	uint64_t crossing = crossing_latency(f);
	uint64_t pace = crossing < NET_WINDOW / 2 ? NET_WINDOW / 2 - crossing : 0;
	uint64_t n = f->queued < pace ? f->queued : pace;
	*wait = n == 0 && f->queued && f->latency >= 0 ? f->recent[0].at + f->latency - emu_clock() : -1;
	return n < FLOW_SEGMENT ? n : FLOW_SEGMENT;
}

static void sender_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct flow *f = sg_actor_self_get_data();
	while (f->queued || f->fin_queued) {
		double wait;
		uint64_t n = next_batch(f, &wait);
		if (n || !f->queued)
			launch(f, n, f->fin_queued && n == f->queued);
		else
			emu_wait(wait);
	}
	f->sending = 0;
	actor_done(f);
}

/* Starts the flow's sender if none is running. */
static void sender_kick(struct flow *f)
{
	if (f->sending)
		return;
	f->sending = 1;
	start_actor(f, "sender", sender_main, f);
}

void flow_charge(struct flow *f, uint64_t bytes)
{
	f->queued += bytes;
	sender_kick(f);
}

/* The FIN leaves with the last bytes queued, or alone, arriving after every batch before it. */
void flow_fin(struct flow *f)
{
	f->fin_queued = 1;
	sender_kick(f);
}

int fin_in_flight(const struct flow *f)
{
	return f && (f->fin_queued || f->fins_crossing);
}

static uint64_t flow_ahead(const struct flow *f)
{
	return f ? f->queued + f->crossing : 0;
}

/*
 * The bytes a writer may still hand the kernel: a window less what has not arrived, as
 * mediate mode allows. The kernel alone would take as much as its buffers hold, or, for a
 * reader outside translation, all it is given in no simulated time at all.
 */
uint64_t flow_room(const struct flow *f)
{
	uint64_t ahead = flow_ahead(f);
	return ahead < NET_WINDOW ? NET_WINDOW - ahead : 0;
}

/* Of inq bytes the kernel holds for a reader, those it may take: all of them once nothing is in flight. */
uint64_t arrived_part(const struct flow *f, uint64_t inq)
{
	if (!flow_ahead(f))
		return inq;
	return inq < f->readable ? inq : f->readable;
}

/* Whether a TCP socket is connected (or was, and shut down); if so, the flow it reads from (peer to self), or NULL. */
int incoming_flow(const struct ksock *ks, struct flow **f)
{
	uint32_t lip, pip;
	uint16_t lport, pport;
	*f = NULL;
	if (connection_endpoints(ks, &lip, &lport, &pip, &pport) < 0)
		return 0;
	*f = flow_find(pip, pport, lip, lport);
	return 1;
}
static void flow_retire(struct flow *f)
{
	if (f) {
		flow_unlink(f);
		flow_settle(f);
	}
}

/* The flow a connected TCP socket writes to (self to peer), or NULL (not connected, or within one host). */
struct flow *outgoing_flow(const struct ksock *ks)
{
	uint32_t lip, pip;
	uint16_t lport, pport;
	if (connection_endpoints(ks, &lip, &lport, &pip, &pport) < 0)
		return NULL;
	return flow_get(lip, lport, pip, pport);
}

/* A reader took bytes that had arrived. */
void flow_consume(struct flow *f, uint64_t bytes)
{
	f->readable -= bytes < f->readable ? bytes : f->readable;
	flow_settle(f);
}

/* A new connection on ports an old one used starts with no bytes in flight. */
void forget_flows(uint32_t a_ip, uint16_t a_port, uint32_t b_ip, uint16_t b_port)
{
	flow_retire(flow_find(a_ip, a_port, b_ip, b_port));
	flow_retire(flow_find(b_ip, b_port, a_ip, a_port));
}

void flows_free(void)
{
	while (flows) {
		struct flow *f = flows;
		flows = f->next;
		flow_free(f);
	}
}
