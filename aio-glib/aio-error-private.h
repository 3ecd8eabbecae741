/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "aio-error.h"

G_BEGIN_DECLS

/* Takes @partial. */
GError *_aio_error_new_incomplete_read (GBytes     *partial,
                                        gssize      expected) G_GNUC_INTERNAL;
GError *_aio_error_new_limit_overrun   (const char *message,
                                        gsize       consumed) G_GNUC_INTERNAL;

G_END_DECLS
