// PNG and JPEG coding with setjmp-based error recovery; see include/CImageCodecs.h.
#include "CImageCodecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <jpeglib.h>
#include <jerror.h>

static void vc_set_error(char *error, const char *message) {
  snprintf(error, VC_ERROR_CAPACITY, "%s", message);
}

void vc_free(void *pointer) { free(pointer); }

// MARK: - PNG

typedef struct vc_reader {
  const uint8_t *bytes;
  size_t count;
  size_t position;
} vc_reader;

typedef struct vc_writer {
  uint8_t *data;
  size_t count;
  size_t capacity;
} vc_writer;

static void vc_png_error(png_structp png, png_const_charp message) {
  char *error = (char *)png_get_error_ptr(png);
  vc_set_error(error, message ? message : "libpng error");
  png_longjmp(png, 1);
}

static void vc_png_warning(png_structp png, png_const_charp message) {
  (void)png;
  (void)message;
}

static void vc_png_read(png_structp png, png_bytep data, png_size_t length) {
  vc_reader *reader = (vc_reader *)png_get_io_ptr(png);
  if (reader->count - reader->position < length) {
    png_error(png, "truncated data");
  }
  memcpy(data, reader->bytes + reader->position, length);
  reader->position += length;
}

static void vc_png_write(png_structp png, png_bytep data, png_size_t length) {
  vc_writer *writer = (vc_writer *)png_get_io_ptr(png);
  if (writer->capacity - writer->count < length) {
    size_t capacity = writer->capacity ? writer->capacity : 4096;
    while (capacity - writer->count < length) capacity *= 2;
    uint8_t *grown = (uint8_t *)realloc(writer->data, capacity);
    if (!grown) png_error(png, "out of memory");
    writer->data = grown;
    writer->capacity = capacity;
  }
  memcpy(writer->data + writer->count, data, length);
  writer->count += length;
}

static void vc_png_flush(png_structp png) { (void)png; }

static int vc_little_endian(void) {
  const uint16_t probe = 1;
  return *(const uint8_t *)&probe == 1;
}

int vc_png_decode(const uint8_t *bytes, size_t count, uint64_t max_pixels,
                  vc_raster *out, char error[VC_ERROR_CAPACITY]) {
  memset(out, 0, sizeof *out);
  error[0] = 0;
  png_structp png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, error, vc_png_error, vc_png_warning);
  if (!png) {
    vc_set_error(error, "out of memory");
    return 1;
  }
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_read_struct(&png, NULL, NULL);
    vc_set_error(error, "out of memory");
    return 1;
  }
  vc_reader *reader = (vc_reader *)calloc(1, sizeof *reader);
  uint8_t *volatile data = NULL;
  png_bytep *volatile rows = NULL;
  if (setjmp(png_jmpbuf(png))) {
    free(data);
    free(rows);
    free(reader);
    png_destroy_read_struct(&png, &info, NULL);
    if (!error[0]) vc_set_error(error, "libpng error");
    return 1;
  }
  if (!reader) png_error(png, "out of memory");
  reader->bytes = bytes;
  reader->count = count;
  png_set_read_fn(png, reader, vc_png_read);
  png_set_crc_action(png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
  png_read_info(png, info);

  png_uint_32 width = 0, height = 0;
  int depth = 0, color = 0;
  png_get_IHDR(png, info, &width, &height, &depth, &color, NULL, NULL, NULL);
  if (width == 0 || height == 0) png_error(png, "zero image dimension");
  if ((uint64_t)width * (uint64_t)height > max_pixels) png_error(png, "image too large");
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
  if (depth == 16 && vc_little_endian()) png_set_swap(png);
  (void)png_set_interlace_handling(png);
  png_read_update_info(png, info);

  uint32_t channels = png_get_channels(png, info);
  uint32_t bit_depth = png_get_bit_depth(png, info);
  size_t row_bytes = png_get_rowbytes(png, info);
  if (bit_depth != 8 && bit_depth != 16) png_error(png, "unsupported bit depth");
  if (row_bytes != (size_t)width * channels * (bit_depth / 8)) png_error(png, "bad row size");
  data = (uint8_t *)malloc(row_bytes * height);
  rows = (png_bytep *)malloc(sizeof(png_bytep) * height);
  if (!data || !rows) png_error(png, "out of memory");
  for (png_uint_32 y = 0; y < height; y++) rows[y] = data + row_bytes * y;
  png_read_image(png, rows);
  png_read_end(png, NULL);

  out->width = width;
  out->height = height;
  out->channels = channels;
  out->bit_depth = bit_depth;
  out->data = data;
  free(rows);
  free(reader);
  png_destroy_read_struct(&png, &info, NULL);
  return 0;
}

