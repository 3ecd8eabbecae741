/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <glib-object.h>

#include "aio-version-macros.h"

G_BEGIN_DECLS

typedef struct _AioFuture AioFuture;
typedef struct _AioHandle AioHandle;
typedef struct _AioLoop   AioLoop;
typedef struct _AioTask   AioTask;

/**
 * AioCallback:
 * @user_data: the data given when the callback was scheduled
 *
 * A callback scheduled on an [class@Aio.Loop] with
 * [method@Aio.Loop.call_soon], [method@Aio.Loop.call_later],
 * [method@Aio.Loop.call_at], or run when a file descriptor is ready.
 *
 * Since: 1.0
 */
typedef void (*AioCallback) (gpointer user_data);

/**
 * AioFutureCallback:
 * @future: the future that is done
 * @user_data: the data given to [method@Aio.Future.add_done_callback]
 *
 * Called from the future's loop after @future is done.
 *
 * Since: 1.0
 */
typedef void (*AioFutureCallback) (AioFuture *future,
                                   gpointer   user_data);

/**
 * AioTaskFunc:
 * @task: the task running this body
 * @user_data: the data given when the task was created
 *
 * The body of a C coroutine. It runs on the task's own stack and may call
 * `aio_await()` at any depth. When it returns, the task is done: with the
 * result given to `aio_task_return_*()`, with the error given to
 * [method@Aio.Task.return_error], or with no value.
 *
 * Since: 1.0
 */
typedef void (*AioTaskFunc) (AioTask  *task,
                             gpointer  user_data);

/**
 * AioTaskStepFunc:
 * @task: the task being stepped
 * @awaited: (nullable): the future the previous step returned, now done;
 *   %NULL on the first step
 * @user_data: the data given to [ctor@Aio.Task.new_stackless]
 *
 * One step of a stackless task body. It is called once to start the task
 * and then each time the future it returned is done. It either returns the
 * next future to wait for, or %NULL when the body has finished (after
 * setting a result with `aio_task_return_*()`, or none).
 *
 * When the task is cancelled before it starts, or while no future is being
 * awaited, @awaited is a cancelled future: the body should treat that as
 * the cancellation arriving at its current await.
 *
 * Returns: (transfer full) (nullable): the future to wait for next, or
 *   %NULL when the body is finished
 *
 * Since: 1.0
 */
typedef AioFuture *(*AioTaskStepFunc) (AioTask   *task,
                                       AioFuture *awaited,
                                       gpointer   user_data);

G_END_DECLS
