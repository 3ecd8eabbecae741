/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The one doubly linked list of the library: intrusive, so a record that
 * waits somewhere (a future's waiter, a lock's waiter, a task group's
 * member, a loop's task) is linked without an allocation and unlinked in
 * O(1) when it is cancelled.  Embed an AioLink in the record and get the
 * record back with _aio_list_entry().
 *
 * A list is NULL-terminated at both ends and knows its tail, so appending
 * (FIFO order, as asyncio's waiter deques) is O(1).  A zero-filled AioList
 * is empty, and a zero-filled AioLink is unlinked.  Not thread-safe: every
 * list belongs to one loop's thread, like its owner.
 */

typedef struct _AioLink AioLink;

struct _AioLink
{
  AioLink *prev;
  AioLink *next;
};

typedef struct
{
  AioLink *head;
  AioLink *tail;
} AioList;

#define _aio_list_entry(link, type, member) \
  ((type *) (void *) ((char *) (link) - G_STRUCT_OFFSET (type, member)))

static inline gboolean
_aio_list_is_empty (const AioList *list)
{
  return list->head == NULL;
}

/* Whether @list holds exactly one element. */
static inline gboolean
_aio_list_is_singular (const AioList *list)
{
  return list->head != NULL && list->head == list->tail;
}

static inline void
_aio_list_append (AioList *list,
                  AioLink *link)
{
  link->next = NULL;
  link->prev = list->tail;
  if (list->tail != NULL)
    list->tail->next = link;
  else
    list->head = link;
  list->tail = link;
}

static inline void
_aio_list_prepend (AioList *list,
                   AioLink *link)
{
  link->prev = NULL;
  link->next = list->head;
  if (list->head != NULL)
    list->head->prev = link;
  else
    list->tail = link;
  list->head = link;
}

/* @link must be in @list. */
static inline void
_aio_list_remove (AioList *list,
                  AioLink *link)
{
  if (link->prev != NULL)
    link->prev->next = link->next;
  else
    list->head = link->next;
  if (link->next != NULL)
    link->next->prev = link->prev;
  else
    list->tail = link->prev;
  link->prev = link->next = NULL;
}

/* Unlinks and returns the first element, or NULL. */
static inline AioLink *
_aio_list_pop_head (AioList *list)
{
  AioLink *link = list->head;

  if (link != NULL)
    _aio_list_remove (list, link);
  return link;
}

/* Takes every element of @list, leaving it empty: the elements stay linked
 * to each other, so the caller walks them with ->next.
 */
static inline AioLink *
_aio_list_steal (AioList *list)
{
  AioLink *head = list->head;

  list->head = list->tail = NULL;
  return head;
}

G_END_DECLS
