/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include "aio-future.h"

G_BEGIN_DECLS

AIO_AVAILABLE_IN_1_0
AioFuture *aio_shield (AioFuture *future) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
