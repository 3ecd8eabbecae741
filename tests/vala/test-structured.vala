/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Vala async methods as Aio tasks in task groups, cancellation both ways,
 * gather and wait_for, the files, subprocess and thread API through
 * `yield future.wait_async ()`, and call graphs.
 */

/* Set when an async test body has finished: Vala 0.56 has no async
 * delegates, so each test starts its body and waits on this.
 */
class Done : Object
{
  public bool done;

  public void
  wait ()
  {
    while (!done)
      MainContext.default ().iteration (true);
  }
}

/* A Vala async method doubling @x after @delay seconds; it gives way to
 * @cancellable at its await.
 */
async int
double_later (int x,
              double delay,
              Cancellable cancellable) throws GLib.Error
{
  yield Aio.sleep (delay).wait_async (cancellable);
  if (x < 0)
    throw new IOError.INVALID_ARGUMENT ("negative: %d", x);
  return 2 * x;
}

/* double_later() as an Aio.Task: the step function starts the method and
 * waits on a gate future that the method's completion callback sets.
 * Cancelling the task cancels the method's cancellable and waits for the
 * method to end, which then ends the task (cancelled, if the method let
 * the cancellation through).
 */
class DoubleTask : Object
{
  public Aio.Task task;
  public bool saw_cancel;
  Cancellable cancellable = new Cancellable ();
  Aio.Future? gate;
  bool finished;
  int result;
  GLib.Error? failure;

  public DoubleTask (string name,
                     int x,
                     double delay)
  {
    task = new Aio.Task.stackless (null, name, (self, awaited) => {
        if (awaited == null)
          {
            gate = self.get_loop ().create_future ();
            double_later.begin (x, delay, cancellable, (obj, res) => {
                try
                  {
                    result = double_later.end (res);
                  }
                catch (GLib.Error e)
                  {
                    failure = e;
                    saw_cancel = e is IOError.CANCELLED;
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
                        assert_no_error (e);
                      }
                  }
              });
            return gate;
          }
        if (gate == null)
          {
            /* Cancelled before it started. */
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
        else
          self.return_int (result);
        return null;
      });
  }
}

async void
body_test_vala_tasks_in_a_group (Done done)
{
  try
    {
        var group = new Aio.TaskGroup ();
        var tasks = new GenericArray<DoubleTask> ();

        for (var i = 0; i < 5; i++)
          {
            var t = new DoubleTask ("double-%d".printf (i), i, 0.001 * i);
            tasks.add (t);
            group.add_task (t.task);
          }
        yield group.join ().wait_async (null);
        for (var i = 0; i < 5; i++)
          {
            assert_cmpstr (tasks[i].task.get_name (), CompareOperator.EQ, "double-%d".printf (i));
            assert_cmpint (tasks[i].task.get_int (), CompareOperator.EQ, 2 * i);
          }
    }
  catch (GLib.Error e)
    {
      error ("the test body failed: %s", e.message);
    }
  done.done = true;
}

void
test_vala_tasks_in_a_group ()
{
  var done = new Done ();
  body_test_vala_tasks_in_a_group.begin (done);
  done.wait ();
}

async void
body_test_failure_cancels_the_vala_task (Done done)
{
  try
    {
        var group = new Aio.TaskGroup ();
        var sleeper = new DoubleTask ("sleeper", 1, 3600);
        var failer = new DoubleTask ("failer", -1, 0.002);

        group.add_task (sleeper.task);
        group.add_task (failer.task);
        try
          {
            yield group.join ().wait_async (null);
            assert_not_reached ();
          }
        catch (GLib.Error e)
          {
            /* The failer's error, alone or in an Aio.Error.MULTIPLE. */
            assert_true (e is IOError.INVALID_ARGUMENT || e is Aio.Error.MULTIPLE);
          }
        assert_true (sleeper.saw_cancel);
        assert_true (sleeper.task.cancelled ());
    }
  catch (GLib.Error e)
    {
      error ("the test body failed: %s", e.message);
    }
  done.done = true;
}

void
test_failure_cancels_the_vala_task ()
{
  var done = new Done ();
  body_test_failure_cancels_the_vala_task.begin (done);
  done.wait ();
}

