/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Declarations vapigen merges into aio-glib-1.vapi: typed forms of the
 * getters the GIR can only give as gpointer, and async methods that wait
 * for a future and give its result in one `yield`.
 */
namespace Aio
{
  public class Future : GLib.Object
  {
    /* `unowned Bytes b = future.get_boxed<Bytes> ()` */
    [CCode (cname = "aio_future_get_boxed", simple_generics = true)]
    public unowned T get_boxed<T> () throws GLib.Error;
    /* `Bytes b = future.dup_boxed<Bytes> ()`: a new reference or copy */
    [CCode (cname = "aio_future_dup_boxed", simple_generics = true)]
    public T dup_boxed<T> () throws GLib.Error;

    /* `var n = yield future.wait_int ()`: waits, rethrows the future's
     * error, and gives the result.  The cancellable cancels the wait only.
     */
    [CCode (cname = "aio_future_wait_async", finish_name = "aio_future_wait_boolean_finish")]
    public async bool wait_boolean (GLib.Cancellable? cancellable = null) throws GLib.Error;
    [CCode (cname = "aio_future_wait_async", finish_name = "aio_future_wait_int_finish")]
    public async int wait_int (GLib.Cancellable? cancellable = null) throws GLib.Error;
    [CCode (cname = "aio_future_wait_async", finish_name = "aio_future_wait_int64_finish")]
    public async int64 wait_int64 (GLib.Cancellable? cancellable = null) throws GLib.Error;
    [CCode (cname = "aio_future_wait_async", finish_name = "aio_future_wait_double_finish")]
    public async double wait_double (GLib.Cancellable? cancellable = null) throws GLib.Error;
    [CCode (cname = "aio_future_wait_async", finish_name = "aio_future_wait_string_finish")]
    public async string? wait_string (GLib.Cancellable? cancellable = null) throws GLib.Error;
    /* `var writer = (Aio.StreamWriter) yield future.wait_object ()` */
    [CCode (cname = "aio_future_wait_async", finish_name = "aio_future_wait_object_finish")]
    public async GLib.Object? wait_object (GLib.Cancellable? cancellable = null) throws GLib.Error;
    /* `Bytes data = yield future.wait_boxed<Bytes> ()` */
    [CCode (cname = "aio_future_wait_async", finish_name = "aio_future_wait_boxed_finish", simple_generics = true)]
    public async T wait_boxed<T> (GLib.Cancellable? cancellable = null) throws GLib.Error;
  }
}
