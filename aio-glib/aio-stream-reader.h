/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "aio-future.h"

G_BEGIN_DECLS

/**
 * AIO_STREAM_READER_DEFAULT_LIMIT:
 *
 * The default buffer limit of an [class@Aio.StreamReader], 64 KiB, as
 * asyncio's.
 *
 * Since: 1.0
 */
#define AIO_STREAM_READER_DEFAULT_LIMIT (64 * 1024)

#define AIO_TYPE_STREAM_READER (aio_stream_reader_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioStreamReader, aio_stream_reader, AIO, STREAM_READER, GObject)

AIO_AVAILABLE_IN_1_0
AioStreamReader *aio_stream_reader_new_for_stream (GInputStream     *stream,
                                                   AioLoop          *loop) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture       *aio_stream_reader_read           (AioStreamReader  *self,
                                                   gssize            n) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture       *aio_stream_reader_readline       (AioStreamReader  *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture       *aio_stream_reader_readexactly    (AioStreamReader  *self,
                                                   gsize             n) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture       *aio_stream_reader_readuntil      (AioStreamReader  *self,
                                                   const guint8     *separator,
                                                   gsize             separator_len) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture       *aio_stream_reader_readuntil_any  (AioStreamReader  *self,
                                                   GBytes          **separators,
                                                   guint             n_separators) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gboolean         aio_stream_reader_at_eof         (AioStreamReader  *self);
AIO_AVAILABLE_IN_1_0
gsize            aio_stream_reader_get_limit      (AioStreamReader  *self);
AIO_AVAILABLE_IN_1_0
void             aio_stream_reader_set_limit      (AioStreamReader  *self,
                                                   gsize             limit);
AIO_AVAILABLE_IN_1_0
gsize            aio_stream_reader_get_buffered   (AioStreamReader  *self);

G_END_DECLS
