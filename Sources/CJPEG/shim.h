#pragma once
// libjpeg reports a fatal error by calling error_exit, which must not return: the only way back is
// a longjmp to a setjmp in the caller, which Swift cannot do. So every libjpeg call that can fail
// runs inside one of the C functions below, behind a setjmp, and comes back as a return code plus a
// message. libjpeg never prints anything: output_message is replaced too.
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

enum { QZ_JPEG_MESSAGE_LENGTH = JMSG_LENGTH_MAX };

typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char *message;  // QZ_JPEG_MESSAGE_LENGTH bytes, owned by the caller
} qz_jpeg_error;

static void qz_jpeg_error_exit(j_common_ptr info) {
    qz_jpeg_error *error = (qz_jpeg_error *)info->err;
    (*info->err->format_message)(info, error->message);
    longjmp(error->jump, 1);
}

// A premature end of data is only a warning to libjpeg (it pads the image with gray); a truncated
// file is an error to qzoom, so that warning becomes fatal. Other warnings are ignored silently.
static void qz_jpeg_emit_message(j_common_ptr info, int level) {
    if (level < 0) {
        info->err->num_warnings++;
        if (info->err->msg_code == JWRN_JPEG_EOF) qz_jpeg_error_exit(info);
    }
}

static void qz_jpeg_output_message(j_common_ptr info) { (void)info; }

static inline void qz_jpeg_error_init(qz_jpeg_error *error, char *message) {
    jpeg_std_error(&error->manager);
    error->manager.error_exit = qz_jpeg_error_exit;
    error->manager.emit_message = qz_jpeg_emit_message;
    error->manager.output_message = qz_jpeg_output_message;
    error->message = message;
    message[0] = 0;
}

typedef struct {
    uint32_t width;
    uint32_t height;
    int components;     // 1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK
    int densityUnit;    // JFIF: 0 aspect ratio only, 1 dots per inch, 2 dots per cm
    uint16_t xDensity;
    uint16_t yDensity;
} qz_jpeg_header;

/// Reads the header of the JPEG in `data`. Returns 1 on success, 0 with `message` set on failure.
static inline int qz_jpeg_read_header(const uint8_t *data, size_t size, qz_jpeg_header *header, char *message) {
    struct jpeg_decompress_struct info;
    qz_jpeg_error error;
    memset(&info, 0, sizeof info);  // so that a destroy after a failed create sees no memory manager
    qz_jpeg_error_init(&error, message);
    info.err = &error.manager;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&info);
        return 0;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    header->width = info.image_width;
    header->height = info.image_height;
    header->components = info.num_components;
    header->densityUnit = info.saw_JFIF_marker ? info.density_unit : 0;
    header->xDensity = info.saw_JFIF_marker ? info.X_density : 0;
    header->yDensity = info.saw_JFIF_marker ? info.Y_density : 0;
    jpeg_destroy_decompress(&info);
    return 1;
}

/// Decodes the JPEG in `data` into `pixels` (`width` × `height` × `components`, rows packed), where
/// `components` is 1 (gray), 3 (RGB) or 4 (CMYK as stored). The size must match the header, which
/// the caller has checked against its limits before allocating. Returns 1 on success, 0 on failure.
static inline int qz_jpeg_decode(const uint8_t *data, size_t size, int components, uint32_t width,
                                 uint32_t height, uint8_t *pixels, char *message) {
    struct jpeg_decompress_struct info;
    qz_jpeg_error error;
    memset(&info, 0, sizeof info);  // so that a destroy after a failed create sees no memory manager
    qz_jpeg_error_init(&error, message);
    info.err = &error.manager;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&info);
        return 0;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    info.out_color_space = components == 1 ? JCS_GRAYSCALE : components == 3 ? JCS_RGB : JCS_CMYK;
    jpeg_start_decompress(&info);
    if (info.output_width != width || info.output_height != height ||
        info.output_components != components) {
        snprintf(message, QZ_JPEG_MESSAGE_LENGTH, "decoded size differs from the header");
        jpeg_destroy_decompress(&info);
        return 0;
    }
    size_t stride = (size_t)width * (size_t)components;
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = pixels + (size_t)info.output_scanline * stride;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    return 1;
}

/// Encodes gray (`components` 1) or RGB (3) pixels as a baseline JPEG into a buffer that libjpeg
/// allocates; the caller frees it with qz_jpeg_free. `app1` (may be NULL) is written as an APP1
/// marker (EXIF). `dotsPerInch` 0 leaves the JFIF density unset. Returns 1 on success, 0 on failure.
static inline int qz_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int components,
                                 int quality, unsigned dotsPerInch, const uint8_t *app1, size_t app1Size,
                                 unsigned char **output, unsigned long *outputSize, char *message) {
    struct jpeg_compress_struct info;
    qz_jpeg_error error;
    memset(&info, 0, sizeof info);  // so that a destroy after a failed create sees no memory manager
    qz_jpeg_error_init(&error, message);
    info.err = &error.manager;
    *output = NULL;
    *outputSize = 0;
    if (setjmp(error.jump)) {
        jpeg_destroy_compress(&info);
        free(*output);
        *output = NULL;
        return 0;
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, output, outputSize);
    info.image_width = width;
    info.image_height = height;
    info.input_components = components;
    info.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    if (dotsPerInch > 0 && dotsPerInch <= 65535) {
        info.density_unit = 1;
        info.X_density = (UINT16)dotsPerInch;
        info.Y_density = (UINT16)dotsPerInch;
    }
    jpeg_start_compress(&info, TRUE);
    if (app1 != NULL && app1Size > 0 && app1Size <= 65533) {
        jpeg_write_marker(&info, JPEG_APP0 + 1, app1, (unsigned int)app1Size);
    }
    size_t stride = (size_t)width * (size_t)components;
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)info.next_scanline * stride);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    return 1;
}

static inline void qz_jpeg_free(void *buffer) { free(buffer); }
