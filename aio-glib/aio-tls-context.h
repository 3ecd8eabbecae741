/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "aio-types.h"

G_BEGIN_DECLS

/**
 * AIO_TLS_DEFAULT_HANDSHAKE_TIMEOUT:
 *
 * The seconds a TLS handshake may take before it fails with
 * %G_IO_ERROR_TIMED_OUT: 60, asyncio's `ssl_handshake_timeout`.
 *
 * Since: 1.0
 */
#define AIO_TLS_DEFAULT_HANDSHAKE_TIMEOUT 60.0

#define AIO_TYPE_TLS_CONTEXT (aio_tls_context_get_type ())
AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioTlsContext, aio_tls_context, AIO, TLS_CONTEXT, GObject)

AIO_AVAILABLE_IN_1_0
AioTlsContext  *aio_tls_context_new_client          (void) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioTlsContext  *aio_tls_context_new_server          (GTlsCertificate        *certificate) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioTlsContext  *aio_tls_context_new_server_from_files (const char           *cert_file,
                                                     const char             *key_file,
                                                     GError                **error) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gboolean        aio_tls_context_is_server           (AioTlsContext          *self);
AIO_AVAILABLE_IN_1_0
gboolean        aio_tls_context_load_verify_locations (AioTlsContext        *self,
                                                     const char             *ca_file,
                                                     GError                **error);
AIO_AVAILABLE_IN_1_0
void            aio_tls_context_set_database        (AioTlsContext          *self,
                                                     GTlsDatabase           *database);
AIO_AVAILABLE_IN_1_0
GTlsDatabase   *aio_tls_context_get_database        (AioTlsContext          *self);
AIO_AVAILABLE_IN_1_0
void            aio_tls_context_set_certificate     (AioTlsContext          *self,
                                                     GTlsCertificate        *certificate);
AIO_AVAILABLE_IN_1_0
GTlsCertificate *aio_tls_context_get_certificate    (AioTlsContext          *self);
AIO_AVAILABLE_IN_1_0
void            aio_tls_context_set_authentication_mode (AioTlsContext      *self,
                                                     GTlsAuthenticationMode  mode);
AIO_AVAILABLE_IN_1_0
void            aio_tls_context_set_advertised_protocols (AioTlsContext     *self,
                                                     const char * const     *protocols);
AIO_AVAILABLE_IN_1_0
void            aio_tls_context_set_handshake_timeout (AioTlsContext        *self,
                                                     gdouble                 seconds);
AIO_AVAILABLE_IN_1_0
gdouble         aio_tls_context_get_handshake_timeout (AioTlsContext        *self);

G_END_DECLS
