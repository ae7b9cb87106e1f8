/* Encoding and decoding of event and blob records (docs/FORMAT.md, "Records"). */
#include "trace/record.h"

#include <string.h>

#include "trace/format.h"

static size_t region_inline_bytes(const struct rpr_region *r, uint64_t blob_id)
{
	return blob_id ? 0 : (size_t)r->stored;
}

size_t record_event_size(const struct rpr_event *ev, const uint64_t *blob_ids)
{
	size_t size = RPR_RECORD_HEADER_SIZE + RPR_EVENT_COMMON_SIZE + (size_t)event_fixed_size(ev->kind);
	for (uint32_t i = 0; i < ev->nregions; i++)
		size += RPR_REGION_HEADER_SIZE + region_inline_bytes(&ev->regions[i], blob_ids[i]);
	return size;
}

static uint8_t *encode_fixed(uint8_t *p, const struct rpr_event *ev)
{
	switch (ev->kind) {
	case RPR_EV_SYSCALL_ENTER:
		put_u32(p, ev->u.enter.nr);
		for (int i = 0; i < 6; i++)
			put_u64(p + 4 + 8 * i, ev->u.enter.args[i]);
		break;
	case RPR_EV_SYSCALL_EXIT:
		put_u32(p, ev->u.exit.nr);
		put_u32(p + 4, ev->u.exit.flags);
		put_u64(p + 8, (uint64_t)ev->u.exit.ret);
		put_u64(p + 16, ev->u.exit.enter_seq);
		break;
	case RPR_EV_TASK_NEW:
		put_u32(p, ev->u.task_new.how);
		put_u32(p + 4, (uint32_t)ev->u.task_new.parent_tid);
		put_u64(p + 8, ev->u.task_new.clone_flags);
		break;
	case RPR_EV_EXEC:
		put_u32(p, (uint32_t)ev->u.exec.former_tid);
		break;
	case RPR_EV_SIGNAL:
		put_u32(p, (uint32_t)ev->u.signal.signo);
		memcpy(p + 4, ev->u.signal.siginfo, sizeof(ev->u.signal.siginfo));
		break;
	case RPR_EV_TASK_EXIT:
		put_u32(p, (uint32_t)ev->u.task_exit.status);
		break;
	case RPR_EV_GROUP_STOP:
		put_u32(p, (uint32_t)ev->u.group_stop.signo);
		break;
	default:
		break;
	}
	return p + event_fixed_size(ev->kind);
}

void record_event_encode(uint8_t *out, const struct rpr_event *ev, const uint64_t *blob_ids)
{
	size_t total = record_event_size(ev, blob_ids);
	int fixed = event_fixed_size(ev->kind);
	put_u16(out, ev->kind);
	put_u32(out + 2, (uint32_t)(total - RPR_RECORD_HEADER_SIZE));
	uint8_t *p = out + RPR_RECORD_HEADER_SIZE;
	put_u64(p, ev->seq);
	put_u64(p + 8, ev->ts_ns);
	put_u32(p + 16, (uint32_t)ev->pid);
	put_u32(p + 20, (uint32_t)ev->tid);
	put_u32(p + 24, ev->nregions);
	put_u16(p + 28, (uint16_t)fixed);
	p = encode_fixed(p + RPR_EVENT_COMMON_SIZE, ev);
	for (uint32_t i = 0; i < ev->nregions; i++) {
		const struct rpr_region *r = &ev->regions[i];
		p[0] = r->phase;
		p[1] = r->arg;
		put_u16(p + 2, r->flags);
		put_u64(p + 4, r->addr);
		put_u64(p + 12, r->size);
		put_u64(p + 20, r->stored);
		put_u64(p + 28, blob_ids[i]);
		p += RPR_REGION_HEADER_SIZE;
		size_t n = region_inline_bytes(r, blob_ids[i]);
		if (n)
			memcpy(p, r->data, n);
		p += n;
	}
}

size_t record_blob_size(size_t len)
{
	return RPR_RECORD_HEADER_SIZE + RPR_BLOB_ID_SIZE + len;
}

void record_blob_encode(uint8_t *out, uint64_t id, const void *data, size_t len)
{
	put_u16(out, RPR_RECORD_BLOB);
	put_u32(out + 2, (uint32_t)(RPR_BLOB_ID_SIZE + len));
	put_u64(out + RPR_RECORD_HEADER_SIZE, id);
	memcpy(out + RPR_RECORD_HEADER_SIZE + RPR_BLOB_ID_SIZE, data, len);
}

