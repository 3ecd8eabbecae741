/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "aio-datagram-endpoint.h"
#include "aio-error.h"
#include "aio-future-private.h"
#include "aio-stream-private.h"

/* The largest UDP payload (IPv4's 65,507 bytes) fits the receive buffer. */
#define RECEIVE_BUFFER_SIZE 65536

/**
 * AioDatagramEndpoint:
 *
 * A UDP socket driven by the loop, as the transport asyncio's
 * `loop.create_datagram_endpoint()` makes, with `await`-style receiving in
 * place of a protocol's `datagram_received()`:
 * [method@Aio.DatagramEndpoint.recvfrom] waits for the next datagram,
 * [method@Aio.DatagramEndpoint.sendto] sends one.
 *
 * Sends and receives are non-blocking system calls on the socket; the
 * loop's epoll is asked only when one would block.  Datagrams nobody
 * waits for stay in the kernel's receive buffer, which drops what does
 * not fit, as UDP does.
 *
 * A connected endpoint (one made with a remote address) sends only to its
 * peer, receives only from it, and reports the peer's ICMP "port
 * unreachable" answers: the next receive fails with
 * %G_IO_ERROR_CONNECTION_REFUSED, and the endpoint stays usable.
 *
 * An endpoint belongs to the thread running its loop: calls from another
 * thread fail with %AIO_ERROR_WRONG_THREAD.
 *
 * Since: 1.0
 */
struct _AioDatagramEndpoint
{
  GObject          parent_instance;

  AioLoop         *loop;          /* (owned) */
  GSocket         *socket;        /* (owned) */
  int              fd;            /* -1 once closed */
  GSocketAddress  *local;         /* (owned) (nullable) fetched when asked */
  GSocketAddress  *remote;        /* (owned) (nullable) the connected peer */

  GQueue           receivers;     /* AioFuture (owned), oldest first */
  GQueue           outgoing;      /* Outgoing, oldest first */
  gsize            outgoing_bytes;
  GError          *send_error;    /* a queued send's failure, for a receiver */
  GPtrArray       *close_waiters; /* AioFuture (owned) */
  guint8          *buffer;        /* RECEIVE_BUFFER_SIZE bytes, once used */

  /* Most traffic comes from few peers: the last sender's address object
   * is reused while the next datagram comes from the same place.
   */
  struct sockaddr_storage last_from;
  socklen_t        last_from_len;
  GSocketAddress  *last_sender;   /* (owned) (nullable) */

  guint            readable : 1;
  guint            out_watched : 1;
  guint            closing : 1;
  guint            closed : 1;
};

G_DEFINE_FINAL_TYPE (AioDatagramEndpoint, aio_datagram_endpoint, G_TYPE_OBJECT)

typedef struct
{
  GBytes         *data;     /* (owned) */
  GSocketAddress *address;  /* (owned) (nullable) */
} Outgoing;

typedef enum
{
  IO_DONE,
  IO_WOULD_BLOCK,
  IO_FAILED,
} IoResult;

static void flush (AioDatagramEndpoint *self);
static void deliver (AioDatagramEndpoint *self);

static void
outgoing_free (Outgoing *outgoing)
{
  g_bytes_unref (outgoing->data);
  g_clear_object (&outgoing->address);
  g_free (outgoing);
}

static GError *
errno_error (int         saved,
             const char *what)
{
  return g_error_new (G_IO_ERROR, g_io_error_from_errno (saved),
                      "Error %s datagram: %s", what, g_strerror (saved));
}

static void
endpoint_edges (gpointer data,
                guint32  events)
{
  AioDatagramEndpoint *self = data;

  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
    {
      self->readable = TRUE;
      deliver (self);
    }
  if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
    {
      if (self->out_watched)
        {
          self->out_watched = FALSE;
          _aio_loop_watch_edges_out (self->loop, self->fd, FALSE);
        }
      flush (self);
    }
}

static GSocketAddress *
sender_address (AioDatagramEndpoint     *self,
                struct sockaddr_storage *from,
                socklen_t                from_len)
{
  /* A connected socket hears only from its peer. */
  if (self->remote != NULL)
    return g_object_ref (self->remote);
  if (from_len == 0)
    return NULL;
  if (self->last_sender == NULL || from_len != self->last_from_len ||
      memcmp (from, &self->last_from, from_len) != 0)
    {
      g_clear_object (&self->last_sender);
      self->last_sender = g_socket_address_new_from_native (from, from_len);
      memcpy (&self->last_from, from, from_len);
      self->last_from_len = from_len;
    }
  return self->last_sender != NULL ? g_object_ref (self->last_sender) : NULL;
}

