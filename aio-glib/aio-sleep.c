/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>

#include "aio-future-private.h"
#include "aio-handle-private.h"
#include "aio-sleep.h"

static void
sleep_expired (gpointer data)
{
  AioFuture *future = data;

  if (!aio_future_done (future))
    _aio_future_complete (future, AIO_FUTURE_FINISHED, NULL, NULL, NULL);
}

static void
sleep_zero_expired (gpointer data)
{
  AioFuture *future = data;

  sleep_expired (future);
  _aio_future_release (future);
}

static const AioReadyOps sleep_zero_ops = {
  sleep_zero_expired, (void (*) (gpointer)) _aio_future_release,
};

static gboolean
sleep_cancel_timer (AioFuture  *future,
                    const char *msg,
                    gpointer    data)
{
  aio_handle_cancel (data);
  return TRUE;
}

/**
 * aio_sleep:
 * @seconds: how long to wait; 0 or less only lets other ready work run
 *
 * Creates a future that finishes, with no value, after @seconds, like
 * asyncio's `sleep()`.  Cancelling it removes its timer at once.
 * Infinity, or anything over 10^12 seconds, never finishes unless
 * cancelled.
 *
 * Returns: (transfer full): a new [class@Aio.Future] on the running loop
 *   (or, outside one, the thread-default loop)
 *
 * Since: 1.0
 */
AioFuture *
aio_sleep (gdouble seconds)
{
  AioLoop *loop;
  AioFuture *future;
  AioHandle *timer;

  g_return_val_if_fail (!isnan (seconds), NULL);

  loop = _aio_loop_get_current ();
  future = _aio_future_new_for_loop (loop);

  if (seconds <= 0)
    {
      /* Finishes after what is already ready, as asyncio's bare yield. */
      g_object_ref (future);
      _aio_loop_post (loop, &sleep_zero_ops, future);
      return future;
    }
  if (isinf (seconds) || seconds > 1e12)   /* beyond 30,000 years: never */
    return future;

  timer = _aio_loop_add_timer (loop,
                               g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC),
                               sleep_expired, g_object_ref (future), g_object_unref);
  _aio_future_set_cancel_hook (future, sleep_cancel_timer, timer,
                               (GDestroyNotify) aio_handle_unref);
  return future;
}
