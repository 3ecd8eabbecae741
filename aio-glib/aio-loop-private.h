/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "aio-handle.h"
#include "aio-loop.h"
#include "aio-thread-private.h"

G_BEGIN_DECLS

/* An entry of a loop's ready ring: something to run on its next turn. */
typedef void (*AioReadyFunc) (gpointer data);

typedef struct
{
  AioReadyFunc func;
  gpointer     data;
} AioReadyItem;

typedef struct _AioFdWatch AioFdWatch;
typedef struct _AioLoopSource AioLoopSource;

struct _AioLoop
{
  GObject        parent_instance;

  GMainContext  *context;        /* (unowned): the context owns our source, which owns us */
  AioLoopSource *source;         /* (unowned) (nullable): NULL once the context is gone */
  gpointer       owner;          /* (atomic) thread id of the thread running the loop */

  /* Ready ring: FIFO of what runs next.  Owner thread only. */
  AioReadyItem  *ring;
  guint          ring_head;
  guint          ring_count;
  guint          ring_mask;

  /* Timer heap, ordered by (when, seq).  Owner thread only. */
  AioHandle    **timers;
  guint          n_timers;
  guint          timers_alloc;
  guint64        timer_seq;

  /* Work handed over by other threads, guarded by ts_lock. */
  GMutex         ts_lock;
  AioReadyItem  *ts_items;       /* guarded by ts_lock */
  guint          ts_len;         /* guarded by ts_lock */
  guint          ts_alloc;       /* guarded by ts_lock */
  gint           ts_pending;     /* (atomic) ts_len != 0 */

  /* File descriptor readiness through one epoll descriptor.  Owner only. */
  int            epfd;           /* -1 until the first watch */
  gpointer       epfd_tag;
  AioFdWatch    *fds;            /* indexed by fd */
  guint          n_fds;
  guint          n_watched;

  /* Pending tasks, an intrusive list.  Owner thread only. */
  AioTask       *tasks;
  guint          n_tasks;
  guint64        task_counter;

  gint64         dispatch_deadline;  /* monotonic µs at which a dispatch should yield */

  guint          dispatching : 1;
  guint          running : 1;    /* inside run_until_complete() */
  guint          stopping : 1;   /* leave the dispatch loop after this item */
  guint          budget_spent : 1; /* an item used up the dispatch budget */
};

static inline gboolean
_aio_loop_is_owner (AioLoop *loop)
{
  return g_atomic_pointer_get (&loop->owner) == _aio_thread_id ();
}

void _aio_loop_ring_grow (AioLoop *loop) G_GNUC_INTERNAL;

/* Appends to the ready ring.  Owner thread only. */
static inline void
_aio_loop_push_ready (AioLoop      *loop,
                      AioReadyFunc  func,
                      gpointer      data)
{
  guint slot;

  if (G_UNLIKELY (loop->ring_count > loop->ring_mask))
    _aio_loop_ring_grow (loop);
  slot = (loop->ring_head + loop->ring_count) & loop->ring_mask;
  loop->ring[slot].func = func;
  loop->ring[slot].data = data;
  loop->ring_count++;
}

/* How to let go of a ready item's data without running it, for a loop whose
 * main context is destroyed with work still queued.  Every module that
 * queues items holding references registers their release here, from
 * _aio_loop_register_drops(); the table is only searched on that cold path.
 */
void      _aio_loop_register_drop  (AioReadyFunc   func,
                                    GDestroyNotify drop) G_GNUC_INTERNAL;

/* Each module's registration, called once before the first loop exists. */
void      _aio_future_register_drops (void) G_GNUC_INTERNAL;
void      _aio_task_register_drops   (void) G_GNUC_INTERNAL;
void      _aio_handle_register_drops (void) G_GNUC_INTERNAL;
void      _aio_sleep_register_drops  (void) G_GNUC_INTERNAL;
void      _aio_loop_timer_register_drops (void) G_GNUC_INTERNAL;
void      _aio_loop_io_register_drops (void) G_GNUC_INTERNAL;

/* Runs @func (@data) on @loop's thread: appended to the ready ring when
 * called there, handed over through the thread-safe queue otherwise.
 */
void      _aio_loop_post           (AioLoop      *loop,
                                    AioReadyFunc  func,
                                    gpointer      data) G_GNUC_INTERNAL;
void      _aio_loop_post_threadsafe (AioLoop     *loop,
                                    AioReadyFunc  func,
                                    gpointer      data) G_GNUC_INTERNAL;

/* The running loop of this thread if any, else the loop of the
 * thread-default main context.
 */
AioLoop  *_aio_loop_get_current    (void) G_GNUC_INTERNAL;

gint64    _aio_loop_now_us         (AioLoop      *loop) G_GNUC_INTERNAL;

/* Timers, in microseconds of g_get_monotonic_time(). */
AioHandle *_aio_loop_add_timer     (AioLoop      *loop,
                                    gint64        when_us,
                                    AioCallback   callback,
                                    gpointer      user_data,
                                    GDestroyNotify destroy) G_GNUC_INTERNAL;
void      _aio_loop_remove_timer   (AioLoop      *loop,
                                    AioHandle    *handle) G_GNUC_INTERNAL;
/* Moves due timers to the ready ring. */
void      _aio_loop_run_timers     (AioLoop      *loop,
                                    gint64        now) G_GNUC_INTERNAL;
gint64    _aio_loop_next_deadline  (AioLoop      *loop) G_GNUC_INTERNAL;

/* I/O watches. */
void      _aio_loop_poll_io        (AioLoop      *loop) G_GNUC_INTERNAL;
gboolean  _aio_loop_io_ready       (AioLoop      *loop) G_GNUC_INTERNAL;
void      _aio_loop_io_finalize    (AioLoop      *loop) G_GNUC_INTERNAL;
void      _aio_loop_cancel_watch   (AioLoop      *loop,
                                    AioHandle    *handle) G_GNUC_INTERNAL;

/* Task registry. */
void      _aio_loop_register_task  (AioLoop      *loop,
                                    AioTask      *task) G_GNUC_INTERNAL;
void      _aio_loop_unregister_task (AioLoop     *loop,
                                    AioTask      *task) G_GNUC_INTERNAL;

G_END_DECLS
