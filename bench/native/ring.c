/*
 * Split-ring throughput, native baseline for `npm run bench` (issue 7).
 *
 * One shared allocation laid out as the virtio 1.x split virtqueue (descriptor table, available ring, used ring),
 * a driver thread (Linux's side: add one-descriptor buffers, kick when needed, reclaim used ones) and a device
 * thread (QEMU's side: pop, return, interrupt when needed), both busy polling. With EVENT_IDX the two sides publish
 * used_event / avail_event and decide with vring_need_event; without it they look at the NO_NOTIFY /
 * NO_INTERRUPT flags. A "kick" or an "interrupt" here is only counted: the point is the ring traffic and the
 * barriers, which are placed where the spec needs them (C11 atomics):
 *   - publishing avail.idx / used.idx: release store (the entries written before it are visible first);
 *   - reading avail.idx / used.idx: acquire load (the entries are read after it);
 *   - before deciding to notify (reading avail_event / used_event / the flags): a full fence, as Linux's
 *     virtio_mb() in virtqueue_kick_prepare and QEMU's smp_mb() in virtio_should_notify.
 *
 * Usage: ring QUEUE_SIZE EVENT_IDX(0|1) DURATION_MS  -> one JSON line on stdout.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define VRING_DESC_F_WRITE 2
#define VRING_USED_F_NO_NOTIFY 1
#define VRING_AVAIL_F_NO_INTERRUPT 1

struct vring_desc {
  uint64_t addr;
  uint32_t len;
  uint16_t flags;
  uint16_t next;
};

/* The index, flags and event words are the ones the other side polls: atomics of the same size and place. */
typedef _Atomic uint16_t a16;
_Static_assert(sizeof(a16) == 2 && _Alignof(a16) == 2, "atomic u16 must keep the ring layout");

struct vring_used_elem {
  uint32_t id;
  uint32_t len;
};

struct ring {
  unsigned num;
  struct vring_desc *desc;
  a16 *avail_flags, *avail_idx, *used_event; /* used_event sits after avail.ring[num] */
  uint16_t *avail_ring;
  a16 *used_flags, *used_idx, *avail_event; /* avail_event sits after used.ring[num] */
  struct vring_used_elem *used_ring;
};

/*
 * The legacy layout, as the engine's benchmark uses it: desc 16*num at 0, avail (6+2*num) right after it, used
 * (6+8*num) on the next 4 KiB boundary, so the driver's and the device's hot words are on different cache lines.
 */
static void *ring_layout(struct ring *r, unsigned num) {
  size_t desc_sz = 16u * num, avail_sz = 6u + 2u * num, used_off = (desc_sz + avail_sz + 4095u) & ~(size_t)4095u;
  size_t total = used_off + 6u + 8u * num;
  void *mem = NULL;
  if (posix_memalign(&mem, 4096, total) != 0) return NULL;
  memset(mem, 0, total);
  uint8_t *base = mem;
  r->num = num;
  r->desc = (struct vring_desc *)base;
  uint8_t *avail = base + desc_sz;
  r->avail_flags = (a16 *)avail;
  r->avail_idx = (a16 *)(avail + 2);
  r->avail_ring = (uint16_t *)(avail + 4);
  r->used_event = (a16 *)(avail + 4 + 2u * num);
  uint8_t *used = base + used_off;
  r->used_flags = (a16 *)used;
  r->used_idx = (a16 *)(used + 2);
  r->used_ring = (struct vring_used_elem *)(used + 4);
  r->avail_event = (a16 *)(used + 4 + 8u * num);
  return mem;
}

/* The spec's test: notify when new_idx has moved past event_idx since old. */
static inline int vring_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old) {
  return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old);
}

static struct ring R;
static int event_idx;
static atomic_int stop;
/* Written by one thread each, read by main: relaxed stores of a local count cost a plain move. */
static _Atomic uint64_t completed, kicks, interrupts;

/* The driver: Linux's vring_virtqueue state, kept private to this thread. */
static void *driver(void *arg) {
  (void)arg;
  const unsigned num = R.num;
  uint16_t free_head = 0, num_free = (uint16_t)num, avail_idx_shadow = 0, num_added = 0, last_used_idx = 0;
  uint64_t done = 0, kicked = 0;
  /* One 4 KiB device-readable buffer per slot: the address is only carried, never dereferenced. */
  const uint64_t buffers = 1u << 20;
  for (unsigned i = 0; i < num; i++) R.desc[i].next = (uint16_t)(i + 1);
  while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
    /* Fill the ring with virtqueue_add_split(), then one virtqueue_kick_prepare() for the batch. */
    if (num_free > 0) {
      while (num_free > 0) {
        uint16_t head = free_head;
        struct vring_desc *d = &R.desc[head];
        free_head = d->next;
        num_free--;
        d->addr = buffers + 4096u * head;
        d->len = 4096;
        d->flags = 0;
        R.avail_ring[avail_idx_shadow & (num - 1)] = head;
        avail_idx_shadow++;
        num_added++;
        /* virtio_wmb(): descriptor and ring entry before the index. */
        atomic_store_explicit(R.avail_idx, avail_idx_shadow, memory_order_release);
      }
      /* virtio_mb() between publishing avail.idx and reading the device's suppression word. */
      atomic_thread_fence(memory_order_seq_cst);
      uint16_t old = (uint16_t)(avail_idx_shadow - num_added);
      num_added = 0;
      int kick = event_idx ? vring_need_event(atomic_load_explicit(R.avail_event, memory_order_relaxed),
                                              avail_idx_shadow, old)
                           : !(atomic_load_explicit(R.used_flags, memory_order_relaxed) & VRING_USED_F_NO_NOTIFY);
      if (kick) kicked++;
    }
    /* virtqueue_get_buf_ctx_split() until more_used_split() says the used ring is empty. */
    while (atomic_load_explicit(R.used_idx, memory_order_acquire) != last_used_idx) { /* virtio_rmb() */
      uint32_t id = R.used_ring[last_used_idx & (num - 1)].id;
      if (id >= num) {
        fprintf(stderr, "id %u out of range\n", id);
        exit(3);
      }
      /* detach_buf_split(): back on the free list. */
      R.desc[id].next = free_head;
      free_head = (uint16_t)id;
      num_free++;
      last_used_idx++;
      done++;
      /* Callbacks are on: used_event = last_used_idx, then virtio_mb() (virtio_store_mb). Linux writes it with or
       * without EVENT_IDX; a device without it ignores the word. */
      atomic_store_explicit(R.used_event, last_used_idx, memory_order_relaxed);
      atomic_thread_fence(memory_order_seq_cst);
    }
    atomic_store_explicit(&completed, done, memory_order_relaxed);
  }
  atomic_store_explicit(&completed, done, memory_order_relaxed);
  atomic_store_explicit(&kicks, kicked, memory_order_relaxed);
  return NULL;
}

