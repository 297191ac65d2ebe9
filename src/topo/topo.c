#include "topo/topo.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hwloc.h>

#include "util/common.h"
#include "util/cpuset.h"
#include "util/input.h"

/* Time hwloc gets to read an XML topology; the largest real ones take
 * well under a second. */
#define XML_SECONDS 10

/* Beyond this the n*n distance table (64 MiB at the cap) stops being cheap. */
#define MAX_CORES 8192

/* Scratch state of one load; everything here dies with it. */
struct loader {
    hwloc_topology_t h;
    struct ipa_topo *t;
    hwloc_obj_t *pus;       /* [nr_cores] */
    hwloc_obj_t *node_objs; /* [nr_nodes] NUMA node objects holding cores */
    int max_depth;          /* hwloc_topology_get_depth() */
    /* Cross-node distances as node-pair ranks before the offset that puts
     * them above the intra-node ranks: [nr_nodes * nr_nodes]. */
    int *node_rank;
    int nr_node_ranks;
    GPtrArray *node_labels; /* label of each node-pair rank */
};

static void set_input_error(GError **error, const char *spec, const char *what)
{
    g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT, "topology '%s': %s", spec,
                what);
}

/*
 * Upper bound on the PUs a synthetic description makes: the product of the
 * "type:count" (or bare "count") arities of its CPU levels ("[numa...]"
 * memory levels and "(attributes)" aside). hwloc would spend minutes building
 * "pack:1000 core:1000 pu:100" before the core cap could reject it.
 */
static uint64_t synthetic_pus(const char *spec)
{
    uint64_t product = 1;
    char **tokens = g_strsplit_set(spec, " \t\n", -1);
    for (char **tok = tokens; *tok; tok++) {
        const char *colon = strchr(*tok, ':');
        const char *paren = strchr(*tok, '(');
        if ((*tok)[0] == '[' || (colon && paren && paren < colon))
            continue;
        /* "core:8", or a bare "8" (hwloc's older form) */
        uint64_t n = 0;
        for (const char *p = colon ? colon + 1 : *tok; *p >= '0' && *p <= '9';
             p++)
            n = MIN(n * 10 + (uint64_t)(*p - '0'), (uint64_t)1 << 32);
        if (n > 0)
            product = MIN(product * n, (uint64_t)1 << 32);
    }
    g_strfreev(tokens);
    return product;
}

/*
 * Why hwloc refused a synthetic description, for the message: hwloc itself
 * only says no. Checks each "type:count" word (memory "[...]" words and
 * "(attributes)" aside); NULL when every word looks fine, as when the
 * levels are merely in the wrong order.
 */
static char *synthetic_problem(const char *spec)
{
    char *why = NULL;
    char **tokens = g_strsplit_set(spec, " \t\n", -1);
    int word = 0;
    for (char **tok = tokens; *tok && !why; tok++) {
        if (!**tok)
            continue;
        word++;
        if ((*tok)[0] == '[' || (*tok)[0] == '(')
            continue;
        char *w = g_strndup(*tok, strcspn(*tok, "("));
        char *colon = strchr(w, ':');
        if (!colon) {
            if (w[strspn(w, "0123456789")] != '\0' || !*w)
                why = g_strdup_printf("word %d '%s' is not TYPE:COUNT (such "
                                      "as 'core:4')",
                                      word, *tok);
        } else {
            *colon = '\0';
            hwloc_obj_type_t type;
            union hwloc_obj_attr_u attr;
            const char *count = colon + 1;
            if (hwloc_type_sscanf(w, &type, &attr, sizeof attr) < 0)
                why = g_strdup_printf("word %d '%s': unknown object type "
                                      "'%s'",
                                      word, *tok, w);
            else if (!*count || count[strspn(count, "0123456789")] ||
                     strtoull(count, NULL, 10) == 0)
                why = g_strdup_printf("word %d '%s': expected a count of at "
                                      "least 1 after ':'",
                                      word, *tok);
        }
        g_free(w);
    }
    g_strfreev(tokens);
    return why;
}

/*
 * Checks XML before hwloc reads it: well-formedness (with line:col, which
 * hwloc never gives: GMarkup reads the subset of XML that hwloc writes), the
 * root element, and what hwloc 2.9 trusts without checking: an object with
 * a cpuset (nodeset) must have a complete_cpuset (complete_nodeset), or
 * hwloc_topology_load() dereferences NULL (found by fuzzing,
 * tests/fuzz/regressions/topology/). NULL when fine, else why not.
 */
struct xml_scan {
    char *root; /* name of the first element */
};

static void check_element(GMarkupParseContext *ctx, const char *element,
                          const char **names, const char **values,
                          gpointer data, GError **error)
{
    struct xml_scan *scan = data;
    (void)ctx;
    if (!scan->root)
        scan->root = g_strdup(element);
    if (strcmp(element, "object") != 0)
        return;
    static const char *const sets[] = {"cpuset", "nodeset"};
    const char *type = "?";
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], "type") == 0)
            type = values[i];
    for (int k = 0; k < 2; k++) {
        bool set = false, complete = false;
        for (int i = 0; names[i]; i++) {
            set |= strcmp(names[i], sets[k]) == 0;
            complete |= g_str_has_prefix(names[i], "complete_") &&
                        strcmp(names[i] + 9, sets[k]) == 0;
        }
        if (set && !complete) {
            g_set_error(error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                        "object of type %s has a %s but no complete_%s", type,
                        sets[k], sets[k]);
            return;
        }
    }
}

