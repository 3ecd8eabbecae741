/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-error.h"

G_DEFINE_QUARK (aio-error-quark, aio_error)
