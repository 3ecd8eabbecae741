/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "aio-error.h"
#include "aio-future-private.h"
#include "aio-gobject-private.h"
#include "aio-stream-private.h"

/**
 * AioStreamWriter:
 *
 * Writes a byte stream, as asyncio's `StreamWriter`.
 *
 * [method@Aio.StreamWriter.write] never waits: what the stream cannot take
 * at once is buffered, and sent as soon as it can be.
 * [method@Aio.StreamWriter.drain] is the flow control: it waits while the
 * buffer is above the high-water mark (64 KiB by default), until it is
 * back under the low-water mark (16 KiB), so a writer that drains after
 * each write never holds more than about the high-water mark, however
 * slow the peer.
 *
 * On a plain socket, a write is a non-blocking `send()` straight from the
 * caller's data when nothing is queued before it; the loop's epoll is
 * asked only when the socket is full.
 *
 * Closing flushes what is buffered, then closes the connection (the
 * reader then reads the end of the stream); await
 * [method@Aio.StreamWriter.wait_closed] to know it is done.
 *
 * Since: 1.0
 */

#define DEFAULT_HIGH_WATER (64 * 1024)

struct _AioStreamWriter
{
  GObject            parent_instance;

  AioLoop           *loop;          /* (owned) */
  AioStreamChannel  *channel;       /* (owned) (nullable) */
  GOutputStream     *output;        /* (owned) (nullable) when not the fd */
  AioStreamReader   *reader;        /* (owned) (nullable) */
  GSource           *wait_source;   /* (owned) (nullable) pollable wait */
  gsize              in_flight;     /* at the buffer's front, handed to an async write */
  guint              writing : 1;   /* an async write is out */
  guint              pollable : 1;
  guint              closing : 1;
  guint              closed : 1;
  guint              close_started : 1;
  guint              eof_pending : 1;
  guint              eof_written : 1;

  guint8            *buf;           /* (owned) (nullable) not yet sent */
  gsize              start;
  gsize              end;
  gsize              alloc;
  gsize              high;
  gsize              low;
  GError            *error;         /* (owned) (nullable) the stream failed */

  GPtrArray         *drain_waiters; /* (element-type AioFuture) (owned) */
  GPtrArray         *close_waiters; /* (element-type AioFuture) (owned) */
};

G_DEFINE_FINAL_TYPE (AioStreamWriter, aio_stream_writer, G_TYPE_OBJECT)

static void flush (AioStreamWriter *self);

static inline gsize
buffered (AioStreamWriter *self)
{
  return self->end - self->start;
}

static inline gsize
unsent (AioStreamWriter *self)
{
  return self->end - self->start - self->in_flight;
}

static void
disarm (AioStreamWriter *self)
{
  if (self->wait_source != NULL)
    {
      g_source_destroy (self->wait_source);
      g_clear_pointer (&self->wait_source, g_source_unref);
    }
}

static void
drop_buffer (AioStreamWriter *self)
{
  g_clear_pointer (&self->buf, g_free);
  self->start = self->end = self->alloc = 0;
  self->in_flight = 0;
}

static void
consumed (AioStreamWriter *self,
          gsize            n)
{
  self->start += n;
  if (self->start == self->end)
    drop_buffer (self);
}

static void
closed_done (AioStreamWriter *self)
{
  self->closed = TRUE;
  _aio_stream_waiters_complete (self->drain_waiters, self->error);
  _aio_stream_waiters_complete (self->close_waiters, NULL);
}

static void
output_closed (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AioStreamWriter *self = user_data;

  g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, NULL);
  closed_done (self);
  g_object_unref (self);
}

static void
tls_closed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AioStreamWriter *self = user_data;

  /* A peer that left first makes close_notify fail: the connection is
   * closed all the same.
   */
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  _aio_stream_channel_close (self->channel);
  closed_done (self);
  g_object_unref (self);
}