static char *xml_problem(const char *xml, size_t len)
{
    GMarkupParser parser = {.start_element = check_element};
    struct xml_scan scan = {0};
    GMarkupParseContext *ctx =
        g_markup_parse_context_new(&parser, 0, &scan, NULL);
    GError *error = NULL;
    char *why = NULL;
    if (!g_markup_parse_context_parse(ctx, xml, (gssize)len, &error) ||
        !g_markup_parse_context_end_parse(ctx, &error)) {
        int line = 0, col = 0;
        g_markup_parse_context_get_position(ctx, &line, &col);
        /* GMarkup's syntax errors start with "Error on line N char M: " */
        const char *what = error->message;
        const char *sep = g_str_has_prefix(what, "Error on line ")
                              ? strstr(what, ": ")
                              : NULL;
        why = g_strdup_printf("%d:%d: %s%s", line, col,
                              error->domain == G_MARKUP_ERROR &&
                                      error->code ==
                                          G_MARKUP_ERROR_INVALID_CONTENT
                                  ? ""
                                  : "not well-formed XML: ",
                              sep ? sep + 2 : what);
        g_error_free(error);
    } else if (!scan.root) {
        /* GMarkup takes a document of comments and declarations only */
        why = g_strdup("no element at all: not an hwloc XML topology");
    } else if (strcmp(scan.root, "topology") != 0) {
        why = g_strdup_printf("the root element is <%s>, not <topology>: "
                              "not an hwloc XML topology",
                              scan.root);
    }
    g_markup_parse_context_free(ctx);
    g_free(scan.root);
    return why;
}

/* hwloc refused XML that passed xml_problem(). */
#define HWLOC_REFUSED                                                          \
    "hwloc could not load it as XML: an inconsistent hwloc topology "         \
    "(missing PUs or cpusets, unknown object types, ...)"

/* The simulator needs CPUs, caches and NUMA nodes only. */
static void set_filters(hwloc_topology_t h)
{
    hwloc_topology_set_io_types_filter(h, HWLOC_TYPE_FILTER_KEEP_NONE);
    hwloc_topology_set_type_filter(h, HWLOC_OBJ_MISC,
                                   HWLOC_TYPE_FILTER_KEEP_NONE);
}

/* A fresh hwloc topology keeping only what the simulator needs. */
static bool new_hwloc(const char *spec, hwloc_topology_t *out, GError **error)
{
    hwloc_topology_t h = NULL;
    if (hwloc_topology_init(&h) < 0) {
        set_input_error(error, spec, "hwloc could not initialise");
        return false;
    }
    set_filters(h);
    *out = h;
    return true;
}

/* A sanitizer's hook, present only in sanitized builds: a fuzzer's death
 * callback must not run in the child below. */
extern void __sanitizer_set_death_callback(void (*callback)(void))
    __attribute__((weak));

/*
 * hwloc 2.9's XML importer trusts its input: fuzzing found files that make
 * hwloc_topology_load() dereference NULL or free twice
 * (tests/fuzz/regressions/topology/). So a child process loads @xml first
 * and hands back hwloc's own export of what it built, which this process
 * then loads: a crash or a hang takes down the child only. Returns NULL
 * and sets @clean, or why not.
 */
static char *load_in_child(const char *xml, size_t len, GString **clean)
{
    enum { REFUSED = 3 };
    int fds[2];
    if (pipe(fds) < 0)
        return g_strdup_printf("cannot create a pipe: %s", g_strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return g_strdup_printf("cannot fork: %s", g_strerror(errno));
    }
    if (pid == 0) {
        hwloc_topology_t c = NULL;
        char *buf = NULL;
        int buflen = 0;
        char *copy = g_malloc(len + 1);
        if (__sanitizer_set_death_callback)
            __sanitizer_set_death_callback(NULL);
        /* The child must die of what hwloc does, for the parent to name
         * it: a handler inherited from the parent (libFuzzer's, which
         * reported hwloc's failed asserts as ipasim crashes, in
         * tests/fuzz/regressions/topology/crash-hwloc-assert-abort) would
         * run in its place. Some files make hwloc loop for minutes:
         * SIGALRM ends it. */
        static const int fatal[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE,
                                    SIGILL, SIGALRM};
        for (size_t i = 0; i < G_N_ELEMENTS(fatal); i++)
            signal(fatal[i], SIG_DFL);
        alarm(XML_SECONDS);
        close(fds[0]);
        memcpy(copy, xml, len);
        copy[len] = '\0';
        /* hwloc wants the size to count a terminating NUL (its own parser
         * runs string functions over the buffer) */
        /* REFUSED: hwloc said no; any other failure is a crash (a
         * sanitizer exits with 1) */
        if (hwloc_topology_init(&c) < 0)
            _exit(REFUSED);
        set_filters(c);
        if (hwloc_topology_set_xmlbuffer(c, copy, (int)len + 1) < 0 ||
            hwloc_topology_load(c) < 0 ||
            hwloc_topology_export_xmlbuffer(c, &buf, &buflen, 0) < 0)
            _exit(REFUSED);
        for (int done = 0; done < buflen - 1;) {
            ssize_t n = write(fds[1], buf + done, (size_t)(buflen - 1 - done));
            if (n < 0 && errno != EINTR)
                _exit(REFUSED);
            done += n > 0 ? (int)n : 0;
        }
        _exit(0);
    }
    close(fds[1]);
    GString *out = g_string_new(NULL);
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fds[0], chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        g_string_append_len(out, chunk, n);
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    char *why = NULL;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        why = g_strdup_printf("hwloc did not finish reading it in %d s: an "
                              "inconsistent hwloc topology",
                              XML_SECONDS);
    else if (WIFSIGNALED(status))
        why = g_strdup_printf("hwloc crashed reading it (%s): an "
                              "inconsistent hwloc topology",
                              strsignal(WTERMSIG(status)));
    else if (WIFEXITED(status) && WEXITSTATUS(status) == REFUSED)
        why = g_strdup(HWLOC_REFUSED);
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        why = g_strdup_printf("hwloc crashed reading it (exit status %d): "
                              "an inconsistent hwloc topology",
                              WEXITSTATUS(status));
    if (why)
        g_string_free(out, TRUE);
    else
        *clean = out;
    return why;
}

