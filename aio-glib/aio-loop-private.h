/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "aio-handle.h"
#include "aio-list-private.h"
#include "aio-loop.h"
#include "aio-thread-private.h"

G_BEGIN_DECLS

/* What a kind of queued work does, as GSourceFuncs is for sources: one
 * static const table per kind, so an item of the ready ring stays two
 * words (the table and the data) and knows how to let go of its data.
 *
 * @run runs the work and releases what @data holds.  @drop releases it
 * without running, for work that will never run: a loop whose main
 * context is destroyed with work still queued drops it, as asyncio's
 * loop.close() drops its ready queue.  @drop is NULL only for work whose
 * data holds nothing.
 */
typedef struct
{
  void (*run)  (gpointer data);
  void (*drop) (gpointer data);   /* (nullable) */
} AioReadyOps;

/* An entry of a loop's ready ring: something to run on its next turn. */
typedef struct
{
  const AioReadyOps *ops;
  gpointer           data;
} AioReadyItem;

typedef struct _AioFdWatch AioFdWatch;
typedef struct _AioLoopSource AioLoopSource;
typedef struct _AioSignalWatch AioSignalWatch;

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
  AioList        tasks;          /* of AioTask, newest first, each (owned) */
  guint          n_tasks;
  guint64        task_counter;

  /* Signal handlers, one per signal, a list.  Owner thread only. */
  AioSignalWatch *signal_watches;   /* (owned) (nullable) */

  gint64         dispatch_start;     /* monotonic µs at which the current dispatch began */
  guint          check_interval;     /* items run between two reads of the clock */
  guint          handoffs;           /* tasks the running item switched to directly */
  guint64        handoffs_total;     /* all of them, for tests */
  gint64         dispatch_deadline;  /* monotonic µs at which a dispatch should yield */

  /* Debug mode (aio-loop-debug.c).  A whole word, not a bit beside the
   * flags below, so setting it never clobbers them. */
  gboolean       debug;              /* see aio_loop_set_debug() */
  gint64         slow_callback_us;   /* a ready item running longer is reported */
  AioTask       *debug_task;         /* (owned) (nullable) the task the item stepped */
  gpointer       debug_body;         /* its body function, which a finished task forgets */
  GSource       *sigusr1_source;     /* (owned) (nullable) under AIO_DEBUG=sigusr1 */

  guint          dispatching : 1;
  guint          running : 1;    /* inside run_until_complete() */
  guint          stopping : 1;   /* leave the dispatch loop after this item */
  guint          budget_spent : 1; /* an item used up the dispatch budget */
};

/* Debug mode, aio-loop-debug.c.  TRUE once any loop has been in debug
 * mode: a task step reads this hot global before its loop's flag. */
extern gboolean _aio_loop_debug_used G_GNUC_INTERNAL;
/* aio_loop_print_tasks(), for the SIGUSR1 dump: the call graphs belong to
 * the structured layer, above this one, which sets it when loaded. */
typedef gboolean (*AioLoopPrintTasksFunc) (AioLoop       *loop,
                                           GOutputStream *stream,
                                           GError       **error);
extern AioLoopPrintTasksFunc _aio_loop_debug_print_tasks G_GNUC_INTERNAL;
void _aio_loop_debug_init     (AioLoop            *loop) G_GNUC_INTERNAL;
/* Drops what debug mode holds, when the loop's context goes away. */
void _aio_loop_debug_finalize (AioLoop            *loop) G_GNUC_INTERNAL;
/* Names @task and its @body in a report if the item running it is slow. */
void _aio_loop_debug_note_step (AioLoop            *loop,
                                AioTask            *task,
                                gpointer            body) G_GNUC_INTERNAL;
/* A function's name through dladdr(), or its address and module. */
char *_aio_debug_describe_function (gpointer function) G_GNUC_INTERNAL;
/* Debug mode's report of a loop-bound call, named @what, made where it
 * must not be: from another thread, or while another loop dispatches.
 * The call still fails as it always does; returns FALSE for use in the
 * condition that detected it.
 */
gboolean _aio_loop_debug_wrong_thread (AioLoop    *loop,
                                       const char *what) G_GNUC_INTERNAL;