static IoResult
receive_one (AioDatagramEndpoint  *self,
             AioDatagram         **datagram,
             GError              **error)
{
  struct sockaddr_storage from;
  socklen_t from_len;
  ssize_t n;

  if (self->buffer == NULL)
    self->buffer = g_malloc (RECEIVE_BUFFER_SIZE);
  do
    {
      from_len = sizeof from;
      n = recvfrom (self->fd, self->buffer, RECEIVE_BUFFER_SIZE, 0,
                    (struct sockaddr *) &from, &from_len);
    }
  while (n < 0 && errno == EINTR);

  if (n < 0)
    {
      int saved = errno;

      if (saved == EAGAIN || saved == EWOULDBLOCK)
        return IO_WOULD_BLOCK;
      g_propagate_error (error, errno_error (saved, "receiving"));
      return IO_FAILED;
    }
  {
    g_autoptr(GBytes) bytes = g_bytes_new (self->buffer, n);
    g_autoptr(GSocketAddress) sender = sender_address (self, &from, from_len);

    *datagram = aio_datagram_new (bytes, sender);
  }
  return IO_DONE;
}

static void
complete_receiver (AioFuture   *future,
                   AioDatagram *datagram,
                   GError      *error)
{
  if (error != NULL)
    _aio_future_complete (future, AIO_FUTURE_FINISHED, NULL, error, NULL);
  else
    {
      GValue value = G_VALUE_INIT;

      g_value_init (&value, AIO_TYPE_DATAGRAM);
      g_value_take_boxed (&value, datagram);
      _aio_future_complete (future, AIO_FUTURE_FINISHED, &value, NULL, NULL);
    }
}

/* Receives for @future if something is there (or a queued send failed).
 * Returns FALSE, leaving @future alone, when the socket has nothing.
 */
static gboolean
receive_for (AioDatagramEndpoint *self,
             AioFuture           *future)
{
  AioDatagram *datagram = NULL;
  GError *error = NULL;

  if (self->send_error != NULL)
    {
      complete_receiver (future, NULL, g_steal_pointer (&self->send_error));
      return TRUE;
    }
  if (!self->readable)
    return FALSE;
  if (receive_one (self, &datagram, &error) == IO_WOULD_BLOCK)
    {
      self->readable = FALSE;
      return FALSE;
    }
  complete_receiver (future, datagram, error);
  return TRUE;
}

static void
deliver (AioDatagramEndpoint *self)
{
  while (!g_queue_is_empty (&self->receivers))
    {
      AioFuture *future = g_queue_peek_head (&self->receivers);

      if (!receive_for (self, future))
        return;
      g_queue_pop_head (&self->receivers);
      g_object_unref (future);
    }
}

static void
fail_receivers (AioDatagramEndpoint *self,
                const char          *message)
{
  AioFuture *future;

  while ((future = g_queue_pop_head (&self->receivers)) != NULL)
    {
      _aio_future_complete (future, AIO_FUTURE_FINISHED, NULL,
                            g_error_new_literal (AIO_ERROR, AIO_ERROR_CLOSED, message),
                            NULL);
      g_object_unref (future);
    }
}

static IoResult
send_one (AioDatagramEndpoint  *self,
          GBytes               *data,
          GSocketAddress       *address,
          GError              **error)
{
  struct sockaddr_storage native;
  socklen_t native_len = 0;
  gsize size;
  gconstpointer bytes = g_bytes_get_data (data, &size);
  ssize_t n;

  if (address != NULL)
    {
      native_len = g_socket_address_get_native_size (address);
      if (!g_socket_address_to_native (address, &native, sizeof native, error))
        return IO_FAILED;
    }
  do
    n = sendto (self->fd, bytes, size, MSG_NOSIGNAL,
                address != NULL ? (struct sockaddr *) &native : NULL, native_len);
  while (n < 0 && errno == EINTR);

  if (n < 0)
    {
      int saved = errno;

      if (saved == EAGAIN || saved == EWOULDBLOCK)
        return IO_WOULD_BLOCK;
      g_propagate_error (error, errno_error (saved, "sending"));
      return IO_FAILED;
    }
  return IO_DONE;
}

