/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* aio-fetch-pages-vala [--timeout SECONDS] [--limit N] URL...
 *
 * examples/c/fetch-pages.c in Vala: each fetch is a Vala async method run
 * as an Aio.Task of an Aio.TaskGroup, an Aio.Semaphore bounds the
 * connections, Aio.wait_for bounds the job.  Same output, same exit
 * status.
 */

class Page : Object
{
  public string url;
  public uint status;
  public size_t size;
  public string? failure;

  public Page (string url)
  {
    this.url = url;
  }
}

class Job : Object
{
  public Aio.Semaphore slots;
  public uint running;
  public uint most_running;

  public Job (uint limit)
  {
    slots = new Aio.Semaphore (limit);
  }
}

/* One HTTP/1.0 GET of @page; @cancellable gives way to the timeout. */
async void
get (Page page,
     Cancellable cancellable) throws GLib.Error
{
  var uri = Uri.parse (page.url, UriFlags.NONE);

  if (uri.get_scheme () != "http" || uri.get_host () == null)
    throw new IOError.INVALID_ARGUMENT ("not an http:// URL");
  var host = uri.get_host ();
  var connecting = Aio.open_connection (host, uri.get_port () > 0 ? (uint16) uri.get_port () : 80);
  yield connecting.wait_async (cancellable);
  var writer = (Aio.StreamWriter) connecting.dup_object ();
  try
    {
      var path = uri.get_path () != "" ? uri.get_path () : "/";
      writer.write_bytes (new Bytes ("GET %s HTTP/1.0\r\nHost: %s\r\n\r\n".printf (path, host).data));
      yield writer.drain ().wait_async (cancellable);
      var reading = writer.get_reader ().read (-1);
      yield reading.wait_async (cancellable);
      unowned Bytes answer = reading.get_boxed<Bytes> ();
      unowned uint8[] data = answer.get_data ();
      /* The answer is bytes, not a C string: find the head's end within it. */
      var end = -1;
      for (var i = 0; i + 3 < data.length && end < 0; i++)
        if (data[i] == '\r' && data[i + 1] == '\n' && data[i + 2] == '\r' && data[i + 3] == '\n')
          end = i;
      uint status = 0;
      if (end < 0 || ((string) data).substring (0, end).scanf ("HTTP/%*d.%*d %u", out status) != 1)
        throw new IOError.INVALID_DATA ("not an HTTP answer");
      page.status = status;
      page.size = data.length - (end + 4);
    }
  finally
    {
      writer.close ();
    }
}

/* get() as a task: a stackless body that starts the method and waits on a
 * gate the method's callback sets (see docs/vala.md).
 */
Aio.Task
fetch_task (Job job,
            Page page)
{
  var cancellable = new Cancellable ();
  Aio.Future? gate = null;
  var finished = false;
  GLib.Error? failure = null;

  return new Aio.Task.stackless (null, page.url, (self, awaited) => {
      if (awaited == null)
        {
          gate = self.get_loop ().create_future ();
          fetch.begin (job, page, cancellable, (obj, res) => {
              try
                {
                  fetch.end (res);
                }
              catch (GLib.Error e)
                {
                  failure = e;
                }
              finished = true;
              if (!gate.done ())
                {
                  try
                    {
                      gate.set_boolean (true);
                    }
                  catch (GLib.Error e)
                    {
                    }
                }
            });
          return gate;
        }
      if (gate == null)
        {
          try
            {
              awaited.propagate ();
            }
          catch (GLib.Error e)
            {
              self.return_error (e);
            }
          return null;
        }
      if (!finished)
        {
          cancellable.cancel ();
          gate = self.get_loop ().create_future ();
          return gate;
        }
      if (failure != null)
        self.return_error (failure);
      return null;
    });
}

async void
fetch (Job job,
       Page page,
       Cancellable cancellable) throws GLib.Error
{
  yield job.slots.acquire ().wait_async (cancellable);
  job.running++;
  job.most_running = uint.max (job.most_running, job.running);
  try
    {
      yield get (page, cancellable);
    }
  catch (IOError.CANCELLED e)
    {
      throw e;
    }
  catch (GLib.Error e)
    {
      page.failure = e.message;
    }
  finally
    {
      job.running--;
      try
        {
          job.slots.release ();
        }
      catch (GLib.Error e)
        {
        }
    }
}

static double timeout = 10.0;
static int limit = 4;
[CCode (array_length = false, array_null_terminated = true)]
static string[]? urls;

const OptionEntry[] entries = {
  { "timeout", 't', OptionFlags.NONE, OptionArg.DOUBLE, ref timeout, "Seconds for the whole job (default 10)", "SECONDS" },
  { "limit", 'l', OptionFlags.NONE, OptionArg.INT, ref limit, "Connections at once (default 4)", "N" },
  { OPTION_REMAINING, 0, OptionFlags.NONE, OptionArg.STRING_ARRAY, ref urls, null, "URL..." },
  { null }
};

int
main (string[] args)
{
  var options = new OptionContext ("- fetch pages concurrently");
  options.add_main_entries (entries, null);
  try
    {
      options.parse (ref args);
    }
  catch (OptionError e)
    {
      printerr ("aio-fetch-pages-vala: %s\n", e.message);
      return 2;
    }
  if (urls == null || urls.length == 0 || !(timeout > 0) || limit < 1)
    {
      printerr ("aio-fetch-pages-vala: give at least one URL, a timeout above 0 and a limit of at least 1\n");
      return 2;
    }

  var job = new Job (limit);
  var pages = new GenericArray<Page> ();
  var group = new Aio.TaskGroup ();
  foreach (var url in urls)
    {
      var page = new Page (url);
      pages.add (page);
      try
        {
          group.add_task (fetch_task (job, page));
        }
      catch (GLib.Error e)
        {
          error ("%s", e.message);
        }
    }
  /* The timeout cancels the group's tasks and waits for them. */
  try
    {
      Aio.Loop.get_default ().run_until_complete (Aio.wait_for (group.join (), timeout));
    }
  catch (GLib.Error e)
    {
    }

  uint fetched = 0;
  size_t bytes = 0;
  foreach (var page in pages.data)
    {
      if (page.status != 0)
        print ("%u %zu %s\n", page.status, page.size, page.url);
      else
        print ("error %s %s\n", page.failure ?? "timed out", page.url);
      if (page.status >= 200 && page.status < 300)
        {
          fetched++;
          bytes += page.size;
        }
    }
  print ("fetched %u of %u pages, %zu bytes, at most %u at once\n",
         fetched, pages.length, bytes, job.most_running);
  return fetched == pages.length ? 0 : 1;
}
