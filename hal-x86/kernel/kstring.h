/* kstring.h - the few C library string functions the platform uses
 * (freestanding: implemented in kstring.c; memcpy and friends are also what
 * the compiler and the core call). */
#ifndef HAL_X86_KSTRING_H
#define HAL_X86_KSTRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
