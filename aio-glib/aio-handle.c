/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-handle-private.h"
#include "aio-loop-private.h"

/**
 * AioHandle:
 *
 * A scheduled callback, as returned by [method@Aio.Loop.call_soon],
 * [method@Aio.Loop.call_later] and [method@Aio.Loop.call_at]: asyncio's
 * `Handle` and `TimerHandle`.
 *
 * ## Thread safety
 *
 * A handle may be cancelled and inspected from any thread.  Its callback
 * and destroy notify run on the loop's thread.
 *
 * Since: 1.0
 */

G_DEFINE_BOXED_TYPE (AioHandle, aio_handle, aio_handle_ref, aio_handle_unref)

AioHandle *
_aio_handle_new (AioLoop        *loop,
                 AioHandleKind   kind,
                 AioCallback     callback,
                 gpointer        user_data,
                 GDestroyNotify  destroy)
{
  AioHandle *handle = g_slice_new0 (AioHandle);

  handle->ref_count = 1;
  handle->kind = kind;
  handle->fd = -1;
  handle->loop = g_object_ref (loop);
  handle->callback = callback;
  handle->user_data = user_data;
  handle->destroy = destroy;
  handle->heap_index = -1;
  return handle;
}

/**
 * aio_handle_ref:
 * @self: an [struct@Aio.Handle]
 *
 * Takes a reference on @self.
 *
 * Returns: (transfer full): @self
 *
 * Since: 1.0
 */
AioHandle *
aio_handle_ref (AioHandle *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->ref_count > 0, NULL);

  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * aio_handle_unref:
 * @self: (transfer full): an [struct@Aio.Handle]
 *
 * Drops a reference on @self.  This does not cancel the callback: the loop
 * keeps its own reference until the callback has run.
 *
 * Since: 1.0
 */
void
aio_handle_unref (AioHandle *self)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->ref_count > 0);

  if (g_atomic_int_dec_and_test (&self->ref_count))
    {
      /* The loop releases the data before its last reference goes; this is
       * only reached with data still set for a handle that never got onto
       * a loop.
       */
      if (self->destroy != NULL)
        self->destroy (self->user_data);
      g_object_unref (self->loop);
      g_slice_free (AioHandle, self);
    }
}

void
_aio_handle_release_data (AioHandle *handle)
{
  GDestroyNotify destroy = handle->destroy;
  gpointer data = handle->user_data;

  handle->destroy = NULL;
  handle->user_data = NULL;
  handle->callback = NULL;
  if (destroy != NULL)
    destroy (data);
}

void
_aio_handle_run (AioHandle *handle)
{
  if (!g_atomic_int_get (&handle->cancelled) && handle->callback != NULL)
    handle->callback (handle->user_data);
}

static void
run_once (gpointer data)
{
  AioHandle *handle = data;

  _aio_handle_run (handle);
  _aio_handle_release_data (handle);
  aio_handle_unref (handle);
}

void
_aio_handle_release_ref (gpointer data)
{
  AioHandle *handle = data;

  _aio_handle_release_data (handle);
  aio_handle_unref (handle);
}

const AioReadyOps _aio_handle_run_once_ops = { run_once, _aio_handle_release_ref };

static void
cancel_on_loop (gpointer data)
{
  AioHandle *handle = data;

  if (handle->kind == AIO_HANDLE_TIMER && handle->heap_index >= 0)
    _aio_loop_remove_timer (handle->loop, handle);
  aio_handle_unref (handle);
}

static const AioReadyOps cancel_on_loop_ops = {
  cancel_on_loop, (void (*) (gpointer)) aio_handle_unref,
};

/**
 * aio_handle_cancel:
 * @self: an [struct@Aio.Handle]
 *
 * Cancels the callback: if it has not run yet, it will not run.  The
 * destroy notify given with the callback runs on the loop's thread soon
 * after.  Cancelling twice, or after the callback ran, does nothing.
 *
 * Since: 1.0
 */
void
aio_handle_cancel (AioHandle *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_int_compare_and_exchange (&self->cancelled, FALSE, TRUE))
    return;

  switch (self->kind)
    {
    case AIO_HANDLE_TIMER:
      /* Out of the heap now, so a cancelled timeout does not hold memory
       * until its deadline.
       */
      if (_aio_loop_is_owner (self->loop))
        {
          if (self->heap_index >= 0)
            _aio_loop_remove_timer (self->loop, self);
        }
      else
        _aio_loop_post_threadsafe (self->loop, &cancel_on_loop_ops, aio_handle_ref (self));
      break;

    case AIO_HANDLE_READER:
    case AIO_HANDLE_WRITER:
      /* Off the loop's thread, the cancelled flag alone stops the callback;
       * the watch itself goes when it is removed or replaced.
       */
      if (_aio_loop_is_owner (self->loop))
        _aio_loop_cancel_watch (self->loop, self);
      break;

    case AIO_HANDLE_SOON:
    default:
      break;
    }
}

/**
 * aio_handle_cancelled:
 * @self: an [struct@Aio.Handle]
 *
 * Whether [method@Aio.Handle.cancel] was called.
 *
 * Returns: %TRUE if @self was cancelled
 *
 * Since: 1.0
 */
gboolean
aio_handle_cancelled (AioHandle *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return g_atomic_int_get (&self->cancelled);
}

/**
 * aio_handle_when:
 * @self: an [struct@Aio.Handle]
 *
 * Gets the time a timer callback is scheduled for, on the clock of
 * [method@Aio.Loop.time], like asyncio's `TimerHandle.when()`.
 *
 * Returns: the scheduled time in seconds, or -1 for a handle that is not a
 *   timer
 *
 * Since: 1.0
 */
gdouble
aio_handle_when (AioHandle *self)
{
  g_return_val_if_fail (self != NULL, -1.0);

  if (self->kind != AIO_HANDLE_TIMER)
    return -1.0;
  return (gdouble) self->when / G_USEC_PER_SEC;
}
