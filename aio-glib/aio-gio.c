/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-await.h"
#include "aio-gio.h"
#include "aio-task-private.h"

/* The GIO bridge: a future completed by a GAsyncReadyCallback with the
 * GAsyncResult as its value.  Cancelling the future cancels the GIO call's
 * GCancellable and waits for GIO to call back, so a task never resumes
 * while GIO still writes into its buffers.
 */

static gboolean
gio_cancel (AioFuture  *future,
            const char *msg,
            gpointer    data)
{
  g_cancellable_cancel (data);
  return FALSE;
}

/**
 * aio_gio_future_new: (skip)
 * @cancellable: (out) (transfer none) (optional): the cancellable to give
 *   the GIO call; owned by the future
 *
 * Creates a future to bridge one GIO `_async` call, for code that is not
 * a C coroutine: pass @cancellable, [func@Aio.gio_ready] and the future
 * (with a reference for the callback) to the call.  The future finishes
 * with the [iface@Gio.AsyncResult] as an object result, to hand to the
 * `_finish` function.  Cancelling the future cancels the call; the future
 * still finishes with a result when GIO calls back, and the `_finish`
 * function reports the cancellation.
 *
 * Returns: (transfer full): the bridge future
 *
 * Since: 1.0
 */
AioFuture *
aio_gio_future_new (GCancellable **cancellable)
{
  AioFuture *future = aio_future_new ();
  GCancellable *c = g_cancellable_new ();

  if (cancellable != NULL)
    *cancellable = c;
  _aio_future_set_cancel_hook (future, gio_cancel, c, g_object_unref);
  return future;
}

/**
 * aio_gio_ready: (skip)
 * @source_object: (nullable): the GIO call's source object
 * @result: the call's result
 * @user_data: (transfer full): a future from [func@Aio.gio_future_new] or
 *   [func@Aio.gio_data]
 *
 * The [callback@Gio.AsyncReadyCallback] of the GIO bridge: finishes the
 * future with @result.
 *
 * Since: 1.0
 */
void
aio_gio_ready (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  AioFuture *future = user_data;
  GValue value = G_VALUE_INIT;

  g_return_if_fail (AIO_IS_FUTURE (future));

  g_value_init (&value, G_TYPE_ASYNC_RESULT);
  g_value_set_object (&value, result);
  _aio_future_complete (future, AIO_FUTURE_FINISHED, &value, NULL, NULL);
  _aio_release (future);
}

static AioFuture *
pending_call (void)
{
  AioTask *task = _aio_task_current_coroutine ();

  if (task == NULL)
    {
      g_critical ("The GIO bridge (AIO_GIO_ARGS, aio_await_gio()) only works inside a C coroutine task");
      return NULL;
    }
  if (task->gio_next == NULL)
    task->gio_next = aio_gio_future_new (NULL);
  return task->gio_next;
}

/**
 * aio_gio_cancellable: (skip)
 *
 * The cancellable for the next GIO call of the running C coroutine, see
 * %AIO_GIO_ARGS.
 *
 * Returns: (transfer none) (nullable): the cancellable
 *
 * Since: 1.0
 */
GCancellable *
aio_gio_cancellable (void)
{
  AioFuture *future = pending_call ();

  return future != NULL ? _aio_future_priv (future)->cancel_hook_data : NULL;
}

/**
 * aio_gio_data: (skip)
 *
 * The user data for the next GIO call of the running C coroutine, see
 * %AIO_GIO_ARGS.
 *
 * Returns: (transfer full) (nullable): the data to give with
 *   [func@Aio.gio_ready]
 *
 * Since: 1.0
 */
gpointer
aio_gio_data (void)
{
  AioFuture *future = pending_call ();

  return future != NULL ? g_object_ref (future) : NULL;
}

/**
 * aio_await_gio: (skip)
 *
 * Suspends the running C coroutine until the GIO call started with
 * %AIO_GIO_ARGS calls back, and returns its result for the `_finish`
 * function.  This always waits for GIO: when the task is cancelled, the
 * call is cancelled and the `_finish` function reports
 * `G_IO_ERROR_CANCELLED`.
 *
 * Returns: (transfer none) (nullable): the result, valid until the next
 *   call of this function in the same task or the end of the task; %NULL
 *   if no GIO call was started
 *
 * Since: 1.0
 */
GAsyncResult *
aio_await_gio (void)
{
  AioTask *task = _aio_task_current_coroutine ();
  AioFuture *future;
  GError *error = NULL;
  gboolean deferred_cancel = FALSE;

  if (task == NULL)
    {
      g_critical ("aio_await_gio() only works inside a C coroutine task");
      return NULL;
    }
  if (task->gio_next == NULL)
    {
      g_critical ("aio_await_gio() was called without a GIO call started with AIO_GIO_ARGS");
      return NULL;
    }

  future = g_steal_pointer (&task->gio_next);
  g_clear_object (&task->gio_result);

  /* A cancellation of the task cancels the call; the call still completes
   * with a result, and we keep waiting for it.  A cancellation that came
   * after GIO had already called back is kept for the task's next await.
   */
  while (!aio_future_done (future) || task->must_cancel)
    {
      if (!_aio_task_wait (future, &error))
        {
          g_clear_error (&error);
          deferred_cancel = TRUE;
          aio_future_cancel (future, task->cancel_msg);
        }
      if (aio_future_done (future))
        break;
    }
  if (deferred_cancel)
    task->must_cancel = TRUE;

  if (aio_future_propagate (future, NULL))
    task->gio_result = aio_future_dup_object (future, NULL);
  _aio_release (future);
  return task->gio_result;
}
