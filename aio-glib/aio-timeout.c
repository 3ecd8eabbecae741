/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-error.h"
#include "aio-loop.h"
#include "aio-structured-private.h"
#include "aio-timeout.h"

/**
 * AioTimeout:
 *
 * A deadline for a stretch of code inside a task, like asyncio's
 * `timeout()` and `timeout_at()` context managers.
 *
 * Creating a timeout enters its scope in the current task; every await up
 * to [method@Aio.Timeout.exit] runs under the deadline.  When the deadline
 * passes, the task is cancelled ([method@Aio.Task.cancel]), so its current
 * await fails with `G_IO_ERROR_CANCELLED`; on the way out, the scope turns
 * that cancellation into `G_IO_ERROR_TIMED_OUT`:
 *
 * ```c
 * g_autoptr(AioTimeout) timeout = aio_timeout_new (1.5);
 * g_autoptr(GError) error = NULL;
 *
 * if (aio_await (aio_sleep (1.0), &error))
 *   aio_await (fetch_more (), &error);
 * if (!aio_timeout_exit (timeout, &error))
 *   g_print ("%s\n", error->message);   // timed out, or fetch_more() failed
 * ```
 *
 * The scope only reports a timeout when its own deadline caused the
 * cancellation, exactly as asyncio decides it: entering records
 * [method@Aio.Task.cancelling], the deadline cancels the task, and
 * leaving withdraws that request with [method@Aio.Task.uncancel]; only if
 * no request is left beyond those present on entry does the cancellation
 * become a timeout.  So a cancellation from outside stays a cancellation
 * even if the deadline has passed too, and of nested scopes whose
 * deadlines both passed, the outer one reports the timeout while the inner
 * one lets the cancellation through.
 *
 * A stackless task (as the language bindings run their coroutines) uses a
 * timeout the same way: create it in one step, exit it in a later one,
 * with [method@Aio.Timeout.exit_full] saying whether the body was
 * cancelled.
 *
 * Dropping a timeout without exiting it removes its deadline.  A timeout
 * created outside a task has no effect, and exiting it fails with
 * %AIO_ERROR_INVALID_STATE, as asyncio raises `RuntimeError`.
 *
 * ## Thread safety
 *
 * A timeout belongs to the task that created it: use it only from that
 * task's body.
 *
 * Since: 1.0
 */

typedef enum
{
  TIMEOUT_OUTSIDE_TASK,   /* created where there was no task to cancel */
  TIMEOUT_ENTERED,
  TIMEOUT_EXPIRING,       /* the deadline passed and the task was cancelled */
  TIMEOUT_EXPIRED,        /* left after expiring */
  TIMEOUT_EXITED,         /* left before the deadline */
} TimeoutState;

struct _AioTimeout
{
  GObject       parent_instance;

  AioLoop      *loop;         /* (owned) */
  AioTask      *task;         /* (owned) (nullable) the task the scope is in, until exited */
  AioHandle    *handle;       /* (owned) (nullable) the scheduled deadline */
  gdouble       when;         /* on the clock of aio_loop_time(); infinity for none */
  guint         cancelling;   /* aio_task_cancelling() of the task on entry */
  TimeoutState  state;
};

G_DEFINE_FINAL_TYPE (AioTimeout, aio_timeout, G_TYPE_OBJECT)

static const char *
state_name (TimeoutState state)
{
  switch (state)
    {
    case TIMEOUT_OUTSIDE_TASK:
      return "unentered";
    case TIMEOUT_ENTERED:
      return "active";
    case TIMEOUT_EXPIRING:
      return "expiring";
    case TIMEOUT_EXPIRED:
      return "expired";
    case TIMEOUT_EXITED:
    default:
      return "finished";
    }
}

static void
unschedule (AioTimeout *self)
{
  if (self->handle != NULL)
    {
      aio_handle_cancel (self->handle);
      g_clear_pointer (&self->handle, aio_handle_unref);
    }
}

static void
aio_timeout_finalize (GObject *object)
{
  AioTimeout *self = AIO_TIMEOUT (object);

  unschedule (self);
  g_clear_object (&self->task);
  g_clear_object (&self->loop);

  G_OBJECT_CLASS (aio_timeout_parent_class)->finalize (object);
}

static void
aio_timeout_class_init (AioTimeoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aio_timeout_finalize;
}

static void
aio_timeout_init (AioTimeout *self)
{
  self->when = AIO_TIMEOUT_NONE;
}

static void
on_deadline (gpointer data)
{
  AioTimeout *self = data;

  g_clear_pointer (&self->handle, aio_handle_unref);   /* the loop holds its own */
  self->state = TIMEOUT_EXPIRING;
  aio_task_cancel (self->task, NULL);
}

