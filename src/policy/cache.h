/*
 * cache.h - the compiled-policy cache: a directory only this user can
 * write, whose entries are checked against their recorded content hash
 * before they are used.
 *
 * The directory is $IPASIM_CACHE_DIR, else $XDG_CACHE_HOME/ipasim, else
 * ~/.cache/ipasim, created 0700. One that is a symbolic link, owned by
 * another user, writable by group or others, or that cannot be opened, is
 * not used: a warning, and the run uses a private temporary directory,
 * removed at exit. Every entry is opened relative to the directory as it
 * was checked (openat, O_NOFOLLOW), and a compiled object is stored with
 * the SHA-256 of its bytes beside it (NAME.sha256); both are written under
 * exclusive temporary names and renamed into place.
 */
#ifndef IPA_POLICY_CACHE_H
#define IPA_POLICY_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

struct ipa_cache {
    char *path; /* the directory in use: the asked-for one or a private one */
    int fd;     /* that directory as checked: entries are opened through it */
};

/* The cache for this run, opened and checked once per asked-for
 * directory (the warning for an unsafe one is printed once). Fails only
 * when no private directory can be made either. */
const struct ipa_cache *ipa_cache_open(GError **error);

/* Opens entry @name for loading: a regular file of this user's, not
 * writable by others, whose bytes hash to the sum recorded beside it.
 * Returns its descriptor (positioned anywhere), or -1: *damage is NULL
 * when there is no such entry, else says what is wrong with it (free it). */
int ipa_cache_entry_open(const struct ipa_cache *cache, const char *name,
                         char **damage);

/* Creates an empty file under a fresh name beside @name, exclusively, for
 * a compiler to write into; returns that name (relative to the cache). */
char *ipa_cache_reserve(const struct ipa_cache *cache, const char *name,
                        GError **error);

/* Turns the object written at @tmp_name (from ipa_cache_reserve) into
 * entry @name: hashes it, records the hash, renames both into place.
 * Returns the descriptor whose bytes were hashed, or -1 (@tmp_name is
 * removed either way). */
int ipa_cache_entry_seal(const struct ipa_cache *cache, const char *tmp_name,
                         const char *name, GError **error);

/* Writes @data as file @name of the cache (exclusive temporary, then
 * rename): a reader sees the old file or the new one, never a part. */
bool ipa_cache_write(const struct ipa_cache *cache, const char *name,
                     const char *data, size_t len, GError **error);

#endif
