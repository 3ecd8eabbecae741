/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "aio-enums.h"
#include "aio-error.h"
#include "aio-future-private.h"
#include "aio-task-private.h"

/**
 * AioFuture:
 *
 * The outcome of an operation that may not have finished yet, like
 * asyncio's `Future`.
 *
 * Every asynchronous operation in aio-glib returns an `AioFuture`.  It is
 * pending until someone sets a result (a [struct@GObject.Value], with typed
 * setters such as [method@Aio.Future.set_int]), an error, or cancels it;
 * then it is done for good.  C coroutines wait for it with `aio_await()`,
 * other code with [method@Aio.Future.add_done_callback] or
 * [method@Aio.Future.wait_async]; the language bindings make it awaitable
 * with each language's own syntax.
 *
 * Cancellation is an error like any other, `G_IO_ERROR_CANCELLED` in
 * `G_IO_ERROR`, so GIO code recognises it; [method@Aio.Future.cancelled]
 * tells it apart.
 *
 * Done callbacks run on the future's loop after the future is done, never
 * from inside the call that completed it, in the order they were added, as
 * asyncio schedules them with `call_soon()`.  They are the "done"
 * notification for every language: a GObject signal would cost a global
 * lock and a hash lookup on every completion, even with nobody listening.
 *
 * Misuse is reported as %AIO_ERROR_INVALID_STATE: setting the result of a
 * done future, or reading the result of a pending one.
 *
 * ## Thread safety
 *
 * A future belongs to the loop it was created for.  Setting its result or
 * error, cancelling it and adding done callbacks are safe from any thread:
 * from another thread, the work is handed to the loop's thread, which is
 * woken up, and the callbacks still run there.  A result set from another
 * thread takes effect when the loop gets to it; if the future was done by
 * then, the late result is dropped with a critical warning.  Reading the
 * state and the result is safe from any thread once the future is done.
 *
 * Since: 1.0
 */

gint _aio_future_private_offset;
GType _aio_future_type;
gboolean _aio_recycling = TRUE;

G_DEFINE_TYPE_WITH_PRIVATE (AioFuture, aio_future, G_TYPE_OBJECT)



GError *
_aio_cancelled_error_new (const char *msg)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                              msg != NULL ? msg : "Operation was cancelled");
}

static void
clear_value (AioFuturePrivate *priv)
{
  if (priv->value.g_type == G_TYPE_POINTER && priv->pointer_destroy != NULL)
    {
      gpointer pointer = priv->value.data[0].v_pointer;

      if (pointer != NULL)
        priv->pointer_destroy (pointer);
    }
  priv->pointer_destroy = NULL;
  _aio_value_clear (&priv->value);
}

static void
clear_cancel_hook (AioFuturePrivate *priv)
{
  GDestroyNotify destroy = priv->cancel_hook_destroy;
  gpointer data = priv->cancel_hook_data;

  priv->cancel_hook = NULL;
  priv->cancel_hook_data = NULL;
  priv->cancel_hook_destroy = NULL;
  if (destroy != NULL)
    destroy (data);
}

/* The asyncio "exception was never retrieved" report. */
static void
report_unretrieved (AioFuture *self)
{
  AioFuturePrivate *priv = _aio_future_priv (self);

  if (priv->error == NULL || priv->error_retrieved ||
      g_atomic_int_get (&priv->state) != AIO_FUTURE_FINISHED)
    return;

  if (priv->is_task)
    g_warning ("Task '%s' failed and nobody retrieved its error: %s",
               aio_task_get_name (AIO_TASK (self)), priv->error->message);
  else
    g_warning ("A future failed and nobody retrieved its error: %s",
               priv->error->message);
}

void
_aio_future_disarm (AioFuture *future)
{
  AioFuturePrivate *priv = _aio_future_priv (future);

  /* Only a hook set after completion can be here; readers on other
   * threads leave it to the loop's thread.
   */
  if (_aio_future_is_done (future) && _aio_loop_is_owner (priv->loop))
    clear_cancel_hook (priv);
}

static void
free_waiters (AioFuturePrivate *priv)
{
  /* Only done-callback records can be left here: every other waiter (a
   * task, run_until_complete(), a combinator) holds a reference to the
   * future while it is linked.
   */
  AioWaiter *waiter = priv->waiters;

  priv->waiters = priv->waiters_tail = NULL;
  while (waiter != NULL)
    {
      AioWaiter *next = waiter->next;

      _aio_future_free_callback_record (waiter);
      waiter = next;
    }
}

static void
aio_future_finalize (GObject *object)
{
  AioFuture *self = AIO_FUTURE (object);
  AioFuturePrivate *priv = _aio_future_priv (self);

  report_unretrieved (self);
  free_waiters (priv);
  clear_value (priv);
  g_clear_error (&priv->error);
  clear_cancel_hook (priv);
  g_clear_object (&priv->loop);

  G_OBJECT_CLASS (aio_future_parent_class)->finalize (object);
}

static gboolean aio_future_real_cancel (AioFuture  *self,
                                        const char *msg);

static void
aio_future_class_init (AioFutureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  const char *debug = g_getenv ("AIO_DEBUG");

  _aio_future_private_offset = AioFuture_private_offset;
  _aio_future_type = G_TYPE_FROM_CLASS (klass);
  /* AIO_DEBUG=no-recycle makes every future and task a fresh object, which
   * helps valgrind pin a use after free on the right allocation.
   */
  _aio_recycling = debug == NULL || strstr (debug, "no-recycle") == NULL;

  object_class->finalize = aio_future_finalize;
  klass->cancel = aio_future_real_cancel;
}

