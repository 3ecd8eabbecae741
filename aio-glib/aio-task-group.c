/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-call-graph-private.h"
#include "aio-error.h"
#include "aio-loop.h"
#include "aio-structured-private.h"
#include "aio-task-group.h"

/**
 * AioTaskGroup:
 *
 * Runs tasks together and waits for all of them, like asyncio's
 * `TaskGroup`.
 *
 * A group is created in the body of a task, its parent; tasks are added
 * with [method@Aio.TaskGroup.create_task] (C coroutines) or
 * [method@Aio.TaskGroup.add_task] (any task, such as the stackless tasks
 * of the language bindings), and [method@Aio.TaskGroup.wait] returns a
 * future that is done when all of them are:
 *
 * ```c
 * g_autoptr(AioTaskGroup) group = aio_task_group_new ();
 * g_autoptr(GError) body_error = NULL;
 * g_autoptr(GError) error = NULL;
 *
 * for (i = 0; i < n_urls; i++)
 *   aio_task_group_create_task (group, fetch, urls[i], NULL, NULL);
 * aio_await (aio_sleep (0.1), &body_error);   // anything else the body does
 * if (!aio_await (aio_task_group_wait (group, body_error), &error))
 *   g_printerr ("%s\n", error->message);
 * ```
 *
 * The rules are asyncio's, `async with TaskGroup()` spelled out:
 *
 * - The first task to fail (with an error other than cancellation)
 *   cancels all the others, and cancels the parent task too, so the body
 *   stops at its current await.  The group withdraws that cancellation
 *   when it is done ([method@Aio.Task.uncancel]), so the parent carries on
 *   after the wait.
 * - The wait then fails with %AIO_ERROR_MULTIPLE, asyncio's
 *   `ExceptionGroup`: its message says how many tasks failed and which,
 *   and [method@Aio.TaskGroup.get_error] and
 *   [method@Aio.TaskGroup.get_failed_task] give each error.  An error the
 *   body ended with, passed to [method@Aio.TaskGroup.wait], is one of
 *   them.
 * - If the parent task is cancelled (from outside), the wait or the body's
 *   await fails with `G_IO_ERROR_CANCELLED`, the group cancels its tasks,
 *   waits for them, and the wait ends cancelled, unless tasks failed: their
 *   errors take priority, and the parent's cancellation is then delivered
 *   again at its next await.
 * - A task cancelled on its own is not a failure.
 * - Tasks may be added until the group is done, even while waiting (from
 *   the group's own tasks), but not once it is aborting after a failure;
 *   then, or once it is finished, adding fails with
 *   %AIO_ERROR_INVALID_STATE.
 *
 * Groups nest: a task of a group may run a group of its own, and
 * cancelling it cancels that group's tasks in turn.
 *
 * A group created outside a task has no parent to cancel; it still
 * cancels the other tasks on the first failure, and cancelling the future
 * of [method@Aio.TaskGroup.wait] cancels them all.  That is the form for
 * code driven by callbacks rather than coroutines.
 *
 * ## Thread safety
 *
 * A task group belongs to the loop it was created on: use it only on
 * that loop's thread.
 *
 * Since: 1.0
 */

typedef struct _GroupMember GroupMember;

/* A task of the group, linked as a waiter into the task.  It holds the
 * task, and the group holds itself while it has members, so a member can
 * be woken straight from the ready ring.
 */
struct _GroupMember
{
  AioWaiter     waiter;
  AioTaskGroup *group;   /* (unowned) */
  AioTask      *task;    /* (owned) */
  AioLink       link;    /* in the group's members */
};

typedef struct
{
  AioTask *task;    /* (owned) (nullable) NULL for the group's body */
  GError  *error;   /* (owned) */
} GroupFailure;

struct _AioTaskGroup
{
  GObject       parent_instance;

