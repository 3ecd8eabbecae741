/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-error.h"
#include "aio-structured-private.h"

AioFuture *
_aio_future_new_failed (AioLoop *loop,
                        GError  *error)
{
  AioFuture *future = _aio_future_new_for_loop (loop);

  _aio_future_complete (future, AIO_FUTURE_FINISHED, NULL, error, NULL);
  return future;
}

AioLoop *
_aio_futures_check_loop (AioFuture * const  *futures,
                         guint               n_futures,
                         const char         *function,
                         GError            **error)
{
  AioLoop *loop = _aio_future_priv (futures[0])->loop;
  guint i;

  for (i = 1; i < n_futures; i++)
    {
      if (_aio_future_priv (futures[i])->loop != loop)
        {
          g_set_error (error, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT,
                       "%s(): the futures belong to different loops; "
                       "all must belong to one loop", function);
          return NULL;
        }
    }
  if (!_aio_loop_is_owner (loop))
    {
      g_set_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD,
                   "%s() must be called from the thread that runs the "
                   "futures' loop", function);
      return NULL;
    }
  return loop;
}

void
_aio_future_copy_outcome (AioFuture *dest,
                          AioFuture *src)
{
  AioFuturePrivate *src_priv = _aio_future_priv (src);
  GValue value = G_VALUE_INIT;

  src_priv->error_retrieved = TRUE;
  if (src_priv->error != NULL)
    {
      _aio_future_complete (dest, g_atomic_int_get (&src_priv->state), NULL,
                            g_error_copy (src_priv->error), NULL);
      return;
    }

  if (src_priv->value.g_type == G_TYPE_POINTER)
    {
      _aio_value_set_pointer (&value, src_priv->value.data[0].v_pointer);
      _aio_future_priv (dest)->pointer_destroy = src_priv->pointer_destroy;
      src_priv->pointer_destroy = NULL;
    }
  else
    _aio_future_take_value (src, &value);
  _aio_future_complete (dest, AIO_FUTURE_FINISHED, &value, NULL, NULL);
}

AioFuture *
_aio_future_detach_hook (AioFuture **future_slot)
{
  AioFuture *future = g_steal_pointer (future_slot);

  _aio_future_set_cancel_hook (future, NULL, NULL, NULL);
  return future;
}

static void
release_later_cb (gpointer data)
{
  _aio_release (data);
}

/* Dropped with its loop, the reference goes all the same. */
static const AioReadyOps release_later_ops = {
  release_later_cb, release_later_cb,
};

void
_aio_future_release_later (AioFuture *future)
{
  _aio_loop_post (_aio_future_priv (future)->loop, &release_later_ops, future);
}

GError *
_aio_timed_out_error_new (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                              "The operation timed out");
}
