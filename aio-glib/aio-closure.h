/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include "aio-task.h"

G_BEGIN_DECLS

AIO_AVAILABLE_IN_1_0
void     aio_future_add_done_closure    (AioFuture  *self,
                                         GClosure   *closure);
AIO_AVAILABLE_IN_1_0
AioTask *aio_task_new_stackless_closure (AioLoop    *loop,
                                         const char *name,
                                         GClosure   *step) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