/* _aio_ts.constructing_loop is the loop for an instance our own code
 * builds; futures made with g_object_new() elsewhere (by a language
 * binding) take the running or thread-default loop.
 */
static void
aio_future_init (AioFuture *self)
{
  AioFuturePrivate *priv = _aio_future_priv (self);
  AioLoop *loop = _aio_ts.constructing_loop;

  priv->state = AIO_FUTURE_PENDING;
  priv->loop = g_object_ref (loop != NULL ? loop : _aio_loop_get_current ());
}

gpointer
_aio_future_construct (GType    type,
                       AioLoop *loop)
{
  gpointer instance;

  _aio_ts.constructing_loop = loop;
  instance = g_object_new (type, NULL);
  _aio_ts.constructing_loop = NULL;
  return instance;
}

void
_aio_future_set_loop (AioFuture *future,
                      AioLoop   *loop)
{
  AioFuturePrivate *priv = _aio_future_priv (future);

  if (priv->loop != loop)
    {
      g_clear_object (&priv->loop);
      priv->loop = g_object_ref (loop);
    }
}

AioFuture *
_aio_future_new_for_loop (AioLoop *loop)
{
  AioThreadState *ts = &_aio_ts;
  AioFuture *future;
  AioFuturePrivate *priv;

  if (G_LIKELY (ts->future_pool != NULL))
    {
      future = ts->future_pool;
      priv = _aio_future_priv (future);
      ts->future_pool = priv->pool_next;
      ts->n_future_pool--;
      ts->pools_taken++;
      priv->pool_next = NULL;
      _aio_future_set_loop (future, loop);
      return future;
    }

  return _aio_future_construct (AIO_TYPE_FUTURE, loop);
}

void
_aio_future_reset (AioFuture *future)
{
  AioFuturePrivate *priv = _aio_future_priv (future);

  if (priv->error != NULL)
    {
      report_unretrieved (future);
      g_clear_error (&priv->error);
    }
  if (priv->waiters != NULL)
    free_waiters (priv);
  if (priv->value.g_type != G_TYPE_INVALID)
    clear_value (priv);
  if (priv->cancel_hook != NULL)
    clear_cancel_hook (priv);
  priv->error_retrieved = FALSE;
  priv->state = AIO_FUTURE_PENDING;
}

void
_aio_release (AioFuture *future)
{
  if (G_OBJECT_TYPE (future) == _aio_future_type)
    _aio_future_release (future);
  else if (G_OBJECT_TYPE (future) == _aio_task_type)
    _aio_task_release ((AioTask *) future);
  else
    _aio_unref_not_last (future);
}

/* Pooled futures and tasks hold a reference to their loop; without this,
 * a thread's loop and its pools would outlive the thread.
 */
static void
free_thread_pools (gpointer data)
{
  AioThreadState *ts = data;

  ts->pools_hooked = FALSE;
  while (ts->future_pool != NULL)
    {
      AioFuture *future = ts->future_pool;

      ts->future_pool = _aio_future_priv (future)->pool_next;
      ts->n_future_pool--;
      g_object_unref (future);
    }
  while (ts->task_pool != NULL)
    {
      AioTask *task = ts->task_pool;

      ts->task_pool = task->pool_next;
      ts->n_task_pool--;
      g_object_unref (task);
    }
}

static GPrivate pools_exit_hook = G_PRIVATE_INIT (free_thread_pools);

static void
shrink_pools (AioThreadState *ts,
              guint           keep)
{
  while (ts->n_future_pool > keep)
    {
      AioFuture *future = ts->future_pool;

      ts->future_pool = _aio_future_priv (future)->pool_next;
      ts->n_future_pool--;
      g_object_unref (future);
    }
  while (ts->n_task_pool > keep)
    {
      AioTask *task = ts->task_pool;

      ts->task_pool = task->pool_next;
      ts->n_task_pool--;
      g_object_unref (task);
    }
}

static void arm_pool_trim (AioLoop *loop);

static void
pool_trim_due (gpointer data)
{
  AioThreadState *ts = &_aio_ts;
  AioLoop *loop = data;

  ts->pools_trim_armed = FALSE;
  if (ts->pools_taken == 0)
    shrink_pools (ts, AIO_POOL_KEEP);
  else if (ts->n_future_pool > AIO_POOL_KEEP || ts->n_task_pool > AIO_POOL_KEEP)
    arm_pool_trim (loop);   /* still in use: look again later */
}

static void
arm_pool_trim (AioLoop *loop)
{
  AioThreadState *ts = &_aio_ts;

  ts->pools_trim_armed = TRUE;
  ts->pools_taken = 0;
  aio_handle_unref (_aio_loop_add_timer (loop, g_get_monotonic_time () + AIO_POOL_TRIM_DELAY_US,
                                         pool_trim_due, g_object_ref (loop), g_object_unref));
}

void
_aio_pools_grew (AioLoop *loop)
{
  /* The timer must fire on this thread: the pools are thread-local. */
  if (loop->source != NULL && _aio_loop_is_owner (loop))
    arm_pool_trim (loop);
}

void
_aio_thread_hook_pools (AioThreadState *ts)
{
  ts->pools_hooked = TRUE;
  g_private_set (&pools_exit_hook, ts);
}