/* Loads XML into @h through the checks above; NULL, or why it failed. */
static char *load_xml(hwloc_topology_t h, const char *xml, size_t len)
{
    GString *clean = NULL;
    char *why = xml_problem(xml, len);
    if (!why)
        why = load_in_child(xml, len, &clean);
    if (!why) {
        if (hwloc_topology_set_xmlbuffer(h, clean->str,
                                         (int)clean->len + 1) < 0 ||
            hwloc_topology_load(h) < 0)
            why = g_strdup(HWLOC_REFUSED);
        g_string_free(clean, TRUE);
    }
    return why;
}

/* Brings up the hwloc topology from @spec; the error names the input.
 * @synthetic is @spec without ipasim's own words, for hwloc. */
static bool open_hwloc(const char *spec, const char *synthetic,
                       hwloc_topology_t *out, GError **error)
{
    hwloc_topology_t h = NULL;
    if (!new_hwloc(spec, &h, error))
        return false;

    if (g_file_test(spec, G_FILE_TEST_EXISTS)) {
        if (g_file_test(spec, G_FILE_TEST_IS_DIR)) {
            set_input_error(error, spec,
                            "is a directory, not an hwloc XML file");
            goto fail;
        }
        char *text = NULL;
        size_t len = 0;
        if (!ipa_input_read("topology", spec, IPA_INPUT_FILE, &text, &len,
                            error))
            goto fail;
        char *why = load_xml(h, text, len);
        g_free(text);
        if (why) {
            set_input_error(error, spec, why);
            g_free(why);
            goto fail;
        }
    } else if (strcmp(spec, "host") == 0) {
        if (hwloc_topology_load(h) < 0) {
            set_input_error(error, spec, "hwloc could not probe this machine");
            goto fail;
        }
    } else {
        /* A missing XML file is the likelier mistake than a typo in a
         * synthetic string that happens to end in .xml. */
        if (g_str_has_suffix(spec, ".xml") || strchr(spec, '/')) {
            set_input_error(error, spec, "no such file");
            goto fail;
        }
        if (synthetic_pus(synthetic) > MAX_CORES) {
            char *why = g_strdup_printf("describes more than %d PUs, the most "
                                        "ipasim supports",
                                        MAX_CORES);
            set_input_error(error, spec, why);
            g_free(why);
            goto fail;
        }
        if (hwloc_topology_set_synthetic(h, synthetic) < 0 ||
            hwloc_topology_load(h) < 0) {
            char *problem = synthetic_problem(synthetic);
            char *why = g_strdup_printf("not a file and not a valid hwloc "
                                        "synthetic description%s%s",
                                        problem ? ": " : "",
                                        problem ? problem : "");
            set_input_error(error, spec, why);
            g_free(why);
            g_free(problem);
            goto fail;
        }
    }
    *out = h;
    return true;
fail:
    hwloc_topology_destroy(h);
    return false;
}

/*
 * Each PU's NUMA node: the first node (logical order) whose cpuset holds it,
 * so that on machines with several nodes per PU (DDR + MCDRAM, CXL) a core
 * belongs to its ordinary memory. Only nodes that end up holding cores are
 * numbered; PUs no node covers go to node 0.
 */
static void assign_nodes(struct loader *l)
{
    struct ipa_topo *t = l->t;
    int nr_numa = hwloc_get_nbobjs_by_type(l->h, HWLOC_OBJ_NUMANODE);
    int *compact = g_new(int, nr_numa > 0 ? nr_numa : 1);
    int *which = g_new(int, t->nr_cores);
    for (int n = 0; n < nr_numa; n++)
        compact[n] = -1;
    for (int i = 0; i < t->nr_cores; i++) {
        which[i] = -1;
        for (int n = 0; n < nr_numa; n++) {
            hwloc_obj_t node =
                hwloc_get_obj_by_type(l->h, HWLOC_OBJ_NUMANODE, (unsigned)n);
            if (node->cpuset &&
                hwloc_bitmap_isset(node->cpuset, l->pus[i]->os_index)) {
                which[i] = n;
                compact[n] = 0;
                break;
            }
        }
    }
    t->nr_nodes = 0;
    l->node_objs = g_new0(hwloc_obj_t, nr_numa > 0 ? nr_numa : 1);
    for (int n = 0; n < nr_numa; n++)
        if (compact[n] == 0) {
            l->node_objs[t->nr_nodes] =
                hwloc_get_obj_by_type(l->h, HWLOC_OBJ_NUMANODE, (unsigned)n);
            compact[n] = t->nr_nodes++;
        }
    if (t->nr_nodes == 0)
        t->nr_nodes = 1;
    for (int i = 0; i < t->nr_cores; i++)
        t->node[i] = which[i] < 0 ? 0 : compact[which[i]];
    g_free(which);
    g_free(compact);
}

/* Label of the distance rank whose pairs meet at @obj: "smt" when they
 * share a core, "L2" for a shared L2, "package", "group0", ... */
static char *label_of(hwloc_obj_t obj)
{
    char buf[64];
    switch (obj->type) {
    case HWLOC_OBJ_CORE:
        return g_strdup("smt");
    case HWLOC_OBJ_PU:
        return g_strdup("core");
    case HWLOC_OBJ_GROUP:
        return g_strdup_printf("group%u", obj->attr->group.depth);
    default:
        break;
    }
    if (hwloc_obj_type_is_cache(obj->type)) {
        hwloc_obj_type_snprintf(buf, sizeof(buf), obj, 0);
        return g_strdup(buf);
    }
    return g_ascii_strdown(hwloc_obj_type_string(obj->type), -1);
}

