/* list.h: the intrusive doubly linked list every part of jsfpm uses.
 *
 * A list is a circular chain of struct list links through a head: an empty
 * list's head points at itself both ways, so no operation has a special
 * case and every one is O(1) but the walks.  An element embeds a struct
 * list and list_entry gets from the link back to the element (libuv's
 * queue.h, the Linux kernel's list_head).  An element belongs to at most
 * one list per link it embeds; list_remove leaves the link pointing at
 * itself, so list_linked tells whether it is in a list.  Nothing here
 * allocates; the lists are not thread-safe (the caller locks).
 */
#ifndef JSFPM_LIST_H
#define JSFPM_LIST_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>

struct list {
  struct list *prev; /* the last element, for a head */
  struct list *next; /* the first element, for a head */
};

/* Makes L an empty list (a head), or an unlinked link. */
static inline void list_init(struct list *l) { l->prev = l->next = l; }

static inline bool list_empty(const struct list *head) { return head->next == head; }

/* Whether LINK is in a list (list_init'ed links and removed ones are not). */
static inline bool list_linked(const struct list *link) { return link->next != link; }

/* Inserts LINK (not in a list) between PREV and NEXT, which are neighbours:
 * a link inserted twice leaves its first list pointing at the second,
 * which the next insertion next to it finds. */
static inline void list_insert_between(struct list *link, struct list *prev, struct list *next) {
  assert(prev->next == next && next->prev == prev);
  link->prev = prev;
  link->next = next;
  prev->next = link;
  next->prev = link;
}

/* Inserts LINK as the first / the last element of HEAD. */
static inline void list_push_front(struct list *head, struct list *link) {
  list_insert_between(link, head, head->next);
}
static inline void list_push_back(struct list *head, struct list *link) {
  list_insert_between(link, head->prev, head);
}

/* Takes LINK out of its list; it is then unlinked (list_linked false). */
static inline void list_remove(struct list *link) {
  assert(link->prev->next == link && link->next->prev == link);
  link->prev->next = link->next;
  link->next->prev = link->prev;
  list_init(link);
}

/* The first / the last link of HEAD, or NULL when it is empty. */
static inline struct list *list_first(const struct list *head) {
  return list_empty(head) ? NULL : head->next;
}
static inline struct list *list_last(const struct list *head) { return list_empty(head) ? NULL : head->prev; }

/* The element of type TYPE whose member MEMBER is the link LINK. */
#define list_entry(link, type, member) ((type *)(void *)((char *)(link)-offsetof(type, member)))

/* Walks the links of HEAD in order; LINK must not be removed meanwhile. */
#define list_foreach(link, head) for ((link) = (head)->next; (link) != (head); (link) = (link)->next)

/* Walks the links of HEAD in order; the current LINK may be removed (or
 * its element freed).  NEXT is scratch. */
#define list_foreach_safe(link, next, head)                                                                  \
  for ((link) = (head)->next, (next) = (link)->next; (link) != (head); (link) = (next), (next) = (link)->next)

#endif
