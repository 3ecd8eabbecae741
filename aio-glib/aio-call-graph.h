/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "aio-types.h"
#include "aio-version-macros.h"

G_BEGIN_DECLS

#define AIO_TYPE_CALL_GRAPH (aio_call_graph_get_type ())

typedef struct _AioCallGraph AioCallGraph;

AIO_AVAILABLE_IN_1_0
GType         aio_call_graph_get_type          (void) G_GNUC_CONST;

AIO_AVAILABLE_IN_1_0
AioCallGraph *aio_call_graph_ref               (AioCallGraph *self);
AIO_AVAILABLE_IN_1_0
void          aio_call_graph_unref             (AioCallGraph *self);

AIO_AVAILABLE_IN_1_0
AioFuture    *aio_call_graph_get_future        (AioCallGraph *self);
AIO_AVAILABLE_IN_1_0
const char   *aio_call_graph_get_via           (AioCallGraph *self);
AIO_AVAILABLE_IN_1_0
AioFuture    *aio_call_graph_get_awaiting      (AioCallGraph *self);
AIO_AVAILABLE_IN_1_0
gdouble       aio_call_graph_get_waiting_time  (AioCallGraph *self);
AIO_AVAILABLE_IN_1_0
GPtrArray    *aio_call_graph_get_awaited_by    (AioCallGraph *self);
AIO_AVAILABLE_IN_1_0
GPtrArray    *aio_call_graph_get_awaited_tasks (AioCallGraph *self);
AIO_AVAILABLE_IN_1_0
char         *aio_call_graph_to_string         (AioCallGraph *self) G_GNUC_WARN_UNUSED_RESULT;

AIO_AVAILABLE_IN_1_0
AioCallGraph *aio_task_capture_call_graph      (AioTask      *task) G_GNUC_WARN_UNUSED_RESULT;

AIO_AVAILABLE_IN_1_0
char         *aio_loop_format_tasks            (AioLoop      *loop) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gboolean      aio_loop_print_tasks             (AioLoop       *loop,
                                                GOutputStream *stream,
                                                GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AioCallGraph, aio_call_graph_unref)

G_END_DECLS
