/* fuzz_content.c - libFuzzer entry point: content_parse on any bytes; then strings, finders and schedules (fuzz_targets.h). */
#include <stddef.h>
#include <stdint.h>
#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_content(data, size);
}
