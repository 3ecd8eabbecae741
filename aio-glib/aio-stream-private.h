/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "aio-loop-private.h"
#include "aio-stream-reader.h"
#include "aio-stream-writer.h"

G_BEGIN_DECLS

/* What a reader and a writer of one connection share: the GIOStream, and
 * when it is a plain socket, its descriptor under an edge watch, so reads
 * and writes are non-blocking system calls and the loop's epoll is asked
 * only after one said EAGAIN.  Loop thread only.
 */
typedef struct _AioStreamChannel AioStreamChannel;

struct _AioStreamChannel
{
  guint             ref_count;
  AioLoop          *loop;        /* (owned) */
  GIOStream        *io_stream;   /* (owned) (nullable) */
  GSocket          *socket;      /* (owned) (nullable) the fd's owner */
  int               fd;          /* -1 without the fast path, or once closed */
  guint             readable : 1;
  guint             writable : 1;
  guint             closed : 1;
  guint             out_watched : 1;
  guint             peer_closed : 1; /* epoll said the peer ended its side */
  AioStreamReader  *reader;      /* (unowned) (nullable) */
  AioStreamWriter  *writer;      /* (unowned) (nullable) */
};

/* For a connection whose streams are a GSocket's own (not TLS), the fast
 * path; otherwise the reader and writer use the GIOStream's streams.
 */
AioStreamChannel *_aio_stream_channel_new    (AioLoop           *loop,
                                              GIOStream         *io_stream,
                                              GError           **error) G_GNUC_INTERNAL;
AioStreamChannel *_aio_stream_channel_ref    (AioStreamChannel  *channel) G_GNUC_INTERNAL;
void              _aio_stream_channel_unref  (AioStreamChannel  *channel) G_GNUC_INTERNAL;
/* Stops watching and closes the descriptor (or the GIOStream); the
 * reader then reads EOF.  Safe to call twice.
 */
void              _aio_stream_channel_close  (AioStreamChannel  *channel) G_GNUC_INTERNAL;

/* Moves the reader and writer onto @io_stream, a TLS connection over the
 * channel's: the descriptor leaves the fast path (its edge watch ends),
 * and both sides use @io_stream's pollable streams.
 */
void              _aio_stream_channel_upgrade (AioStreamChannel *channel,
                                               GIOStream        *io_stream) G_GNUC_INTERNAL;

/* The socket is full: clears writable, and has epoll report when it has
 * room again.
 */
void              _aio_stream_channel_blocked_writing (AioStreamChannel *channel) G_GNUC_INTERNAL;

/* Futures waiting on a stream or server state (drain, close, a server's
 * end), each removed from @waiters if it is cancelled.
 */
AioFuture        *_aio_stream_waiters_add      (GPtrArray        *waiters,
                                                AioLoop          *loop) G_GNUC_INTERNAL;
/* Ends the futures in @waiters now: with a copy of @failure, or TRUE. */
void              _aio_stream_waiters_complete (GPtrArray        *waiters,
                                                const GError     *failure) G_GNUC_INTERNAL;

/* The channel's hooks into the reader and writer. */
void  _aio_stream_reader_poke          (AioStreamReader *reader) G_GNUC_INTERNAL;
void  _aio_stream_reader_channel_closed (AioStreamReader *reader) G_GNUC_INTERNAL;
void  _aio_stream_writer_poke          (AioStreamWriter *writer) G_GNUC_INTERNAL;
/* Switch to the channel's (new) GIOStream. */
void  _aio_stream_reader_use_channel_stream (AioStreamReader *reader) G_GNUC_INTERNAL;
void  _aio_stream_writer_use_channel_stream (AioStreamWriter *writer) G_GNUC_INTERNAL;
/* Whether an async read holds the reader's stream: no upgrade then. */
gboolean _aio_stream_reader_is_reading (AioStreamReader *reader) G_GNUC_INTERNAL;
/* Fails as a write would: wrong thread, closing, an earlier error. */
gboolean _aio_stream_writer_check     (AioStreamWriter  *writer,
                                       GError          **error) G_GNUC_INTERNAL;
AioStreamChannel *_aio_stream_writer_get_channel (AioStreamWriter *writer) G_GNUC_INTERNAL;

AioStreamReader *_aio_stream_reader_new_for_channel (AioStreamChannel *channel) G_GNUC_INTERNAL;
AioStreamWriter *_aio_stream_writer_new_for_channel (AioStreamChannel *channel,
                                                     AioStreamReader  *reader) G_GNUC_INTERNAL;

/* Makes the reader and writer of @io_stream: the pair every connection
 * function returns (the writer, holding the reader).
 */
AioStreamWriter *_aio_stream_pair_new (AioLoop    *loop,
                                       GIOStream  *io_stream,
                                       GError    **error) G_GNUC_INTERNAL;

G_END_DECLS
