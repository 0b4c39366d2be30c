// Only the declaration in include/CMLMDFuzzDriver.h matters; a C target needs a source file.
#include "CMLMDFuzzDriver.h"