static void
finish_close (AioStreamWriter *self)
{
  if (self->close_started)
    return;
  self->close_started = TRUE;
  disarm (self);
  drop_buffer (self);

  if (self->channel != NULL && self->error == NULL &&
      G_IS_TLS_CONNECTION (self->channel->io_stream) &&
      !g_io_stream_is_closed (self->channel->io_stream))
    /* close_notify goes out without blocking the loop. */
    g_io_stream_close_async (self->channel->io_stream, G_PRIORITY_DEFAULT, NULL,
                             tls_closed, g_object_ref (self));
  else if (self->channel != NULL)
    {
      _aio_stream_channel_close (self->channel);
      closed_done (self);
    }
  else if (self->writing)
    self->close_started = FALSE;   /* closes when the async write is back */
  else
    g_output_stream_close_async (self->output, G_PRIORITY_DEFAULT, NULL,
                                 output_closed, g_object_ref (self));
}

static void
fail (AioStreamWriter *self,
      GError          *error)
{
  if (self->error == NULL)
    self->error = error;
  else
    g_error_free (error);
  drop_buffer (self);
  disarm (self);
  _aio_stream_waiters_complete (self->drain_waiters, self->error);
  if (self->closing)
    finish_close (self);
}

static void
write_eof_now (AioStreamWriter *self)
{
  self->eof_pending = FALSE;
  self->eof_written = TRUE;
  if (self->channel != NULL && self->channel->fd >= 0)
    shutdown (self->channel->fd, SHUT_WR);
  else if (self->output != NULL)
    g_output_stream_close_async (self->output, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
}

/* After data left the buffer: wakes drainers, finishes an EOF or close. */
static void
sent (AioStreamWriter *self)
{
  if (buffered (self) <= self->low)
    _aio_stream_waiters_complete (self->drain_waiters, NULL);
  if (buffered (self) == 0)
    {
      if (self->eof_pending)
        write_eof_now (self);
      if (self->closing)
        finish_close (self);
    }
}

static gboolean
pollable_ready (GObject  *stream,
                gpointer  user_data)
{
  AioStreamWriter *self = user_data;

  g_clear_pointer (&self->wait_source, g_source_unref);
  flush (self);
  return G_SOURCE_REMOVE;
}

static void
async_write_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  AioStreamWriter *self = user_data;
  GError *error = NULL;
  gssize n;

  n = g_output_stream_write_bytes_finish (G_OUTPUT_STREAM (source), result, &error);
  self->writing = FALSE;
  if (n < 0)
    fail (self, error);
  else if (self->in_flight > 0)
    {
      /* The bytes in flight were left at the front of the buffer (unless
       * an abort dropped it meanwhile).
       */
      self->in_flight = 0;
      consumed (self, n);
    }
  if (self->closing && (self->error != NULL || buffered (self) == 0))
    finish_close (self);
  else
    flush (self);
  g_object_unref (self);
}

/* Sends from the buffer until it is empty or the stream is full. */
static void
flush (AioStreamWriter *self)
{
  while (unsent (self) > 0 && self->error == NULL)
    {
      if (self->channel != NULL && self->channel->fd >= 0)
        {
          gssize n;

          if (!self->channel->writable)
            break;
          n = send (self->channel->fd, self->buf + self->start, unsent (self), MSG_NOSIGNAL);
          if (n >= 0 && (gsize) n < unsent (self))
            _aio_stream_channel_blocked_writing (self->channel);
          if (n >= 0)
            consumed (self, n);
          else if (errno == EAGAIN || errno == EWOULDBLOCK)
            _aio_stream_channel_blocked_writing (self->channel);
          else if (errno != EINTR)
            {
              int saved = errno;

              fail (self, g_error_new (G_IO_ERROR, g_io_error_from_errno (saved),
                                       "Error sending data: %s", g_strerror (saved)));
            }
        }
      else if (self->channel != NULL && self->channel->closed)
        fail (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CLOSED,
                                         "The connection is closed"));
      else if (self->pollable)
        {
          GError *error = NULL;
          gssize n;

          if (self->wait_source != NULL)
            break;
          n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (self->output),
                                                          self->buf + self->start,
                                                          unsent (self), NULL, &error);
          if (n >= 0)
            consumed (self, n);
          else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              g_error_free (error);
              self->wait_source =
                g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (self->output), NULL);
              g_source_set_callback (self->wait_source, G_SOURCE_FUNC (pollable_ready), self, NULL);
              g_source_attach (self->wait_source, aio_loop_get_context (self->loop));
              break;
            }
          else
            fail (self, error);
        }
      else
        {
          GBytes *bytes;

          if (self->writing)
            break;
          /* What is in flight stays at the front of the buffer until GIO
           * says how much it took; nothing more is sent until then.
           */
          self->in_flight = unsent (self);
          self->writing = TRUE;
          bytes = g_bytes_new (self->buf + self->start, self->in_flight);
          g_output_stream_write_bytes_async (self->output, bytes, G_PRIORITY_DEFAULT, NULL,
                                             async_write_done, g_object_ref (self));
          g_bytes_unref (bytes);
          break;
        }
    }
  sent (self);
}

