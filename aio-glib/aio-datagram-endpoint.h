/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "aio-datagram.h"
#include "aio-types.h"

G_BEGIN_DECLS

/**
 * AioDatagramFlags:
 * @AIO_DATAGRAM_NONE: no options
 * @AIO_DATAGRAM_REUSE_PORT: set `SO_REUSEPORT`, so several endpoints
 *   share the local port (asyncio's `reuse_port`)
 * @AIO_DATAGRAM_ALLOW_BROADCAST: set `SO_BROADCAST`, so the endpoint may
 *   send to broadcast addresses (asyncio's `allow_broadcast`)
 *
 * Options of [func@Aio.create_datagram_endpoint].
 *
 * Since: 1.0
 */
typedef enum /*< flags,prefix=AIO_DATAGRAM >*/
{
  AIO_DATAGRAM_NONE = 0,
  AIO_DATAGRAM_REUSE_PORT = 1 << 0,
  AIO_DATAGRAM_ALLOW_BROADCAST = 1 << 1,
} AioDatagramFlags;

#define AIO_TYPE_DATAGRAM_ENDPOINT (aio_datagram_endpoint_get_type ())
AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioDatagramEndpoint, aio_datagram_endpoint, AIO, DATAGRAM_ENDPOINT, GObject)

AIO_AVAILABLE_IN_1_0
AioFuture           *aio_create_datagram_endpoint         (const char          *local_host,
                                                           guint16              local_port,
                                                           const char          *remote_host,
                                                           guint16              remote_port,
                                                           AioDatagramFlags     flags) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioDatagramEndpoint *aio_datagram_endpoint_new_for_socket (GSocket             *socket,
                                                           AioLoop             *loop,
                                                           GError             **error) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gboolean             aio_datagram_endpoint_sendto         (AioDatagramEndpoint *self,
                                                           GBytes              *data,
                                                           GSocketAddress      *address,
                                                           GError             **error);
AIO_AVAILABLE_IN_1_0
AioFuture           *aio_datagram_endpoint_recvfrom       (AioDatagramEndpoint *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gsize                aio_datagram_endpoint_get_write_buffer_size (AioDatagramEndpoint *self);
AIO_AVAILABLE_IN_1_0
void                 aio_datagram_endpoint_close          (AioDatagramEndpoint *self);
AIO_AVAILABLE_IN_1_0
void                 aio_datagram_endpoint_abort          (AioDatagramEndpoint *self);
AIO_AVAILABLE_IN_1_0
gboolean             aio_datagram_endpoint_is_closing     (AioDatagramEndpoint *self);
AIO_AVAILABLE_IN_1_0
AioFuture           *aio_datagram_endpoint_wait_closed    (AioDatagramEndpoint *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
GSocket             *aio_datagram_endpoint_get_socket     (AioDatagramEndpoint *self);
AIO_AVAILABLE_IN_1_0
GSocketAddress      *aio_datagram_endpoint_get_local_address  (AioDatagramEndpoint *self);
AIO_AVAILABLE_IN_1_0
GSocketAddress      *aio_datagram_endpoint_get_remote_address (AioDatagramEndpoint *self);
AIO_AVAILABLE_IN_1_0
GObject             *aio_datagram_endpoint_get_extra_info (AioDatagramEndpoint *self,
                                                           const char          *name);

G_END_DECLS