  AioLoop      *loop;          /* (owned) */
  AioTask      *parent;        /* (owned) (nullable) until the group is finished */
  AioList       members;       /* (owned) of GroupMember: tasks not done yet */
  guint         n_members;
  guint         n_added;       /* tasks ever added, for the error message */
  GArray       *failures;      /* (owned) (element-type GroupFailure) */
  GError       *body_error;    /* (owned) (nullable) body failure other than cancellation */
  GError       *cancel_error;  /* (owned) (nullable) the cancellation to report */
  AioFuture    *wait_future;   /* (owned) (nullable) until the group is finished */

  guint         waited : 1;                   /* asyncio's _exiting */
  guint         aborting : 1;
  guint         finished : 1;
  guint         parent_cancel_requested : 1;  /* we cancelled the parent */
  guint         propagate_cancellation : 1;
  guint         wait_cancelled : 1;           /* the wait was cancelled at least once */
};

G_DEFINE_FINAL_TYPE (AioTaskGroup, aio_task_group, G_TYPE_OBJECT)

#define MAX_LISTED_ERRORS 8

static void
group_failure_clear (gpointer data)
{
  GroupFailure *failure = data;

  g_clear_object (&failure->task);
  g_clear_error (&failure->error);
}

static void
aio_task_group_finalize (GObject *object)
{
  AioTaskGroup *self = AIO_TASK_GROUP (object);

  /* Members hold the group, so none are left here. */
  if (!self->waited && self->failures->len > 0)
    g_warning ("A task group was destroyed without aio_task_group_wait(); "
               "%u task errors were never reported, the first: %s",
               self->failures->len,
               g_array_index (self->failures, GroupFailure, 0).error->message);

  g_array_unref (self->failures);
  g_clear_error (&self->body_error);
  g_clear_error (&self->cancel_error);
  g_clear_object (&self->parent);
  g_clear_object (&self->loop);

  G_OBJECT_CLASS (aio_task_group_parent_class)->finalize (object);
}

static void
aio_task_group_class_init (AioTaskGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aio_task_group_finalize;
}

static void
aio_task_group_init (AioTaskGroup *self)
{
  self->failures = g_array_new (FALSE, TRUE, sizeof (GroupFailure));
  g_array_set_clear_func (self->failures, group_failure_clear);
}

/**
 * aio_task_group_new:
 *
 * Creates a task group whose parent is the current task, like entering
 * `async with asyncio.TaskGroup()`.  Outside a task, the group has no
 * parent and runs on the running loop, or the thread-default loop.
 *
 * Returns: (transfer full): a new [class@Aio.TaskGroup]
 *
 * Since: 1.0
 */
AioTaskGroup *
aio_task_group_new (void)
{
  AioTaskGroup *self = g_object_new (AIO_TYPE_TASK_GROUP, NULL);
  AioTask *parent = aio_current_task ();

  if (parent != NULL)
    {
      self->parent = g_object_ref (parent);
      self->loop = g_object_ref (aio_future_get_loop (AIO_FUTURE (parent)));
    }
  else
    self->loop = g_object_ref (_aio_loop_get_current ());
  return self;
}

/* asyncio's TaskGroup._abort(). */
static void
group_abort (AioTaskGroup *self)
{
  AioLink *link;

  self->aborting = TRUE;
  for (link = self->members.head; link != NULL; link = link->next)
    {
      GroupMember *member = _aio_list_entry (link, GroupMember, link);

      if (!_aio_future_is_done (AIO_FUTURE (member->task)))
        aio_task_cancel (member->task, NULL);
    }
}

