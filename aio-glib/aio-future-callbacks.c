/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-error.h"
#include "aio-future-private.h"

/* Waiting for a future without a coroutine: done callbacks, and the GIO
 * style aio_future_wait_async()/_finish().  Done callbacks from the public
 * API are waiter records.
 */
typedef struct
{
  AioWaiter          waiter;
  AioFutureCallback  callback;
  gpointer           user_data;
  GDestroyNotify     destroy;
  AioFuture         *future;   /* (owned) (nullable) while not linked into a list */
} CallbackRecord;

static void
callback_record_free (CallbackRecord *record)
{
  if (record->destroy != NULL)
    record->destroy (record->user_data);
  g_clear_object (&record->future);
  g_slice_free (CallbackRecord, record);
}

static void
callback_record_run (AioWaiter *waiter,
                     AioFuture *future)
{
  CallbackRecord *record = (CallbackRecord *) waiter;

  record->callback (future, record->user_data);
  callback_record_free (record);
}

static void
callback_record_drop (AioWaiter *waiter)
{
  callback_record_free ((CallbackRecord *) waiter);
}

static void
run_standalone_record (gpointer data)
{
  CallbackRecord *record = data;

  callback_record_run (&record->waiter, record->future);
}

static const AioReadyOps run_standalone_ops = {
  run_standalone_record, (void (*) (gpointer)) callback_record_free,
};

static void
add_callback_record (CallbackRecord *record)
{
  AioFuture *future = record->future;
  AioFuturePrivate *priv = _aio_future_priv (future);

  if (_aio_future_add_waiter (future, &record->waiter))
    {
      record->future = NULL;
      g_object_unref (future);
    }
  else
    _aio_loop_push_ready (priv->loop, &run_standalone_ops, record);
}

static void
add_callback_on_loop (gpointer data)
{
  add_callback_record (data);
}

static const AioReadyOps add_callback_on_loop_ops = {
  add_callback_on_loop, (void (*) (gpointer)) callback_record_free,
};

/**
 * aio_future_add_done_callback:
 * @self: an [class@Aio.Future]
 * @callback: (scope notified) (closure user_data) (destroy destroy): called
 *   once @self is done
 * @user_data: data for @callback
 * @destroy: (nullable): frees @user_data after @callback ran, or when the
 *   callback is removed
 *
 * Adds a callback to run on the future's loop once @self is done, like
 * asyncio's `Future.add_done_callback()`.  If @self is already done, the
 * callback is scheduled at once.  Callbacks run in the order they were
 * added.
 *
 * Since: 1.0
 */
void
aio_future_add_done_callback (AioFuture         *self,
                              AioFutureCallback  callback,
                              gpointer           user_data,
                              GDestroyNotify     destroy)
{
  CallbackRecord *record;
  AioFuturePrivate *priv;

  g_return_if_fail (AIO_IS_FUTURE (self));
  g_return_if_fail (callback != NULL);

  priv = _aio_future_priv (self);
  record = g_slice_new0 (CallbackRecord);
  record->waiter.func = callback_record_run;
  record->waiter.drop = callback_record_drop;
  record->callback = callback;
  record->user_data = user_data;
  record->destroy = destroy;
  record->future = g_object_ref (self);

  if (_aio_loop_is_owner (priv->loop))
    add_callback_record (record);
  else
    _aio_loop_post_threadsafe (priv->loop, &add_callback_on_loop_ops, record);
}

/**
 * aio_future_remove_done_callback: (skip)
 * @self: an [class@Aio.Future]
 * @callback: the callback given to [method@Aio.Future.add_done_callback]
 * @user_data: the data given with it
 *
 * Removes every done callback of @self that matches @callback and
 * @user_data and has not been scheduled yet, like asyncio's
 * `Future.remove_done_callback()`.  Must be called from the future's loop
 * thread.
 *
 * Returns: how many callbacks were removed
 *
 * Since: 1.0
 */
