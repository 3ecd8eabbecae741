/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "aio-future.h"

G_BEGIN_DECLS

AIO_AVAILABLE_IN_1_0
AioFuture *aio_getaddrinfo (const char     *host,
                            guint16         port) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture *aio_getnameinfo (GSocketAddress *address) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
