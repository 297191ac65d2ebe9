/*
 * printable.h - names from inputs, made safe to print on a terminal.
 */
#ifndef IPA_UTIL_PRINTABLE_H
#define IPA_UTIL_PRINTABLE_H

/* @s with every control character (C0, DEL, C1) and every byte of invalid
 * UTF-8 written as \xNN, so that a thread named with an escape sequence
 * cannot retitle, recolour or rewrite the user's terminal (new string). */
char *ipa_printable(const char *s);

#endif
