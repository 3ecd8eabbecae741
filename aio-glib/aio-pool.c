/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-error.h"
#include "aio-future-private.h"
#include "aio-task-private.h"

/* The per-thread recycling pools of futures and tasks: an object the
 * library holds the last reference to, and that nobody else has seen, is
 * reset and kept for the next aio_future_new() or task on the same thread
 * instead of going through g_object_unref() and g_object_new().
 */

AioFuture *
_aio_future_new_for_loop (AioLoop *loop)
{
  AioThreadState *ts = &_aio_ts;
  AioFuture *future;
  AioFuturePrivate *priv;

  if (G_LIKELY (ts->future_pool != NULL))
    {
      future = ts->future_pool;
      priv = _aio_future_priv (future);
      ts->future_pool = priv->pool_next;
      ts->n_future_pool--;
      ts->pools_taken++;
      priv->pool_next = NULL;
      _aio_future_set_loop (future, loop);
      return future;
    }

  return _aio_future_construct (AIO_TYPE_FUTURE, loop);
}

void
_aio_release (AioFuture *future)
{
  if (G_OBJECT_TYPE (future) == _aio_future_type)
    _aio_future_release (future);
  else if (G_OBJECT_TYPE (future) == _aio_task_type)
    _aio_task_release ((AioTask *) future);
  else
    _aio_unref_not_last (future);
}

/* Pooled futures and tasks hold a reference to their loop; without this,
 * a thread's loop and its pools would outlive the thread.
 */
static void
free_thread_pools (gpointer data)
{
  AioThreadState *ts = data;

  ts->pools_hooked = FALSE;
  while (ts->future_pool != NULL)
    {
      AioFuture *future = ts->future_pool;

      ts->future_pool = _aio_future_priv (future)->pool_next;
      ts->n_future_pool--;
      g_object_unref (future);
    }
  while (ts->task_pool != NULL)
    {
      AioTask *task = ts->task_pool;

      ts->task_pool = task->pool_next;
      ts->n_task_pool--;
      g_object_unref (task);
    }
}

static GPrivate pools_exit_hook = G_PRIVATE_INIT (free_thread_pools);

static void
shrink_pools (AioThreadState *ts,
              guint           keep)
{
  while (ts->n_future_pool > keep)
    {
      AioFuture *future = ts->future_pool;

      ts->future_pool = _aio_future_priv (future)->pool_next;
      ts->n_future_pool--;
      g_object_unref (future);
    }
  while (ts->n_task_pool > keep)
    {
      AioTask *task = ts->task_pool;

      ts->task_pool = task->pool_next;
      ts->n_task_pool--;
      g_object_unref (task);
    }
}

static void arm_pool_trim (AioLoop *loop);

static void
pool_trim_due (gpointer data)
{
  AioThreadState *ts = &_aio_ts;
  AioLoop *loop = data;

  ts->pools_trim_armed = FALSE;
  if (ts->pools_taken == 0)
    shrink_pools (ts, AIO_POOL_KEEP);
  else if (ts->n_future_pool > AIO_POOL_KEEP || ts->n_task_pool > AIO_POOL_KEEP)
    arm_pool_trim (loop);   /* still in use: look again later */
}

static void
arm_pool_trim (AioLoop *loop)
{
  AioThreadState *ts = &_aio_ts;

  ts->pools_trim_armed = TRUE;
  ts->pools_taken = 0;
  aio_handle_unref (_aio_loop_add_timer (loop, g_get_monotonic_time () + AIO_POOL_TRIM_DELAY_US,
                                         pool_trim_due, g_object_ref (loop), g_object_unref));
}

void
_aio_pools_grew (AioLoop *loop)
{
  /* The timer must fire on this thread: the pools are thread-local. */
  if (loop->source != NULL && _aio_loop_is_owner (loop))
    arm_pool_trim (loop);
}

void
_aio_thread_hook_pools (AioThreadState *ts)
{
  ts->pools_hooked = TRUE;
  g_private_set (&pools_exit_hook, ts);
}

void
_aio_future_release (AioFuture *future)
{
  GObject *object = (GObject *) future;
  AioThreadState *ts = &_aio_ts;
  AioFuturePrivate *priv;

  if (G_OBJECT_TYPE (object) != _aio_future_type ||
      !_aio_object_is_sole_reference (object) ||
      ts->n_future_pool >= AIO_POOL_MAX ||
      !_aio_recycling)
    {
      _aio_unref_not_last (object);
      return;
    }

  /* A plain future has no signals of its own and no properties, so the
   * only handler anyone could have left on it is a "notify" one that can
   * never fire; g_signal_handlers_destroy() would cost a global lock per
   * future to clear it.  Such a handler goes when the pooled instance is
   * finally freed.
   */
  priv = _aio_future_priv (future);
  _aio_future_reset (future);

  priv->pool_next = ts->future_pool;
  ts->future_pool = future;
  ts->n_future_pool++;
  if (G_UNLIKELY (!ts->pools_hooked))
    _aio_thread_hook_pools (ts);
  if (G_UNLIKELY (ts->n_future_pool > AIO_POOL_KEEP && !ts->pools_trim_armed))
    _aio_pools_grew (priv->loop);
}