guint
aio_future_remove_done_callback (AioFuture         *self,
                                 AioFutureCallback  callback,
                                 gpointer           user_data)
{
  AioFuturePrivate *priv;
  AioLink *link;
  guint removed = 0;

  g_return_val_if_fail (AIO_IS_FUTURE (self), 0);

  priv = _aio_future_priv (self);
  if (!_aio_loop_is_owner (priv->loop))
    {
      g_critical ("aio_future_remove_done_callback() must be called from the future's loop thread");
      return 0;
    }

  link = priv->waiters.head;
  while (link != NULL)
    {
      AioLink *next = link->next;
      AioWaiter *waiter = _aio_waiter_from_link (link);

      if (waiter->func == callback_record_run)
        {
          CallbackRecord *record = (CallbackRecord *) waiter;

          if (record->callback == callback && record->user_data == user_data)
            {
              _aio_future_remove_waiter (self, waiter);
              callback_record_free (record);
              removed++;
            }
        }
      link = next;
    }
  return removed;
}

/* aio_future_wait_async(): a done callback and a cancellable handler race
 * to return the GTask; whichever comes first wins.
 */
typedef struct
{
  gint          ref_count;   /* (atomic) */
  gint          returned;    /* (atomic) */
  GTask        *task;        /* (owned) */
  GCancellable *cancellable; /* (owned) (nullable) */
  gulong        handler;
} WaitData;

static void
wait_data_unref (gpointer data)
{
  WaitData *wait = data;

  if (g_atomic_int_dec_and_test (&wait->ref_count))
    {
      g_clear_object (&wait->task);
      g_clear_object (&wait->cancellable);
      g_free (wait);
    }
}

static void
wait_done_cb (AioFuture *future,
              gpointer   user_data)
{
  WaitData *wait = user_data;

  if (!g_atomic_int_compare_and_exchange (&wait->returned, FALSE, TRUE))
    return;
  if (wait->handler != 0)
    g_cancellable_disconnect (wait->cancellable, wait->handler);
  g_task_return_boolean (wait->task, TRUE);
}

static void
wait_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  WaitData *wait = user_data;

  if (!g_atomic_int_compare_and_exchange (&wait->returned, FALSE, TRUE))
    return;
  g_task_return_new_error (wait->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           "The wait was cancelled");
}

/**
 * aio_future_wait_async:
 * @self: an [class@Aio.Future]
 * @cancellable: (nullable): cancels the wait, not the future
 * @callback: (scope async): called on the thread-default main context of
 *   the calling thread once @self is done
 * @user_data: data for @callback
 *
 * Waits for @self without a coroutine, in the GIO style; finish with
 * [method@Aio.Future.wait_finish].  Any [iface@Gio.AsyncResult] consumer,
 * such as a Vala `async` method, can wait for a future this way.
 *
 * Since: 1.0
 */
