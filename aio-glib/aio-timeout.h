/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <math.h>

#include "aio-types.h"

G_BEGIN_DECLS

/**
 * AIO_TIMEOUT_NONE:
 *
 * No time limit, asyncio's `None` as a timeout or deadline: positive
 * infinity.  Any value over 10^12 seconds means the same.
 *
 * C has no `None`, so a number stands for it; it is not a negative one,
 * because asyncio gives negative timeouts a meaning (they expire at
 * once), and a remaining time budget computed as `deadline - now` must
 * not turn into "no limit" when it is late.
 *
 * Since: 1.0
 */
#define AIO_TIMEOUT_NONE (INFINITY)

#define AIO_TYPE_TIMEOUT (aio_timeout_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioTimeout, aio_timeout, AIO, TIMEOUT, GObject)

AIO_AVAILABLE_IN_1_0
AioTimeout *aio_timeout_new        (gdouble       delay) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioTimeout *aio_timeout_new_at     (gdouble       when) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gdouble     aio_timeout_get_when   (AioTimeout   *self);
AIO_AVAILABLE_IN_1_0
gboolean    aio_timeout_reschedule (AioTimeout   *self,
                                    gdouble       when,
                                    GError      **error);
AIO_AVAILABLE_IN_1_0
gboolean    aio_timeout_expired    (AioTimeout   *self);
AIO_AVAILABLE_IN_1_0
gboolean    aio_timeout_exit       (AioTimeout   *self,
                                    GError      **error);
AIO_AVAILABLE_IN_1_0
gboolean    aio_timeout_exit_full  (AioTimeout   *self,
                                    gboolean      body_cancelled,
                                    GError      **error);

G_END_DECLS
