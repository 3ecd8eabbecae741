/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include "aio-future.h"
#include "aio-timeout.h"

G_BEGIN_DECLS

#define AIO_TYPE_AS_COMPLETED (aio_as_completed_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioAsCompleted, aio_as_completed, AIO, AS_COMPLETED, GObject)

AIO_AVAILABLE_IN_1_0
AioAsCompleted *aio_as_completed                 (AioFuture * const  *futures,
                                                  guint               n_futures,
                                                  gdouble             timeout) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture      *aio_as_completed_next            (AioAsCompleted     *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
guint           aio_as_completed_get_n_remaining (AioAsCompleted     *self);

G_END_DECLS
