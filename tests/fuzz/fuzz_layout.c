/* fuzz_layout.c - libFuzzer entry point: tl_wrap, tl_wrap_clamped and tl_ellipsize on any bytes and widths (fuzz_targets.h). */
#include <stddef.h>
#include <stdint.h>
#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_layout(data, size);
}
