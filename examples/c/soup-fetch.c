/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* aio-soup-fetch [--timeout SECONDS] URL...
 *
 * Fetches every URL at once with libsoup 3, each in a task of one task
 * group, the whole bounded by a timeout scope: libsoup's asynchronous
 * calls are awaited through the GIO bridge, so GNOME's HTTP stack runs on
 * aio-glib coroutines unchanged.  Prints one line per URL, in the order
 * given: "STATUS BYTES URL", or "error MESSAGE URL".  Exits 0 when every
 * URL answered 2xx, 1 otherwise (a timeout cancels what is still running).
 */

#include <stdio.h>
#include <stdlib.h>

#include <aio-glib.h>
#include <libsoup/soup.h>

typedef struct
{
  SoupSession *session;   /* (unowned) shared by the fetches */
  const char  *url;
  guint        status;    /* 0 until an answer came */
  gsize        size;
  char        *failure;   /* (owned) (nullable) */
} Fetch;

static void
fetch_body (AioTask  *task,
            gpointer  data)
{
  Fetch *fetch = data;
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, fetch->url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  if (message == NULL)
    {
      fetch->failure = g_strdup ("not a valid URL");
      return;
    }
  soup_session_send_and_read_async (fetch->session, message, G_PRIORITY_DEFAULT, AIO_GIO_ARGS);
  body = soup_session_send_and_read_finish (fetch->session, aio_await_gio (), &error);
  if (body == NULL)
    {
      /* A cancellation (the timeout) ends the task cancelled. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        aio_task_return_error (task, g_steal_pointer (&error));
      else
        fetch->failure = g_strdup (error->message);
      return;
    }
  fetch->status = soup_message_get_status (message);
  fetch->size = g_bytes_get_size (body);
}

typedef struct
{
  Fetch   *fetches;
  guint    n_fetches;
  gdouble  timeout;
  gboolean timed_out;
} Job;

static void
fetch_all (AioTask  *task,
           gpointer  data)
{
  Job *job = data;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(AioTaskGroup) group = aio_task_group_new ();
  g_autoptr(AioTimeout) timeout = aio_timeout_new (job->timeout);
  g_autoptr(GError) start_error = NULL;
  g_autoptr(GError) error = NULL;
  guint i;

  for (i = 0; i < job->n_fetches && start_error == NULL; i++)
    {
      job->fetches[i].session = session;
      /* The group holds the task until it is done. */
      aio_task_group_create_task (group, fetch_body, &job->fetches[i], NULL, &start_error);
    }
  /* Waits for every fetch; the deadline cancels those still running. */
  aio_await (aio_task_group_wait (group, start_error), &error);
  if (!aio_timeout_exit (timeout, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    job->timed_out = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  gdouble timeout = 10.0;
  GOptionEntry entries[] = {
    { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &timeout, "Seconds for the whole job (default 10)", "SECONDS" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("URL... - fetch URLs concurrently");
  g_autoptr(GError) error = NULL;
  g_autoptr(AioTask) task = NULL;
  Job job = { NULL };
  int status = EXIT_SUCCESS;
  guint i;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("aio-soup-fetch: %s\n", error->message);
      return 2;
    }
  if (argc < 2 || !(timeout > 0))
    {
      g_printerr ("aio-soup-fetch: give at least one URL, and a timeout above 0\n");
      return 2;
    }

  job.n_fetches = argc - 1;
  job.fetches = g_new0 (Fetch, job.n_fetches);
  job.timeout = timeout;
  for (i = 0; i < job.n_fetches; i++)
    job.fetches[i].url = argv[i + 1];

  task = aio_task_new (fetch_all, &job, NULL);
  aio_loop_run_until_complete (aio_loop_get_default (), AIO_FUTURE (task), NULL);

  for (i = 0; i < job.n_fetches; i++)
    {
      Fetch *fetch = &job.fetches[i];

      if (fetch->status != 0)
        printf ("%u %" G_GSIZE_FORMAT " %s\n", fetch->status, fetch->size, fetch->url);
      else
        printf ("error %s %s\n",
                fetch->failure != NULL ? fetch->failure
                                       : job.timed_out ? "timed out" : "not fetched",
                fetch->url);
      if (!SOUP_STATUS_IS_SUCCESSFUL (fetch->status))
        status = EXIT_FAILURE;
      g_free (fetch->failure);
    }
  if (job.timed_out)
    g_printerr ("aio-soup-fetch: timed out after %g s\n", timeout);
  g_free (job.fetches);
  return status;
}
