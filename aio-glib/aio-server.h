/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "aio-future.h"
#include "aio-stream-reader.h"
#include "aio-stream-writer.h"
#include "aio-tls-context.h"

G_BEGIN_DECLS

/**
 * AioClientFunc:
 * @reader: the client's reader
 * @writer: the client's writer
 * @user_data: the data given to [func@Aio.start_server]
 *
 * Serves one client of an [class@Aio.Server], in a C coroutine of its own
 * (an [class@Aio.Task]), so it may await.  When it returns, the server
 * closes @writer (flushing what is buffered).
 *
 * Since: 1.0
 */
typedef void (*AioClientFunc) (AioStreamReader *reader,
                               AioStreamWriter *writer,
                               gpointer         user_data);

/**
 * AioClientStartFunc:
 * @reader: the client's reader
 * @writer: the client's writer
 * @user_data: the data given to [func@Aio.start_server_stackless]
 *
 * Starts serving one client of an [class@Aio.Server] without a C
 * coroutine of its own: it returns the future that serves the client (a
 * stackless task, or one a language binding made of its own coroutine),
 * which the client's task waits for; the server closes @writer once that
 * future is done, or at once when this returns %NULL.  The future's error
 * is the client task's (and reported as unhandled, as for
 * [callback@Aio.ClientFunc]); cancelling the client's task cancels it.
 *
 * Returns: (transfer full) (nullable): the future serving the client, or
 *   %NULL when it is done already
 *
 * Since: 1.0
 */
typedef AioFuture *(*AioClientStartFunc) (AioStreamReader *reader,
                                          AioStreamWriter *writer,
                                          gpointer         user_data);

/**
 * AioServerFlags:
 * @AIO_SERVER_NONE: nothing special
 * @AIO_SERVER_REUSE_PORT: set `SO_REUSEPORT`, so several servers (one per
 *   thread and loop, say) share the port and the kernel spreads the
 *   connections over them
 *
 * Options of [func@Aio.start_server_full].
 *
 * Since: 1.0
 */
typedef enum /*< flags,prefix=AIO_SERVER >*/
{
  AIO_SERVER_NONE = 0,
  AIO_SERVER_REUSE_PORT = 1 << 0,
} AioServerFlags;

#define AIO_TYPE_SERVER (aio_server_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioServer, aio_server, AIO, SERVER, GObject)

AIO_AVAILABLE_IN_1_0
AioFuture *aio_start_server          (AioClientFunc    func,
                                      gpointer         user_data,
                                      GDestroyNotify   destroy,
                                      const char      *host,
                                      guint16          port) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture *aio_start_server_full     (AioClientFunc    func,
                                      gpointer         user_data,
                                      GDestroyNotify   destroy,
                                      const char      *host,
                                      guint16          port,
                                      int              backlog,
                                      AioServerFlags   flags,
                                      AioTlsContext   *tls) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture *aio_start_unix_server     (AioClientFunc    func,
                                      gpointer         user_data,
                                      GDestroyNotify   destroy,
                                      const char      *path) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture *aio_start_server_stackless (AioClientStartFunc start,
                                       gpointer           user_data,
                                       GDestroyNotify     destroy,
                                       const char        *host,
                                       guint16            port,
                                       int                backlog,
                                       AioServerFlags     flags,
                                       AioTlsContext     *tls) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture *aio_start_unix_server_stackless (AioClientStartFunc start,
                                            gpointer           user_data,
                                            GDestroyNotify     destroy,
                                            const char        *path) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture *aio_start_server_closure  (GClosure        *handler,
                                      const char      *host,
                                      guint16          port,
                                      int              backlog,
                                      AioServerFlags   flags,
                                      AioTlsContext   *tls) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture *aio_start_unix_server_closure (GClosure    *handler,
                                          const char  *path) G_GNUC_WARN_UNUSED_RESULT;

AIO_AVAILABLE_IN_1_0
void       aio_server_close          (AioServer       *self);
AIO_AVAILABLE_IN_1_0
void       aio_server_close_clients  (AioServer       *self);
AIO_AVAILABLE_IN_1_0
void       aio_server_abort_clients  (AioServer       *self);
AIO_AVAILABLE_IN_1_0
gboolean   aio_server_is_serving     (AioServer       *self);
AIO_AVAILABLE_IN_1_0
AioFuture *aio_server_wait_closed    (AioServer       *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture *aio_server_serve_forever  (AioServer       *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
GPtrArray *aio_server_get_addresses  (AioServer       *self);
AIO_AVAILABLE_IN_1_0
guint16    aio_server_get_port       (AioServer       *self);
AIO_AVAILABLE_IN_1_0
guint      aio_server_get_n_clients  (AioServer       *self);

G_END_DECLS
