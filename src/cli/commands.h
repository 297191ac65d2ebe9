/*
 * commands.h - the subcommands of the ipasim command (commands.def).
 */
#ifndef IPA_CLI_COMMANDS_H
#define IPA_CLI_COMMANDS_H

#define CMD(name, fn, summary) int fn(int argc, char **argv);
#include "cli/commands.def"
#undef CMD

#endif
