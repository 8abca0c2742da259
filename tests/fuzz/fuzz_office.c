/* fuzz_office.c - libFuzzer entry point: Lobby Office's request parsers on any request (tests/fuzz/office_targets.c). */
#include <stddef.h>
#include <stdint.h>
#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_office(data, size);
}
