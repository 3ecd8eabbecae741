/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

/* Runs the script @data encodes against an AioStreamReader on the default
 * loop and checks every result against the model (see reader-model.c);
 * aborts on a mismatch.  Returns 0, as libFuzzer wants.
 */
int aio_reader_model_run (const guint8 *data,
                          gsize         size);