/*
 * Complete-linkage clustering of the nodes on @m (symmetric, nr*nr): merge
 * the two closest clusters (ties: lowest cluster indices), where a
 * cluster's distance to another is the largest distance between their
 * members. Fills height[x*nr+y] with the merge height that joins x and y.
 * Heights never decrease from one merge to the next, so they form an
 * ultrametric over the nodes.
 */
static void complete_linkage(const uint64_t *m, int nr, uint64_t *height)
{
    uint64_t *d = g_memdup2(m, sizeof(uint64_t) * (size_t)nr * (size_t)nr);
    int *cluster = g_new(int, nr); /* node -> slot (its lowest member) */
    bool *alive = g_new(bool, nr);
    for (int i = 0; i < nr; i++) {
        cluster[i] = i;
        alive[i] = true;
    }
    for (int step = 1; step < nr; step++) {
        int bi = -1, bj = -1;
        for (int i = 0; i < nr; i++) {
            if (!alive[i])
                continue;
            for (int j = i + 1; j < nr; j++)
                if (alive[j] && (bi < 0 || d[i * nr + j] < d[bi * nr + bj])) {
                    bi = i;
                    bj = j;
                }
        }
        uint64_t hgt = d[bi * nr + bj];
        for (int x = 0; x < nr; x++) {
            if (cluster[x] != bi)
                continue;
            for (int y = 0; y < nr; y++)
                if (cluster[y] == bj)
                    height[x * nr + y] = height[y * nr + x] = hgt;
        }
        for (int y = 0; y < nr; y++)
            if (cluster[y] == bj)
                cluster[y] = bi;
        alive[bj] = false;
        for (int k = 0; k < nr; k++) {
            uint64_t v = MAX(d[bi * nr + k], d[bj * nr + k]);
            d[bi * nr + k] = d[k * nr + bi] = v;
        }
    }
    for (int i = 0; i < nr; i++)
        height[i * nr + i] = 0;
    g_free(alive);
    g_free(cluster);
    g_free(d);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The first NUMA latency matrix that covers every node holding cores,
 * copied into numa_matrix and clustered into node-pair ranks. */
static bool rank_nodes_by_matrix(struct loader *l)
{
    struct ipa_topo *t = l->t;
    int nr = t->nr_nodes;
    size_t nn = (size_t)nr * (size_t)nr;
    unsigned count = 0;
    bool found = false;
    if (hwloc_distances_get_by_type(l->h, HWLOC_OBJ_NUMANODE, &count, NULL,
                                    HWLOC_DISTANCES_KIND_MEANS_LATENCY,
                                    0) < 0 ||
        count == 0)
        return false;
    struct hwloc_distances_s **all = g_new0(struct hwloc_distances_s *, count);
    if (hwloc_distances_get_by_type(l->h, HWLOC_OBJ_NUMANODE, &count, all,
                                    HWLOC_DISTANCES_KIND_MEANS_LATENCY,
                                    0) < 0) {
        g_free(all);
        return false;
    }
    int *pos = g_new(int, nr);
    for (unsigned k = 0; k < count && !found; k++) {
        struct hwloc_distances_s *ds = all[k];
        found = true;
        for (int n = 0; n < nr && found; n++) {
            pos[n] = -1;
            for (unsigned o = 0; o < ds->nbobjs; o++)
                if (ds->objs[o] == l->node_objs[n])
                    pos[n] = (int)o;
            found = pos[n] >= 0;
        }
        if (!found)
            continue;
        uint64_t *m = g_new(uint64_t, nn);
        t->numa_matrix = g_new(int, nn);
        for (int x = 0; x < nr; x++)
            for (int y = 0; y < nr; y++) {
                uint64_t v =
                    ds->values[(size_t)pos[x] * ds->nbobjs + (size_t)pos[y]];
                uint64_t w =
                    ds->values[(size_t)pos[y] * ds->nbobjs + (size_t)pos[x]];
                t->numa_matrix[x * nr + y] = v > INT_MAX ? INT_MAX : (int)v;
                /* An asymmetric matrix is read as its worse direction. */
                m[x * nr + y] = MAX(v, w);
            }
        uint64_t *height = g_new(uint64_t, nn);
        complete_linkage(m, nr, height);
        /* Distinct heights of off-diagonal pairs, ascending, are the ranks. */
        GArray *levels =
            g_array_sized_new(FALSE, FALSE, sizeof(uint64_t), (guint)nn);
        for (int x = 0; x < nr; x++)
            for (int y = 0; y < nr; y++)
                if (x != y)
                    g_array_append_val(levels, height[x * nr + y]);
        g_array_sort(levels, cmp_u64);
        guint w = 0;
        for (guint i = 0; i < levels->len; i++)
            if (w == 0 || g_array_index(levels, uint64_t, w - 1) !=
                              g_array_index(levels, uint64_t, i))
                g_array_index(levels, uint64_t, w++) =
                    g_array_index(levels, uint64_t, i);
        g_array_set_size(levels, w);
        for (int x = 0; x < nr; x++)
            for (int y = 0; y < nr; y++) {
                guint lo = 0, hi = levels->len;
                while (x != y && hi - lo > 1) {
                    guint mid = (lo + hi) / 2;
                    if (g_array_index(levels, uint64_t, mid) <=
                        height[x * nr + y])
                        lo = mid;
                    else
                        hi = mid;
                }
                l->node_rank[x * nr + y] = x == y ? 0 : (int)lo;
            }
        l->nr_node_ranks = (int)levels->len;
        for (guint i = 0; i < levels->len && i < 256; i++)
            g_ptr_array_add(
                l->node_labels,
                g_strdup_printf("numa:%" G_GUINT64_FORMAT,
                                g_array_index(levels, uint64_t, i)));
        g_array_free(levels, TRUE);
        g_free(height);
        g_free(m);
    }
    for (unsigned k = 0; k < count; k++)
        hwloc_distances_release(l->h, all[k]);
    g_free(pos);
    g_free(all);
    return found;
}

/*
 * Deepest common ancestor of @a and @b in the CPU tree. Depth is the level,
 * and a parent may be several levels up (a package straight under the
 * machine, beside groups), so only the deeper of the two steps up: stepping
 * both at once could pass the ancestor and run off the root (found by
 * fuzzing, tests/fuzz/regressions/topology/crash-skipped-level-ancestor).
 */
static hwloc_obj_t common_ancestor(hwloc_obj_t a, hwloc_obj_t b)
{
    while (a != b) {
        if (a->depth >= b->depth)
            a = a->parent;
        else
            b = b->parent;
    }
    return a;
}

/*
 * Without a matrix, two nodes are as far apart as the smallest object of
 * the CPU tree that covers the cores of both: a deeper object is closer.
 * Objects covering a common core are nested, which makes this ultrametric.
 * That object is the common ancestor of the objects covering each node, so
 * hwloc's covering search runs once per node, not once per pair: per pair,
 * "888 8" (888 nodes) kept the loader busy for over 25 s (found by
 * fuzzing, tests/fuzz/regressions/topology/timeout-many-numa-nodes).
 */
static void rank_nodes_by_tree(struct loader *l)
{
    struct ipa_topo *t = l->t;
    int nr = t->nr_nodes;
    hwloc_bitmap_t *sets = g_new(hwloc_bitmap_t, nr);
    for (int n = 0; n < nr; n++)
        sets[n] = hwloc_bitmap_alloc();
    for (int i = 0; i < t->nr_cores; i++)
        hwloc_bitmap_set(sets[t->node[i]], l->pus[i]->os_index);
    hwloc_obj_t *cover = g_new(hwloc_obj_t, nr);
    for (int n = 0; n < nr; n++) {
        cover[n] = hwloc_get_obj_covering_cpuset(l->h, sets[n]);
        if (!cover[n])
            cover[n] = hwloc_get_root_obj(l->h);
        hwloc_bitmap_free(sets[n]);
    }
    g_free(sets);
    bool *used = g_new0(bool, l->max_depth + 1);
    hwloc_obj_t *by_depth = g_new0(hwloc_obj_t, l->max_depth + 1);
    /* node_rank holds each pair's depth until the depths are ranked. */
    for (int x = 0; x < nr; x++)
        for (int y = x + 1; y < nr; y++) {
            hwloc_obj_t o = common_ancestor(cover[x], cover[y]);
            l->node_rank[x * nr + y] = l->node_rank[y * nr + x] = o->depth;
            used[o->depth] = true;
            by_depth[o->depth] = o;
        }
    int *rank_of_depth = g_new(int, l->max_depth + 1);
    l->nr_node_ranks = 0;
    for (int d = l->max_depth; d >= 0; d--)
        if (used[d]) {
            rank_of_depth[d] = l->nr_node_ranks++;
            g_ptr_array_add(l->node_labels, label_of(by_depth[d]));
        }
    for (int x = 0; x < nr; x++)
        for (int y = 0; y < nr; y++)
            l->node_rank[x * nr + y] =
                x == y ? 0 : rank_of_depth[l->node_rank[x * nr + y]];
    g_free(rank_of_depth);
    g_free(by_depth);
    g_free(used);
    g_free(cover);
}

/*
 * Fills t->dist. Pairs inside a node are ranked by the depth of their
 * deepest common ancestor in the CPU tree, deepest first, keeping only
 * depths some pair has; pairs across nodes come above them, ranked by
 * node pair. Both parts are ultrametric and every cross-node rank exceeds
 * every intra-node one, so the whole is too.
 */
static bool compute_distances(struct loader *l, GError **error)
{
    struct ipa_topo *t = l->t;
    int n = t->nr_cores, dmax = l->max_depth;
    /* Ancestor chains from the root down, one row of dmax per PU. */
    hwloc_obj_t *chain = g_new0(hwloc_obj_t, (size_t)n * dmax);
    int *len = g_new(int, n);
    for (int i = 0; i < n; i++) {
        int k = 0;
        for (hwloc_obj_t o = l->pus[i]; o; o = o->parent)
            k++;
        IPA_ASSERT(k <= dmax, "PU deeper than the topology");
        len[i] = k;
        for (hwloc_obj_t o = l->pus[i]; o; o = o->parent)
            chain[(size_t)i * dmax + --k] = o;
    }
    /* Pass 1: depth of each intra-node pair's common ancestor, kept in
     * dist for now (depths are < 256 as hwloc trees go; checked). */
    bool *used = g_new0(bool, dmax + 1);
    hwloc_obj_t *by_depth = g_new0(hwloc_obj_t, dmax + 1);
    bool ok = dmax < 255;
    if (!ok) {
        set_input_error(error, t->source, "hwloc tree too deep");
        goto out;
    }
    for (int a = 0; a < n; a++)
        for (int b = a + 1; b < n; b++) {
            if (t->node[a] != t->node[b])
                continue;
            const hwloc_obj_t *ca = chain + (size_t)a * dmax;
            const hwloc_obj_t *cb = chain + (size_t)b * dmax;
            int k = 0, m = MIN(len[a], len[b]);
            while (k < m && ca[k] == cb[k])
                k++;
            IPA_ASSERT(k > 0, "PUs without a common root");
            hwloc_obj_t lca = ca[k - 1];
            used[lca->depth] = true;
            by_depth[lca->depth] = lca;
            t->dist[(size_t)a * n + b] = (uint8_t)lca->depth;
        }
    int *rank_of_depth = g_new0(int, dmax + 1);
    int nr_intra = 0;
    for (int d = dmax; d >= 0; d--)
        if (used[d])
            rank_of_depth[d] = ++nr_intra;

    l->node_rank = g_new0(int, (size_t)t->nr_nodes * t->nr_nodes);
    l->node_labels = g_ptr_array_new_with_free_func(g_free);
    if (t->nr_nodes > 1 && !rank_nodes_by_matrix(l))
        rank_nodes_by_tree(l);

    t->nr_distances = 1 + nr_intra + l->nr_node_ranks;
    if (t->nr_distances > 255) {
        set_input_error(error, t->source,
                        "more than 255 distinct distances between cores");
        ok = false;
        g_free(rank_of_depth);
        goto out;
    }
    for (int a = 0; a < n; a++) {
        t->dist[(size_t)a * n + a] = 0;
        for (int b = a + 1; b < n; b++) {
            int r;
            if (t->node[a] == t->node[b])
                r = rank_of_depth[t->dist[(size_t)a * n + b]];
            else
                r = 1 + nr_intra +
                    l->node_rank[t->node[a] * t->nr_nodes + t->node[b]];
            t->dist[(size_t)a * n + b] = t->dist[(size_t)b * n + a] =
                (uint8_t)r;
        }
    }

    t->distance_names = g_new0(char *, t->nr_distances + 1);
    t->distance_names[0] = g_strdup("core");
    for (int d = dmax; d >= 0; d--) {
        if (!used[d])
            continue;
        int r = rank_of_depth[d];
        /* The widest level inside a node is the node itself, the name a
         * scheduler cares about once there are several nodes. */
        if (t->nr_nodes > 1 && r == nr_intra)
            t->distance_names[r] = g_strdup("node");
        else
            t->distance_names[r] = label_of(by_depth[d]);
    }
    for (int i = 0; i < l->nr_node_ranks; i++)
        t->distance_names[1 + nr_intra + i] =
            g_strdup(g_ptr_array_index(l->node_labels, i));
    g_free(rank_of_depth);
out:
    g_free(by_depth);
    g_free(used);
    g_free(len);
    g_free(chain);
    return ok;
}

/* A kind's info attribute @name as a positive number, or 0. */
static uint64_t kind_number(const struct hwloc_info_s *infos, unsigned nr,
                            const char *name)
{
    for (unsigned i = 0; i < nr; i++)
        if (!strcmp(infos[i].name, name)) {
            char *end = NULL;
            guint64 v = g_ascii_strtoull(infos[i].value, &end, 10);
            return end && end != infos[i].value && !*end ? v : 0;
        }
    return 0;
}

static bool kind_is_atom(const struct hwloc_info_s *infos, unsigned nr)
{
    for (unsigned i = 0; i < nr; i++)
        if (!strcmp(infos[i].name, "CoreType"))
            return !strcmp(infos[i].value, "IntelAtom");
    return false;
}

/* @v of @max, on the capacity scale: rounded to nearest, at least 1. */
static int scaled_capacity(uint64_t v, uint64_t max)
{
    uint64_t c = (v * IPA_CAPACITY_SCALE + max / 2) / max;
    return (int)CLAMP(c, 1, IPA_CAPACITY_SCALE);
}

/*
 * Core capacities from hwloc's CPU kinds, by the first rule every kind
 * satisfies (docs/topologies.md, "Core capacity"):
 *   1. a LinuxCapacity info (hwloc's Linux backend copies sysfs
 *      cpu_capacity there): Linux's own numbers, the largest made 1024;
 *   2. an efficiency (hwloc's ranking 0..n-1, least efficient first):
 *      the kind of rank r gets 1024 * (r + 1) / n, as hwloc says only
 *      the order, not by how much;
 *   3. a FrequencyMaxMHz info: proportional to it;
 *   4. some CoreType info is IntelAtom: those kinds 512, the others 1024.
 * Otherwise, and for PUs no kind holds, 1024.
 */
static void read_capacities(struct loader *l)
{
    struct ipa_topo *t = l->t;
    for (int i = 0; i < t->nr_cores; i++)
        t->capacity[i] = IPA_CAPACITY_SCALE;
    int nr = hwloc_cpukinds_get_nr(l->h, 0);
    if (nr <= 1)
        return;
    uint64_t *linux_cap = g_new0(uint64_t, nr), *mhz = g_new0(uint64_t, nr);
    int *rank = g_new0(int, nr), *kind_cap = g_new0(int, nr);
    bool *atom = g_new0(bool, nr);
    bool all_linux = true, all_eff = true, all_mhz = true, any_atom = false;
    uint64_t max_linux = 0, max_mhz = 0;
    hwloc_bitmap_t *sets = g_new0(hwloc_bitmap_t, nr);
    for (int k = 0; k < nr; k++) {
        struct hwloc_info_s *infos = NULL;
        unsigned nr_infos = 0;
        sets[k] = hwloc_bitmap_alloc();
        rank[k] = -1;
        if (hwloc_cpukinds_get_info(l->h, (unsigned)k, sets[k], &rank[k],
                                    &nr_infos, &infos, 0) < 0)
            infos = NULL, nr_infos = 0;
        linux_cap[k] = kind_number(infos, nr_infos, "LinuxCapacity");
        mhz[k] = kind_number(infos, nr_infos, "FrequencyMaxMHz");
        atom[k] = kind_is_atom(infos, nr_infos);
        all_linux &= linux_cap[k] > 0;
        all_mhz &= mhz[k] > 0;
        all_eff &= rank[k] >= 0 && rank[k] < nr;
        any_atom |= atom[k];
        max_linux = MAX(max_linux, linux_cap[k]);
        max_mhz = MAX(max_mhz, mhz[k]);
    }
    for (int k = 0; k < nr; k++) {
        if (all_linux)
            kind_cap[k] = scaled_capacity(linux_cap[k], max_linux);
        else if (all_eff)
            kind_cap[k] = IPA_CAPACITY_SCALE * (rank[k] + 1) / nr;
        else if (all_mhz)
            kind_cap[k] = scaled_capacity(mhz[k], max_mhz);
        else if (any_atom && atom[k])
            kind_cap[k] = IPA_CAPACITY_SCALE / 2;
        else
            kind_cap[k] = IPA_CAPACITY_SCALE;
    }
    for (int i = 0; i < t->nr_cores; i++)
        for (int k = 0; k < nr; k++)
            if (hwloc_bitmap_isset(sets[k], l->pus[i]->os_index))
                t->capacity[i] = kind_cap[k];
    for (int k = 0; k < nr; k++)
        hwloc_bitmap_free(sets[k]);
    g_free(sets);
    g_free(atom);
    g_free(kind_cap);
    g_free(rank);
    g_free(mhz);
    g_free(linux_cap);
}

static void note_heterogeneous(struct ipa_topo *t)
{
    t->heterogeneous = false;
    for (int i = 0; i < t->nr_cores; i++)
        t->heterogeneous |= t->capacity[i] != IPA_CAPACITY_SCALE;
}

static void describe(struct loader *l)
{
    struct ipa_topo *t = l->t;
    int packages = hwloc_get_nbobjs_by_type(l->h, HWLOC_OBJ_PACKAGE);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "%d core%s, %d NUMA node%s", t->nr_cores,
                           t->nr_cores == 1 ? "" : "s", t->nr_nodes,
                           t->nr_nodes == 1 ? "" : "s");
    if (packages > 0)
        g_string_append_printf(s, ", %d package%s", packages,
                               packages == 1 ? "" : "s");
    g_string_append(s, ", distances:");
    for (int r = 0; r < t->nr_distances; r++)
        g_string_append_printf(s, " %s", t->distance_names[r]);
    t->description = g_string_free(s, FALSE);
}

