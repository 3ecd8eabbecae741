/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

/* The one binary min-heap of the library (the loop's timers, the priority
 * queue's items).  It orders an array of fixed-size elements that its
 * owner stores and grows; these functions only move elements within it.
 *
 * @ops describes the elements.  Callers pass a static const table, and the
 * functions are inline, so the compiler specializes each heap for its
 * element size and order: a timer heap moves pointers, not bytes.
 * @placed, if set, hears every element's new index, so an element can be
 * removed from the middle in O(log n) (a cancelled timer).
 */

#define AIO_HEAP_MAX_ELEMENT_SIZE 64

typedef struct
{
  gsize      element_size;
  /* TRUE if @a must come out before @b. */
  gboolean (*before) (gconstpointer a,
                      gconstpointer b,
                      gpointer      data);
  void     (*placed) (gpointer      element,
                      guint         index);   /* (nullable) */
} AioHeapOps;

static inline gpointer
_aio_heap_at (const AioHeapOps *ops,
              gpointer          base,
              guint             index)
{
  return (char *) base + (gsize) index * ops->element_size;
}

static inline void
_aio_heap_put (const AioHeapOps *ops,
               gpointer          base,
               guint             index,
               gconstpointer     element)
{
  gpointer slot = _aio_heap_at (ops, base, index);

  memcpy (slot, element, ops->element_size);
  if (ops->placed != NULL)
    ops->placed (slot, index);
}

/* Moves the element at @index towards the root to its place. */
static inline void
_aio_heap_sift_up (const AioHeapOps *ops,
                   gpointer          base,
                   guint             index,
                   gpointer          data)
{
  guint64 moving[AIO_HEAP_MAX_ELEMENT_SIZE / sizeof (guint64)];

  g_assert (ops->element_size <= sizeof moving);
  memcpy (moving, _aio_heap_at (ops, base, index), ops->element_size);
  while (index > 0)
    {
      guint parent = (index - 1) / 2;
      gpointer parent_element = _aio_heap_at (ops, base, parent);

      if (!ops->before (moving, parent_element, data))
        break;
      _aio_heap_put (ops, base, index, parent_element);
      index = parent;
    }
  _aio_heap_put (ops, base, index, moving);
}

/* Moves the element at @index away from the root to its place, in a heap
 * of @length elements.
 */
static inline void
_aio_heap_sift_down (const AioHeapOps *ops,
                     gpointer          base,
                     guint             length,
                     guint             index,
                     gpointer          data)
{
  guint64 moving[AIO_HEAP_MAX_ELEMENT_SIZE / sizeof (guint64)];

  g_assert (ops->element_size <= sizeof moving);
  memcpy (moving, _aio_heap_at (ops, base, index), ops->element_size);
  for (;;)
    {
      guint child = 2 * index + 1;
      gpointer child_element;

      if (child >= length)
        break;
      child_element = _aio_heap_at (ops, base, child);
      if (child + 1 < length &&
          ops->before (_aio_heap_at (ops, base, child + 1), child_element, data))
        child_element = _aio_heap_at (ops, base, ++child);
      if (!ops->before (child_element, moving, data))
        break;
      _aio_heap_put (ops, base, index, child_element);
      index = child;
    }
  _aio_heap_put (ops, base, index, moving);
}

/* Orders the element just stored at index @length - 1. */
static inline void
_aio_heap_push (const AioHeapOps *ops,
                gpointer          base,
                guint             length,
                gpointer          data)
{
  _aio_heap_sift_up (ops, base, length - 1, data);
}

/* Copies the element at @index to @out (nullable) and closes the gap;
 * *@length shrinks by one.
 */
static inline void
_aio_heap_remove_at (const AioHeapOps *ops,
                     gpointer          base,
                     guint            *length,
                     guint             index,
                     gpointer          out,
                     gpointer          data)
{
  guint last = --*length;

  if (out != NULL)
    memcpy (out, _aio_heap_at (ops, base, index), ops->element_size);
  if (index == last)
    return;

  _aio_heap_put (ops, base, index, _aio_heap_at (ops, base, last));
  if (index > 0 &&
      ops->before (_aio_heap_at (ops, base, index),
                   _aio_heap_at (ops, base, (index - 1) / 2), data))
    _aio_heap_sift_up (ops, base, index, data);
  else
    _aio_heap_sift_down (ops, base, *length, index, data);
}

G_END_DECLS
