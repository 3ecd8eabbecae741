/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include "aio-future.h"

G_BEGIN_DECLS

/**
 * AioQueueKind:
 * @AIO_QUEUE_FIFO: first in, first out, asyncio's `Queue`
 * @AIO_QUEUE_LIFO: last in, first out, asyncio's `LifoQueue`
 * @AIO_QUEUE_PRIORITY: smallest item first, asyncio's `PriorityQueue`;
 *   items that compare equal come out in the order they went in
 *
 * The order in which an [class@Aio.Queue] hands out its items.
 *
 * Since: 1.0
 */
typedef enum /*< prefix=AIO_QUEUE >*/
{
  AIO_QUEUE_FIFO,
  AIO_QUEUE_LIFO,
  AIO_QUEUE_PRIORITY,
} AioQueueKind;

/**
 * AioQueueCompareFunc:
 * @a: an item
 * @b: another item
 * @user_data: the data given with the function
 *
 * Orders the items of a priority [class@Aio.Queue].
 *
 * Returns: a negative value if @a comes first, a positive value if @b
 *   comes first, 0 if they are equal
 *
 * Since: 1.0
 */
typedef gint (*AioQueueCompareFunc) (const GValue *a,
                                     const GValue *b,
                                     gpointer      user_data);

#define AIO_TYPE_QUEUE (aio_queue_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioQueue, aio_queue, AIO, QUEUE, GObject)

AIO_AVAILABLE_IN_1_0
AioQueue     *aio_queue_new           (gint                 maxsize) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioQueue     *aio_queue_new_lifo      (gint                 maxsize) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioQueue     *aio_queue_new_priority  (gint                 maxsize,
                                       AioQueueCompareFunc  compare,
                                       gpointer             user_data,
                                       GDestroyNotify       destroy) G_GNUC_WARN_UNUSED_RESULT;

AIO_AVAILABLE_IN_1_0
AioFuture    *aio_queue_put           (AioQueue            *self,
                                       const GValue        *item) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture    *aio_queue_put_int       (AioQueue            *self,
                                       gint                 item) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture    *aio_queue_put_int64     (AioQueue            *self,
                                       gint64               item) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture    *aio_queue_put_double    (AioQueue            *self,
                                       gdouble              item) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture    *aio_queue_put_string    (AioQueue            *self,
                                       const char          *item) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture    *aio_queue_put_object    (AioQueue            *self,
                                       gpointer             item) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture    *aio_queue_put_pointer   (AioQueue            *self,
                                       gpointer             item) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gboolean      aio_queue_put_nowait    (AioQueue            *self,
                                       const GValue        *item,
                                       GError             **error);
AIO_AVAILABLE_IN_1_0
AioFuture    *aio_queue_get           (AioQueue            *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gboolean      aio_queue_get_nowait    (AioQueue            *self,
                                       GValue              *item,
                                       GError             **error);

AIO_AVAILABLE_IN_1_0
gboolean      aio_queue_task_done     (AioQueue            *self,
                                       GError             **error);
AIO_AVAILABLE_IN_1_0
AioFuture    *aio_queue_join          (AioQueue            *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
void          aio_queue_shutdown      (AioQueue            *self,
                                       gboolean             immediate);

AIO_AVAILABLE_IN_1_0
guint         aio_queue_qsize         (AioQueue            *self);
AIO_AVAILABLE_IN_1_0
gint          aio_queue_get_maxsize   (AioQueue            *self);
AIO_AVAILABLE_IN_1_0
AioQueueKind  aio_queue_get_kind      (AioQueue            *self);
AIO_AVAILABLE_IN_1_0
gboolean      aio_queue_empty         (AioQueue            *self);
AIO_AVAILABLE_IN_1_0
gboolean      aio_queue_full          (AioQueue            *self);
AIO_AVAILABLE_IN_1_0
gboolean      aio_queue_is_shut_down  (AioQueue            *self);

G_END_DECLS