/* The description says the capacities once some core is not at 1024. */
static void describe_capacities(struct ipa_topo *t)
{
    note_heterogeneous(t);
    if (!t->heterogeneous)
        return;
    GString *s = g_string_new(t->description);
    g_string_append(s, ", capacity ");
    ipa_topo_capacity_summary(s, t);
    g_free(t->description);
    t->description = g_string_free(s, FALSE);
}

/* Builds the model from the loaded topology @h, which it destroys. */
static bool build(const char *spec, hwloc_topology_t h, struct ipa_topo **out,
                  GError **error)
{
    struct loader l = {.h = h};
    bool ok = false;
    l.max_depth = hwloc_topology_get_depth(l.h);
    l.t = g_new0(struct ipa_topo, 1);
    struct ipa_topo *t = l.t;
    t->source = g_strdup(spec);
    int nr = hwloc_get_nbobjs_by_type(l.h, HWLOC_OBJ_PU);
    if (nr <= 0) {
        set_input_error(error, spec, "has no PUs (processing units)");
        goto out;
    }
    if (nr > MAX_CORES) {
        char *why = g_strdup_printf("has %d PUs, more than the %d ipasim "
                                    "supports",
                                    nr, MAX_CORES);
        set_input_error(error, spec, why);
        g_free(why);
        goto out;
    }
    t->nr_cores = nr;
    t->os_index = g_new(int, nr);
    t->node = g_new(int, nr);
    t->package = g_new(int, nr);
    t->dist = g_new0(uint8_t, (size_t)nr * nr);
    t->capacity = g_new(int, nr);
    l.pus = g_new(hwloc_obj_t, nr);
    for (int i = 0; i < nr; i++) {
        l.pus[i] = hwloc_get_obj_by_type(l.h, HWLOC_OBJ_PU, (unsigned)i);
        t->os_index[i] = (int)l.pus[i]->os_index;
        hwloc_obj_t pkg =
            hwloc_get_ancestor_obj_by_type(l.h, HWLOC_OBJ_PACKAGE, l.pus[i]);
        t->package[i] = pkg ? (int)pkg->logical_index : 0;
    }
    assign_nodes(&l);
    if (!compute_distances(&l, error))
        goto out;
    read_capacities(&l);
    describe(&l);
    describe_capacities(t);
    ok = true;
out:
    if (l.node_labels)
        g_ptr_array_unref(l.node_labels);
    g_free(l.node_rank);
    g_free(l.node_objs);
    g_free(l.pus);
    hwloc_topology_destroy(l.h);
    if (ok)
        *out = t;
    else
        ipa_topo_free(t);
    return ok;
}

