/* pinyin_priv.h - pinyin.c's engine: C prototypes of libgooglepinyin's extern "C" im_* API.
 *
 * Why this exists: <googlepinyin/pinyinime.h> is C++ (a namespace and
 * reference parameters inside its extern "C" block), so a C11 file cannot
 * include it. Every im_* function has C linkage, though, so the symbols are
 * plain and callable from C once declared with equivalent C types:
 *
 *   C++ (pinyinime.h, libgooglepinyin 0.1.2)   C (here)
 *   bool                                       _Bool (stdbool.h bool)
 *   char16 / uint16 (typedef uint16_t)         uint16_t
 *   const uint16 *&spl_start                   const uint16_t **spl_start
 *   char16 (*&pre_buf)[kMaxPredictSize + 1]    uint16_t (**pre_buf)[8]
 *   size_t, long, int, char                    unchanged
 *
 * A C++ reference is passed as a pointer by the Itanium C++ ABI, so a
 * pointer-to-pointer here is the same argument. Any change to those
 * prototypes upstream must be mirrored here: a mismatch is undefined
 * behaviour that no compiler will catch. The engine is one global decoder
 * per process (not thread-safe); only pinyin.c calls these. */
#ifndef PINYIN_PRIV_H
#define PINYIN_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* dictdef.h: kMaxLemmaSize = 8, kMaxPredictSize = kMaxLemmaSize - 1. */
#define IM_MAX_PREDICT_SIZE 7
/* dictdef.h: kMaxSearchSteps = 40; the decoder keeps at most 39 letters. */
#define IM_MAX_SEARCH_STEPS 40

bool im_open_decoder(const char *fn_sys_dict, const char *fn_usr_dict);
bool im_open_decoder_fd(int sys_fd, long start_offset, long length,
                        const char *fn_usr_dict);
void im_close_decoder(void);
void im_set_max_lens(size_t max_sps_len, size_t max_hzs_len);
void im_flush_cache(void);
size_t im_search(const char *sps_buf, size_t sps_len);
size_t im_delsearch(size_t pos, bool is_pos_in_splid, bool clear_fixed_this_step);
void im_reset_search(void);
size_t im_add_letter(char ch);
const char *im_get_sps_str(size_t *decoded_len);
uint16_t *im_get_candidate(size_t cand_id, uint16_t *cand_str, size_t max_len);
size_t im_get_spl_start_pos(const uint16_t **spl_start);
size_t im_choose(size_t cand_id);
size_t im_cancel_last_choice(void);
size_t im_get_fixed_len(void);
bool im_cancel_input(void);
size_t im_get_predicts(const uint16_t *his_buf,
                       uint16_t (**pre_buf)[IM_MAX_PREDICT_SIZE + 1]);
void im_enable_shm_as_szm(bool enable);
void im_enable_ym_as_szm(bool enable);

#endif
