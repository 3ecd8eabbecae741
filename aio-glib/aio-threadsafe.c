/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-error.h"
#include "aio-future-private.h"
#include "aio-loop-private.h"
#include "aio-structured-private.h"
#include "aio-task.h"
#include "aio-threadsafe.h"

/* Crossing between threads with coroutines: asyncio's
 * run_coroutine_threadsafe() and a blocking wait on a future, as
 * concurrent.futures.Future.result(timeout) gives.
 *
 * The task of run_coroutine_threadsafe() lives on the target loop; the
 * future handed back (the "outer" future) lives on the caller's running
 * loop, or, for a plain thread, on the target loop too, so that it
 * completes without any other loop running.  Both loops only meet through
 * their thread-safe queues.
 */

typedef struct
{
  gint            ref_count;   /* (atomic) */
  AioLoop        *target;      /* (owned) */
  AioFuture      *outer;       /* (owned) */
  AioTask        *task;        /* (owned) (nullable): target thread only */
  AioTaskFunc     func;
  gpointer        user_data;   /* (owned) by destroy until the task takes it */
  GDestroyNotify  destroy;     /* (nullable) */
} Bridge;

static Bridge *
bridge_ref (Bridge *bridge)
{
  g_atomic_int_inc (&bridge->ref_count);
  return bridge;
}

static void
bridge_unref (gpointer data)
{
  Bridge *bridge = data;

  if (!g_atomic_int_dec_and_test (&bridge->ref_count))
    return;
  if (bridge->destroy != NULL)
    bridge->destroy (bridge->user_data);
  g_clear_object (&bridge->task);
  g_object_unref (bridge->outer);
  g_object_unref (bridge->target);
  g_free (bridge);
}

/* On the outer future's loop: the task is done. */
static void
copy_outcome_on_outer (gpointer data)
{
  Bridge *bridge = data;

  if (!_aio_future_is_done (bridge->outer))
    {
      _aio_future_set_cancel_hook (bridge->outer, NULL, NULL, NULL);
      _aio_future_copy_outcome (bridge->outer, AIO_FUTURE (bridge->task));
    }
  else
    _aio_future_mark_retrieved (AIO_FUTURE (bridge->task));   /* nobody waits for it */
  bridge_unref (bridge);
}

static const AioReadyOps copy_outcome_ops = { copy_outcome_on_outer, bridge_unref };

static void
task_done (AioFuture *task,
           gpointer   data)
{
  Bridge *bridge = bridge_ref (data);
  AioLoop *outer_loop = aio_future_get_loop (bridge->outer);

  if (outer_loop == bridge->target)
    copy_outcome_on_outer (bridge);
  else
    _aio_loop_post_threadsafe (outer_loop, &copy_outcome_ops, bridge);
}

/* On the target loop, in order after the start. */
static void
cancel_on_target (gpointer data)
{
  Bridge *bridge = data;

  if (bridge->task != NULL)
    aio_task_cancel (bridge->task, "The future of run_coroutine_threadsafe() was cancelled");
}

static gboolean
outer_cancel_hook (AioFuture  *future,
                   const char *msg,
                   gpointer    data)
{
  Bridge *bridge = data;

  if (_aio_loop_is_owner (bridge->target))
    cancel_on_target (bridge);
  else
    aio_handle_unref (aio_loop_call_soon_threadsafe (bridge->target, cancel_on_target,
                                                     bridge_ref (bridge), bridge_unref));
  return TRUE;
}

static void
start_on_target (gpointer data)
{
  Bridge *bridge = data;

  bridge->task = aio_task_new_full (bridge->target, NULL, 0, bridge->func,
                                    bridge->user_data, bridge->destroy);
  bridge->destroy = NULL;   /* the task owns user_data now */
  aio_future_add_done_callback (AIO_FUTURE (bridge->task), task_done,
                                bridge_ref (bridge), bridge_unref);
}

/**
 * aio_run_coroutine_threadsafe:
 * @loop: the loop to run the coroutine on, usually another thread's
 * @func: (scope notified) (closure user_data) (destroy destroy): the
 *   coroutine's body
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when the task is done with it
 *
 * Starts a C coroutine as a task on @loop from any thread, like asyncio's
 * `asyncio.run_coroutine_threadsafe()`, and returns a future for its
 * outcome.
 *
 * Called inside a running loop, the future belongs to that loop and can be
 * awaited there; called from a plain thread, it belongs to @loop and the
 * thread blocks on it with [method@Aio.Future.wait_sync].  Cancelling the
 * future (from any thread) cancels the task, as cancelling asyncio's
 * `concurrent.futures.Future` does.  The task starts when @loop next runs;
 * if @loop's context is destroyed first, @user_data is freed and the
 * future never completes.
 *
 * Returns: (transfer full): a future for the task's outcome
 *
 * Since: 1.0
 */