void
_aio_future_release (AioFuture *future)
{
  GObject *object = (GObject *) future;
  AioThreadState *ts = &_aio_ts;
  AioFuturePrivate *priv;

  if (G_OBJECT_TYPE (object) != _aio_future_type ||
      g_atomic_int_get (&object->ref_count) != 1 ||
      object->qdata != NULL ||
      ts->n_future_pool >= AIO_POOL_MAX ||
      !_aio_recycling)
    {
      _aio_unref_not_last (object);
      return;
    }

  /* A plain future has no signals of its own and no properties, so the
   * only handler anyone could have left on it is a "notify" one that can
   * never fire; g_signal_handlers_destroy() would cost a global lock per
   * future to clear it.  Such a handler goes when the pooled instance is
   * finally freed.
   */
  priv = _aio_future_priv (future);
  _aio_future_reset (future);

  priv->pool_next = ts->future_pool;
  ts->future_pool = future;
  ts->n_future_pool++;
  if (G_UNLIKELY (!ts->pools_hooked))
    _aio_thread_hook_pools (ts);
  if (G_UNLIKELY (ts->n_future_pool > AIO_POOL_KEEP && !ts->pools_trim_armed))
    _aio_pools_grew (priv->loop);
}

/**
 * aio_future_new:
 *
 * Creates a pending future on the running loop, or, outside of one, on the
 * loop of the thread-default main context.
 *
 * Returns: (transfer full): a new [class@Aio.Future]
 *
 * Since: 1.0
 */
AioFuture *
aio_future_new (void)
{
  return _aio_future_new_for_loop (_aio_loop_get_current ());
}

void
_aio_future_mark_task (AioFuture *future)
{
  _aio_future_priv (future)->is_task = TRUE;
}

/**
 * aio_future_get_loop:
 * @self: an [class@Aio.Future]
 *
 * Gets the loop @self belongs to: its callbacks run there.
 *
 * Returns: (transfer none): the loop of @self
 *
 * Since: 1.0
 */
AioLoop *
aio_future_get_loop (AioFuture *self)
{
  g_return_val_if_fail (AIO_IS_FUTURE (self), NULL);

  return _aio_future_priv (self)->loop;
}

/**
 * aio_future_get_state:
 * @self: an [class@Aio.Future]
 *
 * Gets the state of @self.
 *
 * Returns: the state
 *
 * Since: 1.0
 */
AioFutureState
aio_future_get_state (AioFuture *self)
{
  gint state;

  g_return_val_if_fail (AIO_IS_FUTURE (self), AIO_FUTURE_PENDING);

  state = g_atomic_int_get (&_aio_future_priv (self)->state);
  return (AioFutureState) state;
}

/**
 * aio_future_done:
 * @self: an [class@Aio.Future]
 *
 * Whether @self has a result, an error, or was cancelled.
 *
 * Returns: %TRUE if @self is done
 *
 * Since: 1.0
 */
gboolean
aio_future_done (AioFuture *self)
{
  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);

  return _aio_future_is_done (self);
}

/**
 * aio_future_cancelled:
 * @self: an [class@Aio.Future]
 *
 * Whether @self was cancelled.
 *
 * Returns: %TRUE if @self is done and was cancelled
 *
 * Since: 1.0
 */
gboolean
aio_future_cancelled (AioFuture *self)
{
  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);

  return g_atomic_int_get (&_aio_future_priv (self)->state) == AIO_FUTURE_CANCELLED;
}

static void
run_callbacks (gpointer data)
{
  AioFuture *self = data;
  AioFuturePrivate *priv = _aio_future_priv (self);
  AioWaiter *waiter;
  guint n = 0;

  while ((waiter = priv->waiters) != NULL)
    {
      /* A future with a crowd of waiters (a gate for a million tasks) must
       * not hold the dispatch past its budget: the rest waits its turn.
       */
      if (G_UNLIKELY (++n % 256 == 0) &&
          g_get_monotonic_time () >= priv->loop->dispatch_deadline)
        {
          _aio_loop_push_ready (priv->loop, run_callbacks, self);
          priv->loop->budget_spent = TRUE;
          return;
        }

      priv->waiters = waiter->next;
      if (priv->waiters != NULL)
        priv->waiters->prev = NULL;
      else
        priv->waiters_tail = NULL;
      waiter->prev = waiter->next = NULL;
      waiter->func (waiter, self);
    }

  _aio_future_release (self);
}

/* Loop thread only: the future is pending and now gets its outcome. */
static void
finish_completion (AioFuture *self,
                   gint       state)
{
  AioFuturePrivate *priv = _aio_future_priv (self);
  AioWaiter *waiter = priv->waiters;

  /* Release order publishes the value to threads that read the state. */
  __atomic_store_n (&priv->state, state, __ATOMIC_RELEASE);
  if (priv->cancel_hook != NULL)
    clear_cancel_hook (priv);

  if (waiter == NULL)
    return;

  /* A lone waiter that can be woken straight from the ring (a task) holds
   * its own reference to the future: no batch, no reference to take.
   */
  if (waiter->next == NULL && waiter->ready_func != NULL)
    {
      priv->waiters = priv->waiters_tail = NULL;
      waiter->prev = waiter->next = NULL;
      _aio_loop_push_ready (priv->loop, waiter->ready_func, waiter->ready_data);
      return;
    }

  _aio_loop_push_ready (priv->loop, run_callbacks, _aio_ref (self));
}

/* An outcome handed over from another thread. */
typedef struct
{
  AioFuture      *future;           /* (owned) */
  gint            state;
  GValue          value;
  GDestroyNotify  pointer_destroy;  /* frees a G_TYPE_POINTER value */
  GError         *failure;          /* (owned) (nullable) */
} Completion;

/* A result that never reached its future still owns its pointer. */
static void
completion_drop_value (Completion *completion)
{
  if (completion->value.g_type == G_TYPE_POINTER && completion->pointer_destroy != NULL &&
      completion->value.data[0].v_pointer != NULL)
    completion->pointer_destroy (completion->value.data[0].v_pointer);
  _aio_value_clear (&completion->value);
}

