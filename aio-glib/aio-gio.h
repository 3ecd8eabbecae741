/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "aio-types.h"

G_BEGIN_DECLS

/**
 * AIO_GIO_ARGS:
 *
 * The last three arguments of a GIO `_async` call (cancellable, callback,
 * user data) that let the calling C coroutine await it with
 * `aio_await_gio()`:
 *
 * ```c
 * g_file_load_contents_async (file, AIO_GIO_ARGS);
 * ok = g_file_load_contents_finish (file, aio_await_gio (), &data, &len, NULL, &error);
 * ```
 *
 * Cancelling the task cancels the GIO call through the cancellable.
 *
 * Since: 1.0
 */
#define AIO_GIO_ARGS aio_gio_cancellable (), aio_gio_ready, aio_gio_data ()

AIO_AVAILABLE_IN_1_0
GCancellable *aio_gio_cancellable (void);
AIO_AVAILABLE_IN_1_0
gpointer      aio_gio_data        (void);
AIO_AVAILABLE_IN_1_0
void          aio_gio_ready       (GObject       *source_object,
                                   GAsyncResult  *result,
                                   gpointer       user_data);
AIO_AVAILABLE_IN_1_0
GAsyncResult *aio_await_gio       (void);

AIO_AVAILABLE_IN_1_0
AioFuture    *aio_gio_future_new  (GCancellable **cancellable) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
