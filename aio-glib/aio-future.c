/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "aio-enums.h"
#include "aio-error.h"
#include "aio-future-private.h"

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
  AioFutureNameFunc name_func;
  AioFutureOriginFunc origin_func;
  g_autofree char *origin = NULL;

  if (priv->error == NULL || priv->error_retrieved ||
      g_atomic_int_get (&priv->state) != AIO_FUTURE_FINISHED)
    return;

  name_func = _aio_future_class_get_name_func (AIO_FUTURE_GET_CLASS (self));
  origin_func = _aio_future_class_get_origin_func (AIO_FUTURE_GET_CLASS (self));
  if (origin_func != NULL)
    origin = origin_func (self);
  if (name_func != NULL && origin != NULL)
    g_warning ("Task '%s' failed and nobody retrieved its error: %s (the task was %s)",
               name_func (self), priv->error->message, origin);
  else if (name_func != NULL)
    g_warning ("Task '%s' failed and nobody retrieved its error: %s",
               name_func (self), priv->error->message);
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
  AioLink *link = _aio_list_steal (&priv->waiters);

  while (link != NULL)
    {
      AioLink *next = link->next;
      AioWaiter *waiter = _aio_waiter_from_link (link);

      waiter->drop (waiter);
      link = next;
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

void
_aio_future_reset_slow (AioFuture *future)
{
  AioFuturePrivate *priv = _aio_future_priv (future);

  if (priv->error != NULL)
    {
      report_unretrieved (future);
      g_clear_error (&priv->error);
    }
  if (!_aio_list_is_empty (&priv->waiters))
    free_waiters (priv);
  if (priv->value.g_type != G_TYPE_INVALID)
    clear_value (priv);
  if (priv->cancel_hook != NULL)
    clear_cancel_hook (priv);
  priv->error_retrieved = FALSE;
  priv->state = AIO_FUTURE_PENDING;
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

static void run_callbacks (gpointer data);

/* The batch of a future's waiters holds a reference to the future. */
static void drop_callbacks (gpointer data);

static const AioReadyOps run_callbacks_ops = { run_callbacks, drop_callbacks };

static void
run_callbacks (gpointer data)
{
  AioFuture *self = data;
  AioFuturePrivate *priv = _aio_future_priv (self);
  AioLink *link;
  guint n = 0;

  while (!_aio_list_is_empty (&priv->waiters))
    {
      AioWaiter *waiter;

      /* A future with a crowd of waiters (a gate for a million tasks) must
       * not hold the dispatch past its budget: the rest waits its turn.
       */
      if (G_UNLIKELY (++n % 256 == 0) &&
          g_get_monotonic_time () >= priv->loop->dispatch_deadline)
        {
          _aio_loop_push_ready (priv->loop, &run_callbacks_ops, self);
          priv->loop->budget_spent = TRUE;
          return;
        }

      link = _aio_list_pop_head (&priv->waiters);
      waiter = _aio_waiter_from_link (link);
      waiter->func (waiter, self);
    }

  _aio_future_release (self);
}

static void
drop_callbacks (gpointer data)
{
  AioFuture *self = data;
  AioFuturePrivate *priv = _aio_future_priv (self);
  AioLink *link;

  while ((link = _aio_list_pop_head (&priv->waiters)) != NULL)
    {
      AioWaiter *waiter = _aio_waiter_from_link (link);

      if (waiter->drop != NULL)
        waiter->drop (waiter);
      else
        waiter->func (waiter, self);
    }
  _aio_release (self);
}

/* Loop thread only: the future is pending and now gets its outcome. */
static void
finish_completion (AioFuture *self,
                   gint       state)
{
  AioFuturePrivate *priv = _aio_future_priv (self);
  AioWaiter *waiter;

  /* Release order publishes the value to threads that read the state. */
  __atomic_store_n (&priv->state, state, __ATOMIC_RELEASE);
  if (priv->cancel_hook != NULL)
    clear_cancel_hook (priv);

  if (_aio_list_is_empty (&priv->waiters))
    return;

  /* A lone waiter that can be woken straight from the ring (a task) holds
   * its own reference to the future: no batch, no reference to take.
   */
  waiter = _aio_waiter_from_link (priv->waiters.head);
  if (_aio_list_is_singular (&priv->waiters) && waiter->ready_ops != NULL)
    {
      _aio_list_remove (&priv->waiters, &waiter->link);
      _aio_loop_push_ready (priv->loop, waiter->ready_ops, waiter->ready_data);
      return;
    }

  _aio_loop_push_ready (priv->loop, &run_callbacks_ops, _aio_ref (self));
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
drop_completion (gpointer data)
{
  Completion *completion = data;

  completion_drop_value (completion);
  g_clear_error (&completion->failure);
  g_object_unref (completion->future);
  g_free (completion);
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

static const AioReadyOps complete_on_loop_ops = { complete_on_loop, drop_completion };

void
_aio_future_post_completion (AioFuture      *future,
                             AioFutureState  state,
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
  _aio_loop_post_threadsafe (_aio_future_priv (future)->loop, &complete_on_loop_ops, completion);
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
      _aio_future_post_completion (future, state, value, NULL, failure);
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

/* A cancel asked for on another thread than the future's loop. */
typedef struct
{
  AioFuture *future;   /* (owned) */
  char      *msg;      /* (owned) (nullable) */
} CancelRequest;

static void
drop_cancel_request (gpointer data)
{
  CancelRequest *request = data;

  g_object_unref (request->future);
  g_free (request->msg);
  g_free (request);
}

static void
cancel_on_loop (gpointer data)
{
  CancelRequest *request = data;

  aio_future_cancel (request->future, request->msg);
  drop_cancel_request (request);
}

static const AioReadyOps cancel_on_loop_ops = { cancel_on_loop, drop_cancel_request };

gboolean
_aio_future_post_cancel (AioFuture  *future,
                         const char *msg)
{
  CancelRequest *request = g_new (CancelRequest, 1);

  request->future = g_object_ref (future);
  request->msg = g_strdup (msg);
  _aio_loop_post_threadsafe (_aio_future_priv (future)->loop, &cancel_on_loop_ops, request);
  return TRUE;
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
    return _aio_future_post_cancel (self, msg);

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

  _aio_list_append (&priv->waiters, &waiter->link);
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
  if (waiter->link.prev == NULL && priv->waiters.head != &waiter->link)
    return;   /* not linked: already called or never added */

  _aio_list_remove (&priv->waiters, &waiter->link);
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
      _aio_future_post_completion (self, AIO_FUTURE_FINISHED, &v, destroy, NULL);
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