static void
complete_on_loop (gpointer data)
{
  Completion *completion = data;
  AioFuture *future = completion->future;
  AioFuturePrivate *priv = _aio_future_priv (future);

  if (g_atomic_int_get (&priv->state) == AIO_FUTURE_PENDING)
    {
      priv->value = completion->value;
      priv->pointer_destroy = completion->pointer_destroy;
      priv->error = completion->failure;
      finish_completion (future, completion->state);
    }
  else
    {
      g_critical ("A result was set on a future from another thread after the future was done; "
                  "the late result is dropped");
      completion_drop_value (completion);
      g_clear_error (&completion->failure);
    }
  g_object_unref (future);
  g_free (completion);
}

/* Hands an outcome to the loop's thread; takes @value and @failure. */
static void
post_completion (AioFuture      *future,
                 gint            state,
                 GValue         *value,
                 GDestroyNotify  pointer_destroy,
                 GError         *failure)
{
  Completion *completion = g_new0 (Completion, 1);

  completion->future = g_object_ref (future);
  completion->state = state;
  if (value != NULL)
    {
      completion->value = *value;
      memset (value, 0, sizeof *value);
    }
  completion->pointer_destroy = pointer_destroy;
  completion->failure = failure;
  _aio_loop_post_threadsafe (_aio_future_priv (future)->loop, complete_on_loop, completion);
}

gboolean
_aio_future_complete (AioFuture       *future,
                      AioFutureState   state,
                      GValue          *value,
                      GError          *failure,
                      GError         **error)
{
  AioFuturePrivate *priv = _aio_future_priv (future);

  if (g_atomic_int_get (&priv->state) != AIO_FUTURE_PENDING)
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_INVALID_STATE,
                           "The future is already done; a result can only be set once");
      if (value != NULL)
        _aio_value_clear (value);
      g_clear_error (&failure);
      return FALSE;
    }

  /* Only the loop's thread writes a future's state, so this needs no
   * atomic read-modify-write; other threads hand the outcome over.
   */
  if (G_UNLIKELY (!_aio_loop_is_owner (priv->loop)))
    {
      post_completion (future, state, value, NULL, failure);
      return TRUE;
    }

  if (value != NULL && value->g_type != G_TYPE_INVALID)
    {
      priv->value = *value;   /* moved: the caller's GValue is now empty */
      memset (value, 0, sizeof *value);
    }
  priv->error = failure;
  finish_completion (future, state);
  return TRUE;
}

gboolean
_aio_future_cancel_now (AioFuture  *future,
                        const char *msg)
{
  return _aio_future_complete (future, AIO_FUTURE_CANCELLED, NULL,
                               _aio_cancelled_error_new (msg), NULL);
}

typedef struct
{
  AioFuture *future;
  char      *msg;
} CancelRequest;

static void
cancel_on_loop (gpointer data)
{
  CancelRequest *request = data;

  aio_future_cancel (request->future, request->msg);
  g_object_unref (request->future);
  g_free (request->msg);
  g_free (request);
}

static gboolean
aio_future_real_cancel (AioFuture  *self,
                        const char *msg)
{
  AioFuturePrivate *priv = _aio_future_priv (self);

  if (g_atomic_int_get (&priv->state) != AIO_FUTURE_PENDING)
    {
      /* Completion clears the hook, so one found here was set after: a
       * lock or queue handing something over through this future wants
       * to hear that its awaiter was cancelled before it could resume.
       */
      if (G_UNLIKELY (priv->cancel_hook != NULL) && _aio_loop_is_owner (priv->loop))
        {
          priv->cancel_hook (self, msg, priv->cancel_hook_data);
          clear_cancel_hook (priv);
        }
      return FALSE;
    }

  if (!_aio_loop_is_owner (priv->loop))
    {
      CancelRequest *request = g_new (CancelRequest, 1);

      request->future = g_object_ref (self);
      request->msg = g_strdup (msg);
      _aio_loop_post_threadsafe (priv->loop, cancel_on_loop, request);
      return TRUE;
    }

  if (priv->cancel_hook != NULL &&
      !priv->cancel_hook (self, msg, priv->cancel_hook_data))
    return TRUE;   /* the operation completes the future when it stops */

  return _aio_future_cancel_now (self, msg);
}

/**
 * aio_future_cancel:
 * @self: an [class@Aio.Future]
 * @msg: (nullable): a message for the cancellation error
 *
 * Cancels @self, like asyncio's `Future.cancel()`: if it is pending, it
 * becomes cancelled, its done callbacks are scheduled, and whoever awaits
 * it gets `G_IO_ERROR_CANCELLED` with @msg as the message.
 *
 * A future that stands for a running operation may finish the cancellation
 * later: a [class@Aio.Task] delivers it at its current await, and a GIO
 * call cancels its [class@Gio.Cancellable] and waits for GIO to call back.
 *
 * Returns: %TRUE if @self was pending and the cancellation was requested,
 *   %FALSE if it was already done
 *
 * Since: 1.0
 */
gboolean
aio_future_cancel (AioFuture  *self,
                   const char *msg)
{
  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);

  return AIO_FUTURE_GET_CLASS (self)->cancel (self, msg);
}

void
_aio_future_set_cancel_hook (AioFuture      *future,
                             AioCancelHook   hook,
                             gpointer        data,
                             GDestroyNotify  destroy)
{
  AioFuturePrivate *priv = _aio_future_priv (future);

  clear_cancel_hook (priv);
  priv->cancel_hook = hook;
  priv->cancel_hook_data = data;
  priv->cancel_hook_destroy = destroy;
}

gboolean
_aio_future_add_waiter (AioFuture *future,
                        AioWaiter *waiter)
{
  AioFuturePrivate *priv = _aio_future_priv (future);

  if (_aio_future_is_done (future))
    return FALSE;

  waiter->next = NULL;
  waiter->prev = priv->waiters_tail;
  if (priv->waiters_tail != NULL)
    priv->waiters_tail->next = waiter;
  else
    priv->waiters = waiter;
  priv->waiters_tail = waiter;
  return TRUE;
}

