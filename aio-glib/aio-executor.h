/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "aio-future.h"
#include "aio-loop.h"

G_BEGIN_DECLS

/**
 * AioThreadFunc:
 * @cancellable: cancelled once the awaiting side gave up on the result
 * @user_data: the data given with the function
 * @error: return location for the function's failure
 *
 * Blocking work run on a worker thread by [method@Aio.Executor.submit],
 * [func@Aio.to_thread] or [method@Aio.Loop.run_in_executor], like the
 * callable given to asyncio's `loop.run_in_executor()`.
 *
 * The function runs on a thread of the executor's pool, with no
 * thread-default main context: it must not touch loop-bound objects other
 * than through their thread-safe calls.  It may check @cancellable to stop
 * early once nobody waits for its result any more.
 *
 * Returns: (nullable) (transfer full): the result, which becomes the
 *   future's pointer value and is freed with the result destroy notify
 *   given with the function, or %NULL (then @error may be set)
 *
 * Since: 1.0
 */
typedef gpointer (*AioThreadFunc) (GCancellable  *cancellable,
                                   gpointer       user_data,
                                   GError       **error);

#define AIO_TYPE_EXECUTOR (aio_executor_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioExecutor, aio_executor, AIO, EXECUTOR, GObject)

AIO_AVAILABLE_IN_1_0
AioExecutor *aio_executor_new                 (guint           max_workers) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
guint        aio_executor_get_default_size    (void);
AIO_AVAILABLE_IN_1_0
guint        aio_executor_get_max_workers     (AioExecutor    *self);
AIO_AVAILABLE_IN_1_0
void         aio_executor_set_max_workers     (AioExecutor    *self,
                                               guint           max_workers);
AIO_AVAILABLE_IN_1_0
AioFuture   *aio_executor_submit              (AioExecutor    *self,
                                               AioThreadFunc   func,
                                               gpointer        user_data,
                                               GDestroyNotify  result_free,
                                               GDestroyNotify  destroy) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
void         aio_executor_shutdown            (AioExecutor    *self,
                                               gboolean        wait,
                                               gboolean        cancel_futures);
AIO_AVAILABLE_IN_1_0
gboolean     aio_executor_is_shutdown         (AioExecutor    *self);

AIO_AVAILABLE_IN_1_0
AioExecutor *aio_loop_get_default_executor    (AioLoop        *self);
AIO_AVAILABLE_IN_1_0
void         aio_loop_set_default_executor    (AioLoop        *self,
                                               AioExecutor    *executor);
AIO_AVAILABLE_IN_1_0
AioFuture   *aio_loop_run_in_executor         (AioLoop        *self,
                                               AioExecutor    *executor,
                                               AioThreadFunc   func,
                                               gpointer        user_data,
                                               GDestroyNotify  result_free,
                                               GDestroyNotify  destroy) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture   *aio_loop_shutdown_default_executor (AioLoop      *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture   *aio_to_thread                    (AioThreadFunc   func,
                                               gpointer        user_data,
                                               GDestroyNotify  result_free,
                                               GDestroyNotify  destroy) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
