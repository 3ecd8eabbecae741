/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-tls-context.h"
#include "aio-tls-private.h"

/**
 * AioTlsContext:
 *
 * How the TLS connections of a client or a server are made, as Python's
 * `ssl.SSLContext` is for asyncio: the side, the certificate, the
 * certificate database that checks the peer, the ALPN protocols and the
 * handshake time limit.  Give it to [func@Aio.open_connection_tls],
 * [func@Aio.start_server_full] or [method@Aio.StreamWriter.start_tls].
 *
 * The connections are [class@Gio.TlsConnection]s of GIO's TLS backend
 * (glib-networking).  A certificate the client does not trust fails the
 * handshake with the [error@Gio.TlsError] %G_TLS_ERROR_BAD_CERTIFICATE;
 * the writer's `"peercert"` extra information is the peer's
 * [class@Gio.TlsCertificate].
 *
 * ```c
 * g_autoptr(AioTlsContext) tls = aio_tls_context_new_client ();
 *
 * if (!aio_tls_context_load_verify_locations (tls, "ca.pem", &error))
 *   return;
 * if (!aio_await_streams (aio_open_connection_tls ("localhost", 8443, tls),
 *                         &reader, &writer, &error))
 *   return;
 * ```
 *
 * Since: 1.0
 */
struct _AioTlsContext
{
  GObject                 parent_instance;

  gboolean                server;
  GTlsCertificate        *certificate;   /* (owned) (nullable) */
  GTlsDatabase           *database;      /* (owned) (nullable) the backend's default */
  GTlsAuthenticationMode  authentication_mode;
  char                  **protocols;     /* (owned) (nullable) */
  gdouble                 handshake_timeout;
};

G_DEFINE_FINAL_TYPE (AioTlsContext, aio_tls_context, G_TYPE_OBJECT)

static void
aio_tls_context_finalize (GObject *object)
{
  AioTlsContext *self = AIO_TLS_CONTEXT (object);

  g_clear_object (&self->certificate);
  g_clear_object (&self->database);
  g_strfreev (self->protocols);

  G_OBJECT_CLASS (aio_tls_context_parent_class)->finalize (object);
}

static void
aio_tls_context_class_init (AioTlsContextClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aio_tls_context_finalize;
}

static void
aio_tls_context_init (AioTlsContext *self)
{
  self->handshake_timeout = AIO_TLS_DEFAULT_HANDSHAKE_TIMEOUT;
}

/**
 * aio_tls_context_new_client:
 *
 * A context for the client side, as `ssl.create_default_context()`: the
 * server's certificate must be valid for the host name connected to and
 * signed by an authority of the system's database (see
 * [method@Aio.TlsContext.load_verify_locations] to trust others).
 *
 * Returns: (transfer full): the new context
 *
 * Since: 1.0
 */
AioTlsContext *
aio_tls_context_new_client (void)
{
  return g_object_new (AIO_TYPE_TLS_CONTEXT, NULL);
}

/**
 * aio_tls_context_new_server:
 * @certificate: the server's certificate, with its private key
 *
 * A context for the server side, presenting @certificate.  Clients are
 * not asked for certificates unless
 * [method@Aio.TlsContext.set_authentication_mode] says so.
 *
 * Returns: (transfer full): the new context
 *
 * Since: 1.0
 */
AioTlsContext *
aio_tls_context_new_server (GTlsCertificate *certificate)
{
  AioTlsContext *self;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  self = g_object_new (AIO_TYPE_TLS_CONTEXT, NULL);
  self->server = TRUE;
  self->certificate = g_object_ref (certificate);
  return self;
}

/**
 * aio_tls_context_new_server_from_files:
 * @cert_file: (type filename): a PEM file with the certificate (and its
 *   chain)
 * @key_file: (type filename) (nullable): a PEM file with the private
 *   key; %NULL if @cert_file holds it
 * @error: return location for an error
 *
 * A server context presenting the certificate of the files, as
 * `SSLContext.load_cert_chain()`.  Fails with GIO's error for a missing
 * file and the [error@Gio.TlsError] for one that does not parse.
 *
 * Returns: (transfer full) (nullable): the new context, or %NULL on error
 *
 * Since: 1.0
 */
