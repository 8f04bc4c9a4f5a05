// libpng 1.6 (simplified and low-level API).
#include <png.h>
