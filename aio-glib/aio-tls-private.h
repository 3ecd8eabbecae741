/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "aio-future.h"
#include "aio-tls-context.h"

G_BEGIN_DECLS

/* A TLS connection over @base as @self configures it: a client one
 * checking that the server's certificate is @identity's (a host name's
 * GNetworkAddress, or the peer's address), or a server one.
 */
GTlsConnection *_aio_tls_context_wrap (AioTlsContext       *self,
                                       GIOStream           *base,
                                       GSocketConnectable  *identity,
                                       GError             **error) G_GNUC_INTERNAL;

/* The handshake, failing with G_IO_ERROR_TIMED_OUT after @timeout
 * seconds (none if 0 or less) and with G_IO_ERROR_CANCELLED if
 * @cancellable is.
 */
void     _aio_tls_handshake_async  (GTlsConnection      *tls,
                                    gdouble              timeout,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data) G_GNUC_INTERNAL;
gboolean _aio_tls_handshake_finish (GTlsConnection      *tls,
                                    GAsyncResult        *result,
                                    GError             **error) G_GNUC_INTERNAL;

/* The handshake as a future of TRUE on @loop; cancelling it cancels the
 * handshake.
 */
AioFuture *_aio_tls_handshake (GTlsConnection *tls,
                               gdouble         timeout,
                               AioLoop        *loop) G_GNUC_INTERNAL;

G_END_DECLS
