/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Structured concurrency: a task group fetches pages concurrently, with a
 * semaphore keeping at most four requests in flight.  The group is done
 * when every task is; when one task fails, the group cancels the others
 * and reports every error together.
 */

#include "demo.h"

typedef struct
{
  DemoServer   *server;
  AioSemaphore *slots;        /* at most this many requests at once */
  guint         in_flight;
  guint         peak_in_flight;
  guint         fetched;
  guint         cancelled;
} Crawl;

typedef struct
{
  Crawl *crawl;
  guint  page;
  guint  delay_ms;
  gboolean broken;            /* the page is fetched, then found broken */
} Fetch;

static void
fetch_body (AioTask  *task,
            gpointer  user_data)
{
  Fetch *fetch = user_data;
  Crawl *crawl = fetch->crawl;
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) connection = NULL;
  g_autoptr(GDataInputStream) reader = NULL;
  g_autofree char *line = NULL;
  g_autofree char *reply = NULL;
  g_autoptr(AioSemaphoreGuard) slot = NULL;

  /* The `async with semaphore:` of C: released when `slot` goes. */
  slot = aio_semaphore_acquire_guard (crawl->slots, &error);
  if (slot == NULL)
    goto out;

  crawl->in_flight++;
  crawl->peak_in_flight = MAX (crawl->peak_in_flight, crawl->in_flight);

  connection = demo_open (demo_server_get_port (crawl->server), &reader, &error);
  if (connection != NULL)
    {
      line = g_strdup_printf ("SLOW %u page-%u", fetch->delay_ms, fetch->page);
      reply = demo_request (connection, reader, line, &error);
      demo_close (connection);
    }
  crawl->in_flight--;

  if (reply != NULL && fetch->broken)
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "page %u is broken", fetch->page);

out:
  if (error == NULL)
    {
      crawl->fetched++;
      aio_task_return_string (task, reply);
    }
  else
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        crawl->cancelled++;
      aio_task_return_error (task, g_steal_pointer (&error));
    }
}

/* Crawls @n_pages pages; page @broken_page (if any) turns out broken. */
static gboolean
crawl (DemoServer  *server,
       guint        n_pages,
       guint        broken_page,
       GError     **error)
{
  g_autoptr(AioTaskGroup) group = aio_task_group_new ();
  g_autoptr(AioSemaphore) slots = aio_semaphore_new (4);
  Crawl crawl = { server, slots, 0, 0, 0, 0 };
  g_autofree Fetch *fetches = g_new0 (Fetch, n_pages);
  gint64 started = g_get_monotonic_time ();
  gboolean ok;
  guint i;

  for (i = 0; i < n_pages; i++)
    {
      g_autofree char *name = g_strdup_printf ("page-%u", i + 1);

      fetches[i].crawl = &crawl;
      fetches[i].page = i + 1;
      fetches[i].delay_ms = 40 + (i * 37) % 80;
      fetches[i].broken = i + 1 == broken_page;
      aio_task_group_create_task_full (group, name, 0, fetch_body, &fetches[i],
                                       NULL, NULL);
    }

  /* Leaving the group awaits every task; they all end before `fetches`
   * goes out of scope, whatever happens.
   */
  ok = aio_await (aio_task_group_wait (group, NULL), error);
  demo_say ("  %u fetched, %u cancelled, at most %u in flight, %.0f ms",
            crawl.fetched, crawl.cancelled, crawl.peak_in_flight,
            (g_get_monotonic_time () - started) / 1000.0);
  return ok;
}

void
demo_group_section (AioTask  *task,
                    gpointer  user_data)
{
  DemoServer *server = user_data;
  g_autoptr(GError) error = NULL;

  demo_say ("a task group fetches 12 pages, four at a time");
  if (!crawl (server, 12, 0, &error))
    {
      aio_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  demo_say ("again, but page 3 is broken: the group cancels the rest");
  if (crawl (server, 12, 3, &error))
    {
      aio_task_return_error (task, g_error_new_literal (AIO_ERROR, AIO_ERROR_FAILED,
                                                        "the broken page went unnoticed"));
      return;
    }
  demo_say ("  the group failed: %s", error->message);
}