void
_aio_stream_writer_poke (AioStreamWriter *self)
{
  if (unsent (self) > 0)
    flush (self);
}

gboolean
_aio_stream_writer_check (AioStreamWriter  *self,
                          GError          **error)
{
  if (!_aio_loop_is_owner (self->loop))
    {
      _aio_loop_debug_wrong_thread (self->loop, "AioStreamWriter");
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD,
                           "AioStreamWriter used from a thread that does not run its loop");
      return FALSE;
    }
  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }
  if (self->closing)
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_CLOSED,
                           "The stream writer is closing");
      return FALSE;
    }
  if (self->eof_pending || self->eof_written)
    {
      g_set_error_literal (error, AIO_ERROR, AIO_ERROR_INVALID_STATE,
                           "Cannot write after write_eof()");
      return FALSE;
    }
  return TRUE;
}

static void
queue (AioStreamWriter *self,
       const guint8    *data,
       gsize            len)
{
  if (self->alloc - self->end < len)
    {
      if (self->start > 0 && self->in_flight == 0)
        {
          memmove (self->buf, self->buf + self->start, unsent (self));
          self->end -= self->start;
          self->start = 0;
        }
      if (self->alloc - self->end < len)
        {
          self->alloc = MAX (self->end + len, MAX (self->alloc * 2, 4096));
          self->buf = g_realloc (self->buf, self->alloc);
        }
    }
  memcpy (self->buf + self->end, data, len);
  self->end += len;
}

static gboolean
write_data (AioStreamWriter  *self,
            const guint8     *data,
            gsize             len,
            GError          **error)
{
  if (!_aio_stream_writer_check (self, error))
    return FALSE;
  if (len == 0)
    return TRUE;

  /* Nothing queued before it: straight from the caller's memory. */
  if (buffered (self) == 0 && !self->writing &&
      self->channel != NULL && self->channel->fd >= 0 && self->channel->writable)
    {
      gssize n;

      do
        n = send (self->channel->fd, data, len, MSG_NOSIGNAL);
      while (n < 0 && errno == EINTR);

      if (n >= 0)
        {
          data += n;
          len -= n;
          if (len == 0)
            return TRUE;
          _aio_stream_channel_blocked_writing (self->channel);
        }
      else if (errno == EAGAIN || errno == EWOULDBLOCK)
        _aio_stream_channel_blocked_writing (self->channel);
      else
        {
          int saved = errno;

          fail (self, g_error_new (G_IO_ERROR, g_io_error_from_errno (saved),
                                   "Error sending data: %s", g_strerror (saved)));
          g_propagate_error (error, g_error_copy (self->error));
          return FALSE;
        }
    }
  queue (self, data, len);
  flush (self);
  return TRUE;
}

/**
 * aio_stream_writer_write:
 * @self: an [class@Aio.StreamWriter]
 * @data: (array length=len): the bytes to write
 * @len: how many
 * @error: return location for an error
 *
 * Writes @data, as asyncio's `StreamWriter.write()`: sends what the
 * stream takes at once and buffers the rest, without waiting.  Follow
 * with [method@Aio.StreamWriter.drain] to wait for room.
 *
 * Fails once the stream has failed (with that error), after
 * [method@Aio.StreamWriter.close] (%AIO_ERROR_CLOSED) and after
 * [method@Aio.StreamWriter.write_eof] (%AIO_ERROR_INVALID_STATE).
 *
 * Returns: %TRUE if the data was sent or buffered
 *
 * Since: 1.0
 */
gboolean
aio_stream_writer_write (AioStreamWriter  *self,
                         const guint8     *data,
                         gsize             len,
                         GError          **error)
{
  g_return_val_if_fail (AIO_IS_STREAM_WRITER (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return write_data (self, data, len, error);
}

/**
 * aio_stream_writer_write_bytes:
 * @self: an [class@Aio.StreamWriter]
 * @bytes: the bytes to write
 * @error: return location for an error
 *
 * Writes @bytes, as [method@Aio.StreamWriter.write].
 *
 * Returns: %TRUE if the data was sent or buffered
 *
 * Since: 1.0
 */
gboolean
aio_stream_writer_write_bytes (AioStreamWriter  *self,
                               GBytes           *bytes,
                               GError          **error)
{
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (AIO_IS_STREAM_WRITER (self), FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = g_bytes_get_data (bytes, &len);
  return write_data (self, data, len, error);
}

/**
 * aio_stream_writer_writelines:
 * @self: an [class@Aio.StreamWriter]
 * @lines: (array length=n_lines): the pieces to write, in order
 * @n_lines: how many
 * @error: return location for an error
 *
 * Writes each of @lines in turn, as asyncio's `writelines()` (nothing is
 * added between them).
 *
 * Returns: %TRUE if all was sent or buffered
 *
 * Since: 1.0
 */
gboolean
aio_stream_writer_writelines (AioStreamWriter  *self,
                              GBytes          **lines,
                              guint             n_lines,
                              GError          **error)
{
  guint i;

  g_return_val_if_fail (AIO_IS_STREAM_WRITER (self), FALSE);
  g_return_val_if_fail (lines != NULL || n_lines == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_aio_stream_writer_check (self, error))
    return FALSE;
  for (i = 0; i < n_lines; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (lines[i], &len);

      if (len > 0)
        queue (self, data, len);
    }
  flush (self);
  return TRUE;
}

static AioFuture *
done_future (AioStreamWriter *self,
             GError          *failure)
{
  AioFuture *future = _aio_future_new_for_loop (self->loop);
  GValue value = G_VALUE_INIT;

  if (failure != NULL)
    {
      _aio_future_complete (future, AIO_FUTURE_FINISHED, NULL, failure, NULL);
      return future;
    }
  _aio_value_set_boolean (&value, TRUE);
  _aio_future_complete (future, AIO_FUTURE_FINISHED, &value, NULL, NULL);
  return future;
}

/**
 * aio_stream_writer_drain:
 * @self: an [class@Aio.StreamWriter]
 *
 * Waits until the write buffer is back under the low-water mark, if it
 * is above the high-water mark, as asyncio's `StreamWriter.drain()`.
 * Fails with the stream's error if it failed (a reset connection, a peer
 * that went away).  Cancelling the wait leaves the buffered data queued.
 *
 * Returns: (transfer full): a future for %TRUE
 *
 * Since: 1.0
 */
AioFuture *
aio_stream_writer_drain (AioStreamWriter *self)
{
  g_return_val_if_fail (AIO_IS_STREAM_WRITER (self), NULL);

  if (!_aio_loop_is_owner (self->loop))
    return done_future (self, g_error_new_literal (AIO_ERROR, AIO_ERROR_WRONG_THREAD,
                                                   "AioStreamWriter.drain() called from a thread that does not run its loop"));
  if (self->error != NULL)
    return done_future (self, g_error_copy (self->error));
  if (buffered (self) <= self->high || self->closed)
    return done_future (self, NULL);
  return _aio_stream_waiters_add (self->drain_waiters, self->loop);
}

/**
 * aio_stream_writer_can_write_eof:
 * @self: an [class@Aio.StreamWriter]
 *
 * Whether [method@Aio.StreamWriter.write_eof] is possible: on a plain
 * socket and on a stream writer over a [class@Gio.OutputStream], not over
 * TLS (which has no half-close).
 *
 * Returns: %TRUE if the writer can end its direction alone
 *
 * Since: 1.0
 */
gboolean
aio_stream_writer_can_write_eof (AioStreamWriter *self)
{
  g_return_val_if_fail (AIO_IS_STREAM_WRITER (self), FALSE);

  if (self->channel != NULL)
    return self->channel->fd >= 0 || self->channel->socket != NULL;
  return TRUE;
}

/**
 * aio_stream_writer_write_eof:
 * @self: an [class@Aio.StreamWriter]
 * @error: return location for an error
 *
 * Ends the writing direction once the buffer is sent (a socket's
 * `shutdown (SHUT_WR)`; closing the output stream otherwise), while the
 * reader still reads, as asyncio's `write_eof()`.
 *
 * Returns: %TRUE on success; %G_IO_ERROR_NOT_SUPPORTED if
 *   [method@Aio.StreamWriter.can_write_eof] is false
 *
 * Since: 1.0
 */
gboolean
aio_stream_writer_write_eof (AioStreamWriter  *self,
                             GError          **error)
{
  g_return_val_if_fail (AIO_IS_STREAM_WRITER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!aio_stream_writer_can_write_eof (self))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "This stream cannot end writing alone (TLS has no half-close)");
      return FALSE;
    }
  if (self->eof_pending || self->eof_written)
    return TRUE;
  if (!_aio_stream_writer_check (self, error))
    return FALSE;
  if (buffered (self) > 0)
    self->eof_pending = TRUE;
  else
    write_eof_now (self);
  return TRUE;
}

/**
 * aio_stream_writer_close:
 * @self: an [class@Aio.StreamWriter]
 *
 * Closes the stream once the buffered data is sent, as asyncio's
 * `StreamWriter.close()`; for a connection, the reader then reads the end
 * of the stream.  Await [method@Aio.StreamWriter.wait_closed] to know
 * it is done.  Closing twice does nothing.
 *
 * Since: 1.0
 */
void
aio_stream_writer_close (AioStreamWriter *self)
{
  g_return_if_fail (AIO_IS_STREAM_WRITER (self));

  if (self->closing)
    return;
  self->closing = TRUE;
  if (buffered (self) == 0 || self->error != NULL)
    finish_close (self);
  else
    flush (self);
}

/**
 * aio_stream_writer_abort:
 * @self: an [class@Aio.StreamWriter]
 *
 * Closes the stream at once, dropping what is still buffered, as
 * asyncio's `transport.abort()`.
 *
 * Since: 1.0
 */
void
aio_stream_writer_abort (AioStreamWriter *self)
{
  g_return_if_fail (AIO_IS_STREAM_WRITER (self));

  self->closing = TRUE;
  drop_buffer (self);
  _aio_stream_waiters_complete (self->drain_waiters, NULL);
  finish_close (self);
}

/**
 * aio_stream_writer_is_closing:
 * @self: an [class@Aio.StreamWriter]
 *
 * Whether [method@Aio.StreamWriter.close] (or abort) was called.
 *
 * Returns: %TRUE once closing
 *
 * Since: 1.0
 */
gboolean
aio_stream_writer_is_closing (AioStreamWriter *self)
{
  g_return_val_if_fail (AIO_IS_STREAM_WRITER (self), FALSE);

  return self->closing;
}

/**
 * aio_stream_writer_wait_closed:
 * @self: an [class@Aio.StreamWriter]
 *
 * Waits until the stream is closed, after [method@Aio.StreamWriter.close].
 *
 * Returns: (transfer full): a future for %TRUE
 *
 * Since: 1.0
 */
AioFuture *
aio_stream_writer_wait_closed (AioStreamWriter *self)
{
  g_return_val_if_fail (AIO_IS_STREAM_WRITER (self), NULL);

  if (self->closed)
    return done_future (self, NULL);
  return _aio_stream_waiters_add (self->close_waiters, self->loop);
}

/**
 * aio_stream_writer_get_reader:
 * @self: an [class@Aio.StreamWriter]
 *
 * The reader of the same connection, for a writer from
 * [func@Aio.open_connection] or a server.
 *
 * Returns: (transfer none) (nullable): the reader
 *
 * Since: 1.0
 */
AioStreamReader *
aio_stream_writer_get_reader (AioStreamWriter *self)
{
  g_return_val_if_fail (AIO_IS_STREAM_WRITER (self), NULL);

  return self->reader;
}

static GSocketConnection *
socket_connection (AioStreamWriter *self)
{
  GIOStream *io_stream = self->channel != NULL ? self->channel->io_stream : NULL;
  GIOStream *base = NULL;

  if (io_stream == NULL)
    return NULL;
  if (G_IS_SOCKET_CONNECTION (io_stream))
    return G_SOCKET_CONNECTION (io_stream);
  if (G_IS_TLS_CONNECTION (io_stream))
    {
      g_object_get (io_stream, "base-io-stream", &base, NULL);
      /* The TLS connection holds it. */
      if (base != NULL)
        g_object_unref (base);
      if (G_IS_SOCKET_CONNECTION (base))
        return G_SOCKET_CONNECTION (base);
    }
  return NULL;
}

static GObject *
keep (AioStreamWriter *self,
      const char      *name,
      gpointer         object)
{
  g_autofree char *key = NULL;

  if (object == NULL)
    return NULL;
  key = g_strconcat ("aio-extra-", name, NULL);
  g_object_set_data_full (G_OBJECT (self), g_intern_string (key), object, g_object_unref);
  return object;
}

/**
 * aio_stream_writer_get_extra_info:
 * @self: an [class@Aio.StreamWriter]
 * @name: what to get
 *
 * Information about the connection, as asyncio's `get_extra_info()`:
 *
 * - `"peername"`: the peer's [class@Gio.SocketAddress]
 * - `"sockname"`: the local [class@Gio.SocketAddress]
 * - `"socket"`: the [class@Gio.Socket]
 * - `"connection"`: the [class@Gio.IOStream] (a [class@Gio.SocketConnection],
 *   or a [class@Gio.TlsConnection] over one)
 * - `"tls"`: the [class@Gio.TlsConnection], for a TLS connection
 * - `"peercert"`: the peer's [class@Gio.TlsCertificate], for TLS
 * - `"stream"`: the [class@Gio.OutputStream] written to
 *
 * Returns: (transfer none) (nullable): the object, or %NULL if the
 *   connection has no such thing
 *
 * Since: 1.0
 */
GObject *
aio_stream_writer_get_extra_info (AioStreamWriter *self,
                                  const char      *name)
{
  GSocketConnection *connection;
  GIOStream *io_stream;

  g_return_val_if_fail (AIO_IS_STREAM_WRITER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  io_stream = self->channel != NULL ? self->channel->io_stream : NULL;
  connection = socket_connection (self);

  if (g_str_equal (name, "peername") && connection != NULL)
    return keep (self, name, g_socket_connection_get_remote_address (connection, NULL));
  if (g_str_equal (name, "sockname") && connection != NULL)
    return keep (self, name, g_socket_connection_get_local_address (connection, NULL));
  if (g_str_equal (name, "socket") && connection != NULL)
    return G_OBJECT (g_socket_connection_get_socket (connection));
  if (g_str_equal (name, "connection"))
    return G_OBJECT (io_stream);
  if (g_str_equal (name, "tls") && G_IS_TLS_CONNECTION (io_stream))
    return G_OBJECT (io_stream);
  if (g_str_equal (name, "peercert") && G_IS_TLS_CONNECTION (io_stream))
    return G_OBJECT (g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (io_stream)));
  if (g_str_equal (name, "stream"))
    return G_OBJECT (self->output != NULL ? self->output
                     : io_stream != NULL ? g_io_stream_get_output_stream (io_stream) : NULL);
  return NULL;
}

/**
 * aio_stream_writer_get_write_buffer_size:
 * @self: an [class@Aio.StreamWriter]
 *
 * How many bytes are written but not yet taken by the stream.
 *
 * Returns: the buffered byte count
 *
 * Since: 1.0
 */
gsize
aio_stream_writer_get_write_buffer_size (AioStreamWriter *self)
{
  g_return_val_if_fail (AIO_IS_STREAM_WRITER (self), 0);

  return buffered (self);
}

/**
 * aio_stream_writer_set_write_buffer_limits:
 * @self: an [class@Aio.StreamWriter]
 * @high: the high-water mark; 0 for the default, 64 KiB
 * @low: the low-water mark, at most @high; 0 for a quarter of @high
 *
 * Sets the water marks [method@Aio.StreamWriter.drain] uses, as asyncio's
 * `transport.set_write_buffer_limits()`.
 *
 * Since: 1.0
 */
void
aio_stream_writer_set_write_buffer_limits (AioStreamWriter *self,
                                           gsize            high,
                                           gsize            low)
{
  g_return_if_fail (AIO_IS_STREAM_WRITER (self));

  if (high == 0)
    high = low > DEFAULT_HIGH_WATER ? low : DEFAULT_HIGH_WATER;
  if (low == 0)
    low = high / 4;
  g_return_if_fail (low <= high);

  self->high = high;
  self->low = low;
  if (buffered (self) <= self->low)
    _aio_stream_waiters_complete (self->drain_waiters, NULL);
}

static void
aio_stream_writer_dispose (GObject *object)
{
  AioStreamWriter *self = AIO_STREAM_WRITER (object);

  /* A writer dropped without close() still sends what the socket takes
   * now, as a GOutputStream finalized without close() does.
   */
  if (unsent (self) > 0 && self->error == NULL && !self->writing)
    flush (self);
  disarm (self);
  _aio_stream_waiters_complete (self->drain_waiters,
                self->error != NULL ? self->error : NULL);
  _aio_stream_waiters_complete (self->close_waiters, NULL);
  G_OBJECT_CLASS (aio_stream_writer_parent_class)->dispose (object);
}

static void
aio_stream_writer_finalize (GObject *object)
{
  AioStreamWriter *self = AIO_STREAM_WRITER (object);

  if (self->channel != NULL)
    {
      self->channel->writer = NULL;
      _aio_stream_channel_unref (self->channel);
    }
  g_clear_object (&self->output);
  g_clear_object (&self->reader);
  g_free (self->buf);
  g_clear_error (&self->error);
  g_ptr_array_unref (self->drain_waiters);
  g_ptr_array_unref (self->close_waiters);
  g_clear_object (&self->loop);

  G_OBJECT_CLASS (aio_stream_writer_parent_class)->finalize (object);
}

static void
aio_stream_writer_class_init (AioStreamWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = aio_stream_writer_dispose;
  object_class->finalize = aio_stream_writer_finalize;
}

static void
aio_stream_writer_init (AioStreamWriter *self)
{
  self->high = DEFAULT_HIGH_WATER;
  self->low = DEFAULT_HIGH_WATER / 4;
  self->drain_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->close_waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
use_output (AioStreamWriter *self,
            GOutputStream   *output)
{
  self->output = g_object_ref (output);
  self->pollable = G_IS_POLLABLE_OUTPUT_STREAM (output) &&
                   g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (output));
}

void
_aio_stream_writer_use_channel_stream (AioStreamWriter *self)
{
  g_return_if_fail (!self->writing);

  disarm (self);
  g_clear_object (&self->output);
  use_output (self, g_io_stream_get_output_stream (self->channel->io_stream));
  _aio_stream_writer_poke (self);
}

AioStreamChannel *
_aio_stream_writer_get_channel (AioStreamWriter *self)
{
  return self->channel;
}

AioStreamWriter *
_aio_stream_writer_new_for_channel (AioStreamChannel *channel,
                                    AioStreamReader  *reader)
{
  AioStreamWriter *self = g_object_new (AIO_TYPE_STREAM_WRITER, NULL);

  self->loop = g_object_ref (channel->loop);
  self->channel = _aio_stream_channel_ref (channel);
  self->reader = reader != NULL ? g_object_ref (reader) : NULL;
  channel->writer = self;
  if (channel->fd < 0 && channel->io_stream != NULL)
    use_output (self, g_io_stream_get_output_stream (channel->io_stream));
  return self;
}

/**
 * aio_stream_writer_new_for_stream:
 * @stream: the stream to write
 * @loop: (nullable): the loop the writer runs on; %NULL for the calling
 *   thread's loop
 *
 * Creates a writer over any [class@Gio.OutputStream], such as a pipe or a
 * file: a pollable stream is written without blocking, any other with
 * GIO's `_async` calls.  [method@Aio.StreamWriter.close] closes @stream.
 *
 * Returns: (transfer full): the new writer
 *
 * Since: 1.0
 */
AioStreamWriter *
aio_stream_writer_new_for_stream (GOutputStream *stream,
                                  AioLoop       *loop)
{
  AioStreamWriter *self;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);
  g_return_val_if_fail (loop == NULL || AIO_IS_LOOP (loop), NULL);

  self = g_object_new (AIO_TYPE_STREAM_WRITER, NULL);
  self->loop = g_object_ref (loop != NULL ? loop : _aio_loop_get_current ());
  use_output (self, stream);
  return self;
}
