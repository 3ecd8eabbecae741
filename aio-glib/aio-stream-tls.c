/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-io-call-private.h"
#include "aio-future-private.h"
#include "aio-stream-private.h"
#include "aio-socket-private.h"
#include "aio-streams.h"
#include "aio-tls-private.h"

/* TLS on a connection: from its start (aio_open_connection_tls, and the
 * server's clients), or in place (start_tls).  Either way the handshake
 * is GIO's, bounded by the context's timeout, and the reader and writer
 * then use the TLS connection's pollable streams.
 */

typedef struct
{
  AioIoCall        call;
  AioStreamWriter *writer;     /* (owned) */
  AioTlsContext   *tls;        /* (owned) */
  char            *hostname;   /* (owned) (nullable) */
} StartTls;

static void
start_tls_free (StartTls *start)
{
  g_object_unref (start->writer);
  g_object_unref (start->tls);
  g_free (start->hostname);
  _aio_io_call_free (start);
}

static void
handshaken (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  StartTls *start = user_data;
  GError *error = NULL;
  GValue value = G_VALUE_INIT;

  if (_aio_tls_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      g_value_init (&value, G_TYPE_BOOLEAN);
      g_value_set_boolean (&value, TRUE);
      _aio_io_call_finish (start, &value, NULL);
    }
  else
    {
      /* As asyncio does, a failed handshake ends the connection. */
      aio_stream_writer_abort (start->writer);
      _aio_io_call_finish (start, NULL, error);
    }
  start_tls_free (start);
}

static GSocketConnectable *
peer_identity (AioStreamWriter *writer,
               const char      *hostname)
{
  GObject *peer;

  if (hostname != NULL)
    return g_network_address_new (hostname, 0);
  peer = aio_stream_writer_get_extra_info (writer, "peername");
  return G_IS_INET_SOCKET_ADDRESS (peer) ? g_object_ref (G_SOCKET_CONNECTABLE (peer)) : NULL;
}

static void
upgrade (StartTls *start)
{
  AioStreamChannel *channel = _aio_stream_writer_get_channel (start->writer);
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GTlsConnection) tls = NULL;
  GError *error = NULL;

  if (!_aio_io_call_pending (start))
    {
      start_tls_free (start);
      return;
    }
  if (!_aio_stream_writer_check (start->writer, &error))
    goto failed;
  if (_aio_stream_reader_is_reading (aio_stream_writer_get_reader (start->writer)))
    {
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PENDING,
                                   "The stream reader has a read in flight");
      goto failed;
    }
  if (!aio_tls_context_is_server (start->tls))
    identity = peer_identity (start->writer, start->hostname);
  tls = _aio_tls_context_wrap (start->tls, channel->io_stream, identity, &error);
  if (tls == NULL)
    goto failed;
  _aio_stream_channel_upgrade (channel, G_IO_STREAM (tls));
  _aio_tls_handshake_async (tls, aio_tls_context_get_handshake_timeout (start->tls),
                            start->call.cancellable, handshaken, start);
  return;

failed:
  _aio_io_call_finish (start, NULL, error);
  start_tls_free (start);
}

static void
drained (AioFuture *future,
         gpointer   data)
{
  StartTls *start = data;
  GError *error = aio_future_dup_error (future);

  if (error != NULL)
    {
      _aio_io_call_finish (start, NULL, error);
      start_tls_free (start);
      return;
    }
  upgrade (start);
}

/**
 * aio_stream_writer_start_tls:
 * @self: the writer of a connection, as [func@Aio.open_connection] or a
 *   server gives
 * @tls: a client context to act as the client, a server context to act as
 *   the server
 * @server_hostname: (nullable): for a client, the name the server's
 *   certificate must be for; %NULL for the peer's address
 *
 * Upgrades the connection to TLS in place, as asyncio's
 * `StreamWriter.start_tls()`, for protocols that negotiate it first
 * (STARTTLS): the data written so far is drained, the handshake runs, and
 * from then on this writer and its reader carry TLS.  Bytes the reader
 * had already buffered stay readable first.
 *
 * The future ends with %TRUE after the handshake.  A certificate that is
 * not trusted fails it with the [error@Gio.TlsError]
 * %G_TLS_ERROR_BAD_CERTIFICATE, a slow peer with %G_IO_ERROR_TIMED_OUT;
 * the connection is then aborted.  A connection already under TLS, or a
 * writer made for a bare stream, fails with %G_IO_ERROR_NOT_SUPPORTED.
 *
 * Returns: (transfer full): a future for %TRUE
 *
 * Since: 1.0
 */
