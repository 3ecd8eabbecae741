/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer entry point: each input is a reader-model script.
 *
 *   fuzz-reader -max_total_time=60 -max_len=4096 CORPUS_DIR
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "reader-model.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  return aio_reader_model_run (data, size);
}
