/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include "aio-future.h"

G_BEGIN_DECLS

#define AIO_TYPE_EVENT (aio_event_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioEvent, aio_event, AIO, EVENT, GObject)

AIO_AVAILABLE_IN_1_0
AioEvent  *aio_event_new    (void) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
void       aio_event_set    (AioEvent *self);
AIO_AVAILABLE_IN_1_0
void       aio_event_clear  (AioEvent *self);
AIO_AVAILABLE_IN_1_0
gboolean   aio_event_is_set (AioEvent *self);
AIO_AVAILABLE_IN_1_0
AioFuture *aio_event_wait   (AioEvent *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
