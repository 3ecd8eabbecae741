/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Vala sees an Aio.Future as an async method through the vapi:
 * `yield future.wait_async (null)` suspends the async method until the
 * future is done and rethrows the future's error.
 */

/* What an async method ended with, filled in by its completion callback. */
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

  /* Iterates the default context until the async method has finished. */
  public void
  wait ()
  {
    while (!this.done)
      MainContext.default ().iteration (true);
  }
}

async int
wait_for_int (Aio.Future future) throws GLib.Error
{
  yield future.wait_async (null);
  return future.get_int ();
}

async string?
wait_for_string (Aio.Future future,
                 Cancellable? cancellable) throws GLib.Error
{
  yield future.wait_async (cancellable);
  return future.dup_string ();
}

void
test_wait_value ()
{
  var loop = Aio.Loop.get_default ();
  var future = loop.create_future ();
  var outcome = new Outcome ();
  var result = 0;

  loop.call_later (0.001, () => {
      try
        {
          future.set_int (42);
        }
      catch (GLib.Error e)
        {
          assert_no_error (e);
        }
    });
  wait_for_int.begin (future, (obj, res) => {
      try
        {
          result = wait_for_int.end (res);
          outcome.finished (null);
        }
      catch (GLib.Error e)
        {
          outcome.finished (e);
        }
    });

  assert_false (outcome.done);
  outcome.wait ();
  assert_no_error (outcome.error);
  assert_cmpint (result, CompareOperator.EQ, 42);
  assert_true (future.done ());
}

void
test_wait_already_done ()
{
  var future = new Aio.Future ();
  var outcome = new Outcome ();
  string? text = null;

  try
    {
      future.set_string ("ready");
    }
  catch (GLib.Error e)
    {
      assert_no_error (e);
    }
  wait_for_string.begin (future, null, (obj, res) => {
      try
        {
          text = wait_for_string.end (res);
          outcome.finished (null);
        }
      catch (GLib.Error e)
        {
          outcome.finished (e);
        }
    });

  outcome.wait ();
  assert_no_error (outcome.error);
  assert_cmpstr (text, CompareOperator.EQ, "ready");
}

void
test_wait_error ()
{
  var loop = Aio.Loop.get_default ();
  var future = loop.create_future ();
  var outcome = new Outcome ();
  string? text = "untouched";

  loop.call_soon (() => {
      try
        {
          future.set_error (new IOError.NOT_FOUND ("no such file"));
        }
      catch (GLib.Error e)
        {
          assert_no_error (e);
        }
    });
  wait_for_string.begin (future, null, (obj, res) => {
      try
        {
          text = wait_for_string.end (res);
          outcome.finished (null);
        }
      catch (GLib.Error e)
        {
          outcome.finished (e);
        }
    });

  outcome.wait ();
  assert_error (outcome.error, IOError.quark (), IOError.NOT_FOUND);
  assert_cmpstr (outcome.error.message, CompareOperator.EQ, "no such file");
  assert_cmpstr (text, CompareOperator.EQ, "untouched");
}

void
test_wait_cancelled_future ()
{
  var loop = Aio.Loop.get_default ();
  var future = loop.create_future ();
  var outcome = new Outcome ();

  loop.call_soon (() => future.cancel ("stop waiting"));
  wait_for_int.begin (future, (obj, res) => {
      try
        {
          wait_for_int.end (res);
          outcome.finished (null);
        }
      catch (GLib.Error e)
        {
          outcome.finished (e);
        }
    });

  outcome.wait ();
  assert_error (outcome.error, IOError.quark (), IOError.CANCELLED);
  assert_true (future.cancelled ());
}

void
test_cancel_the_wait ()
{
  var loop = Aio.Loop.get_default ();
  var future = loop.create_future ();
  var cancellable = new Cancellable ();
  var outcome = new Outcome ();

  loop.call_soon (() => cancellable.cancel ());
  wait_for_string.begin (future, cancellable, (obj, res) => {
      try
        {
          wait_for_string.end (res);
          outcome.finished (null);
        }
      catch (GLib.Error e)
        {
          outcome.finished (e);
        }
    });

  outcome.wait ();
  assert_error (outcome.error, IOError.quark (), IOError.CANCELLED);
  /* Only the wait was cancelled: the future is still pending and usable. */
  assert_false (future.done ());
  try
    {
      assert_true (future.set_boolean (true));
      assert_true (future.get_boolean ());
    }
  catch (GLib.Error e)
    {
      assert_no_error (e);
    }
  /* Let the future's done callbacks run and release the wait. */
  try
    {
      loop.run_until_complete (Aio.sleep (0));
    }
  catch (GLib.Error e)
    {
      assert_no_error (e);
    }
}

