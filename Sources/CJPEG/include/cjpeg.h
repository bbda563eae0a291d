/* A small C layer over libjpeg(-turbo) that never exits the process: every libjpeg
 * error returns here through setjmp and comes back as a code and a message. */
#ifndef CJPEG_H
#define CJPEG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Why a call failed; the message field holds libjpeg's own words. */
typedef enum {
    CJPEG_OK = 0,
    CJPEG_EMPTY = 1,        /* no bytes at all */
    CJPEG_NOT_JPEG = 2,     /* does not start with the JPEG start-of-image marker */
    CJPEG_TRUNCATED = 3,    /* the data ends before the image does */
    CJPEG_CORRUPT = 4,      /* libjpeg found damaged or unsupported data */
    CJPEG_TOO_LARGE = 5,    /* larger than the caller's pixel limit */
    CJPEG_BAD_ARGUMENT = 6, /* the caller's buffer or parameters do not fit */
    CJPEG_UNSUPPORTED = 7,  /* valid JPEG of a kind this libjpeg build cannot decode (12-bit, lossless) */
} cjpeg_status;

typedef struct {
    int32_t status;
    int32_t warnings;       /* libjpeg warnings seen (corrupt data it skipped) */
    char message[200];
} cjpeg_result;

typedef struct {
    int32_t width, height;            /* full size */
    int32_t output_width, output_height; /* after DCT scaling */
    int32_t components;               /* 1 grey, 3 YCbCr/RGB, 4 CMYK or YCCK */
    int32_t color_space;              /* libjpeg J_COLOR_SPACE of the file (JCS_CMYK 4, JCS_YCCK 5) */
    int32_t adobe_marker;             /* 1 when an Adobe APP14 segment is present (CMYK stored inverted) */
    int32_t progressive;              /* 1 for a progressive file */
    int32_t arithmetic;               /* 1 for arithmetic coding */
    int32_t saw_jfif;                 /* 1 when a JFIF APP0 segment is present */
    int32_t density_unit;             /* 0 none (aspect only), 1 dots per inch, 2 dots per cm */
    int32_t x_density, y_density;
    int32_t estimated_quality;        /* IJG quality that gives the luminance table, or 0 */
    int32_t luma_h_sampling, luma_v_sampling; /* 2,2 for 4:2:0; 1,1 for 4:4:4 */
} cjpeg_info;

/* Reads the headers only; scale_denom is 1, 2, 4 or 8. */
cjpeg_result cjpeg_read_info(const uint8_t *data, size_t size, int32_t scale_denom, cjpeg_info *info);

/* Decodes to packed RGB into out (output_height rows of out_stride bytes). Grey files are
 * expanded to RGB; CMYK and YCCK files are converted to RGB without a colour profile
 * (R = (1 - C)(1 - K) and so on), reading Adobe's inverted CMYK as Adobe writes it.
 * When libjpeg skipped damaged data the pixels are filled anyway, warnings > 0 and status
 * says why. */
cjpeg_result cjpeg_decode_rgb(const uint8_t *data, size_t size, int32_t scale_denom,
                              uint8_t *out, size_t out_stride, int32_t out_width, int32_t out_height);

typedef struct {
    int32_t quality;          /* 1..100, IJG scale */
    int32_t subsampling_444;  /* 1 for 4:4:4, 0 for 4:2:0 */
    int32_t density_unit;     /* as in cjpeg_info */
    int32_t x_density, y_density;
    int32_t optimize_huffman; /* 1: optimal Huffman tables (smaller, still baseline) */
    /* Only for 4 components (CMYK, as print files come; the kiosk writes none):
     * 1 to store them as YCCK, and 1 to write an Adobe APP14 segment (which tells readers
     * the values are inverted; the caller passes them inverted then, as Photoshop does). */
    int32_t cmyk_as_ycck;
    int32_t cmyk_adobe_marker;
} cjpeg_encode_options;

/* Encodes packed RGB (components 3), grey (1) or CMYK (4) as a baseline JPEG, with a JFIF
 * header except for CMYK (JFIF allows only grey and YCbCr).
 * On success *out holds a malloc'ed buffer the caller frees with cjpeg_free. */
cjpeg_result cjpeg_encode(const uint8_t *pixels, size_t stride, int32_t width, int32_t height,
                          int32_t components, cjpeg_encode_options options,
                          uint8_t **out, size_t *out_size);

void cjpeg_free(void *buffer);

/* "libjpeg-turbo 2.1.5 (libjpeg API 6.2)" or similar, from the headers this was built with. */
const char *cjpeg_library_version(void);

#ifdef __cplusplus
}
#endif

#endif