void
_aio_future_remove_waiter (AioFuture *future,
                           AioWaiter *waiter)
{
  AioFuturePrivate *priv;

  if (future == NULL)
    return;   /* finalize walks the list itself */

  priv = _aio_future_priv (future);
  if (waiter->prev == NULL && priv->waiters != waiter)
    return;   /* not linked: already called or never added */

  if (waiter->prev != NULL)
    waiter->prev->next = waiter->next;
  else
    priv->waiters = waiter->next;
  if (waiter->next != NULL)
    waiter->next->prev = waiter->prev;
  else
    priv->waiters_tail = waiter->prev;
  waiter->prev = waiter->next = NULL;
}

static gboolean
set_result (AioFuture  *self,
            GValue     *value,
            GError    **error)
{
  if (G_UNLIKELY (_aio_future_priv (self)->is_task))
    {
      if (value != NULL)
        _aio_value_clear (value);
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_INVALID_STATE,
                           "A task is done when its body returns; set its result with aio_task_return_*()");
      return FALSE;
    }
  return _aio_future_complete (self, AIO_FUTURE_FINISHED, value, NULL, error);
}

/**
 * aio_future_set_value:
 * @self: an [class@Aio.Future]
 * @value: (nullable): the result, copied; %NULL for a result with no value
 * @error: return location for %AIO_ERROR_INVALID_STATE if @self is done
 *
 * Sets the result of @self, like asyncio's `Future.set_result()`.
 *
 * Returns: %TRUE if the result was set
 *
 * Since: 1.0
 */
gboolean
aio_future_set_value (AioFuture     *self,
                      const GValue  *value,
                      GError       **error)
{
  GValue copy = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);
  g_return_val_if_fail (value == NULL || G_IS_VALUE (value), FALSE);

  if (value != NULL)
    {
      g_value_init (&copy, G_VALUE_TYPE (value));
      g_value_copy (value, &copy);
    }
  return set_result (self, &copy, error);
}

/**
 * aio_future_set_boolean:
 * @self: an [class@Aio.Future]
 * @value: the result
 * @error: return location for %AIO_ERROR_INVALID_STATE if @self is done
 *
 * Sets a boolean result.
 *
 * Returns: %TRUE if the result was set
 *
 * Since: 1.0
 */
gboolean
aio_future_set_boolean (AioFuture  *self,
                        gboolean    value,
                        GError    **error)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);

  _aio_value_set_boolean (&v, value);
  return set_result (self, &v, error);
}

/**
 * aio_future_set_int:
 * @self: an [class@Aio.Future]
 * @value: the result
 * @error: return location for %AIO_ERROR_INVALID_STATE if @self is done
 *
 * Sets an integer result.
 *
 * Returns: %TRUE if the result was set
 *
 * Since: 1.0
 */
gboolean
aio_future_set_int (AioFuture  *self,
                    gint        value,
                    GError    **error)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);

  _aio_value_set_int (&v, value);
  return set_result (self, &v, error);
}

/**
 * aio_future_set_int64:
 * @self: an [class@Aio.Future]
 * @value: the result
 * @error: return location for %AIO_ERROR_INVALID_STATE if @self is done
 *
 * Sets a 64-bit integer result.
 *
 * Returns: %TRUE if the result was set
 *
 * Since: 1.0
 */
gboolean
aio_future_set_int64 (AioFuture  *self,
                      gint64      value,
                      GError    **error)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);

  _aio_value_set_int64 (&v, value);
  return set_result (self, &v, error);
}

/**
 * aio_future_set_uint64:
 * @self: an [class@Aio.Future]
 * @value: the result
 * @error: return location for %AIO_ERROR_INVALID_STATE if @self is done
 *
 * Sets an unsigned 64-bit integer result.
 *
 * Returns: %TRUE if the result was set
 *
 * Since: 1.0
 */
gboolean
aio_future_set_uint64 (AioFuture  *self,
                       guint64     value,
                       GError    **error)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);

  _aio_value_set_uint64 (&v, value);
  return set_result (self, &v, error);
}

/**
 * aio_future_set_double:
 * @self: an [class@Aio.Future]
 * @value: the result
 * @error: return location for %AIO_ERROR_INVALID_STATE if @self is done
 *
 * Sets a floating point result.
 *
 * Returns: %TRUE if the result was set
 *
 * Since: 1.0
 */
gboolean
aio_future_set_double (AioFuture  *self,
                       gdouble     value,
                       GError    **error)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);

  _aio_value_set_double (&v, value);
  return set_result (self, &v, error);
}

/**
 * aio_future_set_string:
 * @self: an [class@Aio.Future]
 * @value: (nullable): the result, copied
 * @error: return location for %AIO_ERROR_INVALID_STATE if @self is done
 *
 * Sets a string result.
 *
 * Returns: %TRUE if the result was set
 *
 * Since: 1.0
 */
gboolean
aio_future_set_string (AioFuture   *self,
                       const char  *value,
                       GError     **error)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);

  g_value_init (&v, G_TYPE_STRING);
  g_value_set_string (&v, value);
  return set_result (self, &v, error);
}

/**
 * aio_future_set_object:
 * @self: an [class@Aio.Future]
 * @value: (type GObject) (nullable): the result; a reference is taken
 * @error: return location for %AIO_ERROR_INVALID_STATE if @self is done
 *
 * Sets an object result.
 *
 * Returns: %TRUE if the result was set
 *
 * Since: 1.0
 */
