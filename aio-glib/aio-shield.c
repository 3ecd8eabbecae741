/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-call-graph-private.h"
#include "aio-shield.h"
#include "aio-structured-private.h"

/* The shielded future and the one handed out, linked through the outer
 * future's cancel hook: cancelling the outer one only unhooks it from the
 * inner one.
 */
typedef struct
{
  AioWaiter  waiter;
  AioFuture *inner;   /* (owned) */
  AioFuture *outer;   /* (owned) (nullable) until it is completed */
} ShieldLink;

static void
shield_link_free (gpointer data)
{
  ShieldLink *link = data;

  _aio_future_remove_waiter (link->inner, &link->waiter);
  _aio_release (link->inner);
  if (link->outer != NULL)
    _aio_future_release_later (link->outer);
  g_free (link);
}

static gboolean
shield_cancel_hook (AioFuture  *future,
                    const char *msg,
                    gpointer    data)
{
  return TRUE;   /* the outer future alone ends cancelled */
}

static void
shield_inner_done (AioWaiter *waiter,
                   AioFuture *future)
{
  ShieldLink *link = (ShieldLink *) waiter;
  AioFuture *inner = _aio_ref (link->inner);
  AioFuture *outer = _aio_future_detach_hook (&link->outer);   /* frees link */

  _aio_future_copy_outcome (outer, inner);
  _aio_release (outer);
  _aio_release (inner);
}

const char *
_aio_shield_future_kind (AioFuture *future)
{
  return _aio_future_priv (future)->cancel_hook == shield_cancel_hook ? "shield" : NULL;
}

gboolean
_aio_shield_waiter_owner (AioWaiter   *waiter,
                          AioFuture  **owner,
                          const char **via)
{
  ShieldLink *link = (ShieldLink *) waiter;

  if (waiter->func != shield_inner_done || link->outer == NULL)
    return FALSE;
  *owner = link->outer;
  *via = "shield";
  return TRUE;
}

/**
 * aio_shield:
 * @future: (transfer full): the future or task to protect
 *
 * Protects @future from cancellation, like asyncio's `shield()`.
 *
 * The returned future ends with the outcome of @future, but cancelling it
 * (as cancelling the task that awaits it does) cancels only the returned
 * future: @future keeps running.  The task awaiting it still gets
 * `G_IO_ERROR_CANCELLED` at once.  Keep a reference to @future (or, for a
 * task, let the loop keep it) if its outcome still matters then:
 *
 * ```c
 * if (!aio_await (aio_shield (g_object_ref (save_task)), &error) &&
 *     g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
 *   ...   // we were cancelled, but save_task carries on
 * ```
 *
 * Cancelling @future itself still cancels it, and the returned future then
 * ends cancelled too.  If @future is already done, it is returned itself.
 * A pointer result with a destroy notify moves to the returned future.
 * Called from a thread other than the loop's, the returned future has
 * failed with %AIO_ERROR_WRONG_THREAD.
 *
 * Returns: (transfer full): a future with the outcome of @future
 *
 * Since: 1.0
 */
AioFuture *
aio_shield (AioFuture *future)
{
  ShieldLink *link;
  AioFuture *outer;
  AioLoop *loop;
  GError *error = NULL;

  g_return_val_if_fail (AIO_IS_FUTURE (future), NULL);

  if (_aio_future_is_done (future))
    return future;

  loop = _aio_futures_check_loop (&future, 1, "aio_shield", &error);
  if (loop == NULL)
    {
      outer = _aio_future_new_failed (_aio_future_priv (future)->loop, error);
      /* Not _aio_release(): it would recycle into this thread's pool. */
      g_object_unref (future);
      return outer;
    }

  outer = _aio_future_new_for_loop (loop);
  link = g_new0 (ShieldLink, 1);
  link->waiter.func = shield_inner_done;
  link->inner = future;
  link->outer = _aio_ref (outer);
  _aio_future_add_waiter (future, &link->waiter);
  _aio_future_set_cancel_hook (outer, shield_cancel_hook, link, shield_link_free);
  return outer;
}
