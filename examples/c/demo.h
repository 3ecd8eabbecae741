/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <aio-glib.h>

G_BEGIN_DECLS

/* A section of the demo: a C coroutine body run as a task of its own by
 * the demo's main task.  It reports failure by returning an error through
 * aio_task_return_error(), like any task.
 */
typedef struct
{
  const char  *name;
  const char  *summary;
  AioTaskFunc  run;
} DemoSection;

/* The sections, in the order they run (demo-main.c). */
extern const DemoSection demo_sections[];
extern const guint       demo_n_sections;

/* Prints one line of the narrative, prefixed with the time since start. */
void          demo_say              (const char  *format,
                                     ...) G_GNUC_PRINTF (1, 2);

/* The loopback echo service every network section talks to (demo-echo.c).
 * Each line a client sends is answered on one line:
 *   "ECHO <text>"          -> "<TEXT>" (upper-cased)
 *   "SLOW <ms> <text>"     -> "<TEXT>", after <ms> milliseconds
 *   "SUBSCRIBE"            -> "TICK <n>" every 50 ms, until the client leaves
 */
typedef struct _DemoServer DemoServer;

DemoServer   *demo_server_start                (GError     **error);
guint16       demo_server_get_port             (DemoServer  *server);
guint         demo_server_get_served           (DemoServer  *server);
guint         demo_server_get_peak_connections (DemoServer  *server);
void          demo_server_stop                 (DemoServer  *server);

/* Connects to the service on @port from a C coroutine. */
GIOStream    *demo_connect          (guint16      port,
                                     GError     **error);

/* demo_connect(), plus a line reader on the connection that does not
 * close it.
 */
GIOStream    *demo_open             (guint16            port,
                                     GDataInputStream **reader,
                                     GError           **error);

/* Sends @line and awaits the one-line answer, from a C coroutine. */
char         *demo_request          (GIOStream        *connection,
                                     GDataInputStream *reader,
                                     const char       *line,
                                     GError          **error);

/* Closes @connection from a C coroutine; cleanup code calls it after a
 * cancellation too.
 */
void          demo_close            (GIOStream   *connection);

/* The section bodies; @user_data is the running DemoServer. */
void          demo_echo_section     (AioTask     *task,
                                     gpointer     user_data);
void          demo_timeout_section  (AioTask     *task,
                                     gpointer     user_data);
void          demo_group_section    (AioTask     *task,
                                     gpointer     user_data);
void          demo_pipeline_section (AioTask     *task,
                                     gpointer     user_data);
void          demo_cancel_section   (AioTask     *task,
                                     gpointer     user_data);
void          demo_threads_section  (AioTask     *task,
                                     gpointer     user_data);

G_END_DECLS