AioFuture *
aio_stream_writer_start_tls (AioStreamWriter *self,
                             AioTlsContext   *tls,
                             const char      *server_hostname)
{
  AioStreamChannel *channel;
  StartTls *start;
  AioFuture *future;

  g_return_val_if_fail (AIO_IS_STREAM_WRITER (self), NULL);
  g_return_val_if_fail (AIO_IS_TLS_CONTEXT (tls), NULL);

  channel = _aio_stream_writer_get_channel (self);
  if (channel == NULL || channel->io_stream == NULL ||
      G_IS_TLS_CONNECTION (channel->io_stream))
    {
      future = _aio_future_new_for_loop (_aio_loop_get_current ());
      _aio_future_complete (future, AIO_FUTURE_FINISHED, NULL,
                            g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                                 channel == NULL || channel->io_stream == NULL
                                                 ? "start_tls needs a connection, not a bare stream"
                                                 : "The connection already uses TLS"),
                            NULL);
      return future;
    }

  start = _aio_io_call_new (channel->loop, sizeof (StartTls));
  start->writer = g_object_ref (self);
  start->tls = g_object_ref (tls);
  start->hostname = g_strdup (server_hostname);
  future = g_object_ref (start->call.future);

  if (aio_stream_writer_get_write_buffer_size (self) > 0)
    {
      AioFuture *drain = aio_stream_writer_drain (self);

      aio_future_add_done_callback (drain, drained, start, NULL);
      g_object_unref (drain);
    }
  else
    upgrade (start);
  return future;
}

static void
handshake_call_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  AioIoCall *call = user_data;
  GError *error = NULL;
  GValue value = G_VALUE_INIT;

  if (_aio_tls_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      g_value_init (&value, G_TYPE_BOOLEAN);
      g_value_set_boolean (&value, TRUE);
      _aio_io_call_finish (call, &value, NULL);
    }
  else
    _aio_io_call_finish (call, NULL, error);
  _aio_io_call_free (call);
}

AioFuture *
_aio_tls_handshake (GTlsConnection *tls,
                    gdouble         timeout,
                    AioLoop        *loop)
{
  AioIoCall *call = _aio_io_call_new (loop, sizeof (AioIoCall));
  AioFuture *future = g_object_ref (call->future);

  _aio_tls_handshake_async (tls, timeout, call->cancellable, handshake_call_done, call);
  return future;
}

typedef struct
{
  AioIoCall      call;
  AioTlsContext *tls;       /* (owned) */
  char          *hostname;  /* (owned) */
  GTlsConnection *connection; /* (owned) (nullable) during the handshake */
} OpenTls;

static void
open_tls_free (OpenTls *open)
{
  g_object_unref (open->tls);
  g_free (open->hostname);
  g_clear_object (&open->connection);
  _aio_io_call_free (open);
}

static void
open_handshaken (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  OpenTls *open = user_data;
  GError *error = NULL;
  AioStreamWriter *writer = NULL;

  if (_aio_tls_handshake_finish (open->connection, result, &error) &&
      _aio_io_call_pending (open))
    writer = _aio_stream_pair_new (aio_future_get_loop (open->call.future),
                                   G_IO_STREAM (open->connection), &error);
  if (writer != NULL)
    {
      GValue value = G_VALUE_INIT;

      g_value_init (&value, AIO_TYPE_STREAM_WRITER);
      g_value_take_object (&value, writer);
      _aio_io_call_finish (open, &value, NULL);
    }
  else
    {
      g_io_stream_close (G_IO_STREAM (open->connection), NULL, NULL);
      _aio_io_call_finish (open, NULL, error);
    }
  open_tls_free (open);
}

static void
open_connected (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  OpenTls *open = user_data;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  GError *error = NULL;

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (connection != NULL && _aio_io_call_pending (open))
    {
      _aio_socket_connection_set_nodelay (connection);
      identity = g_network_address_new (open->hostname, 0);
      open->connection = _aio_tls_context_wrap (open->tls, G_IO_STREAM (connection),
                                                identity, &error);
    }
  if (open->connection == NULL)
    {
      _aio_io_call_finish (open, NULL, error);
      open_tls_free (open);
      return;
    }
  _aio_tls_handshake_async (open->connection, aio_tls_context_get_handshake_timeout (open->tls),
                            open->call.cancellable, open_handshaken, open);
}

/**
 * aio_open_connection_tls:
 * @host: a host name or address; the server's certificate must be for it
 * @port: the TCP port
 * @tls: a client [class@Aio.TlsContext]
 *
 * Opens a TCP connection as [func@Aio.open_connection] and makes it TLS
 * as @tls says, as asyncio's `open_connection (host, port, ssl=context)`.
 * The future ends once the handshake is done, or fails with the
 * [error@Gio.TlsError] (%G_TLS_ERROR_BAD_CERTIFICATE for a certificate
 * that is not trusted or not for @host), %G_IO_ERROR_TIMED_OUT after the
 * context's handshake timeout, or the connection's own error.
 *
 * Returns: (transfer full): a future for the connection's
 *   [class@Aio.StreamWriter]; `"tls"` and `"peercert"` are its extra
 *   information
 *
 * Since: 1.0
 */
AioFuture *
aio_open_connection_tls (const char    *host,
                         guint16        port,
                         AioTlsContext *tls)
{
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnectable) address = NULL;
  OpenTls *open;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (AIO_IS_TLS_CONTEXT (tls), NULL);
  g_return_val_if_fail (!aio_tls_context_is_server (tls), NULL);

  open = _aio_io_call_new (_aio_loop_get_current (), sizeof (OpenTls));
  open->tls = g_object_ref (tls);
  open->hostname = g_strdup (host);
  client = g_socket_client_new ();
  address = g_network_address_new (host, port);
  g_socket_client_connect_async (client, address, open->call.cancellable,
                                 open_connected, open);
  return g_object_ref (open->call.future);
}
