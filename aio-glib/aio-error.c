/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-error.h"

/**
 * aio_error_quark:
 *
 * The error domain of [error@Aio.Error], also available as %AIO_ERROR.
 *
 * Returns: the quark
 *
 * Since: 1.0
 */
G_DEFINE_QUARK (aio-error-quark, aio_error)
