#pragma once
// libtiff for TIFF pages and the TIFF writer. Two things Swift cannot do directly live here:
// calling variadic C functions (TIFFGetField/TIFFSetField) and formatting the printf-style
// messages libtiff hands to its error and warning handlers.
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <tiffio.h>

/// What libtiff reported on one handle since the last reset: the first error (usually the cause)
/// and the last warning. Owned by the Swift object that owns the TIFF handle.
typedef struct {
    char firstError[512];
    char lastWarning[512];
    int errorCount;
    int warningCount;
} qz_tiff_messages;

static inline void qz_tiff_messages_reset(qz_tiff_messages *m) { memset(m, 0, sizeof *m); }

// Returning 1 tells libtiff the message was handled, so it never reaches stderr.
static int qz_tiff_on_error(TIFF *tif, void *user_data, const char *module, const char *fmt, va_list ap) {
    (void)tif; (void)module;
    qz_tiff_messages *m = (qz_tiff_messages *)user_data;
    if (m) {
        if (m->errorCount == 0) vsnprintf(m->firstError, sizeof m->firstError, fmt, ap);
        m->errorCount++;
    }
    return 1;
}

static int qz_tiff_on_warning(TIFF *tif, void *user_data, const char *module, const char *fmt, va_list ap) {
    (void)tif; (void)module;
    qz_tiff_messages *m = (qz_tiff_messages *)user_data;
    if (m) {
        vsnprintf(m->lastWarning, sizeof m->lastWarning, fmt, ap);
        m->warningCount++;
    }
    return 1;
}

/// Messages that libtiff sends without a handle (a few old code paths) go to the global handlers,
/// which print to stderr by default; qzoom drops them instead.
static inline void qz_tiff_silence_global_handlers(void) {
    TIFFSetErrorHandler(NULL);
    TIFFSetWarningHandler(NULL);
}

/// Opens `path` with per-handle message capture and a cap on any single allocation libtiff makes
/// (hostile files declare huge strip counts and tile sizes).
static inline TIFF *qz_tiff_open(const char *path, const char *mode, qz_tiff_messages *messages,
                                 tmsize_t maxSingleAllocation) {
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (options == NULL) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(options, qz_tiff_on_error, messages);
    TIFFOpenOptionsSetWarningHandlerExtR(options, qz_tiff_on_warning, messages);
    TIFFOpenOptionsSetMaxSingleMemAlloc(options, maxSingleAllocation);
    TIFF *tif = TIFFOpenExt(path, mode, options);
    TIFFOpenOptionsFree(options);
    return tif;
}

// TIFFGetField and TIFFSetField are variadic; Swift cannot call C variadic functions, so each value
// type the project uses gets a fixed-signature wrapper.
static inline int qz_tiff_get_u16(TIFF *tif, uint32_t tag, uint16_t *value) { return TIFFGetField(tif, tag, value); }
static inline int qz_tiff_get_u32(TIFF *tif, uint32_t tag, uint32_t *value) { return TIFFGetField(tif, tag, value); }
static inline int qz_tiff_get_float(TIFF *tif, uint32_t tag, float *value) { return TIFFGetField(tif, tag, value); }
static inline int qz_tiff_get_defaulted_u16(TIFF *tif, uint32_t tag, uint16_t *value) {
    return TIFFGetFieldDefaulted(tif, tag, value);
}
static inline int qz_tiff_set_u16(TIFF *tif, uint32_t tag, uint16_t value) { return TIFFSetField(tif, tag, (int)value); }
static inline int qz_tiff_set_u32(TIFF *tif, uint32_t tag, uint32_t value) { return TIFFSetField(tif, tag, value); }
static inline int qz_tiff_set_int(TIFF *tif, uint32_t tag, int value) { return TIFFSetField(tif, tag, value); }
static inline int qz_tiff_set_double(TIFF *tif, uint32_t tag, double value) { return TIFFSetField(tif, tag, value); }
static inline int qz_tiff_set_u16_pair(TIFF *tif, uint32_t tag, uint16_t first, uint16_t second) {
    return TIFFSetField(tif, tag, (int)first, (int)second);
}
static inline int qz_tiff_set_colormap(TIFF *tif, uint16_t *red, uint16_t *green, uint16_t *blue) {
    return TIFFSetField(tif, TIFFTAG_COLORMAP, red, green, blue);
}
