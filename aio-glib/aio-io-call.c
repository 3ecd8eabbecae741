/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-io-call-private.h"

static gboolean
io_call_cancel (AioFuture  *future,
                const char *msg,
                gpointer    data)
{
  AioIoCall *call = data;

  g_cancellable_cancel (call->cancellable);
  /* Ends now: whatever the call still delivers is dropped. */
  return TRUE;
}

gpointer
_aio_io_call_new (AioLoop *loop,
                  gsize    size)
{
  AioIoCall *call;

  g_assert (size >= sizeof (AioIoCall));
  call = g_malloc0 (size);
  call->future = _aio_future_new_for_loop (loop);
  call->cancellable = g_cancellable_new ();
  _aio_future_set_cancel_hook (call->future, io_call_cancel, call, NULL);
  return call;
}

void
_aio_io_call_finish (gpointer  data,
                     GValue   *value,
                     GError   *error)
{
  AioIoCall *call = data;

  if (_aio_io_call_pending (call))
    {
      _aio_future_complete (call->future, AIO_FUTURE_FINISHED, value, error, NULL);
      return;
    }
  if (value != NULL)
    g_value_unset (value);
  g_clear_error (&error);
}

void
_aio_io_call_free (gpointer data)
{
  AioIoCall *call = data;

  g_object_unref (call->future);
  g_object_unref (call->cancellable);
  g_free (call);
}
