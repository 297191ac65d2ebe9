/*
 * outfile.h - output files that are safe on a shared machine
 * (docs/robustness.md, "Output files"). A file is written under a fresh
 * temporary name in its own directory, created exclusively (O_EXCL: a
 * planted symlink or file at that name is never followed or reused), and
 * renamed over its name once complete: readers see the old file or the
 * whole new one, and a failed write leaves nothing behind. And the files a
 * command writes are checked, before it does any work, not to name its
 * inputs or each other.
 */
#ifndef IPA_UTIL_OUTFILE_H
#define IPA_UTIL_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <glib.h>

/* An output file being written through @f. */
struct ipa_outfile {
    char *path; /* its name, as given */
    char *tmp;  /* the temporary file @f writes, beside @path */
    FILE *f;
};

/* Creates the temporary file of @path. Its mode is that of the file it
 * will replace, or 0666 less the umask for a new file. False (with
 * *error, "cannot write PATH: why") when @path is a directory or its
 * directory does not take new files. */
bool ipa_outfile_open(struct ipa_outfile *o, const char *path, GError **error);
/* Closes the file and renames it over its name; on any error (a write
 * that failed earlier included) removes it instead and returns false
 * with *error. Frees @o in both cases. */
bool ipa_outfile_commit(struct ipa_outfile *o, GError **error);
/* Removes the temporary file and frees @o; does nothing on a zeroed or
 * committed @o, so it may end every path. */
void ipa_outfile_discard(struct ipa_outfile *o);

/* Writes @len bytes of @data as the file @path, as above. */
bool ipa_write_file(const char *path, const char *data, size_t len,
                    GError **error);

/* A file a command names: @what says what it is in messages ("--json",
 * "the trace"); a NULL @path is skipped. */
struct ipa_named_file {
    const char *what, *path;
};

/* False (with *error, IPA_ERROR_INPUT) when one of @outputs names an
 * input or another output: the same device and inode when the file
 * exists, else the same normalised path (symlinks of the directories
 * resolved). Inputs that do not exist are skipped, so that arguments
 * that may not be files (a synthetic topology) can be passed as given. */
bool ipa_check_outputs(const struct ipa_named_file *outputs, int nr_outputs,
                       const struct ipa_named_file *inputs, int nr_inputs,
                       GError **error);

#endif