static GError *
multiple_error_new (AioTaskGroup *self)
{
  GString *message = g_string_new (NULL);
  GError *error;
  guint n_failed = self->failures->len;
  guint n_tasks_failed = n_failed;
  guint i;

  if (g_array_index (self->failures, GroupFailure, n_failed - 1).task == NULL)
    n_tasks_failed--;   /* the body's error comes last */

  if (n_tasks_failed > 0)
    g_string_append_printf (message, "%u of the %u tasks of the task group failed%s",
                            n_tasks_failed, self->n_added,
                            n_tasks_failed < n_failed ? ", and so did its body" : "");
  else
    g_string_append (message, "The body of the task group failed");

  for (i = 0; i < n_failed && i < MAX_LISTED_ERRORS; i++)
    {
      GroupFailure *failure = &g_array_index (self->failures, GroupFailure, i);

      g_string_append (message, i == 0 ? ": " : "; ");
      if (failure->task != NULL)
        g_string_append_printf (message, "task '%s': %s",
                                aio_task_get_name (failure->task), failure->error->message);
      else
        g_string_append_printf (message, "body: %s", failure->error->message);
    }
  if (n_failed > MAX_LISTED_ERRORS)
    g_string_append_printf (message, "; and %u more", n_failed - MAX_LISTED_ERRORS);

  error = g_error_new_literal (AIO_ERROR, AIO_ERROR_MULTIPLE, message->str);
  g_string_free (message, TRUE);
  return error;
}

/* The parent resumes from the wait before this runs, so the cancellation
 * arrives at its next await, as asyncio's re-cancel in __aexit__ does.
 */
static void
recancel_parent (gpointer data)
{
  AioTask *parent = data;

  /* A parent that ended right after the wait keeps its count as it is. */
  if (!aio_future_done (AIO_FUTURE (parent)))
    {
      aio_task_uncancel (parent);
      aio_task_cancel (parent, NULL);
    }
  g_object_unref (parent);
}

static const AioReadyOps recancel_parent_ops = { recancel_parent, g_object_unref };

/* asyncio's __aexit__ once every task is done. */
static void
group_finish (AioTaskGroup *self)
{
  AioTask *parent = g_steal_pointer (&self->parent);
  gboolean propagate = self->propagate_cancellation;
  gboolean recancel = FALSE;
  AioFutureState state = AIO_FUTURE_FINISHED;
  GError *outcome = NULL;

  self->finished = TRUE;

  if (self->parent_cancel_requested)
    {
      /* Withdraw our own request; what is left came from elsewhere. */
      if (aio_task_uncancel (parent) == 0)
        propagate = FALSE;
      else if (!propagate)
        propagate = self->wait_cancelled;
    }

  if (propagate && self->failures->len == 0)
    {
      state = AIO_FUTURE_CANCELLED;
      outcome = self->cancel_error != NULL ? g_error_copy (self->cancel_error)
                                           : _aio_cancelled_error_new (NULL);
    }
  else
    {
      if (self->body_error != NULL)
        {
          GroupFailure failure = { NULL, g_steal_pointer (&self->body_error) };

          g_array_append_val (self->failures, failure);
        }
      if (self->failures->len > 0)
        {
          outcome = multiple_error_new (self);
          /* The errors replace a cancellation from outside; it must not
           * be lost, so the parent gets it again.
           */
          recancel = parent != NULL && aio_task_cancelling (parent) > 0;
        }
    }

  if (self->wait_future != NULL)
    {
      AioFuture *future = _aio_future_detach_hook (&self->wait_future);

      _aio_future_complete (future, state, NULL, outcome, NULL);
      _aio_release (future);
    }
  else
    g_clear_error (&outcome);

  if (recancel)
    _aio_loop_push_ready (self->loop, &recancel_parent_ops, parent);
  else
    g_clear_object (&parent);
}

/* asyncio's TaskGroup._on_task_done(). */
static void
member_done (GroupMember *member)
{
  AioTaskGroup *self = member->group;
  AioTask *task = member->task;
  AioFuture *future = AIO_FUTURE (task);

  _aio_list_remove (&self->members, &member->link);
  self->n_members--;
  g_slice_free (GroupMember, member);

  if (_aio_future_failed (future))
    {
      GroupFailure failure = { task, g_error_copy (_aio_future_priv (future)->error) };

      _aio_future_mark_retrieved (future);
      g_array_append_val (self->failures, failure);   /* takes the member's reference */
      task = NULL;

      if (self->parent != NULL && _aio_future_is_done (AIO_FUTURE (self->parent)))
        g_warning ("Task '%s' failed, but the parent task '%s' of its task group is already done: %s",
                   aio_task_get_name (failure.task), aio_task_get_name (self->parent),
                   failure.error->message);
      else if (!self->aborting && !self->parent_cancel_requested)
        {
          group_abort (self);
          if (self->parent != NULL)
            {
              self->parent_cancel_requested = TRUE;
              aio_task_cancel (self->parent, NULL);
            }
        }
    }

  if (task != NULL)
    _aio_task_release (task);

  if (self->n_members == 0)
    {
      if (self->waited && !self->finished)
        group_finish (self);
      g_object_unref (self);   /* the reference the members held */
    }
}

