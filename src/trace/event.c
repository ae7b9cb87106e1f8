/* Event helpers that work on decoded events: deep copies and finding captured memory. */
#include <stdlib.h>
#include <string.h>

#include "reprise/trace.h"

size_t rpr_event_copy_size(const struct rpr_event *ev)
{
	size_t size = sizeof(*ev) + (size_t)ev->nregions * sizeof(struct rpr_region);
	for (uint32_t i = 0; i < ev->nregions; i++) {
		if (!ev->regions[i].data)
			continue;
		if (ev->regions[i].stored > SIZE_MAX - 1 - size)
			return SIZE_MAX;
		size += (size_t)ev->regions[i].stored;
	}
	return size;
}

/* One contiguous block, so freeing the copy is a single free and it is self-contained. */
struct rpr_event *rpr_event_copy(const struct rpr_event *ev, void *buf)
{
	struct rpr_event *copy = buf;
	*copy = *ev;
	struct rpr_region *regions = (struct rpr_region *)(copy + 1);
	uint8_t *data = (uint8_t *)(regions + ev->nregions);
	for (uint32_t i = 0; i < ev->nregions; i++) {
		regions[i] = ev->regions[i];
		if (!ev->regions[i].data)
			continue;
		memcpy(data, ev->regions[i].data, (size_t)ev->regions[i].stored);
		regions[i].data = data;
		data += ev->regions[i].stored;
	}
	copy->regions = ev->nregions ? regions : NULL;
	return copy;
}

struct rpr_event *rpr_event_dup(const struct rpr_event *ev)
{
	size_t size = rpr_event_copy_size(ev);
	void *buf = size == SIZE_MAX ? NULL : malloc(size);
	return buf ? rpr_event_copy(ev, buf) : NULL;
}

void rpr_event_free(struct rpr_event *ev)
{
	free(ev);
}

const uint8_t *rpr_event_mem(const struct rpr_event *ev, unsigned phase, uint64_t addr, uint64_t len, uint64_t *avail)
{
	const uint8_t *best = NULL;
	uint64_t best_avail = 0;
	/* regions may overlap (a struct and a buffer inside it); the one holding the most bytes wins */
	for (uint32_t i = 0; i < ev->nregions; i++) {
		const struct rpr_region *r = &ev->regions[i];
		if (r->phase != phase || !r->data || addr < r->addr || addr - r->addr >= r->stored)
			continue;
		uint64_t off = addr - r->addr, here = r->stored - off;
		if (here > len)
			here = len;
		if (!best || here > best_avail) {
			best = r->data + off;
			best_avail = here;
		}
	}
	if (avail)
		*avail = best_avail;
	return best;
}