async void
body_test_cancel_from_vala (Done done)
{
  try
    {
        var sleeper = new DoubleTask ("sleeper", 1, 3600);

        Aio.Loop.get_default ().call_later (0.002, () => sleeper.task.cancel ("enough"));
        try
          {
            yield sleeper.task.wait_async (null);
            assert_not_reached ();
          }
        catch (IOError.CANCELLED e)
          {
            assert_true (sleeper.task.cancelled ());
            assert_true (sleeper.saw_cancel);
          }

        /* Cancelled before it started: the method never runs. */
        var early = new DoubleTask ("early", 1, 0);
        early.task.cancel (null);
        try
          {
            yield early.task.wait_async (null);
            assert_not_reached ();
          }
        catch (IOError.CANCELLED e)
          {
            assert_false (early.saw_cancel);
          }
    }
  catch (GLib.Error e)
    {
      error ("the test body failed: %s", e.message);
    }
  done.done = true;
}

void
test_cancel_from_vala ()
{
  var done = new Done ();
  body_test_cancel_from_vala.begin (done);
  done.wait ();
}

async void
body_test_gather_and_wait_for (Done done)
{
  try
    {
        var futures = new GenericArray<Aio.Future> ();

        futures.add (new DoubleTask ("a", 20, 0.001).task);
        futures.add (new DoubleTask ("b", 1, 0).task);
        var gathered = Aio.gather_array (futures, false);
        yield gathered.wait_async (null);
        assert_cmpint (futures[0].get_int () + futures[1].get_int (), CompareOperator.EQ, 42);

        try
          {
            yield Aio.wait_for (Aio.sleep (3600), 0.01).wait_async (null);
            assert_not_reached ();
          }
        catch (IOError.TIMED_OUT e)
          {
          }
        /* A typed wait on a result of another type: Aio.Error.TYPE_MISMATCH. */
        var text = Aio.Loop.get_default ().create_future ();
        text.set_string ("not a number");
        try
          {
            yield text.wait_int ();
            assert_not_reached ();
          }
        catch (Aio.Error.TYPE_MISMATCH e)
          {
          }
        assert_cmpstr (yield text.wait_string (), CompareOperator.EQ, "not a number");
        var flag = Aio.Loop.get_default ().create_future ();
        flag.set_boolean (true);
        assert_true (yield flag.wait_boolean ());
        var big = Aio.Loop.get_default ().create_future ();
        big.set_int64 (1L << 40);
        assert_true ((yield big.wait_int64 ()) == 1L << 40);
        var half = Aio.Loop.get_default ().create_future ();
        half.set_double (0.5);
        assert_true ((yield half.wait_double ()) == 0.5);
    }
  catch (GLib.Error e)
    {
      error ("the test body failed: %s", e.message);
    }
  done.done = true;
}

void
test_gather_and_wait_for ()
{
  var done = new Done ();
  body_test_gather_and_wait_for.begin (done);
  done.wait ();
}

async void
body_test_files (Done done)
{
  try
    {
        var dir = DirUtils.make_tmp ("aio-vala-XXXXXX");
        var path = Path.build_filename (dir, "data.txt");

        var etag = Aio.path_write_all (path, new Bytes ("from Vala".data));
        yield etag.wait_async ();
        assert_true (etag.get_string ().length > 0);

        var read = Aio.path_read_all (path);
        yield read.wait_async (null);
        unowned Bytes bytes = read.get_boxed<Bytes> ();
        Bytes copy = read.dup_boxed<Bytes> ();
        assert_true (copy.compare (bytes) == 0);

        /* One yield for the wait and the result. */
        Bytes again = yield Aio.path_read_all (path).wait_boxed<Bytes> ();
        assert_true (again.compare (bytes) == 0);
        var tag = yield Aio.path_write_all (path, new Bytes ("v2".data)).wait_string ();
        assert_true (tag != null && tag.length > 0);
        var info = (FileInfo) yield Aio.file_query_info (File.new_for_path (path), "standard::size",
                                                         FileQueryInfoFlags.NONE).wait_object ();
        assert_cmpint ((int) info.get_size (), CompareOperator.EQ, 2);
        assert_cmpstr ((string) bytes.get_data (), CompareOperator.EQ, "from Vala");

        try
          {
            yield Aio.path_read_all (Path.build_filename (dir, "missing")).wait_async (null);
            assert_not_reached ();
          }
        catch (IOError.NOT_FOUND e)
          {
          }
        yield Aio.file_delete (File.new_for_path (path)).wait_async (null);
        DirUtils.remove (dir);
    }
  catch (GLib.Error e)
    {
      error ("the test body failed: %s", e.message);
    }
  done.done = true;
}