void
aio_future_wait_async (AioFuture           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  WaitData *wait;

  g_return_if_fail (AIO_IS_FUTURE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  wait = g_new0 (WaitData, 1);
  wait->ref_count = 2;
  wait->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (wait->task, aio_future_wait_async);
  g_task_set_check_cancellable (wait->task, FALSE);

  if (cancellable != NULL)
    {
      wait->cancellable = g_object_ref (cancellable);
      g_atomic_int_inc (&wait->ref_count);
      /* Already cancelled: GIO runs the handler and the destroy notify now. */
      wait->handler = g_cancellable_connect (cancellable, G_CALLBACK (wait_cancelled_cb),
                                             wait, wait_data_unref);
    }

  aio_future_add_done_callback (self, wait_done_cb, wait, wait_data_unref);
  wait_data_unref (wait);
}

/**
 * aio_future_wait_finish:
 * @self: an [class@Aio.Future]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for an error
 *
 * Finishes [method@Aio.Future.wait_async] and reports the outcome of
 * @self, like [method@Aio.Future.propagate]; if the wait itself was
 * cancelled, fails with `G_IO_ERROR_CANCELLED`.
 *
 * Returns: %TRUE if @self finished with a result
 *
 * Since: 1.0
 */
gboolean
aio_future_wait_finish (AioFuture     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  return _aio_future_propagate (self, error);
}

/**
 * aio_future_wait_boolean_finish: (skip)
 * @self: an [class@Aio.Future]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for an error
 *
 * Finishes [method@Aio.Future.wait_async] as [method@Aio.Future.wait_finish]
 * does, then reads the result with [method@Aio.Future.get_boolean]: the pair
 * that lets Vala write
 * `var value = yield future.wait_boolean ()` (see `Aio-1-custom.vala`).
 *
 * Returns: the boolean result, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean 
aio_future_wait_boolean_finish (AioFuture     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  if (!aio_future_wait_finish (self, result, error))
    return FALSE;
  return aio_future_get_boolean (self, error);
}

/**
 * aio_future_wait_int_finish: (skip)
 * @self: an [class@Aio.Future]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for an error
 *
 * Finishes [method@Aio.Future.wait_async] as [method@Aio.Future.wait_finish]
 * does, then reads the result with [method@Aio.Future.get_int]: the pair that
 * lets Vala write
 * `var value = yield future.wait_int ()` (see `Aio-1-custom.vala`).
 *
 * Returns: the integer result, or 0 with @error set
 *
 * Since: 1.0
 */
gint 
aio_future_wait_int_finish (AioFuture     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  if (!aio_future_wait_finish (self, result, error))
    return 0;
  return aio_future_get_int (self, error);
}

/**
 * aio_future_wait_int64_finish: (skip)
 * @self: an [class@Aio.Future]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for an error
 *
 * Finishes [method@Aio.Future.wait_async] as [method@Aio.Future.wait_finish]
 * does, then reads the result with [method@Aio.Future.get_int64]: the pair
 * that lets Vala write
 * `var value = yield future.wait_int64 ()` (see `Aio-1-custom.vala`).
 *
 * Returns: the integer result, or 0 with @error set
 *
 * Since: 1.0
 */
gint64 
aio_future_wait_int64_finish (AioFuture     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  if (!aio_future_wait_finish (self, result, error))
    return 0;
  return aio_future_get_int64 (self, error);
}

/**
 * aio_future_wait_double_finish: (skip)
 * @self: an [class@Aio.Future]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for an error
 *
 * Finishes [method@Aio.Future.wait_async] as [method@Aio.Future.wait_finish]
 * does, then reads the result with [method@Aio.Future.get_double]: the pair
 * that lets Vala write
 * `var value = yield future.wait_double ()` (see `Aio-1-custom.vala`).
 *
 * Returns: the result, or 0 with @error set
 *
 * Since: 1.0
 */
gdouble 
aio_future_wait_double_finish (AioFuture     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  if (!aio_future_wait_finish (self, result, error))
    return 0.0;
  return aio_future_get_double (self, error);
}

/**
 * aio_future_wait_string_finish: (skip)
 * @self: an [class@Aio.Future]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for an error
 *
 * Finishes [method@Aio.Future.wait_async] as [method@Aio.Future.wait_finish]
 * does, then reads the result with [method@Aio.Future.dup_string]: the pair
 * that lets Vala write
 * `var value = yield future.wait_string ()` (see `Aio-1-custom.vala`).
 *
 * Returns: (transfer full) (nullable): a copy of the string result, or %NULL
 *   with @error set (or for a %NULL string)
 *
 * Since: 1.0
 */
char *
aio_future_wait_string_finish (AioFuture     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  if (!aio_future_wait_finish (self, result, error))
    return NULL;
  return aio_future_dup_string (self, error);
}

/**
 * aio_future_wait_object_finish: (skip)
 * @self: an [class@Aio.Future]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for an error
 *
 * Finishes [method@Aio.Future.wait_async] as [method@Aio.Future.wait_finish]
 * does, then reads the result with [method@Aio.Future.dup_object]: the pair
 * that lets Vala write
 * `var value = yield future.wait_object ()` (see `Aio-1-custom.vala`).
 *
 * Returns: (transfer full) (type GObject) (nullable): a reference to the
 *   object result, or %NULL with @error set (or for a %NULL object)
 *
 * Since: 1.0
 */
gpointer 
aio_future_wait_object_finish (AioFuture     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  if (!aio_future_wait_finish (self, result, error))
    return NULL;
  return aio_future_dup_object (self, error);
}

/**
 * aio_future_wait_boxed_finish: (skip)
 * @self: an [class@Aio.Future]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for an error
 *
 * Finishes [method@Aio.Future.wait_async] as [method@Aio.Future.wait_finish]
 * does, then reads the result with [method@Aio.Future.dup_boxed]: the pair
 * that lets Vala write
 * `var value = yield future.wait_boxed ()` (see `Aio-1-custom.vala`).
 *
 * Returns: (transfer full) (nullable): a copy of the boxed result, or %NULL
 *   with @error set
 *
 * Since: 1.0
 */
gpointer 
aio_future_wait_boxed_finish (AioFuture     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  if (!aio_future_wait_finish (self, result, error))
    return NULL;
  return aio_future_dup_boxed (self, error);
}
