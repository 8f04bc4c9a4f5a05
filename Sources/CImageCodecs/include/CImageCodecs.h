// PNG and JPEG coding through libpng and libjpeg with setjmp-based error recovery.
//
// libpng and libjpeg report fatal errors by longjmp (or exit) from deep inside the library,
// which Swift cannot catch. These wrappers own the setjmp frames, so every failure returns a
// non-zero status and a message instead. All buffers are malloc'd; free them with vc_free.
#ifndef CIMAGECODECS_H
#define CIMAGECODECS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Size of the caller's error message buffer.
#define VC_ERROR_CAPACITY 200

/// A decoded raster. Layout: row-major, interleaved, `channels` samples per pixel,
/// `bit_depth` 8 (uint8_t samples) or 16 (uint16_t samples in host byte order).
typedef struct vc_raster {
  uint32_t width;
  uint32_t height;
  uint32_t channels;   // 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
  uint32_t bit_depth;  // 8 or 16
  void *data;          // width * height * channels samples
} vc_raster;

/// Decodes a PNG held in memory. Palette and low-bit gray are expanded to 8 bits, tRNS to
/// an alpha channel; 16-bit samples are kept. Refuses images above `max_pixels` before
/// allocating. Returns 0 on success, otherwise fills `error` and returns non-zero.
int vc_png_decode(const uint8_t *bytes, size_t count, uint64_t max_pixels,
                  vc_raster *out, char error[VC_ERROR_CAPACITY]);

/// Encodes an 8- or 16-bit raster (`channels` 1..4) as PNG into a malloc'd buffer.
/// `keys` and `values` are `text_count` NUL-terminated UTF-8 strings stored as iTXt chunks
/// (compressed when longer than 1 KiB). Returns 0 on success.
int vc_png_encode(const vc_raster *raster, const char *const *keys,
                  const char *const *values, size_t text_count, int compression_level,
                  uint8_t **out_bytes, size_t *out_count, char error[VC_ERROR_CAPACITY]);

/// Decodes a baseline or progressive JPEG held in memory to 8-bit gray (1 channel) or RGB
/// (3 channels); CMYK/YCCK is converted to RGB. A premature end of data is an error.
/// Refuses images above `max_pixels` before allocating. Returns 0 on success.
int vc_jpeg_decode(const uint8_t *bytes, size_t count, uint64_t max_pixels,
                   vc_raster *out, char error[VC_ERROR_CAPACITY]);

/// Encodes an 8-bit gray or RGB raster as a baseline JPEG of the given quality (1..100).
int vc_jpeg_encode(const vc_raster *raster, int quality, uint8_t **out_bytes,
                   size_t *out_count, char error[VC_ERROR_CAPACITY]);

/// Releases a buffer returned by this library.
void vc_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif
