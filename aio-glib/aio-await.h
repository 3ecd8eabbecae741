/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include "aio-future.h"

G_BEGIN_DECLS

AIO_AVAILABLE_IN_1_0
gboolean  aio_in_coroutine   (void);
AIO_AVAILABLE_IN_1_0
gboolean  aio_await          (AioFuture  *future,
                              GError    **error);
AIO_AVAILABLE_IN_1_0
gboolean  aio_await_value    (AioFuture  *future,
                              GValue     *value,
                              GError    **error);
AIO_AVAILABLE_IN_1_0
gboolean  aio_await_boolean  (AioFuture  *future,
                              GError    **error);
AIO_AVAILABLE_IN_1_0
gint      aio_await_int      (AioFuture  *future,
                              GError    **error);
AIO_AVAILABLE_IN_1_0
gint64    aio_await_int64    (AioFuture  *future,
                              GError    **error);
AIO_AVAILABLE_IN_1_0
guint64   aio_await_uint64   (AioFuture  *future,
                              GError    **error);
AIO_AVAILABLE_IN_1_0
gdouble   aio_await_double   (AioFuture  *future,
                              GError    **error);
AIO_AVAILABLE_IN_1_0
char     *aio_await_string   (AioFuture  *future,
                              GError    **error);
AIO_AVAILABLE_IN_1_0
gpointer  aio_await_object   (AioFuture  *future,
                              GError    **error);
AIO_AVAILABLE_IN_1_0
gpointer  aio_await_boxed    (AioFuture  *future,
                              GError    **error);
AIO_AVAILABLE_IN_1_0
gpointer  aio_await_pointer  (AioFuture  *future,
                              GError    **error);
AIO_AVAILABLE_IN_1_0
gboolean  aio_yield          (GError    **error);

G_END_DECLS
