/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include "aio-future.h"

G_BEGIN_DECLS

#define AIO_TYPE_TASK (aio_task_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioTask, aio_task, AIO, TASK, AioFuture)

AIO_AVAILABLE_IN_1_0
AioTask    *aio_task_new             (AioTaskFunc      func,
                                      gpointer         user_data,
                                      GDestroyNotify   destroy) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioTask    *aio_task_new_full        (AioLoop         *loop,
                                      const char      *name,
                                      gsize            stack_size,
                                      AioTaskFunc      func,
                                      gpointer         user_data,
                                      GDestroyNotify   destroy) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioTask    *aio_create_task          (AioTaskFunc      func,
                                      gpointer         user_data,
                                      GDestroyNotify   destroy) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioTask    *aio_task_new_stackless   (AioLoop         *loop,
                                      const char      *name,
                                      AioTaskStepFunc  step,
                                      gpointer         user_data,
                                      GDestroyNotify   destroy) G_GNUC_WARN_UNUSED_RESULT;

AIO_AVAILABLE_IN_1_0
const char *aio_task_get_name        (AioTask         *self);
AIO_AVAILABLE_IN_1_0
void        aio_task_set_name        (AioTask         *self,
                                      const char      *name);
AIO_AVAILABLE_IN_1_0
const char *aio_task_get_origin      (AioTask         *self);
AIO_AVAILABLE_IN_1_0
void        aio_task_set_origin      (AioTask         *self,
                                      const char      *location);
AIO_AVAILABLE_IN_1_0
AioTask    *aio_task_at              (AioTask         *task,
                                      const char      *location);

/**
 * AIO_TASK_HERE:
 * @task: (transfer full): a new task
 *
 * Records the file and line where it is written as @task's origin, for
 * debug reports and call graphs, and evaluates to @task:
 *
 * ```c
 * g_autoptr(AioTask) task = AIO_TASK_HERE (aio_task_new (fetch, url, NULL));
 * ```
 *
 * See [method@Aio.Task.set_origin].
 *
 * Since: 1.0
 */
#define AIO_TASK_HERE(task) (aio_task_at ((task), G_STRLOC))

AIO_AVAILABLE_IN_1_0
gsize       aio_task_get_stack_size  (AioTask         *self);
AIO_AVAILABLE_IN_1_0
void        aio_task_set_stack_size  (AioTask         *self,
                                      gsize            stack_size);
AIO_AVAILABLE_IN_1_0
gboolean    aio_task_is_stackless    (AioTask         *self);

AIO_AVAILABLE_IN_1_0
gboolean    aio_task_cancel          (AioTask         *self,
                                      const char      *msg);
AIO_AVAILABLE_IN_1_0
guint       aio_task_uncancel        (AioTask         *self);
AIO_AVAILABLE_IN_1_0
guint       aio_task_cancelling      (AioTask         *self);

AIO_AVAILABLE_IN_1_0
void        aio_task_return_value    (AioTask         *self,
                                      const GValue    *value);
AIO_AVAILABLE_IN_1_0
void        aio_task_return_boolean  (AioTask         *self,
                                      gboolean         value);
AIO_AVAILABLE_IN_1_0
void        aio_task_return_int      (AioTask         *self,
                                      gint             value);
AIO_AVAILABLE_IN_1_0
void        aio_task_return_int64    (AioTask         *self,
                                      gint64           value);
AIO_AVAILABLE_IN_1_0
void        aio_task_return_uint64   (AioTask         *self,
                                      guint64          value);
AIO_AVAILABLE_IN_1_0
void        aio_task_return_double   (AioTask         *self,
                                      gdouble          value);
AIO_AVAILABLE_IN_1_0
void        aio_task_return_string   (AioTask         *self,
                                      const char      *value);
AIO_AVAILABLE_IN_1_0
void        aio_task_return_object   (AioTask         *self,
                                      gpointer         value);
AIO_AVAILABLE_IN_1_0
void        aio_task_return_boxed    (AioTask         *self,
                                      GType            boxed_type,
                                      gconstpointer    value);
AIO_AVAILABLE_IN_1_0
void        aio_task_return_pointer  (AioTask         *self,
                                      gpointer         value,
                                      GDestroyNotify   destroy);
AIO_AVAILABLE_IN_1_0
void        aio_task_return_error    (AioTask         *self,
                                      GError          *error);

G_END_DECLS
