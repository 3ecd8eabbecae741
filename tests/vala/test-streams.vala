/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Streams from Vala through the vapi: a server whose handler is a Vala
 * async method (its future returned to the server), a client that yields
 * on every operation, and GIO's error for a refused connection.
 */

class Outcome
{
  public bool done;
  public GLib.Error? error;

  public void
  finished (GLib.Error? error)
  {
    this.error = error;
    this.done = true;
  }

  public void
  wait ()
  {
    while (!this.done)
      MainContext.default ().iteration (true);
  }
}

/* Yields until @future is done; its error is thrown. */
async void
await_future (Aio.Future future) throws GLib.Error
{
  yield future.wait_async (null);
  future.propagate ();
}

async GLib.Bytes
await_bytes (Aio.Future future) throws GLib.Error
{
  yield await_future (future);
  return future.dup_boxed<GLib.Bytes> ();
}

/* Serves one client: echoes lines until the end of the stream. */
async void
echo_lines (Aio.StreamReader reader,
            Aio.StreamWriter writer) throws GLib.Error
{
  for (;;)
    {
      var line = yield await_bytes (reader.readline ());

      if (line.get_size () == 0)
        return;
      writer.write_bytes (line);
      yield await_future (writer.drain ());
    }
}

int n_served;

/* The server's handler: starts the async method and hands the server a
 * future that ends with it.
 */
Aio.Future?
start_echo (Aio.StreamReader reader,
            Aio.StreamWriter writer)
{
  var done = Aio.Loop.get_default ().create_future ();

  n_served++;
  echo_lines.begin (reader, writer, (obj, res) => {
      GLib.Error? failure = null;

      try
        {
          echo_lines.end (res);
        }
      catch (GLib.Error e)
        {
          failure = e.copy ();
        }
      try
        {
          if (failure == null)
            done.set_boolean (true);
          else
            done.set_error (failure);
        }
      catch (GLib.Error e)
        {
          assert_no_error (e);
        }
    });
  return done;
}

async void
conversation () throws GLib.Error
{
  var starting = Aio.start_server_stackless (start_echo, "127.0.0.1", 0, 0,
                                             Aio.ServerFlags.NONE, null);
  yield await_future (starting);
  var server = (Aio.Server) starting.dup_object ();
  var port = server.get_port ();
  assert_true (port > 0);

  for (var i = 0; i < 3; i++)
    {
      var connecting = Aio.open_connection ("127.0.0.1", port);
      yield await_future (connecting);
      var writer = (Aio.StreamWriter) connecting.dup_object ();
      var reader = writer.get_reader ();
      var message = "line %d\n".printf (i);

      writer.write_bytes (new GLib.Bytes (message.data));
      var echoed = yield await_bytes (reader.readline ());
      assert_cmpstr ((string) echoed.get_data (), CompareOperator.EQ, message);
      writer.close ();
      yield await_future (writer.wait_closed ());
    }
  assert_cmpint (n_served, CompareOperator.EQ, 3);

  server.close ();
  yield await_future (server.wait_closed ());
  assert_cmpuint (server.get_n_clients (), CompareOperator.EQ, 0);

  /* The port is free now: the next connection is refused. */
  try
    {
      yield await_future (Aio.open_connection ("127.0.0.1", port));
      assert_not_reached ();
    }
  catch (IOError.CONNECTION_REFUSED e)
    {
    }
}

void
test_conversation ()
{
  var outcome = new Outcome ();

  conversation.begin ((obj, res) => {
      try
        {
          conversation.end (res);
          outcome.finished (null);
        }
      catch (GLib.Error e)
        {
          outcome.finished (e);
        }
    });
  outcome.wait ();
  assert_no_error (outcome.error);
}

int
main (string[] args)
{
  Test.init (ref args);

  Test.add_func ("/aio/vala/streams/conversation", test_conversation);

  return Test.run ();
}
