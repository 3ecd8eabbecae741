/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-call-graph-private.h"
#include "aio-error.h"
#include "aio-structured-private.h"
#include "aio-wait.h"

/* aio_wait(): one waiter per future, all freed with the operation when the
 * returned future is done, cancelled or dropped.
 */
typedef struct _WaitOp WaitOp;

typedef struct
{
  AioWaiter  waiter;
  WaitOp    *op;
  AioFuture *future;        /* (owned) */
} WaitWatch;

struct _WaitOp
{
  AioFuture   *outer;       /* (owned) (nullable) until the wait is over */
  AioHandle   *timer;       /* (owned) (nullable) */
  AioWaitMode  mode;
  guint        remaining;   /* futures not done yet */
  guint        n_watches;
  WaitWatch    watches[];
};

/* What aio_wait() and aio_wait_for() free last: the deadline, and the
 * returned future if the operation still holds it.
 */
static void
free_deadline_and_outer (AioHandle *timer,
                         AioFuture *outer)
{
  if (timer != NULL)
    {
      aio_handle_cancel (timer);
      aio_handle_unref (timer);
    }
  if (outer != NULL)
    _aio_future_release_later (outer);
}

static void
wait_op_free (gpointer data)
{
  WaitOp *op = data;
  guint i;

  for (i = 0; i < op->n_watches; i++)
    {
      WaitWatch *watch = &op->watches[i];

      if (watch->future == NULL)
        break;   /* construction stopped here */
      _aio_future_remove_waiter (watch->future, &watch->waiter);
      _aio_release (watch->future);
    }
  free_deadline_and_outer (op->timer, op->outer);
  g_free (op);
}

static gboolean
wait_cancel_hook (AioFuture  *future,
                  const char *msg,
                  gpointer    data)
{
  return TRUE;   /* nothing to stop: the futures waited for keep running */
}

/* Finishes the wait; frees @op. */
static void
wait_release (WaitOp *op)
{
  AioFuture *outer = _aio_future_detach_hook (&op->outer);   /* frees op */

  _aio_future_complete (outer, AIO_FUTURE_FINISHED, NULL, NULL, NULL);
  _aio_release (outer);
}

/* Counts @future as done; returns TRUE if the wait is over. */
static gboolean
wait_count (WaitOp    *op,
            AioFuture *future)
{
  op->remaining--;
  if (op->remaining == 0 || op->mode == AIO_WAIT_FIRST_COMPLETED)
    return TRUE;
  if (op->mode == AIO_WAIT_FIRST_EXCEPTION && _aio_future_failed (future))
    {
      _aio_future_mark_retrieved (future);
      return TRUE;
    }
  return FALSE;
}

static void
wait_watch_done (AioWaiter *waiter,
                 AioFuture *future)
{
  WaitWatch *watch = (WaitWatch *) waiter;

  if (wait_count (watch->op, future))
    wait_release (watch->op);
}

gboolean
_aio_wait_waiter_owner (AioWaiter   *waiter,
                        AioFuture  **owner,
                        const char **via)
{
  WaitWatch *watch = (WaitWatch *) waiter;

  if (waiter->func != wait_watch_done || watch->op->outer == NULL)
    return FALSE;
  *owner = watch->op->outer;
  *via = "wait";
  return TRUE;
}

static void
wait_timed_out (gpointer data)
{
  wait_release (data);
}

/**
 * aio_wait:
 * @futures: (array length=n_futures) (transfer none): the futures or tasks
 *   to wait for, all of one loop; at least one
 * @n_futures: the number of @futures
 * @return_when: when to stop waiting
 * @timeout: the most seconds to wait, or %AIO_TIMEOUT_NONE
 *
 * Waits for some or all of @futures, like asyncio's `wait()`.
 *
 * The returned future finishes, with no value, as @return_when says, or
 * when @timeout has passed.  It never fails because of the timeout and
 * never cancels any of @futures: those not done yet keep running.  Split
 * @futures into the done and pending sets with [func@Aio.wait_partition]
 * when the wait is over:
 *
 * ```c
 * if (!aio_await (aio_wait (futures, n, AIO_WAIT_FIRST_COMPLETED, 5.0), &error))
 *   return;   // the waiting task was cancelled
 * aio_wait_partition (futures, n, &done, &pending);
 * ```
 *
 * As in asyncio, where the sets are built when the waiting coroutine
 * resumes, they show the futures as they are at that moment.
 *
 * Cancelling the returned future only stops the wait.  An empty @futures
 * gives a future that has failed with %AIO_ERROR_INVALID_ARGUMENT, as
 * asyncio raises `ValueError`; futures of different loops, or a call from
 * a thread other than the loop's, fail the same way (or with
 * %AIO_ERROR_WRONG_THREAD).
 *
 * Returns: (transfer full): a future that finishes when the wait is over
 *
 * Since: 1.0
 */