/* Moves the "capacity:CORES=VALUE" words of a synthetic @spec into
 * @words; returns the rest, for hwloc. */
static char *split_capacity_words(const char *spec, GPtrArray *words)
{
    GString *rest = g_string_new(NULL);
    char **tokens = g_strsplit_set(spec, " \t\n", -1);
    for (char **tok = tokens; *tok; tok++) {
        if (!**tok)
            continue;
        if (g_str_has_prefix(*tok, "capacity:")) {
            g_ptr_array_add(words, g_strdup(*tok));
            continue;
        }
        g_string_append_printf(rest, "%s%s", rest->len ? " " : "", *tok);
    }
    g_strfreev(tokens);
    return g_string_free(rest, FALSE);
}

/* Applies "capacity:CORES=VALUE" words, in order (a later word wins). */
static bool set_capacities(const char *spec, GPtrArray *words,
                           struct ipa_topo *t, GError **error)
{
    bool ok = true;
    GArray *cores = g_array_new(false, false, sizeof(int));
    for (guint w = 0; w < words->len && ok; w++) {
        const char *word = g_ptr_array_index(words, w);
        const char *list = word + strlen("capacity:");
        const char *eq = strrchr(list, '=');
        char *why = NULL;
        const char *list_why = NULL;
        char *end = NULL;
        guint64 value = eq ? g_ascii_strtoull(eq + 1, &end, 10) : 0;
        char *cpus = eq ? g_strndup(list, (gsize)(eq - list)) : NULL;
        g_array_set_size(cores, 0);
        if (!eq || !g_ascii_isdigit(eq[1]) || *end || value < 1 ||
            value > IPA_CAPACITY_SCALE)
            why = g_strdup_printf("'%s': expected capacity:CORES=VALUE "
                                  "with VALUE from 1 to %d (such as "
                                  "'capacity:4-7=446')",
                                  word, IPA_CAPACITY_SCALE);
        else if (!ipa_cpulist_parse(cpus, cores, &list_why))
            why = g_strdup_printf("'%s': %s", word, list_why);
        else if (cores->len &&
                 g_array_index(cores, int, cores->len - 1) >= t->nr_cores)
            why = g_strdup_printf("'%s': core %d does not exist (the "
                                  "topology has %d cores)",
                                  word,
                                  g_array_index(cores, int, cores->len - 1),
                                  t->nr_cores);
        for (guint i = 0; !why && i < cores->len; i++)
            t->capacity[g_array_index(cores, int, i)] = (int)value;
        if (why) {
            set_input_error(error, spec, why);
            ok = false;
        }
        g_free(why);
        g_free(cpus);
    }
    g_array_free(cores, true);
    /* hwloc knows no kinds for a synthetic topology: the description
     * said nothing of capacities yet */
    if (ok)
        describe_capacities(t);
    return ok;
}