int vc_png_encode(const vc_raster *raster, const char *const *keys,
                  const char *const *values, size_t text_count, int compression_level,
                  uint8_t **out_bytes, size_t *out_count, char error[VC_ERROR_CAPACITY]) {
  *out_bytes = NULL;
  *out_count = 0;
  error[0] = 0;
  static const int color_types[5] = {
      0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
      PNG_COLOR_TYPE_RGB_ALPHA};
  if (raster->channels < 1 || raster->channels > 4 ||
      (raster->bit_depth != 8 && raster->bit_depth != 16) || raster->width == 0 ||
      raster->height == 0) {
    vc_set_error(error, "unsupported raster layout");
    return 1;
  }
  png_structp png =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, error, vc_png_error, vc_png_warning);
  if (!png) {
    vc_set_error(error, "out of memory");
    return 1;
  }
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_write_struct(&png, NULL);
    vc_set_error(error, "out of memory");
    return 1;
  }
  vc_writer *writer = (vc_writer *)calloc(1, sizeof *writer);
  png_textp texts = text_count ? (png_textp)calloc(text_count, sizeof(png_text)) : NULL;
  if (setjmp(png_jmpbuf(png))) {
    if (writer) free(writer->data);
    free(writer);
    free(texts);
    png_destroy_write_struct(&png, &info);
    if (!error[0]) vc_set_error(error, "libpng error");
    return 1;
  }
  if (!writer || (text_count && !texts)) png_error(png, "out of memory");
  png_set_write_fn(png, writer, vc_png_write, vc_png_flush);
  png_set_compression_level(png, compression_level);
  png_set_IHDR(png, info, raster->width, raster->height, (int)raster->bit_depth,
               color_types[raster->channels], PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  for (size_t i = 0; i < text_count; i++) {
    size_t length = strlen(values[i]);
    texts[i].compression =
        length > 1024 ? PNG_ITXT_COMPRESSION_zTXt : PNG_ITXT_COMPRESSION_NONE;
    texts[i].key = (png_charp)keys[i];
    texts[i].text = (png_charp)values[i];
    texts[i].itxt_length = length;
    texts[i].lang = NULL;
    texts[i].lang_key = NULL;
  }
  if (text_count) png_set_text(png, info, texts, (int)text_count);
  png_write_info(png, info);
  if (raster->bit_depth == 16 && vc_little_endian()) png_set_swap(png);
  size_t row_bytes = (size_t)raster->width * raster->channels * (raster->bit_depth / 8);
  for (uint32_t y = 0; y < raster->height; y++) {
    png_write_row(png, (png_const_bytep)raster->data + row_bytes * y);
  }
  png_write_end(png, info);

  *out_bytes = writer->data;
  *out_count = writer->count;
  free(writer);
  free(texts);
  png_destroy_write_struct(&png, &info);
  return 0;
}

// MARK: - JPEG

typedef struct vc_jpeg_error {
  struct jpeg_error_mgr base;
  jmp_buf jump;
  char *message;
} vc_jpeg_error;

static void vc_jpeg_fail(j_common_ptr cinfo) {
  vc_jpeg_error *error = (vc_jpeg_error *)cinfo->err;
  char text[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, text);
  vc_set_error(error->message, text);
  longjmp(error->jump, 1);
}

// Warnings are silent, except a premature end of data, which is fatal.
static void vc_jpeg_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return;
  cinfo->err->num_warnings++;
  if (cinfo->err->msg_code == JWRN_JPEG_EOF) vc_jpeg_fail(cinfo);
}

