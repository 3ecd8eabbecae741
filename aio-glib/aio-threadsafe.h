/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include "aio-future.h"
#include "aio-loop.h"
#include "aio-types.h"

G_BEGIN_DECLS

AIO_AVAILABLE_IN_1_0
AioFuture *aio_run_coroutine_threadsafe (AioLoop        *loop,
                                         AioTaskFunc     func,
                                         gpointer        user_data,
                                         GDestroyNotify  destroy) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gboolean   aio_future_wait_sync         (AioFuture      *self,
                                         gdouble         timeout,
                                         GError        **error);

G_END_DECLS