AioFuture *
aio_wait (AioFuture * const *futures,
          guint              n_futures,
          AioWaitMode        return_when,
          gdouble            timeout)
{
  AioFuture *outer;
  AioLoop *loop;
  GError *error = NULL;
  WaitOp *op;
  gboolean over = FALSE;
  guint i;

  g_return_val_if_fail (futures != NULL || n_futures == 0, NULL);
  for (i = 0; i < n_futures; i++)
    g_return_val_if_fail (AIO_IS_FUTURE (futures[i]), NULL);
  g_return_val_if_fail (return_when <= AIO_WAIT_ALL_COMPLETED, NULL);
  g_return_val_if_fail (!isnan (timeout), NULL);

  if (n_futures == 0)
    return _aio_future_new_failed (_aio_loop_get_current (),
                                   g_error_new_literal (AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT,
                                                        "aio_wait() needs at least one future"));
  loop = _aio_futures_check_loop (futures, n_futures, "aio_wait", &error);
  if (loop == NULL)
    return _aio_future_new_failed (_aio_future_priv (futures[0])->loop, error);

  outer = _aio_future_new_for_loop (loop);
  op = g_malloc0 (sizeof (WaitOp) + n_futures * sizeof (WaitWatch));
  op->outer = _aio_ref (outer);
  op->mode = return_when;
  op->remaining = n_futures;
  op->n_watches = n_futures;
  _aio_future_set_cancel_hook (outer, wait_cancel_hook, op, wait_op_free);

  for (i = 0; i < n_futures; i++)
    {
      WaitWatch *watch = &op->watches[i];

      watch->waiter.func = wait_watch_done;
      watch->op = op;
      watch->future = _aio_ref (futures[i]);
      if (!_aio_future_add_waiter (watch->future, &watch->waiter) &&
          wait_count (op, watch->future))
        over = TRUE;
    }

  if (over)
    wait_release (op);
  else if (!_aio_timeout_is_none (timeout))
    op->timer = _aio_loop_add_timer (loop,
                                     g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC),
                                     wait_timed_out, op, NULL);
  return outer;
}

/**
 * aio_wait_partition:
 * @futures: (array length=n_futures) (transfer none): the futures given to
 *   [func@Aio.wait]
 * @n_futures: the number of @futures
 * @done: (out) (optional) (transfer container) (element-type AioFuture):
 *   return location for those of @futures that are done
 * @pending: (out) (optional) (transfer container) (element-type AioFuture):
 *   return location for the others
 *
 * Splits @futures into the done and pending sets that asyncio's `wait()`
 * returns, keeping their order and leaving duplicates out.  The arrays do
 * not hold references: their elements are valid as long as @futures.
 *
 * Since: 1.0
 */
void
aio_wait_partition (AioFuture * const  *futures,
                    guint               n_futures,
                    GPtrArray         **done,
                    GPtrArray         **pending)
{
  g_autoptr(GHashTable) seen = NULL;
  GPtrArray *done_set, *pending_set;
  guint i;

  g_return_if_fail (futures != NULL || n_futures == 0);

  seen = g_hash_table_new (NULL, NULL);
  done_set = g_ptr_array_new ();
  pending_set = g_ptr_array_new ();
  for (i = 0; i < n_futures; i++)
    {
      g_return_if_fail (AIO_IS_FUTURE (futures[i]));
      if (!g_hash_table_add (seen, futures[i]))
        continue;
      g_ptr_array_add (_aio_future_is_done (futures[i]) ? done_set : pending_set, futures[i]);
    }

  if (done != NULL)
    *done = done_set;
  else
    g_ptr_array_unref (done_set);
  if (pending != NULL)
    *pending = pending_set;
  else
    g_ptr_array_unref (pending_set);
}

/* aio_wait_for(): the inner future, the returned one and the deadline. */
typedef struct
{
  AioWaiter  waiter;
  AioFuture *inner;              /* (owned) */
  AioFuture *outer;              /* (owned) (nullable) until it is completed */
  AioHandle *timer;              /* (owned) (nullable) */
  guint      expired : 1;        /* the deadline cancelled the inner future */
  guint      late_timeout : 1;   /* the deadline found it done but not yet seen */
  guint      cancel_requested : 1;
} WaitForOp;

static void
wait_for_op_free (gpointer data)
{
  WaitForOp *op = data;

  _aio_future_remove_waiter (op->inner, &op->waiter);
  _aio_release (op->inner);
  free_deadline_and_outer (op->timer, op->outer);
  g_free (op);
}

/* asyncio 3.12 waits with `async with timeout(): return await fut`, so
 * the outcome follows from how the cancellation reaches that await.
 */
