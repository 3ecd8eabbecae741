/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "aio-future.h"
#include "aio-stream-reader.h"
#include "aio-stream-writer.h"

G_BEGIN_DECLS

#define AIO_TYPE_SUBPROCESS (aio_subprocess_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioSubprocess, aio_subprocess, AIO, SUBPROCESS, GObject)

AIO_AVAILABLE_IN_1_0
AioSubprocess   *aio_create_subprocess_exec     (const char * const  *argv,
                                                 GSubprocessFlags     flags,
                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioSubprocess   *aio_create_subprocess_shell    (const char          *command,
                                                 GSubprocessFlags     flags,
                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioSubprocess   *aio_create_subprocess_launch   (GSubprocessLauncher *launcher,
                                                 const char * const  *argv,
                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;

AIO_AVAILABLE_IN_1_0
GSubprocess     *aio_subprocess_get_subprocess  (AioSubprocess       *self);
AIO_AVAILABLE_IN_1_0
AioStreamWriter *aio_subprocess_get_stdin       (AioSubprocess       *self);
AIO_AVAILABLE_IN_1_0
AioStreamReader *aio_subprocess_get_stdout      (AioSubprocess       *self);
AIO_AVAILABLE_IN_1_0
AioStreamReader *aio_subprocess_get_stderr      (AioSubprocess       *self);
AIO_AVAILABLE_IN_1_0
int              aio_subprocess_get_pid         (AioSubprocess       *self);
AIO_AVAILABLE_IN_1_0
gboolean         aio_subprocess_get_returncode  (AioSubprocess       *self,
                                                 int                 *returncode);

AIO_AVAILABLE_IN_1_0
AioFuture       *aio_subprocess_wait            (AioSubprocess       *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture       *aio_subprocess_communicate     (AioSubprocess       *self,
                                                 GBytes              *input) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gboolean         aio_subprocess_communicate_result (AioFuture        *future,
                                                    GBytes          **stdout_data,
                                                    GBytes          **stderr_data,
                                                    GError          **error);

AIO_AVAILABLE_IN_1_0
void             aio_subprocess_send_signal     (AioSubprocess       *self,
                                                 int                  signum);
AIO_AVAILABLE_IN_1_0
void             aio_subprocess_terminate       (AioSubprocess       *self);
AIO_AVAILABLE_IN_1_0
void             aio_subprocess_kill            (AioSubprocess       *self);

G_END_DECLS
