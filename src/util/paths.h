/*
 * paths.h - where ipasim finds its own files: the shipped examples
 * (policies/, topologies/, traces/) and the runtime headers that C policies
 * compile against. From a build tree they come from the source tree; once
 * installed, from the prefix the executable sits in, wherever that was
 * moved (PREFIX/bin/ipasim reads PREFIX/share/ipasim and PREFIX/include).
 * IPASIM_DATA_DIR and
 * IPASIM_INCLUDE_DIR in the environment override both.
 */
#ifndef IPA_UTIL_PATHS_H
#define IPA_UTIL_PATHS_H

#include <glib.h>

/* Resolves a user-given file name: @name itself if it exists, else, when
 * @name has no '/', the shipped file @folder/@name. Returns a new string,
 * or NULL when neither exists, with an error naming the @what ("policy")
 * and the shipped files of that name with another extension, or the
 * closest one ("did you mean 'cfs.ipa' or 'cfs.c'?"). */
char *ipa_find_shipped(const char *name, const char *what, const char *folder,
                       GError **error);
/* The shipped files of @folder ("policies"), sorted (new array of new
 * strings). */
GPtrArray *ipa_shipped_list(const char *folder);
/* The folder holding ipasim/runtime.h (new string). */
char *ipa_runtime_include_dir(void);
/* The running executable's path (new string), for the commands that run
 * ipasim again in child processes; NULL with *error when /proc is not
 * there. */
char *ipa_self_exe(GError **error);
/* The folder holding policies/, topologies/, traces/ (new string). */
char *ipa_data_dir(void);

#endif
