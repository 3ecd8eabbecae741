/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include "aio-future.h"

G_BEGIN_DECLS

AIO_AVAILABLE_IN_1_0
gboolean aio_run (AioFuture  *main_future,
                  GError    **error);

G_END_DECLS