void
test_misuse_is_aio_error ()
{
  var future = new Aio.Future ();

  try
    {
      future.get_int ();
      assert_not_reached ();
    }
  catch (GLib.Error e)
    {
      assert_error (e, Aio.Error.quark (), Aio.Error.INVALID_STATE);
    }

  try
    {
      future.set_int (1);
      future.set_int (2);
      assert_not_reached ();
    }
  catch (Aio.Error e)
    {
      assert_true (e is Aio.Error.INVALID_STATE);
    }
  catch (GLib.Error e)
    {
      assert_no_error (e);
    }
}

void
test_stackless_task ()
{
  var loop = Aio.Loop.get_default ();
  var outcome = new Outcome ();
  var steps = 0;
  var result = 0;
  var task = new Aio.Task.stackless (loop, "vala-step", (self, awaited) => {
      steps++;
      if (awaited == null)
        return Aio.sleep (0.001);
      self.return_int (steps * 10);
      return null;
    });

  assert_true (task.is_stackless ());
  assert_cmpstr (task.get_name (), CompareOperator.EQ, "vala-step");
  wait_for_int.begin (task, (obj, res) => {
      try
        {
          result = wait_for_int.end (res);
          outcome.finished (null);
        }
      catch (GLib.Error e)
        {
          outcome.finished (e);
        }
    });

  outcome.wait ();
  assert_no_error (outcome.error);
  assert_cmpint (steps, CompareOperator.EQ, 2);
  assert_cmpint (result, CompareOperator.EQ, 20);
}

void
test_cancel_stackless_task ()
{
  var loop = Aio.Loop.get_default ();
  var outcome = new Outcome ();
  var task = new Aio.Task.stackless (loop, null, (self, awaited) => {
      if (awaited == null)
        return Aio.sleep (3600);
      try
        {
          awaited.propagate ();
        }
      catch (GLib.Error e)
        {
          self.return_error (e);
        }
      return null;
    });

  loop.call_later (0.001, () => task.cancel ("shutting down"));
  wait_for_int.begin (task, (obj, res) => {
      try
        {
          wait_for_int.end (res);
          outcome.finished (null);
        }
      catch (GLib.Error e)
        {
          outcome.finished (e);
        }
    });

  outcome.wait ();
  assert_error (outcome.error, IOError.quark (), IOError.CANCELLED);
  assert_cmpstr (outcome.error.message, CompareOperator.EQ, "shutting down");
  assert_true (task.cancelled ());
}

void
test_non_default_context ()
{
  var context = new MainContext ();
  var loop = Aio.Loop.get_for_context (context);
  var future = loop.create_future ();

  assert_true (loop != Aio.Loop.get_default ());
  assert_true (future.get_loop () == loop);
  loop.call_later (0.001, () => {
      try
        {
          future.set_double (0.25);
        }
      catch (GLib.Error e)
        {
          assert_no_error (e);
        }
    });
  try
    {
      assert_true (loop.run_until_complete (future));
      assert_true (future.get_double () == 0.25);
    }
  catch (GLib.Error e)
    {
      assert_no_error (e);
    }
}

int
main (string[] args)
{
  Test.init (ref args, "isolate_dirs");

  Test.add_func ("/aio/vala/wait-value", test_wait_value);
  Test.add_func ("/aio/vala/wait-already-done", test_wait_already_done);
  Test.add_func ("/aio/vala/wait-error", test_wait_error);
  Test.add_func ("/aio/vala/wait-cancelled-future", test_wait_cancelled_future);
  Test.add_func ("/aio/vala/cancel-the-wait", test_cancel_the_wait);
  Test.add_func ("/aio/vala/misuse", test_misuse_is_aio_error);
  Test.add_func ("/aio/vala/stackless-task", test_stackless_task);
  Test.add_func ("/aio/vala/cancel-stackless-task", test_cancel_stackless_task);
  Test.add_func ("/aio/vala/non-default-context", test_non_default_context);

  return Test.run ();
}
