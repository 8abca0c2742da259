/* pinyin.h - pinyin to Chinese conversion for the on-screen keyboard (googlepinyin).
 *
 * One Pinyin at a time: googlepinyin keeps a single global decoder. Loading
 * it again in the same process leaks about 195 KB inside the library and
 * trips ASan's alloc-dealloc-mismatch check in it, so this module loads it
 * once, on the first pinyin_open, and keeps it loaded across
 * pinyin_close/pinyin_open until pinyin_unload() or exit. The kiosk opens
 * a Pinyin at start-up and calls pinyin_reset() between suggestions.
 *
 * Privacy: the decoder learns phrases the resident composes (chosen piece
 * by piece) into a user dictionary held in memory; its file lives in a
 * private 0700 directory made with mkdtemp in $TMPDIR (or /tmp).
 * pinyin_reset() and pinyin_close() delete that file and give the decoder a
 * fresh empty one, so what was learned is dropped and, in normal operation,
 * never written to disk; pinyin_unload() deletes the file and the
 * directory. Nothing typed is ever logged.
 *
 * Not thread-safe; call from the UI thread only (the background load of
 * pinyin_load_start runs inside this module and is joined before the
 * decoder is used). Strings are UTF-8. */
#ifndef PINYIN_H
#define PINYIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most letters (a-z and ') kept in the pinyin buffer: the limit of
 * Android's own googlepinyin keyboard; the decoder itself stops at 39. */
#define PINYIN_MAX_LETTERS 28
/* Most candidates offered for one input (the UI pages through them). */
#define PINYIN_MAX_CANDIDATES 200
/* Bytes that always hold a committed text (28 hanzi of 3 bytes) + NUL. */
#define PINYIN_TEXT_MAX 96

typedef struct Pinyin Pinyin;

/* Whether the font can draw code point cp. */
typedef bool (*PinyinDrawable)(void *ctx, uint32_t cp);

/* Open the decoder with the system dictionary `dict_path`, or, when NULL,
 * the first one found among the known install paths
 * (/usr/lib/<triplet>/googlepinyin/data/dict_pinyin.dat, ...), and a fresh
 * empty user dictionary. Re-uses the loaded decoder when the dictionary is
 * the same. Returns NULL with a message in err (if not NULL) when the
 * dictionary is missing or implausible, the temporary directory cannot be
 * made, or a Pinyin is already open. Free with pinyin_close. */
Pinyin *pinyin_open(const char *dict_path, char *err, size_t errlen);

/* As pinyin_open, with the same checks of the dictionary (and the same
 * NULL and message when they fail), but the decoder is not loaded yet: the
 * handle loads it on its first use that needs it (typing, predicting),
 * or, after pinyin_load_start, on a thread of its own meanwhile, and its
 * first use then waits for that load to finish. Until then it lists
 * nothing. If the load fails, the handle offers nothing (pinyin_type
 * returns -1) and pinyin_load_status says why. */
Pinyin *pinyin_open_later(const char *dict_path, char *err, size_t errlen);

/* Start loading a pinyin_open_later handle's decoder on a thread of its
 * own (the kiosk: once its first frame is on screen). No-op when loaded,
 * loading, or p is NULL. */
void pinyin_load_start(Pinyin *p);

/* Without waiting: 1 when the decoder is loaded for p, 0 while it is
 * still loading (or its load was never started), -1 when the load failed
 * (the reason in err). */
int pinyin_load_status(Pinyin *p, char *err, size_t errlen);

/* Wipe the user dictionary (as pinyin_reset) and free the handle; the
 * decoder stays loaded for the next pinyin_open. NULL is accepted. */
void pinyin_close(Pinyin *p);

/* Unload the decoder and delete the user dictionary and its directory.
 * Runs at exit by itself (in the process that loaded it, not in a forked
 * child); call it earlier only when no Pinyin is open. */
void pinyin_unload(void);

/* Forget everything the resident typed: drop the composition and the
 * predictions, delete the user dictionary file and give the decoder a fresh
 * empty one (same path), so no learned phrase survives. Keeps the filter.
 * Returns 0, or -1 if the fresh file could not be made (the decoder then
 * works on without a user dictionary and learns nothing). */
int pinyin_reset(Pinyin *p);

/* Path of the user dictionary file (for tests). */
const char *pinyin_user_dict_path(const Pinyin *p);

/* Add a letter a-z, or ' to separate syllables (xi'an), and search again.
 * Ends prediction mode. Returns 0, or -1 (nothing changed) for any other
 * character, a ' at the start or after another ', or a full buffer. */
int pinyin_type(Pinyin *p, char letter);

/* Remove the last pinyin letter; a partial choice stays fixed while its
 * pinyin remains. Returns 1 if a letter was removed, 0 if the buffer was
 * already empty (the caller should delete from its text instead; pending
 * predictions are dropped). */
int pinyin_backspace(Pinyin *p);

/* The letters typed, as typed ("" when none). Valid until the next call. */
const char *pinyin_letters(const Pinyin *p);

/* The composition to show: the Chinese already fixed by a partial choice,
 * then the rest of the pinyin in syllables separated by ' ("社区wu'ye").
 * Letters the decoder could not split follow as typed. Always
 * NUL-terminated (truncated at a character boundary); "" when n is 0 or 1
 * and nothing is composed. */
void pinyin_display(const Pinyin *p, char *buf, size_t n);

/* Whether pinyin letters are pending. */
bool pinyin_composing(const Pinyin *p);

/* Number of candidates offered (at most PINYIN_MAX_CANDIDATES): the
 * conversions of the pending pinyin, or the predictions after
 * pinyin_predict. Candidates the filter rejects are not counted. */
size_t pinyin_count(const Pinyin *p);

/* Candidate i (UTF-8), or NULL if i >= pinyin_count. While composing,
 * candidate 0 is the conversion of all the remaining pinyin. Valid until
 * the next call that changes the input. */
const char *pinyin_candidate(const Pinyin *p, size_t i);

/* Leave out candidates containing a code point drawable() rejects (or any
 * code point outside the BMP). NULL drawable: no filter. Re-filters the
 * current list at once, so indices change. */
void pinyin_set_filter(Pinyin *p, PinyinDrawable drawable, void *ctx);

/* Choose candidate i. Returns 1 when that completes the text: the whole
 * conversion (the fixed part and the choice) is written into out
 * (NUL-terminated) and the composition cleared; letters the decoder could
 * not convert are dropped. Returns 0 for a partial choice: the choice is
 * fixed and the candidates now cover the rest of the pinyin. Choosing a
 * prediction returns 1 with it in out. Returns -1, changing nothing, when i
 * is out of range or out (n bytes; PINYIN_TEXT_MAX always suffices) is too
 * small. */
int pinyin_choose(Pinyin *p, size_t i, char *out, size_t n);

/* Compute next-word predictions after committing text ending in
 * history_utf8 (its last few Chinese characters are used). Drops any
 * composition; until the next letter pinyin_count/pinyin_candidate give
 * the predictions. Returns their number (0 when nothing to predict). */
size_t pinyin_predict(Pinyin *p, const char *history_utf8);

/* Whether the candidates are predictions. */
bool pinyin_predicting(const Pinyin *p);

/* Drop the composition and predictions; the user dictionary is kept. */
void pinyin_clear(Pinyin *p);

#endif
