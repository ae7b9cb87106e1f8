/*
 * The simulated crossing of TCP bytes in translate mode: the kernel moves them over
 * loopback at once, so reprise keeps, per direction of a connection, what is still
 * crossing the simulated route and what has arrived, and lets readers take only that.
 */
#include <simgrid/actor.h>
#include <stdlib.h>

#include "emulate/translate.h"
#include "util/util.h"

/*
 * One direction of a TCP connection between two hosts, named by its kernel endpoints.
 * Bytes written are queued; the queue leaves as a batch, one SimGrid transfer carried by
 * an actor of its own, so batches cross the route side by side as a TCP window's
 * segments do; they arrive in the order written and are readable until a reader takes them.
 */
struct flow {
	struct flow *next;
	uint32_t src_ip, dst_ip;
	uint16_t src_port, dst_port;
	sg_host_t src, dst;
	uint64_t queued;         /* written, not yet in a batch */
	uint64_t crossing;       /* in batches not yet arrived */
	uint64_t readable;       /* arrived in simulated time, not yet read */
	int fin_queued;          /* the writer shut down or closed: its FIN goes with the next batch */
	int fins_crossing;       /* batches carrying a FIN, not yet arrived */
	int batch_forming;       /* a batch's actor is started and has not taken the queue yet */
	int carriers;            /* batch actors running */
	uint64_t batches_sent, batches_arrived;
	int linked;              /* in the list (a new connection on the same ports unlinks the old one's) */
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

/* Frees a flow nobody needs: nothing in flight or unread, or an old connection's once idle. */
void flow_settle(struct flow *f)
{
	if (f->carriers)
		return;
	if (f->linked && (f->queued || f->crossing || f->readable || f->fin_queued || f->fins_crossing))
		return;
	if (f->linked)
		flow_unlink(f);
	free(f);
}

static struct flow *flow_find(uint32_t src_ip, uint16_t src_port, uint32_t dst_ip, uint16_t dst_port)
{
	for (struct flow *f = flows; f; f = f->next)
		if (f->src_ip == src_ip && f->src_port == src_port && f->dst_ip == dst_ip && f->dst_port == dst_port)
			return f;
	return NULL;
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
			    .src = src, .dst = dst, .linked = 1 };
	flows = f;
	return f;
}

static void carrier_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct flow *f = sg_actor_self_get_data();
	uint64_t bytes = f->queued, turn = f->batches_sent++;
	int fin = f->fin_queued;
	f->queued = 0;
	f->fin_queued = 0;
	f->batch_forming = 0;
	f->crossing += bytes;
	f->fins_crossing += fin;
	sg_host_sendto(f->src, f->dst, (double)bytes);
	while (f->batches_arrived != turn)
		emu_wait(-1);
	f->batches_arrived++;
	f->crossing -= bytes;
	f->fins_crossing -= fin;
	f->readable += bytes;
	f->carriers--;
	/* Settled first: the notice lets a reader run, which may settle the flow and free it. */
	flow_settle(f);
	emu_notify();
}

/* The queue (bytes, a FIN) leaves as one batch when the actor started for it first runs. */
static void batch_start(struct flow *f)
{
	if (f->batch_forming)
		return;
	f->batch_forming = 1;
	f->carriers++;
	/* Not a daemon: it always ends, and SimGrid 3.32 crashes killing a daemon that never ran. */
	sg_actor_t a = sg_actor_init("carrier", f->src);
	sg_actor_set_data(a, f);
	sg_actor_start(a, carrier_main, 0, NULL);
}

void flow_charge(struct flow *f, uint64_t bytes)
{
	f->queued += bytes;
	batch_start(f);
}

/* The FIN leaves with the bytes queued, or alone, arriving after every batch before it. */
void flow_fin(struct flow *f)
{
	f->fin_queued = 1;
	batch_start(f);
}

int fin_in_flight(const struct flow *f)
{
	return f && (f->fin_queued || f->fins_crossing);
}

static uint64_t flow_ahead(const struct flow *f)
{
	return f ? f->queued + f->crossing : 0;
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
		free(f);
	}
}
