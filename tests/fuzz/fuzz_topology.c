/*
 * Fuzzes topology loading: input starting with '<' is hwloc XML, read from
 * memory; anything else is a synthetic description such as
 * "pack:2 core:4 pu:2".
 */
#include "fuzz.h"

#include <string.h>

#include "topo/topo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ipa_topo *t = NULL;
    GError *error = NULL;
    bool ok;
    if (size > 0 && data[0] == '<') {
        ok = ipa_topo_load_xml_buffer("fuzz.xml", (const char *)data, size, &t,
                                      &error);
    } else {
        /* A synthetic string is a C string; names of existing files and
         * "host" would leave the input behind for the file system. */
        if (size > 512 || memchr(data, '\0', size))
            return 0;
        char *spec = g_strndup((const char *)data, size);
        if (strcmp(spec, "host") == 0 ||
            g_file_test(spec, G_FILE_TEST_EXISTS)) {
            g_free(spec);
            return 0;
        }
        ok = ipa_topo_load(spec, &t, &error);
        g_free(spec);
    }
    if (ok)
        ipa_topo_free(t);
    else
        g_clear_error(&error);
    return 0;
}