static void
member_ready (gpointer data)
{
  member_done (data);
}

/* A member whose wake-up will never run: its loop's context is gone, so
 * nobody awaits the group any more.  Lets go of what it holds.
 */
static void
member_drop (gpointer data)
{
  GroupMember *member = data;
  AioTaskGroup *self = member->group;

  _aio_list_remove (&self->members, &member->link);
  _aio_task_release (member->task);
  g_slice_free (GroupMember, member);
  if (--self->n_members == 0)
    g_object_unref (self);   /* the reference the members held */
}

static const AioReadyOps member_ready_ops = { member_ready, member_drop };

static void
member_wakeup (AioWaiter *waiter,
               AioFuture *future)
{
  member_done ((GroupMember *) waiter);
}

/* A member is awaited by the group's wait, or by the task the group
 * belongs to while its body still runs. */
gboolean
_aio_task_group_waiter_owner (AioWaiter   *waiter,
                              AioFuture  **owner,
                              const char **via)
{
  AioTaskGroup *group;

  if (waiter->func != member_wakeup)
    return FALSE;
  group = ((GroupMember *) waiter)->group;
  *owner = group->wait_future != NULL ? group->wait_future : AIO_FUTURE (group->parent);
  *via = "task group";
  return *owner != NULL;
}

static void
add_member (AioTaskGroup *self,
            AioTask      *task)
{
  GroupMember *member = g_slice_new0 (GroupMember);

  member->waiter.func = member_wakeup;
  member->waiter.ready_ops = &member_ready_ops;
  member->waiter.ready_data = member;
  member->group = self;
  member->task = task;
  _aio_list_prepend (&self->members, &member->link);
  if (self->n_members++ == 0)
    g_object_ref (self);
  self->n_added++;

  /* Even a task that is already done is counted from the ready ring, as
   * asyncio schedules its done callback.
   */
  if (!_aio_future_add_waiter (AIO_FUTURE (task), &member->waiter))
    _aio_loop_push_ready (self->loop, &member_ready_ops, member);
}

static gboolean
check_can_add (AioTaskGroup  *self,
               GError       **error)
{
  if (!_aio_loop_is_owner (self->loop))
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD,
                           "Tasks can only be added to a task group from the thread that runs its loop");
      _aio_loop_debug_wrong_thread (self->loop, "aio_task_group_create_task");
      return FALSE;
    }
  if (self->finished)
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_INVALID_STATE,
                           "The task group is finished; no tasks can be added to it");
      return FALSE;
    }
  if (self->aborting)
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_INVALID_STATE,
                           "The task group is shutting down after a failure or cancellation; "
                           "no tasks can be added to it");
      return FALSE;
    }
  return TRUE;
}

/* @creator: the return address in the caller, for debug reports. */
static AioTask *
create_task (AioTaskGroup    *self,
             const char      *name,
             gsize            stack_size,
             AioTaskFunc      func,
             gpointer         user_data,
             GDestroyNotify   destroy,
             gpointer         creator,
             GError         **error)
{
  AioTask *task;

  if (!check_can_add (self, error))
    {
      if (destroy != NULL)
        destroy (user_data);
      return NULL;
    }

  task = aio_task_new_full (self->loop, name, stack_size, func, user_data, destroy);
  task->creator = creator;
  add_member (self, task);
  return task;
}