/* Runs @item, reporting it if it held the loop too long. */
void _aio_loop_run_item_timed (AioLoop            *loop,
                               const AioReadyItem *item) G_GNUC_INTERNAL;

static inline gboolean
_aio_loop_is_owner (AioLoop *loop)
{
  return g_atomic_pointer_get (&loop->owner) == _aio_thread_id ();
}

void _aio_loop_ring_grow (AioLoop *loop) G_GNUC_INTERNAL;

/* Appends to the ready ring.  Owner thread only. */
static inline void
_aio_loop_push_ready (AioLoop           *loop,
                      const AioReadyOps *ops,
                      gpointer           data)
{
  guint slot;

  if (G_UNLIKELY (loop->ring_count > loop->ring_mask))
    _aio_loop_ring_grow (loop);
  slot = (loop->ring_head + loop->ring_count) & loop->ring_mask;
  loop->ring[slot].ops = ops;
  loop->ring[slot].data = data;
  loop->ring_count++;
}

/* Takes the oldest item off the ready ring, which must not be empty.
 * Owner thread only.
 */
static inline AioReadyItem
_aio_loop_pop_ready (AioLoop *loop)
{
  AioReadyItem item = loop->ring[loop->ring_head];

  loop->ring_head = (loop->ring_head + 1) & loop->ring_mask;
  loop->ring_count--;
  return item;
}

/* Runs @ops->run (@data) on @loop's thread: appended to the ready ring
 * when called there, handed over through the thread-safe queue otherwise.
 */
void      _aio_loop_post           (AioLoop           *loop,
                                    const AioReadyOps *ops,
                                    gpointer           data) G_GNUC_INTERNAL;
void      _aio_loop_post_threadsafe (AioLoop          *loop,
                                    const AioReadyOps *ops,
                                    gpointer           data) G_GNUC_INTERNAL;

/* Releases what a queued item holds without running it. */
static inline void
_aio_ready_item_drop (const AioReadyItem *item)
{
  if (item->ops->drop != NULL)
    item->ops->drop (item->data);
}

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

/* Called from the loop's poll with the epoll events of an edge watch; it
 * must only record them and wake what waits (complete futures), not run
 * user code.
 */
typedef void (*AioFdEdgeFunc) (gpointer data,
                               guint32  events);
gboolean  _aio_loop_watch_edges    (AioLoop       *loop,
                                    int            fd,
                                    AioFdEdgeFunc  func,
                                    gpointer       data,
                                    GError       **error) G_GNUC_INTERNAL;
void      _aio_loop_unwatch_edges  (AioLoop       *loop,
                                    int            fd) G_GNUC_INTERNAL;
/* Edge watches start with reading only; writing is added while needed. */
void      _aio_loop_watch_edges_out (AioLoop      *loop,
                                     int           fd,
                                     gboolean      want) G_GNUC_INTERNAL;
void      _aio_loop_cancel_watch   (AioLoop      *loop,
                                    AioHandle    *handle) G_GNUC_INTERNAL;

/* Signal handlers.  _aio_loop_add_signal_handle() is
 * aio_loop_add_signal_handler() returning the handle now watching @signum
 * (unowned), so aio_run() can later take its own handler away only if it
 * was not replaced.
 */
AioHandle *_aio_loop_add_signal_handle    (AioLoop       *loop,
                                           int            signum,
                                           AioCallback    callback,
                                           gpointer       user_data,
                                           GDestroyNotify destroy,
                                           GError       **error) G_GNUC_INTERNAL;
gboolean  _aio_loop_remove_signal_handle  (AioLoop       *loop,
                                           int            signum,
                                           AioHandle     *handle) G_GNUC_INTERNAL;
void      _aio_loop_signals_finalize      (AioLoop       *loop) G_GNUC_INTERNAL;

/* Task registry. */
void      _aio_loop_register_task  (AioLoop      *loop,
                                    AioTask      *task) G_GNUC_INTERNAL;
void      _aio_loop_unregister_task (AioLoop     *loop,
                                    AioTask      *task) G_GNUC_INTERNAL;

G_END_DECLS
