// zlib: compress2/uncompress/crc32.
#include <zlib.h>
