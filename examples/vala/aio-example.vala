/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* aio-glib from Vala through aio-glib-1.vapi: an async method awaits
 * futures with `yield future.wait_async (null)`.
 */

async string
ask_later (Aio.Loop loop,
           string   question,
           double   delay) throws GLib.Error
{
  var answer = loop.create_future ();

  loop.call_later (delay, () => {
      try
        {
          answer.set_string (question.up ());
        }
      catch (GLib.Error e)
        {
          critical ("%s", e.message);
        }
    });
  yield answer.wait_async (null);
  return answer.get_string ();
}

async void
run_example (Aio.Loop loop) throws GLib.Error
{
  stdout.printf ("1. awaiting futures from an async method\n");
  var reply = yield ask_later (loop, "hello from vala", 0.05);
  stdout.printf ("  reply: %s\n", reply);

  stdout.printf ("2. a cancelled future throws IOError.CANCELLED\n");
  var doomed = loop.create_future ();
  loop.call_soon (() => doomed.cancel ("not needed any more"));
  try
    {
      yield doomed.wait_async (null);
    }
  catch (IOError.CANCELLED e)
    {
      stdout.printf ("  cancelled: %s\n", e.message);
    }

  stdout.printf ("3. Aio.sleep is a future too\n");
  var before = loop.time ();
  yield Aio.sleep (0.02).wait_async (null);
  stdout.printf ("  slept %.0f ms\n", (loop.time () - before) * 1000);
}

int
main (string[] args)
{
  var loop = Aio.Loop.get_default ();
  var main_loop = new MainLoop ();
  var status = 0;

  run_example.begin (loop, (obj, res) => {
      try
        {
          run_example.end (res);
        }
      catch (GLib.Error e)
        {
          stderr.printf ("aio-example: %s\n", e.message);
          status = 1;
        }
      main_loop.quit ();
    });
  main_loop.run ();
  return status;
}