AioFuture *
aio_run_coroutine_threadsafe (AioLoop        *loop,
                              AioTaskFunc     func,
                              gpointer        user_data,
                              GDestroyNotify  destroy)
{
  AioLoop *outer_loop;
  Bridge *bridge;
  AioFuture *outer;

  g_return_val_if_fail (AIO_IS_LOOP (loop), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  outer_loop = aio_loop_get_running ();
  if (outer_loop == NULL)
    outer_loop = loop;

  bridge = g_new0 (Bridge, 1);
  bridge->ref_count = 1;
  bridge->target = g_object_ref (loop);
  bridge->outer = _aio_future_new_for_loop (outer_loop);
  bridge->func = func;
  bridge->user_data = user_data;
  bridge->destroy = destroy;
  outer = g_object_ref (bridge->outer);

  /* A cancel reaches the target loop through its queue, behind the start. */
  _aio_future_set_cancel_hook (outer, outer_cancel_hook, bridge_ref (bridge), bridge_unref);
  aio_handle_unref (aio_loop_call_soon_threadsafe (loop, start_on_target, bridge, bridge_unref));
  return outer;
}

typedef struct
{
  gint     ref_count;   /* (atomic) */
  GMutex   lock;
  GCond    cond;
  gboolean done;        /* guarded by lock */
} SyncWaiter;

static void
sync_waiter_unref (gpointer data)
{
  SyncWaiter *waiter = data;

  if (!g_atomic_int_dec_and_test (&waiter->ref_count))
    return;
  g_mutex_clear (&waiter->lock);
  g_cond_clear (&waiter->cond);
  g_free (waiter);
}

static void
sync_waiter_wake (AioFuture *future,
                  gpointer   data)
{
  SyncWaiter *waiter = data;

  g_mutex_lock (&waiter->lock);
  waiter->done = TRUE;
  g_cond_broadcast (&waiter->cond);
  g_mutex_unlock (&waiter->lock);
}

/**
 * aio_future_wait_sync:
 * @self: an [class@Aio.Future]
 * @timeout: the most seconds to wait, or a negative number to wait as long
 *   as it takes
 * @error: return location for the future's error, or the timeout
 *
 * Blocks the calling thread until @self is done, like
 * `concurrent.futures.Future.result(timeout)`: for a thread that runs no
 * loop and wants the outcome of work done on one, such as the future of
 * [func@Aio.run_coroutine_threadsafe].  The future's loop must be running
 * on another thread, or the wait lasts until @timeout.
 *
 * Once it returns %TRUE, read the result with the future's getters.
 * Called on the thread that runs the future's loop, it would wait for
 * itself: it fails at once with %AIO_ERROR_WRONG_THREAD (await the future
 * instead).
 *
 * Returns: %TRUE if @self finished with a result; %FALSE with @error set to
 *   its error, `G_IO_ERROR_CANCELLED` if it was cancelled, or
 *   `G_IO_ERROR_TIMED_OUT` if @timeout passed first (the future goes on)
 *
 * Since: 1.0
 */
gboolean
aio_future_wait_sync (AioFuture  *self,
                      gdouble     timeout,
                      GError    **error)
{
  SyncWaiter *waiter;
  gint64 end_time = 0;
  gboolean done;

  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (_aio_future_is_done (self))
    return aio_future_propagate (self, error);
  if (_aio_loop_is_owner (aio_future_get_loop (self)))
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD,
                           "aio_future_wait_sync() was called on the thread of the future's "
                           "own loop, which it would block; await the future instead");
      return FALSE;
    }

  waiter = g_new0 (SyncWaiter, 1);
  waiter->ref_count = 2;
  g_mutex_init (&waiter->lock);
  g_cond_init (&waiter->cond);
  aio_future_add_done_callback (self, sync_waiter_wake, waiter, sync_waiter_unref);

  if (timeout >= 0)
    end_time = g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC);
  g_mutex_lock (&waiter->lock);
  while (!waiter->done)
    {
      if (timeout < 0)
        g_cond_wait (&waiter->cond, &waiter->lock);
      else if (!g_cond_wait_until (&waiter->cond, &waiter->lock, end_time))
        break;
    }
  done = waiter->done;
  g_mutex_unlock (&waiter->lock);
  sync_waiter_unref (waiter);

  if (!done)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "The future was not done after %g seconds", timeout);
      return FALSE;
    }
  return aio_future_propagate (self, error);
}