/* The device: QEMU's VirtQueue state (last_avail_idx, shadow_avail_idx, used_idx, signalled_used). */
static void *device(void *arg) {
  (void)arg;
  const unsigned num = R.num;
  uint16_t last_avail_idx = 0, shadow_avail_idx = 0, used_idx = 0, signalled_used = 0;
  int signalled_used_valid = 0;
  uint64_t irqs = 0;
  while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
    /* QEMU: virtio_queue_empty_rcu(): look at avail.idx only when the shadow says empty; smp_rmb() after. */
    if (shadow_avail_idx == last_avail_idx) {
      shadow_avail_idx = atomic_load_explicit(R.avail_idx, memory_order_acquire);
      if (shadow_avail_idx == last_avail_idx) continue;
    }
    /* virtqueue_split_pop(): the head from the ring, then its descriptor. */
    uint16_t head = R.avail_ring[last_avail_idx & (num - 1)];
    last_avail_idx++;
    if (event_idx) atomic_store_explicit(R.avail_event, last_avail_idx, memory_order_relaxed); /* vring_set_avail_event */
    if (head >= num) {
      fprintf(stderr, "Guest says index %u is available\n", head);
      exit(3);
    }
    struct vring_desc d = R.desc[head];
    if (d.len != 4096 || (d.flags & VRING_DESC_F_WRITE)) {
      fprintf(stderr, "descriptor %u is not a 4 KiB device-readable buffer\n", head);
      exit(3);
    }
    /* virtqueue_fill() + virtqueue_flush(): the element (nothing written: len 0), smp_wmb(), then used.idx. */
    R.used_ring[used_idx & (num - 1)] = (struct vring_used_elem){.id = head, .len = 0};
    uint16_t old = used_idx++;
    atomic_store_explicit(R.used_idx, used_idx, memory_order_release);
    if ((int16_t)(used_idx - signalled_used) < (uint16_t)(used_idx - old)) signalled_used_valid = 0;
    /* virtio_should_notify(): smp_mb() before reading the driver's suppression word. */
    atomic_thread_fence(memory_order_seq_cst);
    int notify;
    if (event_idx) {
      uint16_t v = signalled_used_valid;
      uint16_t was = signalled_used;
      signalled_used_valid = 1;
      signalled_used = used_idx;
      notify = !v || vring_need_event(atomic_load_explicit(R.used_event, memory_order_relaxed), used_idx, was);
    } else {
      notify = !(atomic_load_explicit(R.avail_flags, memory_order_relaxed) & VRING_AVAIL_F_NO_INTERRUPT);
    }
    if (notify) irqs++;
  }
  atomic_store_explicit(&interrupts, irqs, memory_order_relaxed);
  return NULL;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s QUEUE_SIZE EVENT_IDX(0|1) DURATION_MS\n", argv[0]);
    return 2;
  }
  unsigned num = (unsigned)strtoul(argv[1], NULL, 10);
  event_idx = atoi(argv[2]) != 0;
  long ms = strtol(argv[3], NULL, 10);
  if (num < 2 || num > 32768 || (num & (num - 1)) != 0 || ms <= 0) {
    fprintf(stderr, "queue size must be a power of 2 in [2, 32768] and the duration positive\n");
    return 2;
  }
  void *mem = ring_layout(&R, num);
  if (!mem) return 1;
  pthread_t td, tv;
  pthread_create(&tv, NULL, device, NULL);
  pthread_create(&td, NULL, driver, NULL);
  /* A short warm-up, then count what completes within the window. */
  struct timespec warm = {0, 100 * 1000 * 1000};
  nanosleep(&warm, NULL);
  double t0 = now_s();
  uint64_t c0 = atomic_load_explicit(&completed, memory_order_relaxed);
  struct timespec d = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&d, NULL);
  uint64_t c1 = atomic_load_explicit(&completed, memory_order_relaxed);
  double t1 = now_s();
  atomic_store(&stop, 1);
  pthread_join(td, NULL);
  pthread_join(tv, NULL);
  uint64_t requests = c1 - c0;
  double seconds = t1 - t0;
  printf("{\"requests\":%llu,\"seconds\":%.6f,\"opsPerSec\":%.1f,\"queueSize\":%u,\"eventIdx\":%s,\"kicks\":%llu,"
         "\"interrupts\":%llu}\n",
         (unsigned long long)requests, seconds, (double)requests / seconds, num, event_idx ? "true" : "false",
         (unsigned long long)atomic_load(&kicks), (unsigned long long)atomic_load(&interrupts));
  free(mem);
  return 0;
}