/**
 * aio_task_group_create_task_full: (skip)
 * @self: an [class@Aio.TaskGroup]
 * @name: (nullable): a name for the task, or %NULL for `Task-<n>`
 * @stack_size: bytes of stack for the body, or 0 for the default
 * @func: the body, run as a C coroutine
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when the body has returned, or
 *   at once if the task cannot be added
 * @error: return location for %AIO_ERROR_INVALID_STATE
 *
 * Creates a task in @self, like asyncio's `TaskGroup.create_task()`: see
 * [ctor@Aio.Task.new_full].
 *
 * Fails with %AIO_ERROR_INVALID_STATE when @self is finished or shutting
 * down; then no task is created.
 *
 * Returns: (transfer none) (nullable): the new task, which @self holds
 *   until it is done; take a reference to keep it longer
 *
 * Since: 1.0
 */
AioTask *
aio_task_group_create_task_full (AioTaskGroup    *self,
                                 const char      *name,
                                 gsize            stack_size,
                                 AioTaskFunc      func,
                                 gpointer         user_data,
                                 GDestroyNotify   destroy,
                                 GError         **error)
{
  g_return_val_if_fail (AIO_IS_TASK_GROUP (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return create_task (self, name, stack_size, func, user_data, destroy,
                      __builtin_return_address (0), error);
}

/**
 * aio_task_group_create_task: (skip)
 * @self: an [class@Aio.TaskGroup]
 * @func: the body, run as a C coroutine
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when the body has returned, or
 *   at once if the task cannot be added
 * @error: return location for %AIO_ERROR_INVALID_STATE
 *
 * Creates a task in @self, like asyncio's `TaskGroup.create_task()`; see
 * [method@Aio.TaskGroup.create_task_full].
 *
 * Returns: (transfer none) (nullable): the new task, which @self holds
 *   until it is done
 *
 * Since: 1.0
 */
AioTask *
aio_task_group_create_task (AioTaskGroup    *self,
                            AioTaskFunc      func,
                            gpointer         user_data,
                            GDestroyNotify   destroy,
                            GError         **error)
{
  g_return_val_if_fail (AIO_IS_TASK_GROUP (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return create_task (self, NULL, 0, func, user_data, destroy,
                      __builtin_return_address (0), error);
}

/**
 * aio_task_group_add_task:
 * @self: an [class@Aio.TaskGroup]
 * @task: a task of the group's loop, typically just created (for
 *   instance with [ctor@Aio.Task.new_stackless])
 * @error: return location for %AIO_ERROR_INVALID_STATE or
 *   %AIO_ERROR_INVALID_ARGUMENT
 *
 * Makes @task a task of @self: the form of
 * [method@Aio.TaskGroup.create_task] for tasks created elsewhere, such as
 * the coroutines of the language bindings.  @self holds @task until it is
 * done.
 *
 * If @task cannot be added (the group is finished or shutting down, or
 * @task belongs to another loop), it is cancelled, so a task that has not
 * started never runs its body, as asyncio closes the coroutine it was
 * given.
 *
 * Returns: %TRUE if @task was added
 *
 * Since: 1.0
 */
gboolean
aio_task_group_add_task (AioTaskGroup  *self,
                         AioTask       *task,
                         GError       **error)
{
  g_return_val_if_fail (AIO_IS_TASK_GROUP (self), FALSE);
  g_return_val_if_fail (AIO_IS_TASK (task), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (aio_future_get_loop (AIO_FUTURE (task)) != self->loop)
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT,
                           "The task belongs to another loop than the task group");
      aio_task_cancel (task, "The task could not be added to the task group");
      return FALSE;
    }
  if (!check_can_add (self, error))
    {
      aio_task_cancel (task, "The task could not be added to the task group");
      return FALSE;
    }

  add_member (self, g_object_ref (task));
  return TRUE;
}

static gboolean
wait_cancel_hook (AioFuture  *future,
                  const char *msg,
                  gpointer    data)
{
  AioTaskGroup *self = data;

  /* The parent is being cancelled: stop everything, but finish waiting
   * before the wait ends.
   */
  self->wait_cancelled = TRUE;
  if (!self->aborting)
    {
      self->propagate_cancellation = TRUE;
      if (self->cancel_error == NULL)
        self->cancel_error = _aio_cancelled_error_new (msg);
      group_abort (self);
    }
  return FALSE;
}

/**
 * aio_task_group_wait:
 * @self: an [class@Aio.TaskGroup]
 * @body_error: (nullable): the error the body of the group ended with,
 *   if it failed (or was cancelled) before it could wait; %NULL if it got
 *   here normally
 *
 * Waits for every task of @self, asyncio's `TaskGroup.__aexit__()`.  Call
 * it once, from the parent task, when the body of the group is done.
 *
 * The returned future finishes, with no value, when all the tasks are
 * done and none failed.  It fails with %AIO_ERROR_MULTIPLE if any task
 * failed, or if @body_error is an error other than cancellation; it ends
 * cancelled if the parent task was cancelled from outside (or
 * @body_error is `G_IO_ERROR_CANCELLED` not caused by the group) and no
 * task failed.  A @body_error cancels the tasks first.
 *
 * Cancelling the returned future, as cancelling the parent task while it
 * awaits the future does, cancels the tasks of @self and waits for them;
 * it does not end the wait early.
 *
 * Calling it twice, or from a thread other than the loop's, gives a future
 * that has failed with %AIO_ERROR_INVALID_STATE or
 * %AIO_ERROR_WRONG_THREAD.
 *
 * Returns: (transfer full): a future that is done when the group is
 *
 * Since: 1.0
 */
AioFuture *
aio_task_group_wait (AioTaskGroup *self,
                     const GError *body_error)
{
  AioFuture *future;

  g_return_val_if_fail (AIO_IS_TASK_GROUP (self), NULL);

  if (!_aio_loop_is_owner (self->loop) &&
      !_aio_loop_debug_wrong_thread (self->loop, "aio_task_group_wait"))
    return _aio_future_new_failed (self->loop,
                                   g_error_new_literal (AIO_ERROR, AIO_ERROR_WRONG_THREAD,
                                                        "aio_task_group_wait() must be called from "
                                                        "the thread that runs the group's loop"));
  if (self->waited)
    return _aio_future_new_failed (self->loop,
                                   g_error_new_literal (AIO_ERROR, AIO_ERROR_INVALID_STATE,
                                                        "aio_task_group_wait() was already called "
                                                        "for this task group"));

  self->waited = TRUE;
  future = _aio_future_new_for_loop (self->loop);
  /* Held until the group is finished, so a caller may just add a done
   * callback; the cancel hook never completes it early.
   */
  self->wait_future = _aio_ref (future);
  _aio_future_set_cancel_hook (future, wait_cancel_hook, self, NULL);

  if (body_error != NULL)
    {
      if (g_error_matches (body_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->propagate_cancellation = TRUE;
          g_clear_error (&self->cancel_error);
          self->cancel_error = g_error_copy (body_error);
        }
      else
        self->body_error = g_error_copy (body_error);
      if (!self->aborting)
        group_abort (self);
    }

  if (self->n_members == 0)
    group_finish (self);
  return future;
}

/**
 * aio_task_group_join:
 * @self: an [class@Aio.TaskGroup]
 *
 * Waits for every task of @self when the body of the group got to its end
 * normally: the same as [method@Aio.TaskGroup.wait] with no body error.
 * Language bindings that cannot pass %NULL for a `GError` argument
 * (PyGObject) use it.
 *
 * Returns: (transfer full): a future that is done when the group is
 *
 * Since: 1.0
 */
AioFuture *
aio_task_group_join (AioTaskGroup *self)
{
  return aio_task_group_wait (self, NULL);
}

/**
 * aio_task_group_cancel:
 * @self: an [class@Aio.TaskGroup]
 *
 * Cancels the tasks of @self and its parent task, so that the group ends
 * without a cancellation error, like asyncio's `TaskGroup.cancel()`
 * (Python 3.14).  The parent's current await (or its wait) fails with
 * `G_IO_ERROR_CANCELLED`; the group withdraws that cancellation when it
 * is done, so [method@Aio.TaskGroup.wait] succeeds unless a task failed.
 *
 * Does nothing if @self is finished or already shutting down.
 *
 * Since: 1.0
 */
void
aio_task_group_cancel (AioTaskGroup *self)
{
  g_return_if_fail (AIO_IS_TASK_GROUP (self));

  if (self->finished || self->aborting)
    return;

  group_abort (self);
  if (self->parent != NULL && !self->parent_cancel_requested)
    {
      self->parent_cancel_requested = TRUE;
      aio_task_cancel (self->parent, NULL);
    }
}

/**
 * aio_task_group_get_parent:
 * @self: an [class@Aio.TaskGroup]
 *
 * Gets the task that created @self, until @self is finished.
 *
 * Returns: (transfer none) (nullable): the parent task, or %NULL for a
 *   group created outside a task or one that is finished
 *
 * Since: 1.0
 */
AioTask *
aio_task_group_get_parent (AioTaskGroup *self)
{
  g_return_val_if_fail (AIO_IS_TASK_GROUP (self), NULL);

  return self->parent;
}

/**
 * aio_task_group_get_n_tasks:
 * @self: an [class@Aio.TaskGroup]
 *
 * Counts the tasks of @self that are not done yet.
 *
 * Returns: the number of pending tasks
 *
 * Since: 1.0
 */
guint
aio_task_group_get_n_tasks (AioTaskGroup *self)
{
  g_return_val_if_fail (AIO_IS_TASK_GROUP (self), 0);

  return self->n_members;
}

/**
 * aio_task_group_get_n_errors:
 * @self: an [class@Aio.TaskGroup]
 *
 * Counts the errors of @self: the tasks that failed so far and, once the
 * group is finished, the body's error.  These are what the
 * %AIO_ERROR_MULTIPLE error of [method@Aio.TaskGroup.wait] stands for,
 * asyncio's `ExceptionGroup.exceptions`.
 *
 * Returns: the number of errors
 *
 * Since: 1.0
 */
guint
aio_task_group_get_n_errors (AioTaskGroup *self)
{
  g_return_val_if_fail (AIO_IS_TASK_GROUP (self), 0);

  return self->failures->len;
}

/**
 * aio_task_group_get_error:
 * @self: an [class@Aio.TaskGroup]
 * @index: an index below [method@Aio.TaskGroup.get_n_errors]
 *
 * Gets one error of @self, in the order the tasks failed; the body's error
 * comes last.
 *
 * Returns: (transfer none): the error
 *
 * Since: 1.0
 */
const GError *
aio_task_group_get_error (AioTaskGroup *self,
                          guint         index)
{
  g_return_val_if_fail (AIO_IS_TASK_GROUP (self), NULL);
  g_return_val_if_fail (index < self->failures->len, NULL);

  return g_array_index (self->failures, GroupFailure, index).error;
}

/**
 * aio_task_group_get_failed_task:
 * @self: an [class@Aio.TaskGroup]
 * @index: an index below [method@Aio.TaskGroup.get_n_errors]
 *
 * Gets the task that failed with the error at @index.
 *
 * Returns: (transfer none) (nullable): the task, or %NULL for the body's
 *   error
 *
 * Since: 1.0
 */
AioTask *
aio_task_group_get_failed_task (AioTaskGroup *self,
                                guint         index)
{
  g_return_val_if_fail (AIO_IS_TASK_GROUP (self), NULL);
  g_return_val_if_fail (index < self->failures->len, NULL);

  return g_array_index (self->failures, GroupFailure, index).task;
}

const char *
_aio_task_group_future_kind (AioFuture *future)
{
  return _aio_future_priv (future)->cancel_hook == wait_cancel_hook ? "task group" : NULL;
}
