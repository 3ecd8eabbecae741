/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <gio/gunixsocketaddress.h>

#include "aio-await.h"
#include "aio-future-private.h"
#include "aio-socket-private.h"
#include "aio-streams.h"
#include "aio-stream-private.h"

/* Opening a connection: GSocketClient resolves the name, tries the
 * addresses (IPv6 and IPv4 raced, as RFC 8305 asks, since GLib 2.60),
 * binds the local address and wraps TLS as it is configured; the result
 * becomes a reader and writer on the loop.
 */

typedef struct
{
  AioFuture    *future;       /* (owned) */
  GCancellable *cancellable;  /* (owned) */
} Connect;

static gboolean
connect_cancel (AioFuture  *future,
                const char *msg,
                gpointer    data)
{
  Connect *connect = data;

  g_cancellable_cancel (connect->cancellable);
  /* Ends now: the callback drops a connection that comes anyway. */
  return TRUE;
}

static void
connected (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Connect *connect = user_data;
  g_autoptr(GSocketConnection) connection = NULL;
  GError *error = NULL;

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (!_aio_future_is_done (connect->future))
    {
      AioStreamWriter *writer = NULL;

      if (connection != NULL)
        {
          _aio_socket_connection_set_nodelay (connection);
          writer = _aio_stream_pair_new (aio_future_get_loop (connect->future),
                                         G_IO_STREAM (connection), &error);
        }
      if (writer != NULL)
        {
          GValue value = G_VALUE_INIT;

          g_value_init (&value, AIO_TYPE_STREAM_WRITER);
          g_value_take_object (&value, writer);
          _aio_future_complete (connect->future, AIO_FUTURE_FINISHED, &value, NULL, NULL);
        }
      else
        _aio_future_complete (connect->future, AIO_FUTURE_FINISHED, NULL, error, NULL);
    }
  else
    g_clear_error (&error);

  g_object_unref (connect->future);
  g_object_unref (connect->cancellable);
  g_free (connect);
}

/**
 * aio_open_connection_full:
 * @client: the [class@Gio.SocketClient] to connect with: its local
 *   address, timeout, proxy and TLS settings apply
 * @connectable: where to connect, such as a [class@Gio.NetworkAddress]
 *
 * Connects as [func@Aio.open_connection], with a socket client the caller
 * configured: g_socket_client_set_tls() for TLS (certificate errors fail
 * the future with the [error@Gio.TlsError]),
 * g_socket_client_set_local_address() to bind the local end.
 *
 * Returns: (transfer full): a future for the connection's
 *   [class@Aio.StreamWriter]; its reader is
 *   [method@Aio.StreamWriter.get_reader]
 *
 * Since: 1.0
 */
AioFuture *
aio_open_connection_full (GSocketClient      *client,
                          GSocketConnectable *connectable)
{
  Connect *connect;
  AioFuture *future;

  g_return_val_if_fail (G_IS_SOCKET_CLIENT (client), NULL);
  g_return_val_if_fail (G_IS_SOCKET_CONNECTABLE (connectable), NULL);

  future = _aio_future_new_for_loop (_aio_loop_get_current ());
  connect = g_new0 (Connect, 1);
  connect->future = g_object_ref (future);
  connect->cancellable = g_cancellable_new ();
  _aio_future_set_cancel_hook (future, connect_cancel, connect, NULL);
  g_socket_client_connect_async (client, connectable, connect->cancellable,
                                 connected, connect);
  return future;
}

/**
 * aio_open_connection:
 * @host: a host name or address
 * @port: the TCP port
 *
 * Opens a TCP connection, as asyncio's `open_connection()`: resolves
 * @host, tries its IPv6 and IPv4 addresses (racing them, happy-eyeballs
 * style), and gives the reader and writer of the first connection made.
 * Fails with GIO's error (%G_IO_ERROR_CONNECTION_REFUSED, a
 * [error@Gio.ResolverError]...).  For TLS or a local address, see
 * [func@Aio.open_connection_full].
 *
 * In a C coroutine, [func@Aio.await_streams] awaits it and gives both
 * halves:
 *
 * ```c
 * g_autoptr(AioStreamReader) reader = NULL;
 * g_autoptr(AioStreamWriter) writer = NULL;
 *
 * if (!aio_await_streams (aio_open_connection ("localhost", 8080), &reader, &writer, &error))
 *   return;
 * ```
 *
 * Returns: (transfer full): a future for the connection's
 *   [class@Aio.StreamWriter]; its reader is
 *   [method@Aio.StreamWriter.get_reader]
 *
 * Since: 1.0
 */
AioFuture *
aio_open_connection (const char *host,
                     guint16     port)
{
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnectable) address = NULL;

  g_return_val_if_fail (host != NULL, NULL);

  client = g_socket_client_new ();
  address = g_network_address_new (host, port);
  return aio_open_connection_full (client, address);
}

/**
 * aio_open_unix_connection:
 * @path: the path of a Unix domain socket
 *
 * Opens a connection to a Unix domain socket, as asyncio's
 * `open_unix_connection()`.
 *
 * Returns: (transfer full): a future for the connection's
 *   [class@Aio.StreamWriter]
 *
 * Since: 1.0
 */
AioFuture *
aio_open_unix_connection (const char *path)
{
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketAddress) address = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  client = g_socket_client_new ();
  address = g_unix_socket_address_new (path);
  return aio_open_connection_full (client, G_SOCKET_CONNECTABLE (address));
}

/**
 * aio_stream_writer_new_for_connection:
 * @connection: a connected [class@Gio.IOStream], such as a
 *   [class@Gio.SocketConnection] or a [class@Gio.TlsConnection]
 * @loop: (nullable): the loop to run on; %NULL for the calling thread's
 * @error: return location for an error
 *
 * Makes the reader and writer of a connection made elsewhere.  A plain
 * socket connection gets the non-blocking socket fast path.  Closing the
 * writer closes @connection.
 *
 * Returns: (transfer full): the writer; its reader is
 *   [method@Aio.StreamWriter.get_reader]
 *
 * Since: 1.0
 */
AioStreamWriter *
aio_stream_writer_new_for_connection (GIOStream  *connection,
                                      AioLoop    *loop,
                                      GError    **error)
{
  g_return_val_if_fail (G_IS_IO_STREAM (connection), NULL);
  g_return_val_if_fail (loop == NULL || AIO_IS_LOOP (loop), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _aio_stream_pair_new (loop != NULL ? loop : _aio_loop_get_current (),
                               connection, error);
}

/**
 * aio_await_streams: (skip)
 * @future: (transfer full): a future for an [class@Aio.StreamWriter], as
 *   [func@Aio.open_connection] returns
 * @reader: (out) (optional) (transfer full): the reader
 * @writer: (out) (optional) (transfer full): the writer
 * @error: return location for an error
 *
 * Awaits @future from a C coroutine and gives the connection's two
 * halves, as asyncio's `reader, writer = await open_connection (...)`.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
aio_await_streams (AioFuture        *future,
                   AioStreamReader **reader,
                   AioStreamWriter **writer,
                   GError          **error)
{
  AioStreamWriter *result;

  g_return_val_if_fail (AIO_IS_FUTURE (future), FALSE);

  result = aio_await_object (future, error);
  if (result == NULL)
    return FALSE;
  if (reader != NULL)
    *reader = g_object_ref (aio_stream_writer_get_reader (result));
  if (writer != NULL)
    *writer = g_steal_pointer (&result);
  g_clear_object (&result);
  return TRUE;
}