bool ipa_topo_load(const char *spec, struct ipa_topo **out, GError **error)
{
    hwloc_topology_t h = NULL;
    *out = NULL;
    if (!spec || !*spec) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "topology '': empty; give an hwloc XML file, a "
                    "synthetic description such as 'pack:2 core:4 pu:2', "
                    "or 'host'");
        return false;
    }
    if (g_file_test(spec, G_FILE_TEST_EXISTS) || !strcmp(spec, "host"))
        return open_hwloc(spec, spec, &h, error) &&
               build(spec, h, out, error);
    GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
    char *synthetic = split_capacity_words(spec, words);
    bool ok = open_hwloc(spec, synthetic, &h, error) &&
              build(spec, h, out, error);
    if (ok && words->len && !set_capacities(spec, words, *out, error)) {
        ipa_topo_free(*out);
        *out = NULL;
        ok = false;
    }
    g_free(synthetic);
    g_ptr_array_unref(words);
    return ok;
}

bool ipa_topo_load_xml_buffer(const char *name, const char *xml, size_t len,
                              struct ipa_topo **out, GError **error)
{
    hwloc_topology_t h = NULL;
    *out = NULL;
    if (len >= INT_MAX) {
        set_input_error(error, name, "too large for hwloc");
        return false;
    }
    if (!new_hwloc(name, &h, error))
        return false;
    char *why = load_xml(h, xml, len);
    if (why) {
        set_input_error(error, name, why);
        g_free(why);
        hwloc_topology_destroy(h);
        return false;
    }
    return build(name, h, out, error);
}