gboolean
aio_future_set_object (AioFuture  *self,
                       gpointer    value,
                       GError    **error)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);
  g_return_val_if_fail (value == NULL || G_IS_OBJECT (value), FALSE);

  g_value_init (&v, value != NULL ? G_OBJECT_TYPE (value) : G_TYPE_OBJECT);
  g_value_set_object (&v, value);
  return set_result (self, &v, error);
}

/**
 * aio_future_set_boxed:
 * @self: an [class@Aio.Future]
 * @boxed_type: the boxed [alias@GObject.Type] of @value
 * @value: (nullable): the result, copied with the type's copy function
 * @error: return location for %AIO_ERROR_INVALID_STATE if @self is done
 *
 * Sets a boxed result.
 *
 * Returns: %TRUE if the result was set
 *
 * Since: 1.0
 */
gboolean
aio_future_set_boxed (AioFuture      *self,
                      GType           boxed_type,
                      gconstpointer   value,
                      GError        **error)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);
  g_return_val_if_fail (G_TYPE_IS_BOXED (boxed_type), FALSE);

  g_value_init (&v, boxed_type);
  g_value_set_boxed (&v, value);
  return set_result (self, &v, error);
}

/**
 * aio_future_set_pointer:
 * @self: an [class@Aio.Future]
 * @value: (nullable): the result
 * @destroy: (nullable): frees @value when the future is finalized
 * @error: return location for %AIO_ERROR_INVALID_STATE if @self is done
 *
 * Sets a pointer result.  When @destroy is given, the future owns @value;
 * if the result cannot be set, @value is freed with @destroy at once.
 *
 * Returns: %TRUE if the result was set
 *
 * Since: 1.0
 */
gboolean
aio_future_set_pointer (AioFuture       *self,
                        gpointer         value,
                        GDestroyNotify   destroy,
                        GError         **error)
{
  AioFuturePrivate *priv;
  GValue v = G_VALUE_INIT;
  gboolean ok;

  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);

  priv = _aio_future_priv (self);
  _aio_value_set_pointer (&v, value);

  /* From another thread the destroy notify travels with the value: once
   * it is posted, the loop may complete, hand out and even recycle the
   * future, so this thread must not write to it afterwards.
   */
  if (G_UNLIKELY (!_aio_loop_is_owner (priv->loop)) && !priv->is_task &&
      g_atomic_int_get (&priv->state) == AIO_FUTURE_PENDING)
    {
      post_completion (self, AIO_FUTURE_FINISHED, &v, destroy, NULL);
      return TRUE;
    }

  ok = set_result (self, &v, error);
  if (ok)
    _aio_future_priv (self)->pointer_destroy = destroy;
  else if (destroy != NULL && value != NULL)
    destroy (value);
  return ok;
}

/**
 * aio_future_set_error:
 * @self: an [class@Aio.Future]
 * @failure: the error @self fails with, copied
 * @error: return location for %AIO_ERROR_INVALID_STATE if @self is done
 *
 * Makes @self fail with @failure, like asyncio's
 * `Future.set_exception()`.
 *
 * Returns: %TRUE if the error was set
 *
 * Since: 1.0
 */
gboolean
aio_future_set_error (AioFuture     *self,
                      const GError  *failure,
                      GError       **error)
{
  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);
  g_return_val_if_fail (failure != NULL, FALSE);

  return aio_future_take_error (self, g_error_copy (failure), error);
}

/**
 * aio_future_take_error:
 * @self: an [class@Aio.Future]
 * @failure: (transfer full): the error @self fails with
 * @error: return location for %AIO_ERROR_INVALID_STATE if @self is done
 *
 * Like [method@Aio.Future.set_error], but takes ownership of @failure.
 *
 * Returns: %TRUE if the error was set
 *
 * Since: 1.0
 */
gboolean
aio_future_take_error (AioFuture  *self,
                       GError     *failure,
                       GError    **error)
{
  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);
  g_return_val_if_fail (failure != NULL, FALSE);

  if (G_UNLIKELY (_aio_future_priv (self)->is_task))
    {
      g_error_free (failure);
      return set_result (self, NULL, error);
    }
  return _aio_future_complete (self, AIO_FUTURE_FINISHED, NULL, failure, error);
}

/**
 * aio_future_propagate:
 * @self: an [class@Aio.Future]
 * @error: return location for the error @self failed with
 *
 * Checks the outcome of @self, like calling asyncio's `Future.result()`
 * for its exception: %TRUE if it finished with a result; otherwise @error
 * is its error, `G_IO_ERROR_CANCELLED` if it was cancelled, or
 * %AIO_ERROR_INVALID_STATE if it is still pending.
 *
 * Returns: %TRUE if @self finished with a result
 *
 * Since: 1.0
 */
gboolean
aio_future_propagate (AioFuture  *self,
                      GError    **error)
{
  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);

  return _aio_future_propagate (self, error);
}

gboolean
_aio_future_propagate_slow (AioFuture  *self,
                            GError    **error)
{
  AioFuturePrivate *priv = _aio_future_priv (self);

  if (!_aio_future_is_done (self))
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_INVALID_STATE,
                           "The future is still pending; await it or wait until it is done");
      return FALSE;
    }
  _aio_future_consumed (self, priv);
  if (priv->error != NULL)
    {
      g_propagate_error (error, g_error_copy (priv->error));
      return FALSE;
    }
  return TRUE;
}

