/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "aio-error.h"
#include "aio-task-private.h"

/**
 * AioTask:
 *
 * A coroutine scheduled on a loop, like asyncio's `Task`.
 *
 * A task is an [class@Aio.Future] that runs a body and ends with its
 * outcome.  The body is either a C function running on its own stack (see
 * [ctor@Aio.Task.new]), which may call `aio_await()` at any depth, or a
 * stackless step function (see [ctor@Aio.Task.new_stackless]), which is
 * how the Python, JavaScript and Vala bindings run their own coroutines as
 * tasks.  Both kinds behave the same way.
 *
 * A task starts on the next turn of its loop.  The body reports its result
 * with `aio_task_return_*()` or [method@Aio.Task.return_error] and the task
 * is done when the body returns; a body that fails with
 * `G_IO_ERROR_CANCELLED` ends the task cancelled, as raising
 * `CancelledError` does in asyncio.
 *
 * ## Cancellation
 *
 * [method@Aio.Task.cancel] follows asyncio 3.11 and later: the task's
 * current await fails with `G_IO_ERROR_CANCELLED` (the awaited future is
 * cancelled, so a GIO call behind it is cancelled through its
 * [class@Gio.Cancellable]); the body may catch that and clean up, awaiting
 * more if it needs to.  A task cancelled before it starts never runs its
 * body.  [method@Aio.Task.cancelling] counts the pending requests and
 * [method@Aio.Task.uncancel] withdraws one.
 *
 * The loop keeps a reference to every task until it is done, so a task
 * runs to the end even if nobody else holds it.
 *
 * ## Thread safety
 *
 * A task belongs to its loop's thread.  [method@Aio.Task.cancel] may be
 * called from any thread; other methods only from the loop's thread, or
 * for reading, once the task is done.
 *
 * Since: 1.0
 */

G_DEFINE_FINAL_TYPE (AioTask, aio_task, AIO_TYPE_FUTURE)

GType _aio_task_type;

enum {
  PROP_0,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];


static void task_step (AioTask *task);

static void
clear_return (AioTask *self)
{
  if (self->ret_pointer_destroy != NULL && G_VALUE_HOLDS_POINTER (&self->ret_value))
    {
      gpointer pointer = g_value_get_pointer (&self->ret_value);

      if (pointer != NULL)
        self->ret_pointer_destroy (pointer);
    }
  self->ret_pointer_destroy = NULL;
  _aio_value_clear (&self->ret_value);
  g_clear_error (&self->ret_error);
  self->returned = FALSE;
}

static void
release_body (AioTask *self)
{
  GDestroyNotify destroy = self->destroy;
  gpointer data = self->user_data;

  self->destroy = NULL;
  self->user_data = NULL;
  self->func = NULL;
  self->step = NULL;
  if (destroy != NULL)
    destroy (data);
}

static void
clear_task_fields (AioTask *self)
{
  if (self->co != NULL)
    {
      /* Only reachable for a task dropped while suspended, when its
       * context went away: the frames on its stack are abandoned.
       */
      _aio_coroutine_free (self->co);
      self->co = NULL;
    }
  release_body (self);
  clear_return (self);
  /* The name stays until the future's own cleanup has run: its report of
   * an error nobody retrieved names the task.
   */
  g_clear_pointer (&self->cancel_msg, g_free);
  if (self->gio_next != NULL)
    _aio_future_release (g_steal_pointer (&self->gio_next));
  g_clear_object (&self->gio_result);
  self->fut_waiter = NULL;
  self->num_cancels_requested = 0;
  self->must_cancel = FALSE;
  self->started = FALSE;
  self->stepping = FALSE;
  self->stack_measured = FALSE;
  self->parked = FALSE;
  self->stack_checks = 0;
  self->stack_size = 0;
}

/* " (created at ...)" for a report about @task, or "". */
static char *
origin_in_parentheses (AioTask *task)
{
  g_autofree char *origin = _aio_task_describe_origin (task);

  return origin != NULL ? g_strdup_printf (" (%s)", origin) : g_strdup ("");
}

static void
aio_task_finalize (GObject *object)
{
  AioTask *self = AIO_TASK (object);

  if (!_aio_future_is_done (AIO_FUTURE (self)) && self->started)
    {
      g_autofree char *origin = origin_in_parentheses (self);

      g_warning ("Task '%s' was destroyed but it is pending%s", aio_task_get_name (self), origin);
    }
  clear_task_fields (self);

  G_OBJECT_CLASS (aio_task_parent_class)->finalize (object);
  /* The instance is only freed after finalize returns. */
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->origin, g_free);
  self->creator = NULL;
}