AioTlsContext *
aio_tls_context_new_server_from_files (const char  *cert_file,
                                       const char  *key_file,
                                       GError     **error)
{
  g_autoptr(GTlsCertificate) certificate = NULL;

  g_return_val_if_fail (cert_file != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (key_file != NULL)
    certificate = g_tls_certificate_new_from_files (cert_file, key_file, error);
  else
    certificate = g_tls_certificate_new_from_file (cert_file, error);
  if (certificate == NULL)
    return NULL;
  return aio_tls_context_new_server (certificate);
}

/**
 * aio_tls_context_is_server:
 * @self: an [class@Aio.TlsContext]
 *
 * Whether @self makes server-side connections.
 *
 * Returns: %TRUE for a server context
 *
 * Since: 1.0
 */
gboolean
aio_tls_context_is_server (AioTlsContext *self)
{
  g_return_val_if_fail (AIO_IS_TLS_CONTEXT (self), FALSE);

  return self->server;
}

/**
 * aio_tls_context_load_verify_locations:
 * @self: an [class@Aio.TlsContext]
 * @ca_file: (type filename): a PEM file of the certificates to trust
 * @error: return location for an error
 *
 * Trusts the certificates of @ca_file, and only them, to sign the peer's
 * certificate, as `SSLContext.load_verify_locations(cafile)`.  A
 * self-signed certificate is trusted by giving its own file.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
aio_tls_context_load_verify_locations (AioTlsContext  *self,
                                       const char     *ca_file,
                                       GError        **error)
{
  GTlsDatabase *database;

  g_return_val_if_fail (AIO_IS_TLS_CONTEXT (self), FALSE);
  g_return_val_if_fail (ca_file != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  database = g_tls_file_database_new (ca_file, error);
  if (database == NULL)
    return FALSE;
  g_clear_object (&self->database);
  self->database = database;
  return TRUE;
}

/**
 * aio_tls_context_set_database:
 * @self: an [class@Aio.TlsContext]
 * @database: (nullable): the database that checks the peer's
 *   certificate; %NULL for the system's
 *
 * Sets the certificate database of the connections.
 *
 * Since: 1.0
 */
void
aio_tls_context_set_database (AioTlsContext *self,
                              GTlsDatabase  *database)
{
  g_return_if_fail (AIO_IS_TLS_CONTEXT (self));
  g_return_if_fail (database == NULL || G_IS_TLS_DATABASE (database));

  g_set_object (&self->database, database);
}

/**
 * aio_tls_context_get_database:
 * @self: an [class@Aio.TlsContext]
 *
 * The database set by [method@Aio.TlsContext.set_database] or
 * [method@Aio.TlsContext.load_verify_locations].
 *
 * Returns: (transfer none) (nullable): the database, or %NULL for the
 *   system's
 *
 * Since: 1.0
 */
GTlsDatabase *
aio_tls_context_get_database (AioTlsContext *self)
{
  g_return_val_if_fail (AIO_IS_TLS_CONTEXT (self), NULL);

  return self->database;
}

/**
 * aio_tls_context_set_certificate:
 * @self: an [class@Aio.TlsContext]
 * @certificate: (nullable): the certificate to present, with its key
 *
 * Sets the certificate the connections present: the server's, or for a
 * client, the one it shows a server that asks.
 *
 * Since: 1.0
 */
void
aio_tls_context_set_certificate (AioTlsContext   *self,
                                 GTlsCertificate *certificate)
{
  g_return_if_fail (AIO_IS_TLS_CONTEXT (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));
  g_return_if_fail (certificate != NULL || !self->server);

  g_set_object (&self->certificate, certificate);
}

/**
 * aio_tls_context_get_certificate:
 * @self: an [class@Aio.TlsContext]
 *
 * The certificate the connections present.
 *
 * Returns: (transfer none) (nullable): the certificate
 *
 * Since: 1.0
 */
GTlsCertificate *
aio_tls_context_get_certificate (AioTlsContext *self)
{
  g_return_val_if_fail (AIO_IS_TLS_CONTEXT (self), NULL);

  return self->certificate;
}

/**
 * aio_tls_context_set_authentication_mode:
 * @self: a server [class@Aio.TlsContext]
 * @mode: whether clients are asked for a certificate, or must give one
 *
 * Asks clients for certificates, as `SSLContext.verify_mode` on a server.
 * A required certificate the database does not trust fails the
 * handshake.
 *
 * Since: 1.0
 */
void
aio_tls_context_set_authentication_mode (AioTlsContext          *self,
                                         GTlsAuthenticationMode  mode)
{
  g_return_if_fail (AIO_IS_TLS_CONTEXT (self));
  g_return_if_fail (self->server);

  self->authentication_mode = mode;
}

/**
 * aio_tls_context_set_advertised_protocols:
 * @self: an [class@Aio.TlsContext]
 * @protocols: (array zero-terminated=1) (nullable): the ALPN protocol
 *   names, most preferred first, such as `"h2"` and `"http/1.1"`
 *
 * Sets the application protocols negotiated with ALPN, as
 * `SSLContext.set_alpn_protocols()`; the one agreed on is
 * g_tls_connection_get_negotiated_protocol() of the writer's `"tls"`.
 *
 * Since: 1.0
 */
void
aio_tls_context_set_advertised_protocols (AioTlsContext      *self,
                                          const char * const *protocols)
{
  g_return_if_fail (AIO_IS_TLS_CONTEXT (self));

  g_strfreev (self->protocols);
  self->protocols = g_strdupv ((char **) protocols);
}

/**
 * aio_tls_context_set_handshake_timeout:
 * @self: an [class@Aio.TlsContext]
 * @seconds: the most seconds a handshake takes; 0 or less for no limit
 *
 * Limits the handshake, as asyncio's `ssl_handshake_timeout`; a slower
 * one fails with %G_IO_ERROR_TIMED_OUT.  The default is
 * %AIO_TLS_DEFAULT_HANDSHAKE_TIMEOUT.
 *
 * Since: 1.0
 */
void
aio_tls_context_set_handshake_timeout (AioTlsContext *self,
                                       gdouble        seconds)
{
  g_return_if_fail (AIO_IS_TLS_CONTEXT (self));

  self->handshake_timeout = seconds;
}

/**
 * aio_tls_context_get_handshake_timeout:
 * @self: an [class@Aio.TlsContext]
 *
 * The handshake's time limit.
 *
 * Returns: the seconds, 0 or less for none
 *
 * Since: 1.0
 */
gdouble
aio_tls_context_get_handshake_timeout (AioTlsContext *self)
{
  g_return_val_if_fail (AIO_IS_TLS_CONTEXT (self), 0);

  return self->handshake_timeout;
}

GTlsConnection *
_aio_tls_context_wrap (AioTlsContext       *self,
                       GIOStream           *base,
                       GSocketConnectable  *identity,
                       GError             **error)
{
  GIOStream *tls;

  if (self->server)
    {
      tls = g_tls_server_connection_new (base, self->certificate, error);
      if (tls == NULL)
        return NULL;
      g_object_set (tls, "authentication-mode", self->authentication_mode, NULL);
    }
  else
    {
      tls = g_tls_client_connection_new (base, identity, error);
      if (tls == NULL)
        return NULL;
      if (self->certificate != NULL)
        g_tls_connection_set_certificate (G_TLS_CONNECTION (tls), self->certificate);
    }
  if (self->database != NULL)
    g_tls_connection_set_database (G_TLS_CONNECTION (tls), self->database);
  if (self->protocols != NULL)
    g_tls_connection_set_advertised_protocols (G_TLS_CONNECTION (tls),
                                               (const char * const *) self->protocols);
  return G_TLS_CONNECTION (tls);
}

/* -- the handshake, with a time limit ------------------------------------ */

typedef struct
{
  GCancellable *cancellable;   /* (owned) the handshake's own */
  GCancellable *outer;         /* (owned) (nullable) the caller's */
  gulong        outer_id;
  GSource      *timer;         /* (owned) (nullable) */
  gboolean      timed_out;
} Handshake;

static void
handshake_free (gpointer data)
{
  Handshake *handshake = data;

  if (handshake->timer != NULL)
    {
      g_source_destroy (handshake->timer);
      g_source_unref (handshake->timer);
    }
  if (handshake->outer != NULL)
    {
      g_cancellable_disconnect (handshake->outer, handshake->outer_id);
      g_object_unref (handshake->outer);
    }
  g_object_unref (handshake->cancellable);
  g_free (handshake);
}

static gboolean
handshake_timed_out (gpointer data)
{
  Handshake *handshake = data;

  handshake->timed_out = TRUE;
  g_cancellable_cancel (handshake->cancellable);
  return G_SOURCE_REMOVE;
}

static void
handshake_outer_cancelled (GCancellable *outer,
                           gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

static void
handshake_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Handshake *handshake = g_task_get_task_data (task);
  GError *error = NULL;

  if (g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else if (handshake->timed_out &&
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                               "The TLS handshake timed out");
    }
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

void
_aio_tls_handshake_async (GTlsConnection      *tls,
                          gdouble              timeout,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task = g_task_new (tls, cancellable, callback, user_data);
  Handshake *handshake = g_new0 (Handshake, 1);

  g_task_set_source_tag (task, _aio_tls_handshake_async);
  /* The caller's cancellable may be shared with later calls, so the
   * timer cancels one of the handshake's own.
   */
  handshake->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      handshake->outer = g_object_ref (cancellable);
      handshake->outer_id = g_cancellable_connect (cancellable,
                                                   G_CALLBACK (handshake_outer_cancelled),
                                                   g_object_ref (handshake->cancellable),
                                                   g_object_unref);
    }
  if (timeout > 0)
    {
      handshake->timer = g_timeout_source_new ((guint) MIN (timeout * 1000.0, G_MAXUINT));
      g_source_set_callback (handshake->timer, handshake_timed_out, handshake, NULL);
      g_source_attach (handshake->timer, g_main_context_get_thread_default ());
    }
  g_task_set_task_data (task, handshake, handshake_free);
  g_tls_connection_handshake_async (tls, G_PRIORITY_DEFAULT, handshake->cancellable,
                                    handshake_done, task);
}

gboolean
_aio_tls_handshake_finish (GTlsConnection  *tls,
                           GAsyncResult    *result,
                           GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, tls), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
