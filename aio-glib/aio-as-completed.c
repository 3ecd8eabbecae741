/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-as-completed.h"
#include "aio-error.h"
#include "aio-structured-private.h"

/**
 * AioAsCompleted:
 *
 * Hands out futures in the order they complete, like asyncio's
 * `as_completed()` iterator.
 *
 * Each call to [method@Aio.AsCompleted.next] returns a future whose result
 * is the next of the watched futures to be done (an [class@Aio.Future]
 * object, done, to read with its getters), as the asynchronous iteration
 * of asyncio 3.13 yields them.  From a C coroutine:
 *
 * ```c
 * g_autoptr(AioAsCompleted) iter = aio_as_completed (futures, n, 10.0);
 *
 * while (aio_as_completed_get_n_remaining (iter) > 0)
 *   {
 *     g_autoptr(AioFuture) done = aio_await_object (aio_as_completed_next (iter), &error);
 *
 *     if (done == NULL)
 *       break;   // timed out, or this task was cancelled
 *     use (aio_future_get_int (done, NULL));
 *   }
 * ```
 *
 * When the optional timeout passes first, the futures not done yet are
 * left running, and each remaining call to [method@Aio.AsCompleted.next]
 * fails with `G_IO_ERROR_TIMED_OUT`.  Once every future has been handed
 * out, [method@Aio.AsCompleted.next] fails with
 * %AIO_ERROR_STOP_ITERATION, asyncio's `StopAsyncIteration`.
 *
 * Cancelling a future returned by [method@Aio.AsCompleted.next] (as
 * cancelling the task awaiting it does) gives up that call only: the
 * completed future it would have returned goes to the next call.  A call
 * merely dropped still takes its result, so a done callback added to it
 * runs; cancel the calls you give up on.
 *
 * ## Thread safety
 *
 * An iterator belongs to the loop of its futures: create and use it on
 * that loop's thread.
 *
 * Since: 1.0
 */

typedef struct
{
  AioWaiter       waiter;
  AioAsCompleted *iter;      /* (unowned) the iterator holds itself while watches are linked */
  AioFuture      *future;    /* (owned) */
  gboolean        linked;
} CompletionWatch;

/* A call to next() still waiting, known through its future's cancel hook. */
typedef struct
{
  AioAsCompleted *iter;      /* (unowned) */
  AioFuture      *future;    /* (owned) (nullable) until it is served */
  GList          *link;      /* in iter->getters, or NULL once served */
} Getter;

struct _AioAsCompleted
{
  GObject          parent_instance;

  AioLoop         *loop;        /* (owned) */
  CompletionWatch *watches;     /* (owned) one per distinct future */
  guint            n_watches;
  guint            n_linked;    /* futures still watched */
  guint            n_left;      /* results next() has still to hand out */
  GQueue           done;        /* (element-type AioFuture) (owned) in completion
                                 * order; a NULL item stands for the timeout */
  GQueue           getters;     /* (element-type Getter) calls waiting, oldest first */
  AioHandle       *timer;       /* (owned) (nullable) */
  GError          *misuse;      /* (owned) (nullable) why the futures cannot be watched */
};

G_DEFINE_FINAL_TYPE (AioAsCompleted, aio_as_completed, G_TYPE_OBJECT)

static void
release_future (gpointer future)
{
  if (future != NULL)
    _aio_release (future);
}

static void
aio_as_completed_finalize (GObject *object)
{
  AioAsCompleted *self = AIO_AS_COMPLETED (object);
  guint i;

  /* Watches keep the iterator alive while linked, and a waiting call
   * implies a linked watch, so nothing refers to us any more.
   */
  for (i = 0; i < self->n_watches; i++)
    _aio_release (self->watches[i].future);
  g_free (self->watches);
  g_queue_clear_full (&self->done, release_future);
  g_clear_error (&self->misuse);
  if (self->timer != NULL)
    {
      aio_handle_cancel (self->timer);
      aio_handle_unref (self->timer);
    }
  g_clear_object (&self->loop);

  G_OBJECT_CLASS (aio_as_completed_parent_class)->finalize (object);
}

static void
aio_as_completed_class_init (AioAsCompletedClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aio_as_completed_finalize;
}

