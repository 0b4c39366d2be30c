// libFuzzer's driver, for a harness that has its own `main` (libclang_rt.fuzzer, linked by
// `-sanitize=fuzzer`, defines it): runs the fuzzing loop with `callback` as the target.
#ifndef CMLMD_FUZZ_DRIVER_H
#define CMLMD_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
