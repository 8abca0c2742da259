/* fuzz_image.c - libFuzzer entry point: a picture's header check, decode and scale on any bytes (fuzz_targets.h). */
#include <stddef.h>
#include <stdint.h>
#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_image(data, size);
}
