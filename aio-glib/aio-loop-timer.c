/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-handle-private.h"
#include "aio-heap-private.h"
#include "aio-loop-private.h"

/* The timers of a loop: a binary min-heap on (when, seq), where each handle
 * knows its index so a cancelled timer leaves at once, in O(log n).
 */

static gboolean
timer_before (gconstpointer a,
              gconstpointer b,
              gpointer      data)
{
  const AioHandle *x = *(AioHandle * const *) a;
  const AioHandle *y = *(AioHandle * const *) b;

  return x->when < y->when || (x->when == y->when && x->seq < y->seq);
}

static void
timer_placed (gpointer element,
              guint    index)
{
  (*(AioHandle **) element)->heap_index = (gint) index;
}

static const AioHeapOps timer_heap_ops = {
  sizeof (AioHandle *), timer_before, timer_placed,
};

static void
heap_insert (AioLoop   *loop,
             AioHandle *handle)
{
  if (loop->n_timers == loop->timers_alloc)
    {
      loop->timers_alloc = MAX (16, loop->timers_alloc * 2);
      loop->timers = g_renew (AioHandle *, loop->timers, loop->timers_alloc);
    }
  handle->seq = loop->timer_seq++;
  loop->timers[loop->n_timers++] = handle;
  _aio_heap_push (&timer_heap_ops, loop->timers, loop->n_timers, NULL);
}

/* Takes the handle out of the heap; returns the heap's reference. */
static AioHandle *
heap_remove_at (AioLoop *loop,
                guint    index)
{
  AioHandle *handle;

  _aio_heap_remove_at (&timer_heap_ops, loop->timers, &loop->n_timers, index,
                       &handle, NULL);
  handle->heap_index = -1;
  return handle;
}

static void
insert_on_loop (gpointer data)
{
  AioHandle *handle = data;

  if (g_atomic_int_get (&handle->cancelled))
    {
      _aio_handle_release_data (handle);
      aio_handle_unref (handle);
      return;
    }
  heap_insert (handle->loop, handle);   /* the heap takes this reference */
}

static const AioReadyOps insert_on_loop_ops = {
  insert_on_loop, _aio_handle_release_ref,
};

AioHandle *
_aio_loop_add_timer (AioLoop        *loop,
                     gint64          when_us,
                     AioCallback     callback,
                     gpointer        user_data,
                     GDestroyNotify  destroy)
{
  AioHandle *handle = _aio_handle_new (loop, AIO_HANDLE_TIMER, callback, user_data, destroy);

  handle->when = when_us;
  if (_aio_loop_is_owner (loop))
    heap_insert (loop, aio_handle_ref (handle));
  else
    _aio_loop_post_threadsafe (loop, &insert_on_loop_ops, aio_handle_ref (handle));
  return handle;
}

void
_aio_loop_remove_timer (AioLoop   *loop,
                        AioHandle *handle)
{
  if (handle->heap_index < 0)
    return;
  heap_remove_at (loop, (guint) handle->heap_index);
  _aio_handle_release_data (handle);
  aio_handle_unref (handle);
}

gint64
_aio_loop_next_deadline (AioLoop *loop)
{
  return loop->n_timers > 0 ? loop->timers[0]->when : -1;
}


void
_aio_loop_run_timers (AioLoop *loop,
                      gint64   now)
{
  while (loop->n_timers > 0 && loop->timers[0]->when <= now)
    {
      AioHandle *handle = heap_remove_at (loop, 0);

      _aio_loop_push_ready (loop, &_aio_handle_run_once_ops, handle);
    }
}
