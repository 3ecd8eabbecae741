/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-await.h"
#include "aio-sync-private.h"

static gboolean
may_use_loop (AioLoop *loop)
{
  AioLoop *running = _aio_ts.running_loop;

  return running == loop || (running == NULL && _aio_loop_is_owner (loop));
}

gboolean
_aio_sync_check_loop_slow (AioLoop    **loop_slot,
                           const char  *type_name,
                           GError     **error)
{
  AioLoop *loop = g_atomic_pointer_get (loop_slot);

  if (loop == NULL)
    {
      AioLoop *current = _aio_loop_get_current ();

      /* Bind only when the caller may use the loop, so a call from a
       * wrong thread does not tie the object to that thread's loop.
       */
      if (may_use_loop (current))
        {
          if (g_atomic_pointer_compare_and_exchange (loop_slot, NULL, current))
            {
              g_object_ref (current);
              return TRUE;
            }
        }
      loop = g_atomic_pointer_get (loop_slot);
      if (loop == NULL)
        loop = current;
    }

  if (may_use_loop (loop))
    return TRUE;

  _aio_loop_debug_wrong_thread (loop, type_name);

  if (_aio_ts.running_loop != NULL && _aio_loop_is_owner (loop))
    g_set_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD,
                 "This %s belongs to another loop than the one running; "
                 "use it only from tasks and callbacks of its own loop",
                 type_name);
  else
    g_set_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD,
                 "This %s belongs to a loop run by another thread; use it "
                 "from that thread, for instance through "
                 "aio_loop_call_soon_threadsafe()",
                 type_name);
  return FALSE;
}

gboolean
_aio_sync_check_loop_critical (AioLoop    **loop_slot,
                               const char  *type_name,
                               const char  *function)
{
  GError *error = NULL;

  if (_aio_sync_check_loop_slow (loop_slot, type_name, &error))
    return TRUE;
  g_critical ("%s(): %s", function, error->message);
  g_error_free (error);
  return FALSE;
}

AioFuture *
_aio_sync_future_new_done (AioLoop *loop,
                           GValue  *value)
{
  AioFuture *future = _aio_future_new_for_loop (loop);

  _aio_future_complete (future, AIO_FUTURE_FINISHED, value, NULL, NULL);
  return future;
}

AioFuture *
_aio_sync_future_new_boolean (AioLoop  *loop,
                              gboolean  value)
{
  GValue v = G_VALUE_INIT;

  _aio_value_set_boolean (&v, value);
  return _aio_sync_future_new_done (loop, &v);
}

void
_aio_sync_future_fail (AioFuture *future,
                       GError    *error)
{
  AioFutureState state = AIO_FUTURE_FINISHED;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    state = AIO_FUTURE_CANCELLED;
  _aio_future_complete (future, state, NULL, error, NULL);
}

void
_aio_sync_future_set_boolean (AioFuture *future,
                              gboolean   value)
{
  GValue v = G_VALUE_INIT;

  _aio_value_set_boolean (&v, value);
  _aio_future_complete (future, AIO_FUTURE_FINISHED, &v, NULL, NULL);
}

AioFuture *
_aio_sync_future_new_failed (AioLoop *loop,
                             GError  *error)
{
  AioFuture *future;

  /* A primitive used from the wrong thread has no loop the caller may
   * touch: the failure goes to the caller's own loop.
   */
  if (loop == NULL || !may_use_loop (loop))
    loop = _aio_loop_get_current ();
  future = _aio_future_new_for_loop (loop);
  _aio_sync_future_fail (future, error);
  return future;
}

void
_aio_sync_unref (gpointer object)
{
  _aio_unref_not_last (object);
}

gpointer
_aio_sync_waiter_new (gsize          size,
                      gpointer       owner,
                      AioLoop       *loop,
                      AioCancelHook  cancelled)
{
  AioSyncWaiter *waiter = g_malloc0 (size);

  waiter->future = _aio_future_new_for_loop (loop);
  waiter->owner = _aio_ref (owner);
  _aio_future_set_cancel_hook (waiter->future, cancelled, waiter, NULL);
  return waiter;
}

void
_aio_sync_waiter_free (AioSyncWaiter *waiter)
{
  if (waiter->clear != NULL)
    waiter->clear (waiter);
  if (waiter->future != NULL)
    {
      /* A pending future may still carry the record as its hook data. */
      if (!_aio_future_is_done (waiter->future))
        _aio_future_set_cancel_hook (waiter->future, NULL, NULL, NULL);
      _aio_release (waiter->future);
    }
  _aio_sync_unref (waiter->owner);
  g_free (waiter);
}

gboolean
_aio_sync_waiter_cancelled (AioFuture  *future,
                            const char *msg,
                            gpointer    data)
{
  AioSyncWaiter *waiter = data;

  _aio_wait_list_remove (waiter->list, waiter);
  _aio_sync_waiter_free (waiter);
  return TRUE;
}

void
_aio_wait_list_push (AioWaitList   *list,
                     AioSyncWaiter *waiter)
{
  waiter->list = list;
  _aio_list_append (&list->list, &waiter->link);
  list->length++;
}

void
_aio_wait_list_remove (AioWaitList   *list,
                       AioSyncWaiter *waiter)
{
  if (waiter->list != list)
    return;

  _aio_list_remove (&list->list, &waiter->link);
  waiter->list = NULL;
  list->length--;
}

AioSyncWaiter *
_aio_wait_list_pop (AioWaitList *list,
                    gboolean     skip_abandoned)
{
  while (!_aio_wait_list_is_empty (list))
    {
      AioSyncWaiter *waiter = _aio_list_entry (list->list.head, AioSyncWaiter, link);

      _aio_wait_list_remove (list, waiter);
      if (!skip_abandoned || !_aio_sync_future_abandoned (waiter->future))
        return waiter;
      _aio_sync_waiter_free (waiter);
    }
  return NULL;
}

void
_aio_wait_list_complete_all (AioWaitList  *list,
                             const GError *error)
{
  AioSyncWaiter *waiter;

  while ((waiter = _aio_wait_list_pop (list, FALSE)) != NULL)
    {
      if (error != NULL)
        _aio_sync_future_fail (waiter->future, g_error_copy (error));
      else
        _aio_sync_future_set_boolean (waiter->future, TRUE);
      _aio_sync_waiter_free (waiter);
    }
}

gpointer
_aio_sync_guard_acquire (gpointer             primitive,
                         AioSyncAcquireFunc   acquire,
                         const char          *acquire_name,
                         GError             **error)
{
  if (!aio_in_coroutine ())
    {
      g_set_error (error, AIO_ERROR, AIO_ERROR_NOT_IN_COROUTINE,
                   "%s_guard() can only wait inside a C coroutine task; "
                   "elsewhere, use %s() and wait for its future",
                   acquire_name, acquire_name);
      return NULL;
    }
  if (!aio_await (acquire (primitive), error))
    return NULL;
  return _aio_ref (primitive);
}

void
_aio_sync_guard_release (gpointer            primitive,
                         AioSyncReleaseFunc  release,
                         const char         *function)
{
  GError *error = NULL;

  if (!release (primitive, &error))
    {
      g_critical ("%s(): %s", function, error->message);
      g_error_free (error);
    }
  _aio_sync_unref (primitive);
}
