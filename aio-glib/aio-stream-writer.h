/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "aio-future.h"
#include "aio-stream-reader.h"
#include "aio-tls-context.h"

G_BEGIN_DECLS

#define AIO_TYPE_STREAM_WRITER (aio_stream_writer_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioStreamWriter, aio_stream_writer, AIO, STREAM_WRITER, GObject)

AIO_AVAILABLE_IN_1_0
AioStreamWriter *aio_stream_writer_new_for_stream     (GOutputStream    *stream,
                                                       AioLoop          *loop) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gboolean         aio_stream_writer_write              (AioStreamWriter  *self,
                                                       const guint8     *data,
                                                       gsize             len,
                                                       GError          **error);
AIO_AVAILABLE_IN_1_0
gboolean         aio_stream_writer_write_bytes        (AioStreamWriter  *self,
                                                       GBytes           *bytes,
                                                       GError          **error);
AIO_AVAILABLE_IN_1_0
gboolean         aio_stream_writer_writelines         (AioStreamWriter  *self,
                                                       GBytes          **lines,
                                                       guint             n_lines,
                                                       GError          **error);
AIO_AVAILABLE_IN_1_0
AioFuture       *aio_stream_writer_drain              (AioStreamWriter  *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gboolean         aio_stream_writer_can_write_eof      (AioStreamWriter  *self);
AIO_AVAILABLE_IN_1_0
gboolean         aio_stream_writer_write_eof          (AioStreamWriter  *self,
                                                       GError          **error);
AIO_AVAILABLE_IN_1_0
void             aio_stream_writer_close              (AioStreamWriter  *self);
AIO_AVAILABLE_IN_1_0
void             aio_stream_writer_abort              (AioStreamWriter  *self);
AIO_AVAILABLE_IN_1_0
gboolean         aio_stream_writer_is_closing         (AioStreamWriter  *self);
AIO_AVAILABLE_IN_1_0
AioFuture       *aio_stream_writer_wait_closed        (AioStreamWriter  *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioStreamReader *aio_stream_writer_get_reader         (AioStreamWriter  *self);
AIO_AVAILABLE_IN_1_0
GObject         *aio_stream_writer_get_extra_info     (AioStreamWriter  *self,
                                                       const char       *name);
AIO_AVAILABLE_IN_1_0
gsize            aio_stream_writer_get_write_buffer_size (AioStreamWriter *self);
AIO_AVAILABLE_IN_1_0
void             aio_stream_writer_set_write_buffer_limits (AioStreamWriter *self,
                                                            gsize            high,
                                                            gsize            low);

AIO_AVAILABLE_IN_1_0
AioFuture       *aio_stream_writer_start_tls          (AioStreamWriter  *self,
                                                       AioTlsContext    *tls,
                                                       const char       *server_hostname) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
