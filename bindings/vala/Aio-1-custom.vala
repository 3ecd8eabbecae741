/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Declarations vapigen merges into aio-glib-1.vapi: typed forms of the
 * getters the GIR can only give as gpointer.
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
  }
}
