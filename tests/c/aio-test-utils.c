/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "aio-test-utils.h"

AioTask *
aio_test_run_task (AioTaskFunc func,
                   gpointer    user_data)
{
  AioTask *task = aio_task_new_full (aio_loop_get_default (), NULL, 0, func, user_data, NULL);
  GError *error = NULL;

  aio_loop_run_until_complete (aio_loop_get_default (), AIO_FUTURE (task), &error);
  g_clear_error (&error);
  aio_test_drain (NULL);
  return task;
}

void
aio_test_drain (GMainContext *context)
{
  guint rounds = 0;

  while (g_main_context_iteration (context, FALSE) && rounds++ < 10000)
    ;
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("Timed out waiting for a condition");
  return G_SOURCE_REMOVE;
}

void
aio_test_wait_for_flag (const gboolean *flag,
                        double          timeout_seconds)
{
  guint id = g_timeout_add ((guint) (timeout_seconds * 1000), timeout_cb, NULL);

  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}