static void
aio_as_completed_init (AioAsCompleted *self)
{
  g_queue_init (&self->done);
  g_queue_init (&self->getters);
}

/* Completes @future with @item (taken): a done future, or NULL for the
 * timeout.
 */
static void
hand_out (AioFuture *future,
          AioFuture *item)
{
  GValue value = G_VALUE_INIT;

  if (item == NULL)
    {
      _aio_future_complete (future, AIO_FUTURE_FINISHED, NULL, _aio_timed_out_error_new (), NULL);
      return;
    }
  g_value_init (&value, AIO_TYPE_FUTURE);
  g_value_take_object (&value, item);
  _aio_future_complete (future, AIO_FUTURE_FINISHED, &value, NULL, NULL);
}

static void
serve_getters (AioAsCompleted *self)
{
  while (self->getters.length > 0 && self->done.length > 0)
    {
      Getter *getter = g_queue_pop_head (&self->getters);
      AioFuture *future;

      getter->link = NULL;   /* served: its hook must not count it back */
      future = _aio_future_detach_hook (&getter->future);   /* frees getter */
      hand_out (future, g_queue_pop_head (&self->done));
      _aio_release (future);
    }
}

/* The last watch is gone: the iterator no longer needs to hold itself. */
static void
watching_over (AioAsCompleted *self)
{
  if (self->timer != NULL)
    {
      aio_handle_cancel (self->timer);
      g_clear_pointer (&self->timer, aio_handle_unref);
    }
  g_object_unref (self);
}

static void
watch_done (AioWaiter *waiter,
            AioFuture *future)
{
  CompletionWatch *watch = (CompletionWatch *) waiter;
  AioAsCompleted *self = watch->iter;

  watch->linked = FALSE;
  self->n_linked--;
  g_queue_push_tail (&self->done, _aio_ref (future));
  serve_getters (self);
  if (self->n_linked == 0)
    watching_over (self);
}

static void
timed_out (gpointer data)
{
  AioAsCompleted *self = data;
  guint i;

  g_clear_pointer (&self->timer, aio_handle_unref);   /* the loop holds its own */
  for (i = 0; i < self->n_watches; i++)
    {
      CompletionWatch *watch = &self->watches[i];

      if (!watch->linked)
        continue;
      _aio_future_remove_waiter (watch->future, &watch->waiter);
      watch->linked = FALSE;
      g_queue_push_tail (&self->done, NULL);
    }
  self->n_linked = 0;
  serve_getters (self);
  watching_over (self);
}

static gboolean
getter_cancel_hook (AioFuture  *future,
                    const char *msg,
                    gpointer    data)
{
  return TRUE;
}

static void
getter_free (gpointer data)
{
  Getter *getter = data;

  /* Cancelled before it was served: its result stays for the next call. */
  if (getter->link != NULL)
    {
      g_queue_delete_link (&getter->iter->getters, getter->link);
      getter->iter->n_left++;
    }
  if (getter->future != NULL)
    _aio_future_release_later (getter->future);
  g_free (getter);
}

/**
 * aio_as_completed:
 * @futures: (array length=n_futures) (transfer none): the futures or tasks
 *   to watch, all of one loop
 * @n_futures: the number of @futures
 * @timeout: the most seconds to wait for all of them, or
 *   %AIO_TIMEOUT_NONE
 *
 * Starts handing out @futures in the order they complete, like asyncio's
 * `as_completed()`.  Each future is handed out once, even if given twice.
 *
 * Futures of different loops, or a call from a thread other than the
 * loop's, make every call to [method@Aio.AsCompleted.next] fail with
 * %AIO_ERROR_INVALID_ARGUMENT or %AIO_ERROR_WRONG_THREAD.
 *
 * Returns: (transfer full): a new [class@Aio.AsCompleted]
 *
 * Since: 1.0
 */