int ipa_topo_core_of_os_index(const struct ipa_topo *t, int os_index)
{
    for (int i = 0; i < t->nr_cores; i++)
        if (t->os_index[i] == os_index)
            return i;
    return -1;
}

void ipa_topo_capacity_summary(GString *out, const struct ipa_topo *t)
{
    int *cores = g_new(int, t->nr_cores);
    bool first = true;
    for (int cap = IPA_CAPACITY_SCALE; cap >= 1; cap--) {
        int n = 0;
        for (int i = 0; i < t->nr_cores; i++)
            if (t->capacity[i] == cap)
                cores[n++] = i;
        if (!n)
            continue;
        g_string_append_printf(out, "%s%d on core%s ", first ? "" : ", ",
                               cap, n == 1 ? "" : "s");
        ipa_cpulist_format(out, cores, n);
        first = false;
    }
    g_free(cores);
}

void ipa_topo_distance_meaning(GString *out, const char *name)
{
    /* The names are those compute_distances() gives (label_of and the NUMA
     * ranks), so the cases here follow docs/topologies.md's table. */
    if (!strcmp(name, "core"))
        g_string_append(out, "the same core");
    else if (!strcmp(name, "smt"))
        g_string_append(out, "hardware threads of one core");
    else if (!strcmp(name, "node"))
        g_string_append(out, "the same NUMA node");
    else if (!strcmp(name, "machine"))
        g_string_append(out, "only the machine in common");
    else if (g_str_has_prefix(name, "numa:"))
        g_string_append_printf(out, "NUMA nodes at distance %s",
                               name + strlen("numa:"));
    else if (name[0] == 'L' && g_ascii_isdigit(name[1]))
        g_string_append_printf(out, "a shared %s cache", name);
    else
        g_string_append_printf(out, "the same %s", name);
}

void ipa_topo_free(struct ipa_topo *topo)
{
    if (!topo)
        return;
    if (topo->distance_names)
        for (int r = 0; r < topo->nr_distances; r++)
            g_free(topo->distance_names[r]);
    g_free(topo->distance_names);
    g_free(topo->dist);
    g_free(topo->capacity);
    g_free(topo->numa_matrix);
    g_free(topo->package);
    g_free(topo->node);
    g_free(topo->os_index);
    g_free(topo->description);
    g_free(topo->source);
    g_free(topo);
}
