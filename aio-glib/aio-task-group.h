/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include "aio-task.h"

G_BEGIN_DECLS

#define AIO_TYPE_TASK_GROUP (aio_task_group_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioTaskGroup, aio_task_group, AIO, TASK_GROUP, GObject)

AIO_AVAILABLE_IN_1_0
AioTaskGroup *aio_task_group_new              (void) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioTask      *aio_task_group_create_task      (AioTaskGroup   *self,
                                               AioTaskFunc     func,
                                               gpointer        user_data,
                                               GDestroyNotify  destroy,
                                               GError        **error);
AIO_AVAILABLE_IN_1_0
AioTask      *aio_task_group_create_task_full (AioTaskGroup   *self,
                                               const char     *name,
                                               gsize           stack_size,
                                               AioTaskFunc     func,
                                               gpointer        user_data,
                                               GDestroyNotify  destroy,
                                               GError        **error);
AIO_AVAILABLE_IN_1_0
gboolean      aio_task_group_add_task         (AioTaskGroup   *self,
                                               AioTask        *task,
                                               GError        **error);
AIO_AVAILABLE_IN_1_0
AioFuture    *aio_task_group_wait             (AioTaskGroup   *self,
                                               const GError   *body_error) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture    *aio_task_group_join             (AioTaskGroup   *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
void          aio_task_group_cancel           (AioTaskGroup   *self);

AIO_AVAILABLE_IN_1_0
AioTask      *aio_task_group_get_parent       (AioTaskGroup   *self);
AIO_AVAILABLE_IN_1_0
guint         aio_task_group_get_n_tasks      (AioTaskGroup   *self);
AIO_AVAILABLE_IN_1_0
guint         aio_task_group_get_n_errors     (AioTaskGroup   *self);
AIO_AVAILABLE_IN_1_0
const GError *aio_task_group_get_error        (AioTaskGroup   *self,
                                               guint           index);
AIO_AVAILABLE_IN_1_0
AioTask      *aio_task_group_get_failed_task  (AioTaskGroup   *self,
                                               guint           index);

G_END_DECLS
