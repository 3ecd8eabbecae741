/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "aio-stream-reader.h"
#include "aio-stream-writer.h"
#include "aio-tls-context.h"

G_BEGIN_DECLS

AIO_AVAILABLE_IN_1_0
AioFuture       *aio_open_connection       (const char        *host,
                                            guint16            port) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture       *aio_open_connection_full  (GSocketClient     *client,
                                            GSocketConnectable *connectable) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture       *aio_open_connection_tls   (const char        *host,
                                            guint16            port,
                                            AioTlsContext     *tls) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture       *aio_open_unix_connection  (const char        *path) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioStreamWriter *aio_stream_writer_new_for_connection (GIOStream *connection,
                                                       AioLoop   *loop,
                                                       GError   **error) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gboolean         aio_await_streams         (AioFuture         *future,
                                            AioStreamReader  **reader,
                                            AioStreamWriter  **writer,
                                            GError           **error);

G_END_DECLS