static void
finish_close (AioDatagramEndpoint *self)
{
  if (self->closed)
    return;
  self->closed = TRUE;
  g_queue_clear_full (&self->outgoing, (GDestroyNotify) outgoing_free);
  self->outgoing_bytes = 0;
  if (self->fd >= 0)
    {
      _aio_loop_unwatch_edges (self->loop, self->fd);
      self->fd = -1;
    }
  g_socket_close (self->socket, NULL);
  g_clear_pointer (&self->buffer, g_free);
  _aio_stream_waiters_complete (self->close_waiters, NULL);
}

static void
flush (AioDatagramEndpoint *self)
{
  Outgoing *outgoing;

  while ((outgoing = g_queue_peek_head (&self->outgoing)) != NULL)
    {
      GError *error = NULL;

      switch (send_one (self, outgoing->data, outgoing->address, &error))
        {
        case IO_WOULD_BLOCK:
          if (!self->out_watched)
            {
              self->out_watched = TRUE;
              _aio_loop_watch_edges_out (self->loop, self->fd, TRUE);
            }
          return;
        case IO_FAILED:
          /* Like asyncio's error_received(): the datagram is lost, and
           * the next receiver hears why.
           */
          if (self->send_error == NULL)
            self->send_error = error;
          else
            g_error_free (error);
          break;
        case IO_DONE:
          break;
        }
      g_queue_pop_head (&self->outgoing);
      self->outgoing_bytes -= g_bytes_get_size (outgoing->data);
      outgoing_free (outgoing);
    }
  if (self->closing)
    finish_close (self);
  else if (self->send_error != NULL)
    deliver (self);
}

static gboolean
check_thread (AioDatagramEndpoint  *self,
              const char           *what,
              GError              **error)
{
  if (_aio_loop_is_owner (self->loop))
    return TRUE;
  _aio_loop_debug_wrong_thread (self->loop, "AioDatagramEndpoint");
  g_set_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD,
               "AioDatagramEndpoint.%s() called from a thread that does not run its loop",
               what);
  return FALSE;
}

static AioFuture *
done_future (AioDatagramEndpoint *self,
             GError              *error)
{
  AioFuture *future = _aio_future_new_for_loop (self->loop);

  if (error != NULL)
    _aio_future_complete (future, AIO_FUTURE_FINISHED, NULL, error, NULL);
  else
    {
      GValue value = G_VALUE_INIT;

      g_value_init (&value, G_TYPE_BOOLEAN);
      g_value_set_boolean (&value, TRUE);
      _aio_future_complete (future, AIO_FUTURE_FINISHED, &value, NULL, NULL);
    }
  return future;
}

static void
aio_datagram_endpoint_dispose (GObject *object)
{
  AioDatagramEndpoint *self = AIO_DATAGRAM_ENDPOINT (object);

  fail_receivers (self, "The datagram endpoint was destroyed");
  if (self->socket != NULL)
    finish_close (self);
  G_OBJECT_CLASS (aio_datagram_endpoint_parent_class)->dispose (object);
}

static void
aio_datagram_endpoint_finalize (GObject *object)
{
  AioDatagramEndpoint *self = AIO_DATAGRAM_ENDPOINT (object);

  g_clear_object (&self->socket);
  g_clear_object (&self->local);
  g_clear_object (&self->remote);
  g_clear_object (&self->last_sender);
  g_clear_error (&self->send_error);
  g_ptr_array_unref (self->close_waiters);
  g_clear_object (&self->loop);

  G_OBJECT_CLASS (aio_datagram_endpoint_parent_class)->finalize (object);
}

static void
aio_datagram_endpoint_class_init (AioDatagramEndpointClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = aio_datagram_endpoint_dispose;
  object_class->finalize = aio_datagram_endpoint_finalize;
}