AioAsCompleted *
aio_as_completed (AioFuture * const *futures,
                  guint              n_futures,
                  gdouble            timeout)
{
  g_autoptr(GHashTable) seen = NULL;
  AioAsCompleted *self;
  AioLoop *loop;
  GError *error = NULL;
  guint i;

  g_return_val_if_fail (futures != NULL || n_futures == 0, NULL);
  for (i = 0; i < n_futures; i++)
    g_return_val_if_fail (AIO_IS_FUTURE (futures[i]), NULL);
  g_return_val_if_fail (!isnan (timeout), NULL);

  self = g_object_new (AIO_TYPE_AS_COMPLETED, NULL);
  if (n_futures == 0)
    {
      self->loop = g_object_ref (_aio_loop_get_current ());
      return self;
    }

  loop = _aio_futures_check_loop (futures, n_futures, "aio_as_completed", &error);
  if (loop == NULL)
    {
      /* The misuse shows where the results are read: the first call to
       * next() fails with it.
       */
      self->loop = g_object_ref (_aio_future_priv (futures[0])->loop);
      self->misuse = error;
      self->n_left = 1;
      return self;
    }

  self->loop = g_object_ref (loop);
  self->watches = g_new0 (CompletionWatch, n_futures);
  seen = g_hash_table_new (NULL, NULL);
  g_object_ref (self);   /* dropped by watching_over() */
  for (i = 0; i < n_futures; i++)
    {
      CompletionWatch *watch;

      if (!g_hash_table_add (seen, futures[i]))
        continue;
      watch = &self->watches[self->n_watches++];
      watch->waiter.func = watch_done;
      watch->iter = self;
      watch->future = _aio_ref (futures[i]);
      watch->linked = TRUE;
      self->n_linked++;
    }
  self->n_left = self->n_watches;

  /* Futures already done come first, in the order given. */
  for (i = 0; i < self->n_watches; i++)
    {
      CompletionWatch *watch = &self->watches[i];

      if (!_aio_future_add_waiter (watch->future, &watch->waiter))
        {
          watch->linked = FALSE;
          self->n_linked--;
          g_queue_push_tail (&self->done, _aio_ref (watch->future));
        }
    }

  if (self->n_linked == 0)
    g_object_unref (self);
  else if (!_aio_timeout_is_none (timeout))
    self->timer = _aio_loop_add_timer (loop,
                                       g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC),
                                       timed_out, self, NULL);
  return self;
}

/**
 * aio_as_completed_next:
 * @self: an [class@Aio.AsCompleted]
 *
 * Gets the next of the watched futures to complete.
 *
 * The returned future finishes with that future (done) as its object
 * result, so its own outcome is read from it; or fails with
 * `G_IO_ERROR_TIMED_OUT` if the timeout passed before it completed, or
 * with %AIO_ERROR_STOP_ITERATION when every future has been handed out.
 * Several calls may wait at once; they are served in order.
 *
 * Returns: (transfer full): a future whose result is the next completed
 *   [class@Aio.Future]
 *
 * Since: 1.0
 */
AioFuture *
aio_as_completed_next (AioAsCompleted *self)
{
  AioFuture *future;
  Getter *getter;

  g_return_val_if_fail (AIO_IS_AS_COMPLETED (self), NULL);

  if (self->n_left == 0)
    return _aio_future_new_failed (self->loop,
                                   g_error_new_literal (AIO_ERROR, AIO_ERROR_STOP_ITERATION,
                                                        "Every future has been handed out"));
  self->n_left--;
  if (self->misuse != NULL)
    return _aio_future_new_failed (self->loop, g_error_copy (self->misuse));

  future = _aio_future_new_for_loop (self->loop);
  if (self->done.length > 0)
    {
      hand_out (future, g_queue_pop_head (&self->done));
      return future;
    }

  getter = g_new0 (Getter, 1);
  getter->iter = self;
  getter->future = _aio_ref (future);
  g_queue_push_tail (&self->getters, getter);
  getter->link = self->getters.tail;
  _aio_future_set_cancel_hook (future, getter_cancel_hook, getter, getter_free);
  return future;
}

/**
 * aio_as_completed_get_n_remaining:
 * @self: an [class@Aio.AsCompleted]
 *
 * Counts the results [method@Aio.AsCompleted.next] has still to hand out,
 * timeouts included: loop while this is not 0.
 *
 * Returns: the number of calls to [method@Aio.AsCompleted.next] left
 *
 * Since: 1.0
 */
guint
aio_as_completed_get_n_remaining (AioAsCompleted *self)
{
  g_return_val_if_fail (AIO_IS_AS_COMPLETED (self), 0);

  return self->n_left;
}