static void
schedule (AioTimeout *self,
          gdouble     when)
{
  unschedule (self);
  if (_aio_timeout_is_none (when))
    {
      self->when = AIO_TIMEOUT_NONE;
      return;
    }

  self->when = when;
  /* A deadline already passed still waits for the next turn of the loop,
   * as asyncio's call_soon() does, so a done await is not interrupted.
   */
  if (when <= aio_loop_time (self->loop))
    self->handle = aio_loop_call_soon (self->loop, on_deadline, self, NULL);
  else
    self->handle = aio_loop_call_at (self->loop, when, on_deadline, self, NULL);
}

/* asyncio's __aenter__: binds the scope to the current task. */
static AioTimeout *
timeout_enter (gboolean relative,
               gdouble  seconds)
{
  AioTimeout *self = g_object_new (AIO_TYPE_TIMEOUT, NULL);
  AioTask *task = aio_current_task ();

  self->loop = g_object_ref (task != NULL ? aio_future_get_loop (AIO_FUTURE (task))
                                          : _aio_loop_get_current ());
  if (relative && !_aio_timeout_is_none (seconds))
    seconds += aio_loop_time (self->loop);

  if (task == NULL)
    {
      self->state = TIMEOUT_OUTSIDE_TASK;
      self->when = _aio_timeout_is_none (seconds) ? AIO_TIMEOUT_NONE : seconds;
      return self;
    }

  self->task = g_object_ref (task);
  self->cancelling = aio_task_cancelling (task);
  self->state = TIMEOUT_ENTERED;
  schedule (self, seconds);
  return self;
}

/**
 * aio_timeout_new:
 * @delay: seconds from now until the deadline, or %AIO_TIMEOUT_NONE for
 *   none; 0 or less expires on the next turn of the loop
 *
 * Enters a timeout scope in the current task, like
 * `async with asyncio.timeout(delay)`.  Leave it with
 * [method@Aio.Timeout.exit].
 *
 * Returns: (transfer full): a new [class@Aio.Timeout]
 *
 * Since: 1.0
 */
AioTimeout *
aio_timeout_new (gdouble delay)
{
  g_return_val_if_fail (!isnan (delay), NULL);

  return timeout_enter (TRUE, delay);
}

/**
 * aio_timeout_new_at:
 * @when: the deadline on the clock of [method@Aio.Loop.time], or
 *   %AIO_TIMEOUT_NONE for none
 *
 * Enters a timeout scope with an absolute deadline in the current task,
 * like `async with asyncio.timeout_at(when)`.  Leave it with
 * [method@Aio.Timeout.exit].
 *
 * Returns: (transfer full): a new [class@Aio.Timeout]
 *
 * Since: 1.0
 */
AioTimeout *
aio_timeout_new_at (gdouble when)
{
  g_return_val_if_fail (!isnan (when), NULL);

  return timeout_enter (FALSE, when);
}

/**
 * aio_timeout_get_when:
 * @self: an [class@Aio.Timeout]
 *
 * Gets the deadline of @self, asyncio's `Timeout.when()`.
 *
 * Returns: the deadline on the clock of [method@Aio.Loop.time], or
 *   %AIO_TIMEOUT_NONE
 *
 * Since: 1.0
 */
gdouble
aio_timeout_get_when (AioTimeout *self)
{
  g_return_val_if_fail (AIO_IS_TIMEOUT (self), AIO_TIMEOUT_NONE);

  return self->when;
}

/**
 * aio_timeout_reschedule:
 * @self: an [class@Aio.Timeout] whose deadline has not passed
 * @when: the new deadline on the clock of [method@Aio.Loop.time], or
 *   %AIO_TIMEOUT_NONE to remove it
 * @error: return location for %AIO_ERROR_INVALID_STATE
 *
 * Moves the deadline of @self, like asyncio's `Timeout.reschedule()`.  A
 * deadline that has already passed expires on the next turn of the loop.
 *
 * Fails with %AIO_ERROR_INVALID_STATE once the deadline has passed or the
 * scope was left, or for a timeout created outside a task.
 *
 * Returns: %TRUE if the deadline was moved
 *
 * Since: 1.0
 */
gboolean
aio_timeout_reschedule (AioTimeout  *self,
                        gdouble      when,
                        GError     **error)
{
  g_return_val_if_fail (AIO_IS_TIMEOUT (self), FALSE);
  g_return_val_if_fail (!isnan (when), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->state != TIMEOUT_ENTERED)
    {
      if (self->state == TIMEOUT_OUTSIDE_TASK)
        g_set_error_literal (error, AIO_ERROR, AIO_ERROR_INVALID_STATE,
                             "The timeout was created outside a task, so it was never entered; "
                             "create it in the body of the task it limits");
      else
        g_set_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE,
                     "Cannot change the deadline of a %s timeout", state_name (self->state));
      return FALSE;
    }

  schedule (self, when);
  return TRUE;
}

/**
 * aio_timeout_expired:
 * @self: an [class@Aio.Timeout]
 *
 * Whether the deadline of @self passed while its scope was entered, like
 * asyncio's `Timeout.expired()`.  This says nothing about how the scope
 * was left: a body may swallow the cancellation, and an outer cancellation
 * wins over the timeout.
 *
 * Returns: %TRUE if the deadline passed
 *
 * Since: 1.0
 */