static void
aio_datagram_endpoint_init (AioDatagramEndpoint *self)
{
  self->fd = -1;
  g_queue_init (&self->receivers);
  g_queue_init (&self->outgoing);
  self->close_waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * aio_datagram_endpoint_new_for_socket:
 * @socket: a datagram [class@Gio.Socket], bound or connected as wanted
 * @loop: (nullable): the loop the endpoint runs on; %NULL for the calling
 *   thread's loop
 * @error: return location for an error
 *
 * Drives an existing socket, as asyncio's `create_datagram_endpoint
 * (sock=...)`.  The endpoint owns @socket from now on and closes it.
 * Must be called on the thread that runs @loop.
 *
 * Returns: (transfer full): a new endpoint, or %NULL with @error set (a
 *   socket that is not a datagram socket, or one the loop already watches)
 *
 * Since: 1.0
 */
AioDatagramEndpoint *
aio_datagram_endpoint_new_for_socket (GSocket  *socket,
                                      AioLoop  *loop,
                                      GError  **error)
{
  g_autoptr(AioDatagramEndpoint) self = NULL;

  g_return_val_if_fail (G_IS_SOCKET (socket), NULL);
  g_return_val_if_fail (loop == NULL || AIO_IS_LOOP (loop), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_socket_get_socket_type (socket) != G_SOCKET_TYPE_DATAGRAM)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "An AioDatagramEndpoint needs a datagram socket");
      return NULL;
    }
  if (g_socket_is_closed (socket))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                           "The socket is closed");
      return NULL;
    }

  self = g_object_new (AIO_TYPE_DATAGRAM_ENDPOINT, NULL);
  self->loop = g_object_ref (loop != NULL ? loop : _aio_loop_get_current ());
  self->socket = g_object_ref (socket);
  if (!check_thread (self, "new_for_socket", error) ||
      !_aio_loop_watch_edges (self->loop, g_socket_get_fd (socket), endpoint_edges, self, error))
    {
      /* Not ours to close after all. */
      g_clear_object (&self->socket);
      self->closed = TRUE;
      return NULL;
    }
  self->fd = g_socket_get_fd (socket);
  /* Unknown until the first call: assume something is there. */
  self->readable = TRUE;
  if (g_socket_is_connected (socket))
    self->remote = g_socket_get_remote_address (socket, NULL);
  return g_steal_pointer (&self);
}

static gboolean
same_address (GSocketAddress *a,
              GSocketAddress *b)
{
  GInetSocketAddress *ia, *ib;

  if (!G_IS_INET_SOCKET_ADDRESS (a) || !G_IS_INET_SOCKET_ADDRESS (b))
    return FALSE;
  ia = G_INET_SOCKET_ADDRESS (a);
  ib = G_INET_SOCKET_ADDRESS (b);
  return g_inet_socket_address_get_port (ia) == g_inet_socket_address_get_port (ib) &&
         g_inet_address_equal (g_inet_socket_address_get_address (ia),
                               g_inet_socket_address_get_address (ib));
}

/**
 * aio_datagram_endpoint_sendto:
 * @self: an [class@Aio.DatagramEndpoint]
 * @data: the datagram
 * @address: (nullable): where to send it: required for an endpoint
 *   without a remote address; %NULL (or the peer's address) for a
 *   connected one
 * @error: return location for an error
 *
 * Sends one datagram, as asyncio's `DatagramTransport.sendto()`.  It is
 * sent at once when the socket has room; otherwise it is queued (see
 * [method@Aio.DatagramEndpoint.get_write_buffer_size]) and sent when the
 * socket has room again, so this never waits.  A queued datagram that
 * then fails to go is lost, and the next receive reports the error, as
 * asyncio's `error_received()`.
 *
 * Returns: %TRUE if the datagram was sent or queued; %FALSE with @error
 *   set: %AIO_ERROR_CLOSED once the endpoint is closing,
 *   %G_IO_ERROR_INVALID_ARGUMENT for a missing or wrong address, or the
 *   socket's error, such as %G_IO_ERROR_MESSAGE_TOO_LARGE, or
 *   %G_IO_ERROR_CONNECTION_REFUSED after the peer refused an earlier
 *   datagram
 *
 * Since: 1.0
 */
gboolean
aio_datagram_endpoint_sendto (AioDatagramEndpoint  *self,
                              GBytes               *data,
                              GSocketAddress       *address,
                              GError              **error)
{
  Outgoing *outgoing;

  g_return_val_if_fail (AIO_IS_DATAGRAM_ENDPOINT (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (address == NULL || G_IS_SOCKET_ADDRESS (address), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_thread (self, "sendto", error))
    return FALSE;
  if (self->closing)
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_CLOSED,
                           "The datagram endpoint is closing");
      return FALSE;
    }
  if (self->remote != NULL)
    {
      if (address != NULL && !same_address (address, self->remote))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "A connected datagram endpoint sends only to its remote address");
          return FALSE;
        }
      address = NULL;
    }
  else if (address == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "A datagram endpoint without a remote address needs a destination");
      return FALSE;
    }

  if (g_queue_is_empty (&self->outgoing))
    switch (send_one (self, data, address, error))
      {
      case IO_DONE:
        return TRUE;
      case IO_FAILED:
        return FALSE;
      case IO_WOULD_BLOCK:
        break;
      }

  outgoing = g_new (Outgoing, 1);
  outgoing->data = g_bytes_ref (data);
  outgoing->address = address != NULL ? g_object_ref (address) : NULL;
  g_queue_push_tail (&self->outgoing, outgoing);
  self->outgoing_bytes += g_bytes_get_size (data);
  if (!self->out_watched)
    {
      self->out_watched = TRUE;
      _aio_loop_watch_edges_out (self->loop, self->fd, TRUE);
    }
  return TRUE;
}

static gboolean
receiver_cancelled (AioFuture  *future,
                    const char *msg,
                    gpointer    data)
{
  AioDatagramEndpoint *self = data;

  /* Nothing was taken from the socket for it: no datagram is lost. */
  if (g_queue_remove (&self->receivers, future))
    g_object_unref (future);
  return TRUE;
}

/**
 * aio_datagram_endpoint_recvfrom:
 * @self: an [class@Aio.DatagramEndpoint]
 *
 * Waits for the next datagram, as asyncio's protocol hears of it in
 * `datagram_received (data, addr)`.  Several tasks may wait at once; each
 * datagram goes to the one that has waited longest.  Cancelling the
 * future loses nothing: the datagram goes to the next receive.
 *
 * Returns: (transfer full): a future for an [struct@Aio.Datagram] (the
 *   bytes and the sender's address), or failing with
 *   %AIO_ERROR_CLOSED when the endpoint closes,
 *   %G_IO_ERROR_CONNECTION_REFUSED when the peer of a connected endpoint
 *   refused an earlier datagram, or another socket error
 *
 * Since: 1.0
 */
AioFuture *
aio_datagram_endpoint_recvfrom (AioDatagramEndpoint *self)
{
  AioFuture *future;
  GError *error = NULL;

  g_return_val_if_fail (AIO_IS_DATAGRAM_ENDPOINT (self), NULL);

  if (!check_thread (self, "recvfrom", &error))
    return done_future (self, error);
  if (self->closing)
    return done_future (self, g_error_new_literal (AIO_ERROR, AIO_ERROR_CLOSED,
                                                   "The datagram endpoint is closed"));

  future = _aio_future_new_for_loop (self->loop);
  if (g_queue_is_empty (&self->receivers) && receive_for (self, future))
    return future;
  g_queue_push_tail (&self->receivers, g_object_ref (future));
  _aio_future_set_cancel_hook (future, receiver_cancelled, self, NULL);
  return future;
}

/**
 * aio_datagram_endpoint_get_write_buffer_size:
 * @self: an [class@Aio.DatagramEndpoint]
 *
 * How many bytes of queued datagrams wait for room in the socket, as
 * asyncio's `get_write_buffer_size()`.
 *
 * Returns: the byte count
 *
 * Since: 1.0
 */
gsize
aio_datagram_endpoint_get_write_buffer_size (AioDatagramEndpoint *self)
{
  g_return_val_if_fail (AIO_IS_DATAGRAM_ENDPOINT (self), 0);

  return self->outgoing_bytes;
}

/**
 * aio_datagram_endpoint_close:
 * @self: an [class@Aio.DatagramEndpoint]
 *
 * Closes the endpoint, as asyncio's `DatagramTransport.close()`: tasks
 * waiting in [method@Aio.DatagramEndpoint.recvfrom] fail with
 * %AIO_ERROR_CLOSED, and the socket closes once the queued datagrams are
 * sent.  [method@Aio.DatagramEndpoint.wait_closed] waits for that.
 * Closing twice does nothing.
 *
 * Since: 1.0
 */
void
aio_datagram_endpoint_close (AioDatagramEndpoint *self)
{
  g_return_if_fail (AIO_IS_DATAGRAM_ENDPOINT (self));

  if (self->closing)
    return;
  self->closing = TRUE;
  fail_receivers (self, "The datagram endpoint was closed");
  if (g_queue_is_empty (&self->outgoing))
    finish_close (self);
}

/**
 * aio_datagram_endpoint_abort:
 * @self: an [class@Aio.DatagramEndpoint]
 *
 * Closes the endpoint at once, dropping the queued datagrams, as asyncio's
 * `DatagramTransport.abort()`.
 *
 * Since: 1.0
 */
void
aio_datagram_endpoint_abort (AioDatagramEndpoint *self)
{
  g_return_if_fail (AIO_IS_DATAGRAM_ENDPOINT (self));

  self->closing = TRUE;
  fail_receivers (self, "The datagram endpoint was closed");
  finish_close (self);
}

/**
 * aio_datagram_endpoint_is_closing:
 * @self: an [class@Aio.DatagramEndpoint]
 *
 * Whether the endpoint is closed or closing.
 *
 * Returns: %TRUE after [method@Aio.DatagramEndpoint.close] or
 *   [method@Aio.DatagramEndpoint.abort]
 *
 * Since: 1.0
 */
gboolean
aio_datagram_endpoint_is_closing (AioDatagramEndpoint *self)
{
  g_return_val_if_fail (AIO_IS_DATAGRAM_ENDPOINT (self), FALSE);

  return self->closing;
}

/**
 * aio_datagram_endpoint_wait_closed:
 * @self: an [class@Aio.DatagramEndpoint]
 *
 * Waits until the socket is closed, after
 * [method@Aio.DatagramEndpoint.close] has sent what was queued.
 *
 * Returns: (transfer full): a future for %TRUE
 *
 * Since: 1.0
 */
AioFuture *
aio_datagram_endpoint_wait_closed (AioDatagramEndpoint *self)
{
  g_return_val_if_fail (AIO_IS_DATAGRAM_ENDPOINT (self), NULL);

  if (self->closed)
    return done_future (self, NULL);
  return _aio_stream_waiters_add (self->close_waiters, self->loop);
}

/**
 * aio_datagram_endpoint_get_socket:
 * @self: an [class@Aio.DatagramEndpoint]
 *
 * The endpoint's socket, for options this API does not cover (multicast
 * membership, say).  Reading or writing it directly steals datagrams from
 * the endpoint.
 *
 * Returns: (transfer none): the [class@Gio.Socket]
 *
 * Since: 1.0
 */
GSocket *
aio_datagram_endpoint_get_socket (AioDatagramEndpoint *self)
{
  g_return_val_if_fail (AIO_IS_DATAGRAM_ENDPOINT (self), NULL);

  return self->socket;
}

/**
 * aio_datagram_endpoint_get_local_address:
 * @self: an [class@Aio.DatagramEndpoint]
 *
 * The address the endpoint is bound to (asyncio's `"sockname"`), with the
 * port the system picked for port 0.
 *
 * Returns: (transfer none) (nullable): the local address, or %NULL once
 *   closed or while unbound
 *
 * Since: 1.0
 */
GSocketAddress *
aio_datagram_endpoint_get_local_address (AioDatagramEndpoint *self)
{
  g_return_val_if_fail (AIO_IS_DATAGRAM_ENDPOINT (self), NULL);

  if (self->local == NULL && !self->closed)
    self->local = g_socket_get_local_address (self->socket, NULL);
  return self->local;
}

/**
 * aio_datagram_endpoint_get_remote_address:
 * @self: an [class@Aio.DatagramEndpoint]
 *
 * The peer of a connected endpoint (asyncio's `"peername"`).
 *
 * Returns: (transfer none) (nullable): the remote address, or %NULL for
 *   an endpoint that sends anywhere
 *
 * Since: 1.0
 */
GSocketAddress *
aio_datagram_endpoint_get_remote_address (AioDatagramEndpoint *self)
{
  g_return_val_if_fail (AIO_IS_DATAGRAM_ENDPOINT (self), NULL);

  return self->remote;
}

/**
 * aio_datagram_endpoint_get_extra_info:
 * @self: an [class@Aio.DatagramEndpoint]
 * @name: what to get
 *
 * Information about the endpoint, as asyncio's `get_extra_info()`:
 *
 * - `"sockname"`: the local [class@Gio.SocketAddress]
 * - `"peername"`: the peer's [class@Gio.SocketAddress], when connected
 * - `"socket"`: the [class@Gio.Socket]
 *
 * Returns: (transfer none) (nullable): the object, or %NULL if the
 *   endpoint has no such thing
 *
 * Since: 1.0
 */
GObject *
aio_datagram_endpoint_get_extra_info (AioDatagramEndpoint *self,
                                      const char          *name)
{
  g_return_val_if_fail (AIO_IS_DATAGRAM_ENDPOINT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (g_str_equal (name, "sockname"))
    return G_OBJECT (aio_datagram_endpoint_get_local_address (self));
  if (g_str_equal (name, "peername"))
    return G_OBJECT (self->remote);
  if (g_str_equal (name, "socket"))
    return G_OBJECT (self->socket);
  return NULL;
}
