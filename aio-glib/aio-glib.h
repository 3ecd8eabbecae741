/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#define AIO_INSIDE

#include <gio/gio.h>

#include "aio-version.h"
#include "aio-version-macros.h"
#include "aio-types.h"
#include "aio-enums.h"
#include "aio-error.h"
#include "aio-handle.h"
#include "aio-loop.h"
#include "aio-future.h"
#include "aio-task.h"
#include "aio-closure.h"
#include "aio-await.h"
#include "aio-sleep.h"
#include "aio-gio.h"
#include "aio-run.h"
#include "aio-timeout.h"
#include "aio-gather.h"
#include "aio-wait.h"
#include "aio-as-completed.h"
#include "aio-shield.h"
#include "aio-task-group.h"
#include "aio-lock.h"
#include "aio-event.h"
#include "aio-condition.h"
#include "aio-semaphore.h"
#include "aio-barrier.h"
#include "aio-queue.h"
#include "aio-async-generator.h"
#include "aio-tls-context.h"
#include "aio-stream-reader.h"
#include "aio-stream-writer.h"
#include "aio-streams.h"
#include "aio-server.h"
#include "aio-threaded-server.h"
#include "aio-dns.h"
#include "aio-datagram.h"
#include "aio-datagram-endpoint.h"
#include "aio-executor.h"
#include "aio-file.h"
#include "aio-threadsafe.h"
#include "aio-subprocess.h"

#undef AIO_INSIDE