gboolean
aio_timeout_expired (AioTimeout *self)
{
  g_return_val_if_fail (AIO_IS_TIMEOUT (self), FALSE);

  return self->state == TIMEOUT_EXPIRING || self->state == TIMEOUT_EXPIRED;
}

/**
 * aio_timeout_exit_full: (rename-to aio_timeout_exit)
 * @self: an [class@Aio.Timeout]
 * @body_cancelled: whether the code in the scope ended with a
 *   cancellation (`G_IO_ERROR_CANCELLED`, or the language's own
 *   cancellation exception)
 * @error: return location for `G_IO_ERROR_TIMED_OUT` or
 *   %AIO_ERROR_INVALID_STATE
 *
 * Leaves the scope of @self, asyncio's `Timeout.__aexit__()`: removes the
 * deadline and, if it passed, withdraws the cancellation it made.  Fails
 * with `G_IO_ERROR_TIMED_OUT` when the body was cancelled and that
 * cancellation was the deadline's own; then the caller reports the
 * timeout instead of the cancellation.  Otherwise the body's outcome
 * stands as it is.
 *
 * Fails with %AIO_ERROR_INVALID_STATE if @self was already left, was
 * created outside a task, or is left from another task.
 *
 * Returns: %FALSE with @error set if the scope timed out or was misused
 *
 * Since: 1.0
 */
gboolean
aio_timeout_exit_full (AioTimeout  *self,
                       gboolean     body_cancelled,
                       GError     **error)
{
  gboolean timed_out = FALSE;

  g_return_val_if_fail (AIO_IS_TIMEOUT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  switch (self->state)
    {
    case TIMEOUT_OUTSIDE_TASK:
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_INVALID_STATE,
                           "The timeout was created outside a task and had no effect; "
                           "create it in the body of the task it limits");
      return FALSE;

    case TIMEOUT_EXPIRED:
    case TIMEOUT_EXITED:
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_INVALID_STATE,
                           "The timeout scope was already exited");
      return FALSE;

    case TIMEOUT_ENTERED:
    case TIMEOUT_EXPIRING:
    default:
      break;
    }

  if (aio_current_task () != self->task)
    {
      g_set_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE,
                   "The timeout scope was entered by task '%s' and must be exited by it",
                   aio_task_get_name (self->task));
      return FALSE;
    }

  unschedule (self);
  if (self->state == TIMEOUT_EXPIRING)
    {
      self->state = TIMEOUT_EXPIRED;
      /* Any request beyond those on entry came from elsewhere: then the
       * cancellation is not ours to turn into a timeout.
       */
      timed_out = aio_task_uncancel (self->task) <= self->cancelling && body_cancelled;
    }
  else
    self->state = TIMEOUT_EXITED;
  g_clear_object (&self->task);

  if (timed_out)
    {
      g_propagate_error (error, _aio_timed_out_error_new ());
      return FALSE;
    }
  return TRUE;
}

/**
 * aio_timeout_exit: (skip)
 * @self: an [class@Aio.Timeout]
 * @error: (inout) (nullable) (optional): on entry, the error the code in
 *   the scope failed with, or %NULL; on return, its outcome
 *
 * Leaves the scope of @self; the C form of
 * [method@Aio.Timeout.exit_full] that reads how the body ended from
 * @error.
 *
 * Unlike other functions, this one takes the body's error in @error: if
 * it is the cancellation made by the deadline of @self, it is replaced by
 * `G_IO_ERROR_TIMED_OUT`; any other error is left as it is.  With no
 * error on entry, @error is set only if @self was misused
 * (%AIO_ERROR_INVALID_STATE).  This keeps the common case to one error
 * variable:
 *
 * ```c
 * g_autoptr(AioTimeout) timeout = aio_timeout_new (5.0);
 *
 * ok = aio_await (first_step (), &error) && aio_await (second_step (), &error);
 * if (!aio_timeout_exit (timeout, &error))
 *   return FALSE;   // error says why: timed out, cancelled, or a failed step
 * ```
 *
 * Returns: %TRUE if @error is unset on return
 *
 * Since: 1.0
 */
gboolean
aio_timeout_exit (AioTimeout  *self,
                  GError     **error)
{
  GError *local_error = NULL;
  gboolean body_failed, body_cancelled;

  g_return_val_if_fail (AIO_IS_TIMEOUT (self), FALSE);

  body_failed = error != NULL && *error != NULL;
  body_cancelled = body_failed && g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  if (aio_timeout_exit_full (self, body_cancelled, &local_error))
    return !body_failed;

  if (body_failed && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      /* The body's own failure says more than the misuse. */
      g_error_free (local_error);
      return FALSE;
    }
  if (error != NULL)
    g_clear_error (error);
  g_propagate_error (error, local_error);
  return FALSE;
}
