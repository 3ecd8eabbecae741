/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "aio-future.h"
#include "aio-loop.h"
#include "aio-server.h"
#include "aio-tls-context.h"

G_BEGIN_DECLS

#define AIO_TYPE_THREADED_SERVER (aio_threaded_server_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioThreadedServer, aio_threaded_server, AIO, THREADED_SERVER, GObject)

AIO_AVAILABLE_IN_1_0
AioFuture *aio_start_threaded_server         (AioClientFunc      func,
                                              gpointer           user_data,
                                              GDestroyNotify     destroy,
                                              const char        *host,
                                              guint16            port,
                                              guint              n_threads,
                                              int                backlog,
                                              AioTlsContext     *tls) G_GNUC_WARN_UNUSED_RESULT;

AIO_AVAILABLE_IN_1_0
void       aio_threaded_server_close         (AioThreadedServer *self);
AIO_AVAILABLE_IN_1_0
void       aio_threaded_server_close_clients (AioThreadedServer *self);
AIO_AVAILABLE_IN_1_0
void       aio_threaded_server_abort_clients (AioThreadedServer *self);
AIO_AVAILABLE_IN_1_0
gboolean   aio_threaded_server_is_serving    (AioThreadedServer *self);
AIO_AVAILABLE_IN_1_0
AioFuture *aio_threaded_server_wait_closed   (AioThreadedServer *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture *aio_threaded_server_serve_forever (AioThreadedServer *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
GPtrArray *aio_threaded_server_get_addresses (AioThreadedServer *self);
AIO_AVAILABLE_IN_1_0
guint16    aio_threaded_server_get_port      (AioThreadedServer *self);
AIO_AVAILABLE_IN_1_0
guint      aio_threaded_server_get_n_threads (AioThreadedServer *self);
AIO_AVAILABLE_IN_1_0
AioLoop   *aio_threaded_server_get_loop      (AioThreadedServer *self,
                                              guint              index);
AIO_AVAILABLE_IN_1_0
guint      aio_threaded_server_get_n_clients (AioThreadedServer *self);

G_END_DECLS
