/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include "aio-future.h"

G_BEGIN_DECLS

AIO_AVAILABLE_IN_1_0
AioFuture *aio_gather        (AioFuture          *first_future,
                              ...) G_GNUC_NULL_TERMINATED G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture *aio_gather_valist (gboolean            return_errors,
                              AioFuture          *first_future,
                              va_list             args) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture *aio_gatherv       (AioFuture * const  *futures,
                              guint               n_futures,
                              gboolean            return_errors) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture *aio_gather_array  (GPtrArray          *futures,
                              gboolean            return_errors) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