static const GValue *
checked_value (AioFuture   *self,
               GType        type,
               GError     **error)
{
  AioFuturePrivate *priv = _aio_future_priv (self);

  if (!_aio_future_propagate (self, error))
    return NULL;
  if (!G_VALUE_HOLDS (&priv->value, type))
    {
      g_set_error (error, AIO_ERROR, AIO_ERROR_TYPE_MISMATCH,
                   "The result is %s, not %s",
                   G_IS_VALUE (&priv->value) ? G_VALUE_TYPE_NAME (&priv->value) : "empty",
                   g_type_name (type));
      return NULL;
    }
  return &priv->value;
}

/**
 * aio_future_get_value_type:
 * @self: an [class@Aio.Future]
 *
 * Gets the type of the result of @self.
 *
 * Returns: the type of the result, or %G_TYPE_INVALID if @self is not
 *   finished or has no value
 *
 * Since: 1.0
 */
GType
aio_future_get_value_type (AioFuture *self)
{
  AioFuturePrivate *priv;

  g_return_val_if_fail (AIO_IS_FUTURE (self), G_TYPE_INVALID);

  priv = _aio_future_priv (self);
  if (g_atomic_int_get (&priv->state) != AIO_FUTURE_FINISHED || !G_IS_VALUE (&priv->value))
    return G_TYPE_INVALID;
  return G_VALUE_TYPE (&priv->value);
}

/**
 * aio_future_get_value:
 * @self: an [class@Aio.Future]
 * @value: (out caller-allocates): an unset [struct@GObject.Value] to fill
 *   with a copy of the result; left unset for a result with no value
 * @error: return location for the error @self failed with
 *
 * Gets the result of @self, like asyncio's `Future.result()`.
 *
 * Returns: %TRUE if @self finished with a result
 *
 * Since: 1.0
 */
gboolean
aio_future_get_value (AioFuture  *self,
                      GValue     *value,
                      GError    **error)
{
  AioFuturePrivate *priv;

  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);
  g_return_val_if_fail (value != NULL && !G_IS_VALUE (value), FALSE);

  if (!_aio_future_propagate (self, error))
    return FALSE;
  priv = _aio_future_priv (self);
  if (G_IS_VALUE (&priv->value))
    {
      g_value_init (value, G_VALUE_TYPE (&priv->value));
      g_value_copy (&priv->value, value);
    }
  return TRUE;
}

void
_aio_future_take_value (AioFuture *future,
                        GValue    *value)
{
  AioFuturePrivate *priv = _aio_future_priv (future);

  _aio_future_consumed (future, priv);
  if (priv->value.g_type == G_TYPE_INVALID)
    return;
  if (g_atomic_int_get (&((GObject *) future)->ref_count) == 1 &&
      priv->value.g_type != G_TYPE_POINTER)
    {
      *value = priv->value;
      memset (&priv->value, 0, sizeof priv->value);
      return;
    }
  g_value_init (value, G_VALUE_TYPE (&priv->value));
  g_value_copy (&priv->value, value);
}

/**
 * aio_future_get_boolean:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets a boolean result.  Fails with the future's own error, with
 * %AIO_ERROR_INVALID_STATE if it is pending, or with
 * %AIO_ERROR_TYPE_MISMATCH if the result is of another type.
 *
 * Returns: the result, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
aio_future_get_boolean (AioFuture  *self,
                        GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), FALSE);

  v = checked_value (self, G_TYPE_BOOLEAN, error);
  return v != NULL ? v->data[0].v_int : FALSE;
}

/**
 * aio_future_get_int:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets an integer result; fails like [method@Aio.Future.get_boolean].
 *
 * Returns: the result, or 0 with @error set
 *
 * Since: 1.0
 */
gint
aio_future_get_int (AioFuture  *self,
                    GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), 0);

  v = checked_value (self, G_TYPE_INT, error);
  return v != NULL ? v->data[0].v_int : 0;
}

/**
 * aio_future_get_int64:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets a 64-bit integer result; fails like [method@Aio.Future.get_boolean].
 *
 * Returns: the result, or 0 with @error set
 *
 * Since: 1.0
 */
gint64
aio_future_get_int64 (AioFuture  *self,
                      GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), 0);

  v = checked_value (self, G_TYPE_INT64, error);
  return v != NULL ? v->data[0].v_int64 : 0;
}

/**
 * aio_future_get_uint64:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets an unsigned 64-bit integer result; fails like
 * [method@Aio.Future.get_boolean].
 *
 * Returns: the result, or 0 with @error set
 *
 * Since: 1.0
 */
guint64
aio_future_get_uint64 (AioFuture  *self,
                       GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), 0);

  v = checked_value (self, G_TYPE_UINT64, error);
  return v != NULL ? v->data[0].v_uint64 : 0;
}

/**
 * aio_future_get_double:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets a floating point result; fails like [method@Aio.Future.get_boolean].
 *
 * Returns: the result, or 0 with @error set
 *
 * Since: 1.0
 */
gdouble
aio_future_get_double (AioFuture  *self,
                       GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), 0.0);

  v = checked_value (self, G_TYPE_DOUBLE, error);
  return v != NULL ? v->data[0].v_double : 0.0;
}

/**
 * aio_future_get_string:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets a string result; fails like [method@Aio.Future.get_boolean].
 *
 * Returns: (transfer none) (nullable): the result, valid as long as @self,
 *   or %NULL with @error set
 *
 * Since: 1.0
 */
const char *
aio_future_get_string (AioFuture  *self,
                       GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), NULL);

  v = checked_value (self, G_TYPE_STRING, error);
  return v != NULL ? g_value_get_string (v) : NULL;
}

/**
 * aio_future_dup_string:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets a copy of a string result; fails like
 * [method@Aio.Future.get_boolean].
 *
 * Returns: (transfer full) (nullable): the result, or %NULL with @error set
 *
 * Since: 1.0
 */
