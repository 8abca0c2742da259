/* fuzz_replay.c - libFuzzer entry point: replay_parse on any bytes (fuzz_targets.h). */
#include <stddef.h>
#include <stdint.h>
#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_replay(data, size);
}
