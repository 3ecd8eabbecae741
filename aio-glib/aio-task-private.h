/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "aio-coroutine-private.h"
#include "aio-future-private.h"
#include "aio-task.h"

G_BEGIN_DECLS

/* Told that a parked task is cancelled; returns FALSE to keep it parked
 * (the cancellation then waits for its next await), as an AioCancelHook.
 */
typedef gboolean (*AioTaskParkCancelFunc) (gpointer    data,
                                           const char *msg);

struct _AioTask
{
  AioFuture         parent_instance;

  AioLoop          *loop;            /* (unowned) the future's loop, which owns it */
  char             *name;            /* (owned) (nullable) NULL means "Task-<number>" */
  guint64           number;

  AioTaskFunc       func;            /* stackful body, or NULL */
  AioTaskStepFunc   step;            /* stackless body, or NULL */
  gpointer          user_data;
  GDestroyNotify    destroy;         /* frees user_data when the body is finished */

  AioCoroutine     *co;              /* (owned) (nullable) while a stackful body runs */
  gsize             stack_size;      /* 0: the default */

  AioFuture        *fut_waiter;      /* (owned) (nullable) what the task awaits */
  union
  {
    AioWaiter       waiter;          /* linked into fut_waiter while waiting */
    struct
    {
      AioTaskParkCancelFunc cancel;  /* while parked, see _aio_task_park() */
      gpointer              data;
    } park;                          /* a parked task waits for no future */
  };
  gint64            wait_since;      /* the loop's dispatch deadline when the wait began */

  char             *origin;          /* (owned) (nullable) where it was created, see AIO_TASK_HERE */
  gpointer          creator;         /* return address in the function that created it */
  guint8            stack_checks;    /* suspensions counted between depth checks */

  guint             num_cancels_requested;
  char             *cancel_msg;      /* (owned) (nullable) */

  GValue            ret_value;       /* the body's result, until the task is done */
  GDestroyNotify    ret_pointer_destroy;
  GError           *ret_error;       /* (owned) (nullable) */

  AioLink           all_link;        /* in the loop's tasks; loop thread only */
  AioTask          *pool_next;

  AioFuture        *gio_next;        /* (owned) (nullable) GIO call being set up */
  GAsyncResult     *gio_result;      /* (owned) (nullable) result of the last GIO call */

  guint             must_cancel : 1;
  guint             started : 1;
  guint             returned : 1;
  guint             stepping : 1;
  guint             stack_measured : 1;   /* debug mode watches its stack depth */
  guint             parked : 1;      /* suspended in _aio_task_park(), not yet unparked */
};

#define _aio_task_from_all_link(l) _aio_list_entry (l, AioTask, all_link)

/* Ends a pending task whose loop's context was destroyed: cancelled, its
 * body never resumed.  The frames of a C body are abandoned, so the
 * reference its await held on the awaited future is released here.
 */
void     _aio_task_abandon       (AioTask   *task) G_GNUC_INTERNAL;

/* Like _aio_future_release(), for tasks. */
void     _aio_task_release       (AioTask   *task) G_GNUC_INTERNAL;

/* For call graphs (aio-call-graph.c): when @waiter is a task's await,
 * the task, and "await". */
gboolean _aio_task_waiter_owner  (AioWaiter   *waiter,
                                  AioFuture  **owner,
                                  const char **via) G_GNUC_INTERNAL;

/* Where @task was created, for reports: a new string, or NULL. */
char    *_aio_task_describe_origin (AioTask *task) G_GNUC_INTERNAL;

/* The current task if its body is a C coroutine running right now. */
AioTask *_aio_task_current_coroutine (void) G_GNUC_INTERNAL;

/* Suspends the current C coroutine until @future is done.  The caller keeps
 * its reference to @future.  Fails with AIO_ERROR_NOT_IN_COROUTINE,
 * AIO_ERROR_AWAIT_SELF, or with the cancellation error when the task was
 * cancelled while it waited (asyncio's CancelledError at the await).
 */
gboolean _aio_task_wait          (AioFuture *future,
                                  GError   **error) G_GNUC_INTERNAL;

/* Suspends the current C coroutine @task, with no future to wait for,
 * until someone calls _aio_task_unpark() on it: the cheapest wait, for a
 * partner that knows the task (an async generator's body at a yield).
 * A cancellation of the parked task asks @on_cancel first; when it agrees
 * the task wakes and this fails with the cancellation error, as does a
 * park while a cancellation is pending.
 */
gboolean _aio_task_park          (AioTask                *task,
                                  AioTaskParkCancelFunc   on_cancel,
                                  gpointer                data,
                                  GError                **error) G_GNUC_INTERNAL;

/* Wakes @task, parked in _aio_task_park(), on the next turn of its loop
 * (or straight away, when the caller suspends next: see the hand-off).
 */
void     _aio_task_unpark        (AioTask   *task) G_GNUC_INTERNAL;

G_END_DECLS
