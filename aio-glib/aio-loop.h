/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "aio-types.h"

G_BEGIN_DECLS

#define AIO_TYPE_LOOP (aio_loop_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioLoop, aio_loop, AIO, LOOP, GObject)

AIO_AVAILABLE_IN_1_0
AioLoop      *aio_loop_get_default           (void);
AIO_AVAILABLE_IN_1_0
AioLoop      *aio_loop_get_for_context       (GMainContext  *context);
AIO_AVAILABLE_IN_1_0
AioLoop      *aio_loop_get_thread_default    (void);
AIO_AVAILABLE_IN_1_0
AioLoop      *aio_loop_get_running           (void);
AIO_AVAILABLE_IN_1_0
GMainContext *aio_loop_get_context           (AioLoop       *self);
AIO_AVAILABLE_IN_1_0
gdouble       aio_loop_time                  (AioLoop       *self);
AIO_AVAILABLE_IN_1_0
gboolean      aio_loop_is_running            (AioLoop       *self);
AIO_AVAILABLE_IN_1_0
gboolean      aio_loop_get_debug             (AioLoop       *self);
AIO_AVAILABLE_IN_1_0
void          aio_loop_set_debug             (AioLoop       *self,
                                              gboolean       enabled);
AIO_AVAILABLE_IN_1_0
gdouble       aio_loop_get_slow_callback_duration (AioLoop  *self);
AIO_AVAILABLE_IN_1_0
void          aio_loop_set_slow_callback_duration (AioLoop  *self,
                                                   gdouble   seconds);
AIO_AVAILABLE_IN_1_0
AioHandle    *aio_loop_call_soon             (AioLoop       *self,
                                              AioCallback    callback,
                                              gpointer       user_data,
                                              GDestroyNotify destroy);
AIO_AVAILABLE_IN_1_0
AioHandle    *aio_loop_call_later            (AioLoop       *self,
                                              gdouble        delay,
                                              AioCallback    callback,
                                              gpointer       user_data,
                                              GDestroyNotify destroy);
AIO_AVAILABLE_IN_1_0
AioHandle    *aio_loop_call_at               (AioLoop       *self,
                                              gdouble        when,
                                              AioCallback    callback,
                                              gpointer       user_data,
                                              GDestroyNotify destroy);
AIO_AVAILABLE_IN_1_0
AioHandle    *aio_loop_call_soon_threadsafe  (AioLoop       *self,
                                              AioCallback    callback,
                                              gpointer       user_data,
                                              GDestroyNotify destroy);
AIO_AVAILABLE_IN_1_0
AioFuture    *aio_loop_create_future         (AioLoop       *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gboolean      aio_loop_run_until_complete    (AioLoop       *self,
                                              AioFuture     *future,
                                              GError       **error);
AIO_AVAILABLE_IN_1_0
gboolean      aio_loop_add_reader            (AioLoop       *self,
                                              int            fd,
                                              AioCallback    callback,
                                              gpointer       user_data,
                                              GDestroyNotify destroy,
                                              GError       **error);
AIO_AVAILABLE_IN_1_0
gboolean      aio_loop_remove_reader         (AioLoop       *self,
                                              int            fd);
AIO_AVAILABLE_IN_1_0
gboolean      aio_loop_add_writer            (AioLoop       *self,
                                              int            fd,
                                              AioCallback    callback,
                                              gpointer       user_data,
                                              GDestroyNotify destroy,
                                              GError       **error);
AIO_AVAILABLE_IN_1_0
gboolean      aio_loop_remove_writer         (AioLoop       *self,
                                              int            fd);
AIO_AVAILABLE_IN_1_0
gboolean      aio_loop_add_signal_handler    (AioLoop       *self,
                                              int            signum,
                                              AioCallback    callback,
                                              gpointer       user_data,
                                              GDestroyNotify destroy,
                                              GError       **error);
AIO_AVAILABLE_IN_1_0
gboolean      aio_loop_remove_signal_handler (AioLoop       *self,
                                              int            signum);

AIO_AVAILABLE_IN_1_0
GList        *aio_all_tasks                  (AioLoop       *loop);
AIO_AVAILABLE_IN_1_0
AioTask      *aio_current_task               (void);

G_END_DECLS
