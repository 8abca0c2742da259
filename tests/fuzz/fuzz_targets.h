/* fuzz_targets.h - the bodies of the fuzz harnesses, shared by the libFuzzer
 * entry points (tests/fuzz/fuzz_*.c) and the regression test
 * (tests/test_fuzz_regress.c), which replays saved inputs through them.
 *
 * Each target takes any bytes, runs the module on them and checks its
 * contract; a broken invariant prints what broke and aborts (libFuzzer then
 * saves the input as a crash). Memory errors are left to the sanitizers.
 * Every target returns 0. */
#ifndef FUZZ_TARGETS_H
#define FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/* content_parse, then (on success) every string, finder and schedule. */
int fuzz_content(const uint8_t *data, size_t size);
/* text_clean, then an edit sequence (osk_append, osk_delete_last and
 * keyboard keys without the pinyin engine) on a bounded target. */
int fuzz_textedit(const uint8_t *data, size_t size);
/* tl_wrap, tl_wrap_clamped and tl_ellipsize with the fake measurer. */
int fuzz_layout(const uint8_t *data, size_t size);
/* replay_parse. */
int fuzz_replay(const uint8_t *data, size_t size);

/* Lobby Office's request parsers (tests/fuzz/office_targets.c): routing,
 * the kiosk protocol, the inbox's query, staff bodies, cookies and
 * tokens, content validation, the reply page. */
int fuzz_office(const uint8_t *data, size_t size);

/* Pictures (tests/fuzz/image_targets.c): image_probe, image_decode_fit
 * into a box the first two bytes choose, image_pixels_free. */
int fuzz_image(const uint8_t *data, size_t size);

typedef int (*FuzzTarget)(const uint8_t *data, size_t size);

/* The targets by name ("content", "textedit", "layout", "replay", "office",
 * "image"), or NULL. */
FuzzTarget fuzz_target(const char *name);

#endif