int record_next(const uint8_t *payload, size_t len, size_t *pos, struct record *rec)
{
	if (*pos >= len)
		return 0;
	if (len - *pos < RPR_RECORD_HEADER_SIZE)
		return -1;
	const uint8_t *p = payload + *pos;
	rec->kind = get_u16(p);
	rec->len = get_u32(p + 2);
	if (len - *pos - RPR_RECORD_HEADER_SIZE < rec->len)
		return -1;
	rec->body = p + RPR_RECORD_HEADER_SIZE;
	*pos += RPR_RECORD_HEADER_SIZE + (size_t)rec->len;
	return 1;
}

long record_event_region_count(const struct record *rec)
{
	if (rec->len < RPR_EVENT_COMMON_SIZE)
		return -1;
	uint32_t n = get_u32(rec->body + 24);
	if (n > RPR_MAX_REGIONS || (uint64_t)n * RPR_REGION_HEADER_SIZE > rec->len - RPR_EVENT_COMMON_SIZE)
		return -1;
	return n;
}

static void decode_fixed(const uint8_t *p, struct rpr_event *ev)
{
	switch (ev->kind) {
	case RPR_EV_SYSCALL_ENTER:
		ev->u.enter.nr = get_u32(p);
		for (int i = 0; i < 6; i++)
			ev->u.enter.args[i] = get_u64(p + 4 + 8 * i);
		break;
	case RPR_EV_SYSCALL_EXIT:
		ev->u.exit.nr = get_u32(p);
		ev->u.exit.flags = get_u32(p + 4);
		ev->u.exit.ret = (int64_t)get_u64(p + 8);
		ev->u.exit.enter_seq = get_u64(p + 16);
		break;
	case RPR_EV_TASK_NEW:
		ev->u.task_new.how = get_u32(p);
		ev->u.task_new.parent_tid = (int32_t)get_u32(p + 4);
		ev->u.task_new.clone_flags = get_u64(p + 8);
		break;
	case RPR_EV_EXEC:
		ev->u.exec.former_tid = (int32_t)get_u32(p);
		break;
	case RPR_EV_SIGNAL:
		ev->u.signal.signo = (int32_t)get_u32(p);
		memcpy(ev->u.signal.siginfo, p + 4, sizeof(ev->u.signal.siginfo));
		break;
	case RPR_EV_TASK_EXIT:
		ev->u.task_exit.status = (int32_t)get_u32(p);
		break;
	case RPR_EV_GROUP_STOP:
		ev->u.group_stop.signo = (int32_t)get_u32(p);
		break;
	default:
		break;
	}
}

int record_event_decode(const struct record *rec, struct rpr_event *ev, struct rpr_region *regions)
{
	long nregions = record_event_region_count(rec);
	int known_fixed = event_fixed_size(rec->kind);
	if (nregions < 0 || known_fixed < 0)
		return -1;
	const uint8_t *p = rec->body, *end = rec->body + rec->len;
	memset(ev, 0, sizeof(*ev));
	ev->kind = rec->kind;
	ev->seq = get_u64(p);
	ev->ts_ns = get_u64(p + 8);
	ev->pid = (int32_t)get_u32(p + 16);
	ev->tid = (int32_t)get_u32(p + 20);
	uint16_t fixed = get_u16(p + 28);
	p += RPR_EVENT_COMMON_SIZE;
	/* newer minor versions may append fields; older writers never write fewer */
	if (fixed < known_fixed || (size_t)(end - p) < fixed)
		return -1;
	decode_fixed(p, ev);
	p += fixed;
	for (long i = 0; i < nregions; i++) {
		struct rpr_region *r = &regions[i];
		if ((size_t)(end - p) < RPR_REGION_HEADER_SIZE)
			return -1;
		r->phase = p[0];
		r->arg = p[1];
		r->flags = get_u16(p + 2);
		r->addr = get_u64(p + 4);
		r->size = get_u64(p + 12);
		r->stored = get_u64(p + 20);
		r->blob = get_u64(p + 28);
		r->data = NULL;
		p += RPR_REGION_HEADER_SIZE;
		if (r->stored > r->size || r->stored > RPR_MAX_EVENT_DATA)
			return -1;
		if (!r->blob) {
			if ((uint64_t)(end - p) < r->stored)
				return -1;
			if (r->stored)
				r->data = p;
			p += r->stored;
		}
	}
	ev->nregions = (uint32_t)nregions;
	ev->regions = regions;
	return 0;
}

int record_blob_decode(const struct record *rec, uint64_t *id, const uint8_t **data, size_t *len)
{
	if (rec->len <= RPR_BLOB_ID_SIZE)
		return -1;
	*id = get_u64(rec->body);
	*data = rec->body + RPR_BLOB_ID_SIZE;
	*len = rec->len - RPR_BLOB_ID_SIZE;
	return 0;
}