static void
wait_for_inner_done (AioWaiter *waiter,
                     AioFuture *future)
{
  WaitForOp *op = (WaitForOp *) waiter;
  AioFuture *inner = _aio_ref (op->inner);
  gboolean expired = op->expired;
  gboolean late_timeout = op->late_timeout;
  gboolean cancel_requested = op->cancel_requested;
  AioFuture *outer = _aio_future_detach_hook (&op->outer);   /* frees op */

  if (!cancel_requested &&
      ((expired && aio_future_cancelled (inner)) || late_timeout))
    {
      /* The deadline's cancellation reached the await: a timeout.  When it
       * came too late to cancel the inner future, asyncio still throws it
       * into the waiting coroutine, so the outcome is lost the same way.
       */
      _aio_future_mark_retrieved (inner);
      _aio_future_complete (outer, AIO_FUTURE_FINISHED, NULL, _aio_timed_out_error_new (), NULL);
    }
  else
    _aio_future_copy_outcome (outer, inner);

  _aio_release (outer);
  _aio_release (inner);
}

gboolean
_aio_wait_for_waiter_owner (AioWaiter   *waiter,
                            AioFuture  **owner,
                            const char **via)
{
  WaitForOp *op = (WaitForOp *) waiter;

  if (waiter->func != wait_for_inner_done || op->outer == NULL)
    return FALSE;
  *owner = op->outer;
  *via = "wait_for";
  return TRUE;
}

static void
wait_for_timed_out (gpointer data)
{
  WaitForOp *op = data;

  op->expired = TRUE;
  if (!aio_future_cancel (op->inner, NULL))
    op->late_timeout = TRUE;
}

static gboolean
wait_for_cancel_hook (AioFuture  *future,
                      const char *msg,
                      gpointer    data)
{
  WaitForOp *op = data;

  op->cancel_requested = TRUE;
  /* As the awaiting task would, wait for the inner future to stop. */
  if (aio_future_cancel (op->inner, msg))
    return FALSE;
  return TRUE;   /* done but not yet seen: the cancellation wins at once */
}

/**
 * aio_wait_for:
 * @future: (transfer full): the future or task to wait for
 * @timeout: the most seconds to wait, or %AIO_TIMEOUT_NONE
 *
 * Waits for @future with a time limit, like asyncio's `wait_for()`.
 *
 * The returned future ends with the outcome of @future.  If @timeout
 * passes first, @future is cancelled, and the returned future waits until
 * @future has finished cancelling (a task may clean up, awaiting more),
 * then fails with `G_IO_ERROR_TIMED_OUT`.  If @future does not end
 * cancelled (it swallowed the cancellation and returned a value, or
 * failed), that outcome is passed on instead.  A timeout of 0 or less
 * cancels at once unless @future is already done.
 *
 * Cancelling the returned future cancels @future and, again, waits for
 * it: the returned future then ends cancelled (even if the deadline has
 * passed too), or with whatever outcome @future ends with.
 *
 * If @future is already done, or @timeout is %AIO_TIMEOUT_NONE, @future
 * itself is returned.  A pointer result with a destroy notify moves to
 * the returned future.  Called from a thread other than the loop's, the
 * returned future has failed with %AIO_ERROR_WRONG_THREAD.
 *
 * ```c
 * g_autofree char *page = aio_await_string (aio_wait_for (fetch (url), 10.0), &error);
 * if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
 *   ...
 * ```
 *
 * Returns: (transfer full): a future with the outcome of @future, or
 *   failed with `G_IO_ERROR_TIMED_OUT`
 *
 * Since: 1.0
 */
AioFuture *
aio_wait_for (AioFuture *future,
              gdouble    timeout)
{
  AioFuture *outer;
  AioLoop *loop;
  GError *error = NULL;
  WaitForOp *op;

  g_return_val_if_fail (AIO_IS_FUTURE (future), NULL);
  g_return_val_if_fail (!isnan (timeout), NULL);

  if (_aio_future_is_done (future) || _aio_timeout_is_none (timeout))
    return future;

  loop = _aio_futures_check_loop (&future, 1, "aio_wait_for", &error);
  if (loop == NULL)
    {
      outer = _aio_future_new_failed (_aio_future_priv (future)->loop, error);
      /* Not _aio_release(): it would recycle into this thread's pool. */
      g_object_unref (future);
      return outer;
    }

  outer = _aio_future_new_for_loop (loop);
  op = g_new0 (WaitForOp, 1);
  op->inner = future;
  op->outer = _aio_ref (outer);
  op->waiter.func = wait_for_inner_done;
  _aio_future_add_waiter (future, &op->waiter);
  _aio_future_set_cancel_hook (outer, wait_for_cancel_hook, op, wait_for_op_free);

  if (timeout <= 0)
    {
      op->expired = TRUE;
      aio_future_cancel (future, NULL);
    }
  else
    op->timer = _aio_loop_add_timer (loop,
                                     g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC),
                                     wait_for_timed_out, op, NULL);
  return outer;
}

const char *
_aio_wait_future_kind (AioFuture *future)
{
  AioCancelHook hook = _aio_future_priv (future)->cancel_hook;

  if (hook == wait_cancel_hook)
    return "wait";
  if (hook == wait_for_cancel_hook)
    return "wait_for";
  return NULL;
}
