/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-thread-private.h"

/* The scheduler's per-thread block (see aio-thread-private.h): the loop,
 * the coroutines, the stacks and the recycling pools all read it, so it
 * belongs to none of them.
 */
_Thread_local AioThreadState _aio_ts AIO_TLS_INITIAL_EXEC;
