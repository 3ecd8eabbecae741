/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "aio-async-generator.h"
#include "aio-future.h"

G_BEGIN_DECLS

/**
 * AioFileWriteMode:
 * @AIO_FILE_WRITE_REPLACE: write a new version of the file, which takes the
 *   old one's place when the writer is closed (the old contents stay
 *   visible until then)
 * @AIO_FILE_WRITE_APPEND: add to the end of the file, creating it if it
 *   does not exist
 * @AIO_FILE_WRITE_CREATE: create a new file; fails with
 *   `G_IO_ERROR_EXISTS` if there is one
 *
 * How [func@Aio.file_open_writer] opens its file: Python's `open()` modes
 * `"w"`, `"a"` and `"x"`.
 *
 * Since: 1.0
 */
typedef enum
{
  AIO_FILE_WRITE_REPLACE,
  AIO_FILE_WRITE_APPEND,
  AIO_FILE_WRITE_CREATE,
} AioFileWriteMode;

AIO_AVAILABLE_IN_1_0
AioFuture         *aio_file_read_all        (GFile                *file) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture         *aio_file_write_all       (GFile                *file,
                                             GBytes               *contents,
                                             const char           *etag,
                                             gboolean              make_backup,
                                             GFileCreateFlags      flags) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture         *aio_path_read_all        (const char           *path) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture         *aio_path_write_all       (const char           *path,
                                             GBytes               *contents) G_GNUC_WARN_UNUSED_RESULT;

AIO_AVAILABLE_IN_1_0
AioFuture         *aio_file_open_reader     (GFile                *file) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture         *aio_file_open_writer     (GFile                *file,
                                             AioFileWriteMode      mode,
                                             GFileCreateFlags      flags) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioAsyncGenerator *aio_file_lines           (GFile                *file) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioAsyncGenerator *aio_file_enumerate       (GFile                *directory,
                                             const char           *attributes,
                                             GFileQueryInfoFlags   flags,
                                             guint                 batch_size) G_GNUC_WARN_UNUSED_RESULT;

AIO_AVAILABLE_IN_1_0
AioFuture         *aio_file_query_info      (GFile                *file,
                                             const char           *attributes,
                                             GFileQueryInfoFlags   flags) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture         *aio_file_copy            (GFile                *source,
                                             GFile                *destination,
                                             GFileCopyFlags        flags,
                                             GFileProgressCallback progress,
                                             gpointer              user_data,
                                             GDestroyNotify        destroy) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture         *aio_file_move            (GFile                *source,
                                             GFile                *destination,
                                             GFileCopyFlags        flags) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture         *aio_file_delete          (GFile                *file) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture         *aio_file_make_directory  (GFile                *directory,
                                             gboolean              with_parents) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