char *
aio_future_dup_string (AioFuture  *self,
                       GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), NULL);

  v = checked_value (self, G_TYPE_STRING, error);
  return v != NULL ? g_value_dup_string (v) : NULL;
}

/**
 * aio_future_get_object:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets an object result; fails like [method@Aio.Future.get_boolean].
 *
 * Returns: (transfer none) (type GObject) (nullable): the result, valid as
 *   long as @self, or %NULL with @error set
 *
 * Since: 1.0
 */
gpointer
aio_future_get_object (AioFuture  *self,
                       GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), NULL);

  v = checked_value (self, G_TYPE_OBJECT, error);
  return v != NULL ? g_value_get_object (v) : NULL;
}

/**
 * aio_future_dup_object:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets a new reference to an object result; fails like
 * [method@Aio.Future.get_boolean].
 *
 * Returns: (transfer full) (type GObject) (nullable): the result, or %NULL
 *   with @error set
 *
 * Since: 1.0
 */
gpointer
aio_future_dup_object (AioFuture  *self,
                       GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), NULL);

  v = checked_value (self, G_TYPE_OBJECT, error);
  return v != NULL ? g_value_dup_object (v) : NULL;
}

/**
 * aio_future_get_boxed:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets a boxed result; fails like [method@Aio.Future.get_boolean].
 *
 * Returns: (transfer none) (nullable): the result, valid as long as @self,
 *   or %NULL with @error set
 *
 * Since: 1.0
 */
gconstpointer
aio_future_get_boxed (AioFuture  *self,
                      GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), NULL);

  v = checked_value (self, G_TYPE_BOXED, error);
  return v != NULL ? g_value_get_boxed (v) : NULL;
}

/**
 * aio_future_dup_boxed:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets a copy of a boxed result; fails like
 * [method@Aio.Future.get_boolean].
 *
 * Returns: (transfer full) (nullable): the result, or %NULL with @error set
 *
 * Since: 1.0
 */
gpointer
aio_future_dup_boxed (AioFuture  *self,
                      GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), NULL);

  v = checked_value (self, G_TYPE_BOXED, error);
  return v != NULL ? g_value_dup_boxed (v) : NULL;
}

/**
 * aio_future_get_pointer:
 * @self: an [class@Aio.Future]
 * @error: return location for an error
 *
 * Gets a pointer result; fails like [method@Aio.Future.get_boolean].
 *
 * Returns: (transfer none) (nullable): the result, or %NULL with @error set
 *
 * Since: 1.0
 */
gpointer
aio_future_get_pointer (AioFuture  *self,
                        GError    **error)
{
  const GValue *v;

  g_return_val_if_fail (AIO_IS_FUTURE (self), NULL);

  v = checked_value (self, G_TYPE_POINTER, error);
  return v != NULL ? v->data[0].v_pointer : NULL;
}

/**
 * aio_future_dup_error:
 * @self: an [class@Aio.Future]
 *
 * Gets the error @self failed with, like asyncio's `Future.exception()`:
 * `G_IO_ERROR_CANCELLED` if it was cancelled.
 *
 * Returns: (transfer full) (nullable): a copy of the error, or %NULL if
 *   @self is pending or finished with a result
 *
 * Since: 1.0
 */
GError *
aio_future_dup_error (AioFuture *self)
{
  AioFuturePrivate *priv;

  g_return_val_if_fail (AIO_IS_FUTURE (self), NULL);

  priv = _aio_future_priv (self);
  if (!_aio_future_is_done (self) || priv->error == NULL)
    return NULL;
  _aio_future_consumed (self, priv);
  return g_error_copy (priv->error);
}

/* Done callbacks from the public API are waiter records. */
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

void
_aio_future_free_callback_record (AioWaiter *waiter)
{
  callback_record_free ((CallbackRecord *) waiter);
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
run_standalone_record (gpointer data)
{
  CallbackRecord *record = data;

  callback_record_run (&record->waiter, record->future);
}

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
    _aio_loop_push_ready (priv->loop, run_standalone_record, record);
}

static void
add_callback_on_loop (gpointer data)
{
  add_callback_record (data);
}

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
  record->callback = callback;
  record->user_data = user_data;
  record->destroy = destroy;
  record->future = g_object_ref (self);

  if (_aio_loop_is_owner (priv->loop))
    add_callback_record (record);
  else
    _aio_loop_post_threadsafe (priv->loop, add_callback_on_loop, record);
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
  AioWaiter *waiter;
  guint removed = 0;

  g_return_val_if_fail (AIO_IS_FUTURE (self), 0);

  priv = _aio_future_priv (self);
  if (!_aio_loop_is_owner (priv->loop))
    {
      g_critical ("aio_future_remove_done_callback() must be called from the future's loop thread");
      return 0;
    }

  waiter = priv->waiters;
  while (waiter != NULL)
    {
      AioWaiter *next = waiter->next;

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
      waiter = next;
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

static void
drop_completion (gpointer data)
{
  Completion *completion = data;

  completion_drop_value (completion);
  g_clear_error (&completion->failure);
  g_object_unref (completion->future);
  g_free (completion);
}

static void
drop_cancel_request (gpointer data)
{
  CancelRequest *request = data;

  g_object_unref (request->future);
  g_free (request->msg);
  g_free (request);
}

void
_aio_future_register_drops (void)
{
  _aio_loop_register_drop (run_callbacks, (GDestroyNotify) _aio_future_release);
  _aio_loop_register_drop (complete_on_loop, drop_completion);
  _aio_loop_register_drop (cancel_on_loop, drop_cancel_request);
  _aio_loop_register_drop (run_standalone_record, (GDestroyNotify) callback_record_free);
  _aio_loop_register_drop (add_callback_on_loop, (GDestroyNotify) callback_record_free);
}
