/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <math.h>

#include "aio-future-private.h"
#include "aio-task-private.h"

G_BEGIN_DECLS

/* What the structured concurrency helpers (gather, wait, wait_for,
 * as_completed, shield, timeouts, task groups) share.
 *
 * Most of them return a plain future tied to some operation state through
 * a cancel hook.  The state holds the future, as asyncio's callbacks hold
 * theirs, so a caller may add a done callback and drop its reference.
 * The hook's destroy notify frees the state: it runs once the future is
 * done, whether the operation completed it (after taking the state's
 * reference with _aio_future_detach_hook()) or it was cancelled (then the
 * state's reference is dropped from the ready ring, as the canceller may
 * still be using the future).
 */

/* asyncio's `None` for a timeout: infinity, or anything beyond 10^12
 * seconds, as for aio_sleep().
 */
static inline gboolean
_aio_timeout_is_none (gdouble seconds)
{
  return isinf (seconds) ? seconds > 0 : seconds > 1e12;
}

/* A future on @loop that has already failed with @error (taken). */
AioFuture *_aio_future_new_failed     (AioLoop            *loop,
                                       GError             *error) G_GNUC_INTERNAL;

/* Checks that @futures all belong to one loop and that the caller runs on
 * that loop's thread, which the waiter lists require.  Returns the loop,
 * or NULL with @error set.
 */
AioLoop   *_aio_futures_check_loop    (AioFuture * const  *futures,
                                       guint               n_futures,
                                       const char         *function,
                                       GError            **error) G_GNUC_INTERNAL;

/* Completes the pending @dest with the outcome of the done @src and marks
 * the error of @src as retrieved.  A pointer result's destroy notify moves
 * to @dest, so exactly one future frees it.
 */
void       _aio_future_copy_outcome   (AioFuture          *dest,
                                       AioFuture          *src) G_GNUC_INTERNAL;

/* asyncio's bare `fut.exception()`: the caller has seen the outcome. */
static inline void
_aio_future_mark_retrieved (AioFuture *future)
{
  _aio_future_priv (future)->error_retrieved = TRUE;
}

/* Whether a done @future failed with an error other than cancellation. */
static inline gboolean
_aio_future_failed (AioFuture *future)
{
  AioFuturePrivate *priv = _aio_future_priv (future);

  return priv->error != NULL &&
         g_atomic_int_get (&priv->state) == AIO_FUTURE_FINISHED;
}

/* Takes the reference in *@future_slot (the operation state's), then
 * drops the cancel hook, which frees the state.  Returns the reference.
 */
AioFuture *_aio_future_detach_hook    (AioFuture         **future_slot) G_GNUC_INTERNAL;

/* Drops a reference on the loop's next turn: for a future whose cancel
 * hook is being destroyed while the canceller still uses it.
 */
void       _aio_future_release_later  (AioFuture          *future) G_GNUC_INTERNAL;

GError    *_aio_timed_out_error_new   (void) G_GNUC_INTERNAL;

G_END_DECLS
