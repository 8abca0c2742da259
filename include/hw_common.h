/* hw_common.h - the most common Chinese characters, for handwriting's re-ranking. */
#ifndef HW_COMMON_H
#define HW_COMMON_H

/* The frequency rank (0 = the most common) of the UTF-8 character ch among
 * the hw_common_count() most common, or -1 if it is not one of them. */
int hw_common_rank(const char *ch);
int hw_common_count(void);

#endif