static void
aio_task_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  AioTask *self = AIO_TASK (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, aio_task_get_name (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aio_task_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  AioTask *self = AIO_TASK (object);

  switch (prop_id)
    {
    case PROP_NAME:
      aio_task_set_name (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
aio_task_real_cancel (AioFuture  *future,
                      const char *msg)
{
  AioTask *self = AIO_TASK (future);

  if (_aio_future_is_done (future))
    return FALSE;

  if (self->loop == NULL)
    {
      /* Built with g_object_new() and never given a body: plain future. */
      return _aio_future_cancel_now (future, msg);
    }

  if (!_aio_loop_is_owner (self->loop))
    return _aio_future_post_cancel (future, msg);

  self->num_cancels_requested++;

  /* The await fails from the awaited future's side; an operation that
   * swallows the request may be cancelled again later.
   */
  if (self->fut_waiter != NULL && aio_future_cancel (self->fut_waiter, msg))
    return TRUE;
  if (self->parked && self->park.cancel (self->park.data, msg))
    {
      self->must_cancel = TRUE;
      g_free (self->cancel_msg);
      self->cancel_msg = g_strdup (msg);
      _aio_task_unpark (self);
      return TRUE;
    }

  /* Delivered at the next await, or before the body starts. */
  self->must_cancel = TRUE;
  g_free (self->cancel_msg);
  self->cancel_msg = g_strdup (msg);
  return TRUE;
}

static const char *
task_name_for_reports (AioFuture *future)
{
  return aio_task_get_name (AIO_TASK (future));
}

static char *
task_origin_for_reports (AioFuture *future)
{
  return _aio_task_describe_origin (AIO_TASK (future));
}

/* "created at FILE:LINE" from AIO_TASK_HERE(), else "created by FUNCTION"
 * from the address of the constructor's caller.
 */
char *
_aio_task_describe_origin (AioTask *task)
{
  g_autofree char *function = NULL;

  if (task->origin != NULL)
    return g_strdup_printf ("created at %s", task->origin);
  if (task->creator == NULL)
    return NULL;
  function = _aio_debug_describe_function (task->creator);
  return g_strdup_printf ("created by %s", function);
}

static void
aio_task_class_init (AioTaskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AioFutureClass *future_class = AIO_FUTURE_CLASS (klass);

  _aio_task_type = G_TYPE_FROM_CLASS (klass);

  object_class->finalize = aio_task_finalize;
  object_class->get_property = aio_task_get_property;
  object_class->set_property = aio_task_set_property;
  future_class->cancel = aio_task_real_cancel;
  _aio_future_class_set_name_func (future_class, task_name_for_reports);
  _aio_future_class_set_origin_func (future_class, task_origin_for_reports);

  /**
   * AioTask:name:
   *
   * The task's name, for debugging and crash reports.  Tasks are named
   * `Task-1`, `Task-2`... unless given a name, as in asyncio.
   *
   * Since: 1.0
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aio_task_init (AioTask *self)
{
  _aio_future_mark_task (AIO_FUTURE (self));
}

void
_aio_task_release (AioTask *task)
{
  GObject *object = (GObject *) task;
  AioThreadState *ts = &_aio_ts;

  if (G_OBJECT_TYPE (object) != _aio_task_type ||
      !_aio_object_is_sole_reference (object) ||
      ts->n_task_pool >= AIO_POOL_MAX ||
      task->co != NULL ||
      !_aio_future_is_done (AIO_FUTURE (task)) ||
      !_aio_recycling)
    {
      _aio_unref_not_last (object);
      return;
    }

  clear_task_fields (task);
  _aio_future_reset (AIO_FUTURE (task));
  g_clear_pointer (&task->name, g_free);
  g_clear_pointer (&task->origin, g_free);
  task->creator = NULL;
  g_signal_handlers_destroy (object);

  task->pool_next = ts->task_pool;
  ts->task_pool = task;
  ts->n_task_pool++;
  if (G_UNLIKELY (!ts->pools_hooked))
    _aio_thread_hook_pools (ts);
  if (G_UNLIKELY (ts->n_task_pool > AIO_POOL_KEEP && !ts->pools_trim_armed))
    _aio_pools_grew (task->loop);
}

static AioTask *
task_alloc (AioLoop *loop)
{
  AioThreadState *ts = &_aio_ts;
  AioTask *task;

  if (G_LIKELY (ts->task_pool != NULL))
    {
      task = ts->task_pool;
      ts->task_pool = task->pool_next;
      ts->n_task_pool--;
      ts->pools_taken++;
      task->pool_next = NULL;
      _aio_future_set_loop (AIO_FUTURE (task), loop);
    }
  else
    task = _aio_future_construct (AIO_TYPE_TASK, loop);

  task->loop = loop;
  task->number = __atomic_add_fetch (&loop->task_counter, 1, __ATOMIC_RELAXED);
  return task;
}

static void
task_step_scheduled (gpointer data)
{
  AioTask *task = data;

  task_step (task);
  _aio_task_release (task);
}

/* A step that holds a reference to the task: a start, or the wake-up of
 * a task that awaited a future of another loop.
 */
static const AioReadyOps step_scheduled_ops = { task_step_scheduled, g_object_unref };

static void
task_start_on_loop (gpointer data)
{
  AioTask *task = data;

  _aio_loop_register_task (task->loop, task);
  task_step (task);
  g_object_unref (task);
}

static const AioReadyOps start_on_loop_ops = { task_start_on_loop, g_object_unref };

static void
task_schedule_start (AioTask *task)
{
  if (_aio_loop_is_owner (task->loop))
    {
      _aio_loop_register_task (task->loop, task);
      _aio_loop_push_ready (task->loop, &step_scheduled_ops, _aio_ref (task));
    }
  else
    _aio_loop_post_threadsafe (task->loop, &start_on_loop_ops, g_object_ref (task));
}

/* @creator: a return address in the function that asked for the task,
 * which debug mode's reports name. */
static AioTask *
coroutine_task_new (AioLoop        *loop,
                    const char     *name,
                    gsize           stack_size,
                    AioTaskFunc     func,
                    gpointer        user_data,
                    GDestroyNotify  destroy,
                    gpointer        creator)
{
  AioTask *task;

  g_return_val_if_fail (loop == NULL || AIO_IS_LOOP (loop), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  if (loop == NULL)
    loop = _aio_loop_get_current ();

  task = task_alloc (loop);
  task->name = g_strdup (name);
  task->stack_size = stack_size;
  task->func = func;
  task->user_data = user_data;
  task->destroy = destroy;
  task->creator = creator;
  task_schedule_start (task);
  return task;
}

/**
 * aio_task_new_full: (skip)
 * @loop: (nullable): the loop to run on; %NULL for the running loop or,
 *   outside one, the thread-default loop
 * @name: (nullable): a name for the task, or %NULL for `Task-<n>`
 * @stack_size: bytes of stack for the body, or 0 for the default (128 KiB,
 *   or the `AIO_STACK_SIZE` environment variable)
 * @func: the body
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when the body has returned
 *
 * Creates a task running @func as a C coroutine on its own stack, and
 * schedules it to start on the next turn of @loop.
 *
 * The stack is taken from a pool; a stack overflow is caught by a guard
 * region and reported with the task's name before the process aborts.
 *
 * Returns: (transfer full): the new task
 *
 * Since: 1.0
 */
AioTask *
aio_task_new_full (AioLoop        *loop,
                   const char     *name,
                   gsize           stack_size,
                   AioTaskFunc     func,
                   gpointer        user_data,
                   GDestroyNotify  destroy)
{
  return coroutine_task_new (loop, name, stack_size, func, user_data, destroy,
                             __builtin_return_address (0));
}

/**
 * aio_task_new: (skip)
 * @func: the body
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when the body has returned
 *
 * Creates a task running @func as a C coroutine on the running loop (or,
 * outside one, the thread-default loop), like asyncio's `create_task()`.
 * See [ctor@Aio.Task.new_full].
 *
 * Returns: (transfer full): the new task
 *
 * Since: 1.0
 */
AioTask *
aio_task_new (AioTaskFunc     func,
              gpointer        user_data,
              GDestroyNotify  destroy)
{
  return coroutine_task_new (NULL, NULL, 0, func, user_data, destroy,
                             __builtin_return_address (0));
}

/**
 * aio_create_task: (skip)
 * @func: the body
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when the body has returned
 *
 * The same as [ctor@Aio.Task.new], under asyncio's name.
 *
 * Returns: (transfer full): the new task
 *
 * Since: 1.0
 */
AioTask *
aio_create_task (AioTaskFunc     func,
                 gpointer        user_data,
                 GDestroyNotify  destroy)
{
  return coroutine_task_new (NULL, NULL, 0, func, user_data, destroy,
                             __builtin_return_address (0));
}

/**
 * aio_task_new_stackless:
 * @loop: (nullable): the loop to run on; %NULL for the running loop or,
 *   outside one, the thread-default loop
 * @name: (nullable): a name for the task, or %NULL for `Task-<n>`
 * @step: (scope notified) (closure user_data) (destroy destroy): the body,
 *   called to start and after each future it returns is done
 * @user_data: data for @step
 * @destroy: (nullable): frees @user_data when the body has finished
 *
 * Creates a task whose body is a step function instead of a C coroutine:
 * the form the language bindings use to run their own coroutines as tasks.
 * It has the same semantics as a coroutine task; see
 * [callback@Aio.TaskStepFunc].
 *
 * Returns: (transfer full): the new task
 *
 * Since: 1.0
 */
AioTask *
aio_task_new_stackless (AioLoop         *loop,
                        const char      *name,
                        AioTaskStepFunc  step,
                        gpointer         user_data,
                        GDestroyNotify   destroy)
{
  AioTask *task;

  g_return_val_if_fail (loop == NULL || AIO_IS_LOOP (loop), NULL);
  g_return_val_if_fail (step != NULL, NULL);

  if (loop == NULL)
    loop = _aio_loop_get_current ();

  task = task_alloc (loop);
  task->name = g_strdup (name);
  task->step = step;
  task->user_data = user_data;
  task->destroy = destroy;
  /* No creator: the caller is usually a binding's call glue, which says
   * nothing; bindings set an origin in debug mode instead. */
  task_schedule_start (task);
  return task;
}

/* Crash reports run in a signal handler: no allocation here. */
static void
task_describe (gpointer  owner,
               char     *buf,
               gsize     len)
{
  AioTask *task = owner;
  const char *prefix = "Task-";
  char digits[24];
  guint64 number = task->number;
  gsize n = 0, i = 0, d = 0;

  if (len == 0)
    return;
  if (task->name != NULL)
    {
      for (i = 0; task->name[i] != '\0' && i + 1 < len; i++)
        buf[i] = task->name[i];
      buf[i] = '\0';
      return;
    }
  for (i = 0; prefix[i] != '\0' && n + 1 < len; i++)
    buf[n++] = prefix[i];
  do
    {
      digits[d++] = (char) ('0' + number % 10);
      number /= 10;
    }
  while (number > 0 && d < sizeof digits);
  while (d > 0 && n + 1 < len)
    buf[n++] = digits[--d];
  buf[n] = '\0';
}

static void
task_body_entry (gpointer data)
{
  AioTask *task = data;

  task->func (task, task->user_data);
}

static void
task_wakeup (AioWaiter *waiter,
             AioFuture *future)
{
  AioTask *task = (AioTask *) ((char *) waiter - G_STRUCT_OFFSET (AioTask, waiter));

  task_step (task);
}

gboolean
_aio_task_waiter_owner (AioWaiter   *waiter,
                        AioFuture  **owner,
                        const char **via)
{
  if (waiter->func != task_wakeup)
    return FALSE;
  *owner = (AioFuture *) ((char *) waiter - G_STRUCT_OFFSET (AioTask, waiter));
  *via = "await";
  return TRUE;
}

static void
task_wakeup_ready (gpointer data)
{
  task_step (data);
}

/* A direct wake-up holds no reference: the loop's task list does. */
static const AioReadyOps wakeup_ready_ops = { task_wakeup_ready, NULL };

/* The task is dropped with its loop's task list; its step must not run. */
static void
task_wakeup_drop (AioWaiter *waiter)
{
}

static void
cross_loop_done (AioFuture *future,
                 gpointer   user_data)
{
  AioTask *task = user_data;

  _aio_loop_post (task->loop, &step_scheduled_ops, g_object_ref (task));
}

/* Arranges for @task to be stepped once @future is done.  Returns FALSE if
 * @future is already done.
 */
static gboolean
task_wait_on (AioTask   *task,
              AioFuture *future)
{
  AioFuturePrivate *priv = _aio_future_priv (future);

  task->wait_since = task->loop->dispatch_start;
  if (G_LIKELY (priv->loop == task->loop))
    {
      /* The task holds the future while it waits, so the future may wake
       * it straight from the ready ring.
       */
      task->waiter.func = task_wakeup;
      task->waiter.drop = task_wakeup_drop;
      task->waiter.ready_ops = &wakeup_ready_ops;
      task->waiter.ready_data = task;
      return _aio_future_add_waiter (future, &task->waiter);
    }

  /* A future of another loop, maybe another thread: its callback hands the
   * wake-up over to ours.
   */
  if (_aio_future_is_done (future))
    return FALSE;
  aio_future_add_done_callback (future, cross_loop_done, g_object_ref (task), g_object_unref);
  return TRUE;
}

static void check_stack_depth (AioTask *task);

/* Returns TRUE when the body of the task in *@ran has finished.  That is
 * @task, or the task it handed over to (see try_hand_over()), whose step
 * this one then became.
 */
static gboolean
step_coroutine (AioTask  *task,
                AioTask **ran)
{
  AioCoroutine *back;

  if (!task->started)
    {
      GError *error = NULL;

      task->started = TRUE;
      if (task->must_cancel)
        return TRUE;   /* cancelled before it started: the body never runs */

      task->stack_measured = task->loop->debug;
      task->co = _aio_coroutine_new (task->stack_size, task_body_entry, task,
                                     task_describe, task->stack_measured, &error);
      if (task->co == NULL)
        {
          clear_return (task);
          task->ret_error = error;
          task->returned = TRUE;
          return TRUE;
        }
    }

  back = _aio_coroutine_resume (task->co);
  task = *ran = _aio_coroutine_get_data (back);

  if (_aio_coroutine_finished (back))
    {
      if (G_UNLIKELY (task->stack_measured))
        check_stack_depth (task);
      _aio_coroutine_free (task->co);
      task->co = NULL;
      return TRUE;
    }
  return FALSE;
}

void
_aio_task_abandon (AioTask *task)
{
  AioFuture *awaited;

  if (_aio_future_is_done (AIO_FUTURE (task)))
    return;

  if (task->loop->debug)
    {
      g_autofree char *origin = origin_in_parentheses (task);

      g_warning ("Task '%s' was abandoned while pending: its loop's main context was destroyed%s",
                 aio_task_get_name (task), origin);
    }

  /* Both bodies own what they await: a stackless one through the task, a
   * C one in its aio_await() frame, which will never return.
   */
  task->parked = FALSE;
  awaited = g_steal_pointer (&task->fut_waiter);
  if (awaited != NULL)
    {
      if (_aio_future_priv (awaited)->loop == task->loop)
        _aio_future_remove_waiter (awaited, &task->waiter);
      _aio_release (awaited);
    }
  _aio_future_cancel_now (AIO_FUTURE (task),
                          "The main context of the task's loop was destroyed");
}

static gboolean
step_stackless (AioTask *task)
{
  AioFuture *awaited = g_steal_pointer (&task->fut_waiter);

  task->started = TRUE;
  for (;;)
    {
      AioFuture *next;

      if (task->must_cancel)
        {
          /* The cancellation arrives at the current await, as a cancelled
           * future in place of the awaited one.
           */
          task->must_cancel = FALSE;
          if (awaited != NULL)
            {
              /* The body never sees this outcome, so what the done future
               * handed over (a lock, a queue item) has to go back; see
               * AioCancelHook.
               */
              aio_future_cancel (awaited, task->cancel_msg);
              _aio_future_release (awaited);
            }
          awaited = _aio_future_new_for_loop (task->loop);
          _aio_future_cancel_now (awaited, task->cancel_msg);
        }

      next = task->step (task, awaited, task->user_data);
      if (awaited != NULL)
        _aio_release (awaited);
      awaited = NULL;

      if (next == NULL)
        return TRUE;

      if (next == AIO_FUTURE (task))
        {
          g_object_unref (next);
          clear_return (task);
          task->ret_error = g_error_new (AIO_ERROR, AIO_ERROR_AWAIT_SELF,
                                         "Task '%s' cannot await itself",
                                         aio_task_get_name (task));
          task->returned = TRUE;
          return TRUE;
        }

      if (!task_wait_on (task, next))
        {
          awaited = next;   /* already done: no need to wait */
          continue;
        }

      task->fut_waiter = next;
      if (task->must_cancel && aio_future_cancel (next, task->cancel_msg))
        task->must_cancel = FALSE;
      return FALSE;
    }
}

static void
task_finish (AioTask *task)
{
  AioFuture *future = AIO_FUTURE (task);
  AioLoop *loop = task->loop;

  if (task->gio_next != NULL)
    _aio_future_release (g_steal_pointer (&task->gio_next));
  g_clear_object (&task->gio_result);

  if (task->must_cancel)
    {
      /* Cancelled right before (or instead of) the body's end. */
      task->must_cancel = FALSE;
      clear_return (task);
      _aio_future_complete (future, AIO_FUTURE_CANCELLED, NULL,
                            _aio_cancelled_error_new (task->cancel_msg), NULL);
    }
  else if (task->ret_error != NULL)
    {
      GError *error = g_steal_pointer (&task->ret_error);
      gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      clear_return (task);
      _aio_future_complete (future, cancelled ? AIO_FUTURE_CANCELLED : AIO_FUTURE_FINISHED,
                            NULL, error, NULL);
    }
  else
    {
      _aio_future_priv (future)->pointer_destroy = task->ret_pointer_destroy;
      task->ret_pointer_destroy = NULL;
      _aio_future_complete (future, AIO_FUTURE_FINISHED, &task->ret_value, NULL, NULL);
      task->returned = FALSE;
    }

  release_body (task);
  _aio_loop_unregister_task (loop, task);   /* may drop the last reference */
}

static void
task_step (AioTask *task)
{
  AioThreadState *ts = &_aio_ts;
  AioTask *outer;
  gboolean finished;

  if (_aio_future_is_done (AIO_FUTURE (task)) || task->stepping)
    return;

  outer = ts->current_task;
  ts->current_task = task;
  task->stepping = TRUE;
  if (G_UNLIKELY (_aio_loop_debug_used) && task->loop->debug)
    _aio_loop_debug_note_step (task->loop, task,
                               task->func != NULL ? (gpointer) task->func : (gpointer) task->step);

  if (task->func != NULL)
    finished = step_coroutine (task, &task);
  else if (task->step != NULL)
    finished = step_stackless (task);
  else
    finished = TRUE;

  task->stepping = FALSE;
  ts->current_task = outer;

  if (finished)
    task_finish (task);
}

/* Direct hand-off.  A coroutine that suspends while the ready ring holds
 * exactly one item, the step of another coroutine task (its wake-up, or
 * its start), would go back to the loop only for the loop to run that
 * item next: it switches straight to that task instead, which saves two
 * switches and a trip through the ring.  Nothing else could have run in
 * between (timers, I/O and other threads' work are appended behind the
 * item), so the order in which tasks run is the same.  It is not done
 * when the loop is about to stop or has spent its budget, nor in debug
 * mode, which times each item; hand-offs count as items against the
 * budget.
 */
static gboolean
try_hand_over (AioTask *task)
{
  AioLoop *loop = task->loop;
  const AioReadyItem *item;
  AioTask *next;
  gboolean holds_ref;

  if (loop->ring_count != 1 ||
      G_UNLIKELY ((!loop->dispatching) | loop->stopping | loop->budget_spent | loop->debug) ||
      loop->handoffs >= loop->check_interval)
    return FALSE;
  item = &loop->ring[loop->ring_head];
  holds_ref = item->ops == &step_scheduled_ops;
  if (item->ops != &wakeup_ready_ops && !holds_ref)
    return FALSE;
  next = item->data;
  if (next->func == NULL || next->stepping || _aio_future_is_done (AIO_FUTURE (next)))
    return FALSE;

  if (!next->started)
    {
      /* Its first step: the body starts on a stack of its own.  Anything
       * unusual (a cancellation before the start, no stack to be had) is
       * left to the loop's step, which reports it.
       */
      if (next->must_cancel)
        return FALSE;
      next->co = _aio_coroutine_new (next->stack_size, task_body_entry, next,
                                     task_describe, FALSE, NULL);
      if (next->co == NULL)
        return FALSE;
      next->started = TRUE;
      next->stack_measured = FALSE;
    }
  else if (next->co == NULL)
    return FALSE;

  _aio_loop_pop_ready (loop);
  loop->handoffs++;
  loop->handoffs_total++;
  if (holds_ref)
    _aio_unref_not_last (next);   /* the loop's task list holds it too */

  task->stepping = FALSE;
  next->stepping = TRUE;
  _aio_ts.current_task = next;
  _aio_coroutine_transfer (next->co);
  return TRUE;
}

AioTask *
_aio_task_current_coroutine (void)
{
  AioTask *task = _aio_ts.current_task;
  AioCoroutine *co = _aio_coroutine_self ();

  if (task == NULL || co == NULL || task->co != co)
    return NULL;
  return task;
}

/* Debug mode: a coroutine that came within a quarter of the end of its
 * stack at some point since it started is reported once.  Its stack's
 * pages were dropped when it started, so the resident ones are its own,
 * and a page once touched stays resident: checking at every suspension
 * would cost a system call each, so the check runs at the first and then
 * every STACK_CHECK_EVERY suspensions, and when the body returns.
 */
#define STACK_CHECK_EVERY 64

static G_GNUC_NO_INLINE void
check_stack_depth (AioTask *task)
{
  gsize size = _aio_coroutine_stack_size (task->co);
  gsize depth = _aio_coroutine_stack_depth (task->co);
  g_autofree char *origin = NULL;

  if (depth <= size / 4 * 3)
    return;
  task->stack_measured = FALSE;
  origin = origin_in_parentheses (task);
  g_warning ("Task '%s' has used %" G_GSIZE_FORMAT " KiB of its %" G_GSIZE_FORMAT
             " KiB stack (%" G_GSIZE_FORMAT "%%)%s: give it more with "
             "aio_task_set_stack_size() or AIO_STACK_SIZE",
             aio_task_get_name (task), depth / 1024, size / 1024, depth * 100 / size, origin);
}

/* The cancellation requested while the running @task waited (or before
 * it got to wait), delivered as asyncio's CancelledError at the await:
 * returns FALSE with it set, or TRUE when there is none.
 */
static gboolean
take_cancellation (AioTask  *task,
                   GError  **error)
{
  if (G_LIKELY (!task->must_cancel))
    return TRUE;
  task->must_cancel = FALSE;
  g_propagate_error (error, _aio_cancelled_error_new (task->cancel_msg));
  return FALSE;
}

/* Suspends the running @task until it is woken: by a hand-off, or by the
 * loop.  Then as take_cancellation().
 */
static gboolean
suspend_running (AioTask  *task,
                 GError  **error)
{
  if (G_UNLIKELY (task->stack_measured) && task->stack_checks++ % STACK_CHECK_EVERY == 0)
    check_stack_depth (task);
  if (!try_hand_over (task))
    _aio_coroutine_suspend ();
  return take_cancellation (task, error);
}

gboolean
_aio_task_wait (AioFuture  *future,
                GError    **error)
{
  AioTask *task = _aio_task_current_coroutine ();
  gboolean woken;

  if (task == NULL)
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_NOT_IN_COROUTINE,
                           "aio_await() can only be called from the body of a C coroutine task; "
                           "start one with aio_task_new(), or wait with aio_loop_run_until_complete()");
      return FALSE;
    }
  if (future == AIO_FUTURE (task))
    {
      g_set_error (error, AIO_ERROR, AIO_ERROR_AWAIT_SELF,
                   "Task '%s' cannot await itself", aio_task_get_name (task));
      return FALSE;
    }

  if (_aio_future_is_done (future) || !task_wait_on (task, future))
    return TRUE;   /* done futures do not suspend, as in asyncio */

  task->fut_waiter = future;   /* borrowed: our caller holds it while suspended */
  if (task->must_cancel && aio_future_cancel (future, task->cancel_msg))
    task->must_cancel = FALSE;

  woken = suspend_running (task, error);
  task->fut_waiter = NULL;
  return woken;
}

gboolean
_aio_task_park (AioTask                *task,
                AioTaskParkCancelFunc   on_cancel,
                gpointer                data,
                GError                **error)
{
  g_assert (task == _aio_task_current_coroutine () && on_cancel != NULL);

  if (G_UNLIKELY (task->must_cancel) && on_cancel (data, task->cancel_msg))
    return take_cancellation (task, error);

  task->park.cancel = on_cancel;
  task->park.data = data;
  task->parked = TRUE;
  task->wait_since = task->loop->dispatch_start;
  return suspend_running (task, error);
}

void
_aio_task_unpark (AioTask *task)
{
  g_assert (task->parked);

  task->parked = FALSE;
  _aio_loop_push_ready (task->loop, &wakeup_ready_ops, task);
}

/**
 * aio_task_get_name:
 * @self: an [class@Aio.Task]
 *
 * Gets the name of @self.
 *
 * Returns: (transfer none): the name
 *
 * Since: 1.0
 */
const char *
aio_task_get_name (AioTask *self)
{
  g_return_val_if_fail (AIO_IS_TASK (self), NULL);

  if (self->name == NULL)
    self->name = g_strdup_printf ("Task-%" G_GUINT64_FORMAT, self->number);
  return self->name;
}

/**
 * aio_task_set_name:
 * @self: an [class@Aio.Task]
 * @name: (nullable): the new name, or %NULL for `Task-<n>`
 *
 * Renames @self.
 *
 * Since: 1.0
 */
void
aio_task_set_name (AioTask    *self,
                   const char *name)
{
  g_return_if_fail (AIO_IS_TASK (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

/**
 * aio_task_get_origin:
 * @self: an [class@Aio.Task]
 *
 * Where @self was created, as recorded by [method@Aio.Task.set_origin].
 *
 * Returns: (nullable): the location set with [method@Aio.Task.set_origin]
 *   or `AIO_TASK_HERE()` (see [C macros](macros.html)), or %NULL
 *
 * Since: 1.0
 */
const char *
aio_task_get_origin (AioTask *self)
{
  g_return_val_if_fail (AIO_IS_TASK (self), NULL);

  return self->origin;
}

/**
 * aio_task_set_origin:
 * @self: an [class@Aio.Task]
 * @location: (nullable): where @self was created, such as `"main.c:42"`
 *
 * Records where @self was created.  Debug reports (a slow step, an error
 * nobody retrieved, a task destroyed while pending) and call graphs name
 * it; without one they name the function that created the task, found
 * with `dladdr()`.  The bindings can pass their own source location.
 *
 * Since: 1.0
 */
void
aio_task_set_origin (AioTask    *self,
                     const char *location)
{
  g_return_if_fail (AIO_IS_TASK (self));

  g_free (self->origin);
  self->origin = g_strdup (location);
}

/**
 * aio_task_at: (skip)
 * @task: (transfer full): an [class@Aio.Task]
 * @location: where @task was created
 *
 * Sets the origin of @task and returns it: the function behind
 * `AIO_TASK_HERE()` (see [C macros](macros.html)).
 *
 * Returns: (transfer full): @task
 *
 * Since: 1.0
 */
AioTask *
aio_task_at (AioTask    *task,
             const char *location)
{
  g_return_val_if_fail (AIO_IS_TASK (task), task);

  aio_task_set_origin (task, location);
  return task;
}

/**
 * aio_task_get_stack_size:
 * @self: an [class@Aio.Task]
 *
 * Gets the size of the stack the body of @self runs on.
 *
 * Returns: the stack size in bytes, or 0 for a stackless task
 *
 * Since: 1.0
 */
gsize
aio_task_get_stack_size (AioTask *self)
{
  g_return_val_if_fail (AIO_IS_TASK (self), 0);

  if (self->step != NULL || (self->func == NULL && self->co == NULL && self->started))
    return 0;
  if (self->co != NULL)
    return _aio_coroutine_stack_size (self->co);
  return _aio_stack_round_size (self->stack_size);
}

/**
 * aio_task_set_stack_size:
 * @self: an [class@Aio.Task] whose C body has not started yet
 * @stack_size: bytes of stack, or 0 for the default
 *
 * Sets the stack size of a C coroutine task.  Call it right after creating
 * the task, before the loop starts it.
 *
 * Since: 1.0
 */
void
aio_task_set_stack_size (AioTask *self,
                         gsize    stack_size)
{
  g_return_if_fail (AIO_IS_TASK (self));
  g_return_if_fail (self->func != NULL);
  g_return_if_fail (!self->started);

  self->stack_size = stack_size;
}

/**
 * aio_task_is_stackless:
 * @self: an [class@Aio.Task]
 *
 * Whether the body of @self is a step function rather than a C coroutine.
 *
 * Returns: %TRUE for a stackless task
 *
 * Since: 1.0
 */
gboolean
aio_task_is_stackless (AioTask *self)
{
  g_return_val_if_fail (AIO_IS_TASK (self), FALSE);

  return self->func == NULL && self->co == NULL;
}

/**
 * aio_task_cancel:
 * @self: an [class@Aio.Task]
 * @msg: (nullable): a message for the cancellation error
 *
 * Requests that @self be cancelled, like asyncio's `Task.cancel()`.  The
 * task's current await fails with `G_IO_ERROR_CANCELLED`; if the body lets
 * that error end it, the task ends cancelled.  The same as
 * [method@Aio.Future.cancel].
 *
 * Returns: %FALSE if @self is already done, %TRUE otherwise
 *
 * Since: 1.0
 */
gboolean
aio_task_cancel (AioTask    *self,
                 const char *msg)
{
  g_return_val_if_fail (AIO_IS_TASK (self), FALSE);

  return aio_future_cancel (AIO_FUTURE (self), msg);
}

/**
 * aio_task_cancelling:
 * @self: an [class@Aio.Task]
 *
 * Counts the cancellation requests of @self not withdrawn with
 * [method@Aio.Task.uncancel], like asyncio's `Task.cancelling()`.
 *
 * Returns: the number of pending cancellation requests
 *
 * Since: 1.0
 */
guint
aio_task_cancelling (AioTask *self)
{
  g_return_val_if_fail (AIO_IS_TASK (self), 0);

  return self->num_cancels_requested;
}

/**
 * aio_task_uncancel:
 * @self: an [class@Aio.Task]
 *
 * Withdraws one cancellation request, like asyncio's `Task.uncancel()`.
 * When none are left, a cancellation that has not reached the body yet is
 * dropped too.  Structured concurrency helpers use this to tell their own
 * cancellations from the caller's.
 *
 * Returns: the number of requests left
 *
 * Since: 1.0
 */
guint
aio_task_uncancel (AioTask *self)
{
  g_return_val_if_fail (AIO_IS_TASK (self), 0);

  if (self->num_cancels_requested > 0)
    {
      self->num_cancels_requested--;
      if (self->num_cancels_requested == 0)
        self->must_cancel = FALSE;
    }
  return self->num_cancels_requested;
}

static void
task_take_return (AioTask *self,
                  GValue  *value)
{
  if (self->returned || _aio_future_is_done (AIO_FUTURE (self)))
    {
      g_critical ("Task '%s' already has a result; aio_task_return_*() may be called once",
                  aio_task_get_name (self));
      if (G_IS_VALUE (value))
        g_value_unset (value);
      return;
    }
  self->ret_value = *value;
  memset (value, 0, sizeof *value);
  self->returned = TRUE;
}

/**
 * aio_task_return_value:
 * @self: the running [class@Aio.Task]
 * @value: (nullable): the result, copied; %NULL for no value
 *
 * Sets the result the task ends with when its body returns.  Call one of
 * the `aio_task_return_*()` functions at most once.
 *
 * Since: 1.0
 */
void
aio_task_return_value (AioTask      *self,
                       const GValue *value)
{
  GValue copy = G_VALUE_INIT;

  g_return_if_fail (AIO_IS_TASK (self));
  g_return_if_fail (value == NULL || G_IS_VALUE (value));

  if (value != NULL)
    {
      g_value_init (&copy, G_VALUE_TYPE (value));
      g_value_copy (value, &copy);
    }
  task_take_return (self, &copy);
}

/**
 * aio_task_return_boolean:
 * @self: the running [class@Aio.Task]
 * @value: the result
 *
 * Sets a boolean result, see [method@Aio.Task.return_value].
 *
 * Since: 1.0
 */
void
aio_task_return_boolean (AioTask  *self,
                         gboolean  value)
{
  GValue v = G_VALUE_INIT;

  g_return_if_fail (AIO_IS_TASK (self));

  _aio_value_set_boolean (&v, value);
  task_take_return (self, &v);
}

/**
 * aio_task_return_int:
 * @self: the running [class@Aio.Task]
 * @value: the result
 *
 * Sets an integer result, see [method@Aio.Task.return_value].
 *
 * Since: 1.0
 */
void
aio_task_return_int (AioTask *self,
                     gint     value)
{
  GValue v = G_VALUE_INIT;

  g_return_if_fail (AIO_IS_TASK (self));

  _aio_value_set_int (&v, value);
  task_take_return (self, &v);
}

/**
 * aio_task_return_int64:
 * @self: the running [class@Aio.Task]
 * @value: the result
 *
 * Sets a 64-bit integer result, see [method@Aio.Task.return_value].
 *
 * Since: 1.0
 */
void
aio_task_return_int64 (AioTask *self,
                       gint64   value)
{
  GValue v = G_VALUE_INIT;

  g_return_if_fail (AIO_IS_TASK (self));

  _aio_value_set_int64 (&v, value);
  task_take_return (self, &v);
}

/**
 * aio_task_return_uint64:
 * @self: the running [class@Aio.Task]
 * @value: the result
 *
 * Sets an unsigned 64-bit integer result, see
 * [method@Aio.Task.return_value].
 *
 * Since: 1.0
 */
void
aio_task_return_uint64 (AioTask *self,
                        guint64  value)
{
  GValue v = G_VALUE_INIT;

  g_return_if_fail (AIO_IS_TASK (self));

  _aio_value_set_uint64 (&v, value);
  task_take_return (self, &v);
}

/**
 * aio_task_return_double:
 * @self: the running [class@Aio.Task]
 * @value: the result
 *
 * Sets a floating point result, see [method@Aio.Task.return_value].
 *
 * Since: 1.0
 */
void
aio_task_return_double (AioTask *self,
                        gdouble  value)
{
  GValue v = G_VALUE_INIT;

  g_return_if_fail (AIO_IS_TASK (self));

  _aio_value_set_double (&v, value);
  task_take_return (self, &v);
}

/**
 * aio_task_return_string:
 * @self: the running [class@Aio.Task]
 * @value: (nullable): the result, copied
 *
 * Sets a string result, see [method@Aio.Task.return_value].
 *
 * Since: 1.0
 */
void
aio_task_return_string (AioTask    *self,
                        const char *value)
{
  GValue v = G_VALUE_INIT;

  g_return_if_fail (AIO_IS_TASK (self));

  g_value_init (&v, G_TYPE_STRING);
  g_value_set_string (&v, value);
  task_take_return (self, &v);
}

/**
 * aio_task_return_object:
 * @self: the running [class@Aio.Task]
 * @value: (type GObject) (nullable): the result; a reference is taken
 *
 * Sets an object result, see [method@Aio.Task.return_value].
 *
 * Since: 1.0
 */
void
aio_task_return_object (AioTask  *self,
                        gpointer  value)
{
  GValue v = G_VALUE_INIT;

  g_return_if_fail (AIO_IS_TASK (self));
  g_return_if_fail (value == NULL || G_IS_OBJECT (value));

  g_value_init (&v, value != NULL ? G_OBJECT_TYPE (value) : G_TYPE_OBJECT);
  g_value_set_object (&v, value);
  task_take_return (self, &v);
}

/**
 * aio_task_return_boxed:
 * @self: the running [class@Aio.Task]
 * @boxed_type: the boxed type of @value
 * @value: (nullable): the result, copied
 *
 * Sets a boxed result, see [method@Aio.Task.return_value].
 *
 * Since: 1.0
 */
void
aio_task_return_boxed (AioTask       *self,
                       GType          boxed_type,
                       gconstpointer  value)
{
  GValue v = G_VALUE_INIT;

  g_return_if_fail (AIO_IS_TASK (self));
  g_return_if_fail (G_TYPE_IS_BOXED (boxed_type));

  g_value_init (&v, boxed_type);
  g_value_set_boxed (&v, value);
  task_take_return (self, &v);
}

/**
 * aio_task_return_pointer:
 * @self: the running [class@Aio.Task]
 * @value: (nullable): the result
 * @destroy: (nullable): frees @value if nobody takes it
 *
 * Sets a pointer result, see [method@Aio.Task.return_value] and
 * [method@Aio.Future.set_pointer].
 *
 * Since: 1.0
 */
void
aio_task_return_pointer (AioTask        *self,
                         gpointer        value,
                         GDestroyNotify  destroy)
{
  GValue v = G_VALUE_INIT;

  g_return_if_fail (AIO_IS_TASK (self));

  _aio_value_set_pointer (&v, value);
  task_take_return (self, &v);
  if (self->returned && G_VALUE_HOLDS_POINTER (&self->ret_value) &&
      g_value_get_pointer (&self->ret_value) == value)
    self->ret_pointer_destroy = destroy;
  else if (destroy != NULL && value != NULL)
    destroy (value);
}

/**
 * aio_task_return_error:
 * @self: the running [class@Aio.Task]
 * @error: (transfer full): the error the task fails with
 *
 * Makes the task fail with @error when its body returns.  An error in
 * `G_IO_ERROR` / `G_IO_ERROR_CANCELLED` ends the task cancelled, as a
 * `CancelledError` escaping an asyncio coroutine does.
 *
 * Since: 1.0
 */
void
aio_task_return_error (AioTask *self,
                       GError  *error)
{
  g_return_if_fail (AIO_IS_TASK (self));
  g_return_if_fail (error != NULL);

  if (self->returned || _aio_future_is_done (AIO_FUTURE (self)))
    {
      g_critical ("Task '%s' already has a result; aio_task_return_*() may be called once",
                  aio_task_get_name (self));
      g_error_free (error);
      return;
    }
  self->ret_error = error;
  self->returned = TRUE;
}