void
test_files ()
{
  var done = new Done ();
  body_test_files.begin (done);
  done.wait ();
}

async void
body_test_subprocess (Done done)
{
  try
    {
        var proc = Aio.create_subprocess_exec ({ "sh", "-c", "tr a-z A-Z; exit 3" },
                                               SubprocessFlags.STDIN_PIPE | SubprocessFlags.STDOUT_PIPE);
        var talk = proc.communicate (new Bytes ("hello".data));
        yield talk.wait_async (null);

        Bytes? out_data, err_data;
        Aio.Subprocess.communicate_result (talk, out out_data, out err_data);
        assert_cmpint ((int) out_data.get_size (), CompareOperator.EQ, 5);
        assert_true (Memory.cmp (out_data.get_data (), "HELLO".data, 5) == 0);
        assert_null (err_data);

        assert_cmpint (yield proc.wait ().wait_int (), CompareOperator.EQ, 3);

        try
          {
            Aio.create_subprocess_exec ({ "/nonexistent/program" }, SubprocessFlags.NONE);
            assert_not_reached ();
          }
        catch (GLib.Error e)
          {
            assert_true (e.message.contains ("/nonexistent/program"));
          }
    }
  catch (GLib.Error e)
    {
      error ("the test body failed: %s", e.message);
    }
  done.done = true;
}

void
test_subprocess ()
{
  var done = new Done ();
  body_test_subprocess.begin (done);
  done.wait ();
}

async void
body_test_to_thread (Done done)
{
  try
    {
        var loop_thread = Thread.self<void*> ();
        var ran_elsewhere = false;
        var job = Aio.to_thread ((cancellable) => {
            ran_elsewhere = Thread.self<void*> () != loop_thread;
            return (void*) 42;
          }, null);

        yield job.wait_async (null);
        assert_true ((int) (long) job.get_pointer () == 42);
        assert_true (ran_elsewhere);

        var failing = Aio.to_thread ((cancellable) => {
            throw new IOError.PERMISSION_DENIED ("no");
          }, null);
        try
          {
            yield failing.wait_async (null);
            assert_not_reached ();
          }
        catch (IOError.PERMISSION_DENIED e)
          {
          }
    }
  catch (GLib.Error e)
    {
      error ("the test body failed: %s", e.message);
    }
  done.done = true;
}

void
test_to_thread ()
{
  var done = new Done ();
  body_test_to_thread.begin (done);
  done.wait ();
}

async void
body_test_call_graph (Done done)
{
  try
    {
      var slow = new DoubleTask ("vala-slow", 1, 3600);
      var futures = new GenericArray<Aio.Future> ();
      futures.add (slow.task);
      var waiter = Aio.gather_array (futures, false);

      yield Aio.sleep (0.02).wait_async (null);
      var graph = slow.task.capture_call_graph ();
      assert_true (graph.get_future () == slow.task);
      assert_true (graph.get_awaiting () != null);
      assert_true (graph.get_waiting_time () >= 0);
      assert_true (graph.to_string ().has_prefix ("* Task 'vala-slow' (waiting "));
      var tree = Aio.Loop.get_default ().format_tasks ();
      assert_true ("Task 'vala-slow' (waiting " in tree);

      waiter.cancel (null);
      try
        {
          yield waiter.wait_async (null);
        }
      catch (IOError.CANCELLED e)
        {
        }
      assert_true (slow.saw_cancel);
    }
  catch (GLib.Error e)
    {
      error ("the test body failed: %s", e.message);
    }
  done.done = true;
}

void
test_call_graph ()
{
  var done = new Done ();
  body_test_call_graph.begin (done);
  done.wait ();
}

int
main (string[] args)
{
  Test.init (ref args);
  Test.add_func ("/aio/vala/structured/tasks-in-a-group", test_vala_tasks_in_a_group);
  Test.add_func ("/aio/vala/structured/failure-cancels", test_failure_cancels_the_vala_task);
  Test.add_func ("/aio/vala/structured/cancel", test_cancel_from_vala);
  Test.add_func ("/aio/vala/structured/gather-and-wait-for", test_gather_and_wait_for);
  Test.add_func ("/aio/vala/files", test_files);
  Test.add_func ("/aio/vala/processes", test_subprocess);
  Test.add_func ("/aio/vala/to-thread", test_to_thread);
  Test.add_func ("/aio/vala/call-graph", test_call_graph);
  return Test.run ();
}