int vc_jpeg_decode(const uint8_t *bytes, size_t count, uint64_t max_pixels,
                   vc_raster *out, char error[VC_ERROR_CAPACITY]) {
  memset(out, 0, sizeof *out);
  error[0] = 0;
  struct jpeg_decompress_struct cinfo;
  vc_jpeg_error jerr;
  memset(&cinfo, 0, sizeof cinfo);
  cinfo.err = jpeg_std_error(&jerr.base);
  jerr.base.error_exit = vc_jpeg_fail;
  jerr.base.emit_message = vc_jpeg_message;
  jerr.message = error;
  uint8_t *volatile data = NULL;
  uint8_t *volatile scratch = NULL;
  if (setjmp(jerr.jump)) {
    jpeg_destroy_decompress(&cinfo);
    free(data);
    free(scratch);
    if (!error[0]) vc_set_error(error, "libjpeg error");
    return 1;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, bytes, (unsigned long)count);
  jpeg_read_header(&cinfo, TRUE);
  uint64_t pixels = (uint64_t)cinfo.image_width * (uint64_t)cinfo.image_height;
  if (pixels == 0) {
    vc_set_error(error, "zero image dimension");
    longjmp(jerr.jump, 1);
  }
  if (pixels > max_pixels) {
    vc_set_error(error, "image too large");
    longjmp(jerr.jump, 1);
  }
  int cmyk = 0;
  uint32_t channels = 3;
  switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE:
      cinfo.out_color_space = JCS_GRAYSCALE;
      channels = 1;
      break;
    case JCS_CMYK:
    case JCS_YCCK:
      cinfo.out_color_space = JCS_CMYK;
      cmyk = 1;
      break;
    default:
      cinfo.out_color_space = JCS_RGB;
      break;
  }
  jpeg_start_decompress(&cinfo);
  uint32_t width = cinfo.output_width, height = cinfo.output_height;
  if ((uint32_t)cinfo.output_components != (cmyk ? 4u : channels)) {
    vc_set_error(error, "unexpected component count");
    longjmp(jerr.jump, 1);
  }
  data = (uint8_t *)malloc((size_t)width * height * channels);
  if (cmyk) scratch = (uint8_t *)malloc((size_t)width * 4);
  if (!data || (cmyk && !scratch)) {
    vc_set_error(error, "out of memory");
    longjmp(jerr.jump, 1);
  }
  int inverted = cinfo.saw_Adobe_marker;
  while (cinfo.output_scanline < height) {
    uint32_t y = cinfo.output_scanline;
    uint8_t *row = data + (size_t)y * width * channels;
    JSAMPROW target = cmyk ? scratch : row;
    if (jpeg_read_scanlines(&cinfo, &target, 1) != 1) {
      vc_set_error(error, "truncated data");
      longjmp(jerr.jump, 1);
    }
    if (cmyk) {
      for (uint32_t x = 0; x < width; x++) {
        unsigned c = scratch[4 * x], m = scratch[4 * x + 1], yy = scratch[4 * x + 2];
        unsigned k = scratch[4 * x + 3];
        if (!inverted) {
          c = 255 - c;
          m = 255 - m;
          yy = 255 - yy;
          k = 255 - k;
        }
        row[3 * x] = (uint8_t)((c * k + 127) / 255);
        row[3 * x + 1] = (uint8_t)((m * k + 127) / 255);
        row[3 * x + 2] = (uint8_t)((yy * k + 127) / 255);
      }
    }
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  free(scratch);
  out->width = width;
  out->height = height;
  out->channels = channels;
  out->bit_depth = 8;
  out->data = data;
  return 0;
}

int vc_jpeg_encode(const vc_raster *raster, int quality, uint8_t **out_bytes,
                   size_t *out_count, char error[VC_ERROR_CAPACITY]) {
  *out_bytes = NULL;
  *out_count = 0;
  error[0] = 0;
  if ((raster->channels != 1 && raster->channels != 3) || raster->bit_depth != 8 ||
      raster->width == 0 || raster->height == 0) {
    vc_set_error(error, "unsupported raster layout");
    return 1;
  }
  struct jpeg_compress_struct cinfo;
  vc_jpeg_error jerr;
  memset(&cinfo, 0, sizeof cinfo);
  cinfo.err = jpeg_std_error(&jerr.base);
  jerr.base.error_exit = vc_jpeg_fail;
  jerr.base.emit_message = vc_jpeg_message;
  jerr.message = error;
  unsigned char *buffer = NULL;
  unsigned long size = 0;
  if (setjmp(jerr.jump)) {
    jpeg_destroy_compress(&cinfo);
    if (!error[0]) vc_set_error(error, "libjpeg error");
    return 1;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = raster->width;
  cinfo.image_height = raster->height;
  cinfo.input_components = (int)raster->channels;
  cinfo.in_color_space = raster->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality < 1 ? 1 : (quality > 100 ? 100 : quality), TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  size_t row_bytes = (size_t)raster->width * raster->channels;
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = (JSAMPROW)((uint8_t *)raster->data + row_bytes * cinfo.next_scanline);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  *out_bytes = buffer;
  *out_count = size;
  return 0;
}
