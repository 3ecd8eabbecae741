/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <sys/epoll.h>

#include "aio-future-private.h"
#include "aio-stream-private.h"

static void
channel_edges (gpointer data,
               guint32  events)
{
  AioStreamChannel *channel = data;

  /* Errors and hang-ups wake both sides: the next system call on each
   * reports what happened.
   */
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
    {
      channel->readable = TRUE;
      if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
        channel->peer_closed = TRUE;
      if (channel->reader != NULL)
        _aio_stream_reader_poke (channel->reader);
    }
  if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
    {
      channel->writable = TRUE;
      if (channel->out_watched)
        {
          channel->out_watched = FALSE;
          _aio_loop_watch_edges_out (channel->loop, channel->fd, FALSE);
        }
      if (channel->writer != NULL)
        _aio_stream_writer_poke (channel->writer);
    }
}

static gboolean
is_plain_socket_stream (GIOStream *io_stream)
{
  /* A GSocketConnection subclass may wrap its streams (a proxy, say):
   * only GIO's own socket streams read and write the descriptor as is.
   */
  if (!G_IS_SOCKET_CONNECTION (io_stream))
    return FALSE;
  return g_type_is_a (G_OBJECT_TYPE (g_io_stream_get_input_stream (io_stream)),
                      g_type_from_name ("GSocketInputStream")) &&
         g_type_is_a (G_OBJECT_TYPE (g_io_stream_get_output_stream (io_stream)),
                      g_type_from_name ("GSocketOutputStream"));
}

AioStreamChannel *
_aio_stream_channel_new (AioLoop    *loop,
                         GIOStream  *io_stream,
                         GError    **error)
{
  AioStreamChannel *channel = g_new0 (AioStreamChannel, 1);

  channel->ref_count = 1;
  channel->loop = g_object_ref (loop);
  channel->io_stream = io_stream != NULL ? g_object_ref (io_stream) : NULL;
  channel->fd = -1;

  if (io_stream != NULL && is_plain_socket_stream (io_stream))
    {
      GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (io_stream));
      int fd = g_socket_get_fd (socket);

      /* GSocket keeps its descriptor non-blocking whatever its
       * "blocking" property says, so plain recv() and send() are safe.
       */
      if (!_aio_loop_watch_edges (loop, fd, channel_edges, channel, error))
        {
          _aio_stream_channel_unref (channel);
          return NULL;
        }
      channel->socket = g_object_ref (socket);
      channel->fd = fd;
      /* Unknown until the first call; assume ready, as a new connection
       * usually is for writing, and a read that finds nothing costs one
       * EAGAIN.
       */
      channel->readable = TRUE;
      channel->writable = TRUE;
    }
  return channel;
}

void
_aio_stream_channel_blocked_writing (AioStreamChannel *channel)
{
  channel->writable = FALSE;
  if (!channel->out_watched && channel->fd >= 0)
    {
      channel->out_watched = TRUE;
      _aio_loop_watch_edges_out (channel->loop, channel->fd, TRUE);
    }
}

void
_aio_stream_channel_upgrade (AioStreamChannel *channel,
                             GIOStream        *io_stream)
{
  g_return_if_fail (!channel->closed);

  if (channel->fd >= 0)
    {
      _aio_loop_unwatch_edges (channel->loop, channel->fd);
      channel->fd = -1;
      channel->out_watched = FALSE;
    }
  g_set_object (&channel->io_stream, io_stream);
  if (channel->reader != NULL)
    _aio_stream_reader_use_channel_stream (channel->reader);
  if (channel->writer != NULL)
    _aio_stream_writer_use_channel_stream (channel->writer);
}

AioStreamChannel *
_aio_stream_channel_ref (AioStreamChannel *channel)
{
  channel->ref_count++;
  return channel;
}

void
_aio_stream_channel_close (AioStreamChannel *channel)
{
  if (channel->closed)
    return;
  channel->closed = TRUE;

  if (channel->fd >= 0)
    {
      _aio_loop_unwatch_edges (channel->loop, channel->fd);
      channel->fd = -1;
    }
  /* Closing a socket connection does not block; a TLS connection's
   * close_notify is sent by the writer before it gets here (or not at
   * all, after an error or an abort).
   */
  if (channel->io_stream != NULL && !g_io_stream_is_closed (channel->io_stream))
    {
      if (G_IS_TLS_CONNECTION (channel->io_stream))
        {
          g_autoptr(GIOStream) base = NULL;

          /* Without its socket, the TLS close does not wait to send. */
          g_object_get (channel->io_stream, "base-io-stream", &base, NULL);
          if (base != NULL)
            g_io_stream_close (base, NULL, NULL);
        }
      g_io_stream_close (channel->io_stream, NULL, NULL);
    }
  if (channel->reader != NULL)
    _aio_stream_reader_channel_closed (channel->reader);
}

void
_aio_stream_channel_unref (AioStreamChannel *channel)
{
  if (--channel->ref_count > 0)
    return;
  _aio_stream_channel_close (channel);
  g_clear_object (&channel->socket);
  g_clear_object (&channel->io_stream);
  g_clear_object (&channel->loop);
  g_free (channel);
}

void
_aio_stream_waiters_complete (GPtrArray    *waiters,
                              const GError *failure)
{
  g_autoptr(GPtrArray) now = NULL;
  guint i;

  if (waiters->len == 0)
    return;
  /* Completing may let others add waiters: take the current ones. */
  now = g_ptr_array_new_with_free_func (g_object_unref);
  for (i = 0; i < waiters->len; i++)
    g_ptr_array_add (now, waiters->pdata[i]);
  g_ptr_array_set_free_func (waiters, NULL);
  g_ptr_array_set_size (waiters, 0);
  g_ptr_array_set_free_func (waiters, g_object_unref);

  for (i = 0; i < now->len; i++)
    {
      AioFuture *future = now->pdata[i];

      if (_aio_future_is_done (future))
        continue;
      if (failure != NULL)
        _aio_future_complete (future, AIO_FUTURE_FINISHED, NULL, g_error_copy (failure), NULL);
      else
        {
          GValue value = G_VALUE_INIT;

          g_value_init (&value, G_TYPE_BOOLEAN);
          g_value_set_boolean (&value, TRUE);
          _aio_future_complete (future, AIO_FUTURE_FINISHED, &value, NULL, NULL);
        }
    }
}

static gboolean
waiter_cancelled (AioFuture  *future,
                  const char *msg,
                  gpointer    data)
{
  GPtrArray *waiters = data;

  g_ptr_array_remove_fast (waiters, future);
  return TRUE;
}

AioFuture *
_aio_stream_waiters_add (GPtrArray *waiters,
                         AioLoop   *loop)
{
  AioFuture *future = _aio_future_new_for_loop (loop);

  g_ptr_array_add (waiters, g_object_ref (future));
  _aio_future_set_cancel_hook (future, waiter_cancelled, waiters, NULL);
  return future;
}

AioStreamWriter *
_aio_stream_pair_new (AioLoop    *loop,
                      GIOStream  *io_stream,
                      GError    **error)
{
  AioStreamChannel *channel = _aio_stream_channel_new (loop, io_stream, error);
  AioStreamReader *reader;
  AioStreamWriter *writer;

  if (channel == NULL)
    return NULL;
  reader = _aio_stream_reader_new_for_channel (channel);
  writer = _aio_stream_writer_new_for_channel (channel, reader);
  g_object_unref (reader);
  _aio_stream_channel_unref (channel);
  return writer;
}
