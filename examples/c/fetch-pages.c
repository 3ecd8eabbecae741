/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* aio-fetch-pages [--timeout SECONDS] [--limit N] URL...
 *
 * Fetches http:// URLs concurrently: one task per URL in a task group, at
 * most N connections at once (a semaphore), the whole job bounded by a
 * timeout.  Each fetch is a plain HTTP/1.0 GET over aio_open_connection(),
 * read to the end.  Prints one line per URL in the order given, "STATUS
 * BYTES URL" or "error MESSAGE URL", then
 * "fetched N of M pages, B bytes, at most K at once".
 * Exits 0 when every URL answered 2xx, 1 otherwise, 2 on bad arguments.
 *
 * examples/python/fetch-pages.py, examples/js/fetch-pages.js and
 * examples/vala/fetch-pages.vala do the same job, with the same output.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <aio-glib.h>

typedef struct
{
  const char *url;
  guint       status;    /* 0 until an answer came */
  gsize       size;
  char       *failure;   /* (owned) (nullable) */
} Page;

typedef struct
{
  Page         *pages;
  guint         n_pages;
  AioSemaphore *slots;
  guint         running, most_running;
} Job;

typedef struct
{
  Job  *job;
  Page *page;
} Fetch;

/* One GET: the status and the body's size, or FALSE with @error set. */
static gboolean
get (const char  *url,
     guint       *status,
     gsize       *size,
     GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, error);
  g_autoptr(AioStreamWriter) writer = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *request = NULL;
  g_autofree char *head = NULL;
  const char *data, *end_of_head;
  gsize len;
  int port;

  if (uri == NULL)
    return FALSE;
  if (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 || g_uri_get_host (uri) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "not an http:// URL");
      return FALSE;
    }
  port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 80;
  writer = aio_await_object (aio_open_connection (g_uri_get_host (uri), port), error);
  if (writer == NULL)
    return FALSE;

  request = g_strdup_printf ("GET %s HTTP/1.0\r\nHost: %s\r\n\r\n",
                             *g_uri_get_path (uri) ? g_uri_get_path (uri) : "/",
                             g_uri_get_host (uri));
  if (!aio_stream_writer_write (writer, (const guint8 *) request, strlen (request), error) ||
      !aio_await (aio_stream_writer_drain (writer), error))
    return FALSE;
  answer = aio_await_boxed (aio_stream_reader_read (aio_stream_writer_get_reader (writer), -1),
                            error);
  aio_stream_writer_close (writer);
  if (answer == NULL)
    return FALSE;

  /* The answer is bytes, not a string: the head is copied out to parse. */
  data = g_bytes_get_data (answer, &len);
  end_of_head = g_strstr_len (data, len, "\r\n\r\n");
  if (end_of_head != NULL)
    head = g_strndup (data, end_of_head - data);
  if (head == NULL || sscanf (head, "HTTP/%*d.%*d %u", status) != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not an HTTP answer");
      return FALSE;
    }
  *size = len - (end_of_head + 4 - data);
  return TRUE;
}

static void
fetch_body (AioTask  *task,
            gpointer  data)
{
  Fetch *fetch = data;
  Job *job = fetch->job;
  g_autoptr(GError) error = NULL;

  if (!aio_await (aio_semaphore_acquire (job->slots), &error))
    {
      aio_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  job->running++;
  job->most_running = MAX (job->most_running, job->running);
  if (!get (fetch->page->url, &fetch->page->status, &fetch->page->size, &error))
    {
      /* Cancelled by the timeout: the task ends cancelled. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fetch->page->failure = g_strdup (error->message);
    }
  job->running--;
  aio_semaphore_release (job->slots, NULL);
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    aio_task_return_error (task, g_steal_pointer (&error));
}

static void
fetch_all (AioTask  *task,
           gpointer  data)
{
  Job *job = data;
  g_autoptr(AioTaskGroup) group = aio_task_group_new ();
  g_autoptr(GError) error = NULL;
  g_autofree Fetch *fetches = g_new (Fetch, job->n_pages);

  for (guint i = 0; i < job->n_pages; i++)
    {
      fetches[i] = (Fetch) { job, &job->pages[i] };
      /* The group holds the task until it is done.  Named after its URL,
       * so AIO_DEBUG=sigusr1 shows which fetch waits on what. */
      aio_task_group_create_task_full (group, job->pages[i].url, 0, fetch_body, &fetches[i], NULL, NULL);
    }
  /* A fetch that fails records its error and ends normally, so only the
   * timeout (cancelling the task running this) stops the group. */
  aio_await (aio_task_group_join (group), &error);
}

int
main (int   argc,
      char *argv[])
{
  gdouble timeout = 10.0;
  gint limit = 4;
  GOptionEntry entries[] = {
    { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &timeout, "Seconds for the whole job (default 10)", "SECONDS" },
    { "limit", 'l', 0, G_OPTION_ARG_INT, &limit, "Connections at once (default 4)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("URL... - fetch pages concurrently");
  g_autoptr(GError) error = NULL;
  g_autoptr(AioSemaphore) slots = NULL;
  Job job = { NULL };
  guint fetched = 0;
  gsize bytes = 0;
  int status = EXIT_SUCCESS;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("aio-fetch-pages: %s\n", error->message);
      return 2;
    }
  if (argc < 2 || !(timeout > 0) || limit < 1)
    {
      g_printerr ("aio-fetch-pages: give at least one URL, a timeout above 0 and a limit of at least 1\n");
      return 2;
    }

  slots = aio_semaphore_new (limit);
  job = (Job) { g_new0 (Page, argc - 1), argc - 1, slots, 0, 0 };
  for (guint i = 0; i < job.n_pages; i++)
    job.pages[i].url = argv[i + 1];

  {
    g_autoptr(AioTask) task = aio_task_new_full (NULL, "fetch-all", 0, fetch_all, &job, NULL);
    g_autoptr(AioFuture) bounded = aio_wait_for (g_object_ref (AIO_FUTURE (task)), timeout);

    aio_loop_run_until_complete (aio_loop_get_default (), bounded, NULL);
  }

  for (guint i = 0; i < job.n_pages; i++)
    {
      Page *page = &job.pages[i];

      if (page->status != 0)
        printf ("%u %" G_GSIZE_FORMAT " %s\n", page->status, page->size, page->url);
      else
        printf ("error %s %s\n", page->failure != NULL ? page->failure : "timed out", page->url);
      if (page->status >= 200 && page->status < 300)
        {
          fetched++;
          bytes += page->size;
        }
      else
        status = EXIT_FAILURE;
      g_free (page->failure);
    }
  printf ("fetched %u of %u pages, %" G_GSIZE_FORMAT " bytes, at most %u at once\n",
          fetched, job.n_pages, bytes, job.most_running);
  g_free (job.pages);
  return status;
}
