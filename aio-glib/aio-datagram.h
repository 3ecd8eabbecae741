/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "aio-types.h"

G_BEGIN_DECLS

typedef struct _AioDatagram AioDatagram;

#define AIO_TYPE_DATAGRAM (aio_datagram_get_type ())

AIO_AVAILABLE_IN_1_0
GType           aio_datagram_get_type    (void) G_GNUC_CONST;
AIO_AVAILABLE_IN_1_0
AioDatagram    *aio_datagram_new         (GBytes         *data,
                                          GSocketAddress *address) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioDatagram    *aio_datagram_ref         (AioDatagram    *self);
AIO_AVAILABLE_IN_1_0
void            aio_datagram_unref       (AioDatagram    *self);
AIO_AVAILABLE_IN_1_0
GBytes         *aio_datagram_get_data    (AioDatagram    *self);
AIO_AVAILABLE_IN_1_0
GSocketAddress *aio_datagram_get_address (AioDatagram    *self);
AIO_AVAILABLE_IN_1_0
GBytes         *aio_await_datagram       (AioFuture      *future,
                                          GSocketAddress **address,
                                          GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AioDatagram, aio_datagram_unref)

G_END_DECLS
