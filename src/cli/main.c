/*
 * main.c - the ipasim command: picks a subcommand (commands.def), "run"
 * when the first argument is an option.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "util/common.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} commands[] = {
#define CMD(name, fn, summary) {#name, fn, summary},
#include "cli/commands.def"
#undef CMD
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ipasim [run] --topo TOPOLOGY --policy POLICY --trace TRACE "
            "[options]\n"
            "       ipasim COMMAND [options]\n\ncommands:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'ipasim COMMAND --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return IPA_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        printf("\n");
        char *run_help[] = {"run", "--help", NULL};
        return ipa_cmd_run(2, run_help);
    }
    if (!strcmp(argv[1], "--version")) {
        printf("ipasim %s\n", IPASIM_VERSION);
        return IPA_EXIT_OK;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    if (argv[1][0] == '-') {
        argv[0] = "run";
        return ipa_cmd_run(argc, argv);
    }
    fprintf(stderr, "ipasim: error: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return IPA_EXIT_USAGE;
}
