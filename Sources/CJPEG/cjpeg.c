#include "cjpeg.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

/* libjpeg's default error_exit calls exit(); ours jumps back to the caller instead. */
typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf escape;
    int warnings;
    int last_warning_code;
    int saw_end_of_data; /* the source ran dry: whatever fails afterwards is truncation */
    char last_warning[JMSG_LENGTH_MAX];
} guarded_error;

static void on_error_exit(j_common_ptr cinfo) {
    guarded_error *err = (guarded_error *)cinfo->err;
    longjmp(err->escape, 1);
}

static void on_message(j_common_ptr cinfo, int level) {
    guarded_error *err = (guarded_error *)cinfo->err;
    if (level < 0) { /* a warning: corrupt data that libjpeg chose to skip */
        err->warnings++;
        err->last_warning_code = err->base.msg_code;
        if (err->base.msg_code == JWRN_JPEG_EOF) err->saw_end_of_data = 1;
        err->base.format_message(cinfo, err->last_warning);
    }
}

static void init_errors(guarded_error *err) {
    memset(err, 0, sizeof(*err));
    jpeg_std_error(&err->base);
    err->base.error_exit = on_error_exit;
    err->base.emit_message = on_message;
}

static cjpeg_result make_result(int status, const char *message) {
    cjpeg_result r;
    memset(&r, 0, sizeof(r));
    r.status = status;
    if (message) snprintf(r.message, sizeof(r.message), "%s", message);
    return r;
}

static int status_for_code(int code) {
    switch (code) {
    case JERR_NO_SOI: return CJPEG_NOT_JPEG;
    case JERR_INPUT_EMPTY: return CJPEG_EMPTY;
    case JERR_INPUT_EOF:
    case JWRN_JPEG_EOF: return CJPEG_TRUNCATED;
    /* Valid files of a kind this build does not decode: not damage, and saying "damaged"
     * would send the operator to re-copy a file that is fine. */
    case JERR_ARITH_NOTIMPL:
    case JERR_BAD_PRECISION:
    case JERR_CONVERSION_NOTIMPL:
    case JERR_NOT_COMPILED:
    case JERR_SOF_UNSUPPORTED: return CJPEG_UNSUPPORTED;
    default: return CJPEG_CORRUPT;
    }
}

static cjpeg_result failure_from(j_common_ptr cinfo, guarded_error *err) {
    char text[JMSG_LENGTH_MAX];
    err->base.format_message(cinfo, text);
    return make_result(err->saw_end_of_data ? CJPEG_TRUNCATED : status_for_code(err->base.msg_code), text);
}

/* The IJG quality whose scaled standard luminance table is closest to the file's table. */
static int estimate_quality(j_decompress_ptr cinfo) {
    static const unsigned int std_luma[64] = {
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};
    JQUANT_TBL *table = cinfo->quant_tbl_ptrs[0];
    if (!table) return 0;
    int best_quality = 0;
    double best_error = 0;
    for (int q = 1; q <= 100; q++) {
        long scale = q < 50 ? 5000 / q : 200 - q * 2;
        double error = 0;
        for (int i = 0; i < 64; i++) {
            /* quantval is stored in natural order, as is std_luma */
            long expected = ((long)std_luma[i] * scale + 50) / 100;
            if (expected < 1) expected = 1;
            if (expected > 255) expected = 255;
            double d = (double)table->quantval[i] - (double)expected;
            error += d * d;
        }
        if (q == 1 || error < best_error) {
            best_error = error;
            best_quality = q;
        }
    }
    return best_quality;
}

static int valid_scale(int32_t denom) { return denom == 1 || denom == 2 || denom == 4 || denom == 8; }

static void fill_info(j_decompress_ptr cinfo, cjpeg_info *info) {
    memset(info, 0, sizeof(*info));
    info->width = (int32_t)cinfo->image_width;
    info->height = (int32_t)cinfo->image_height;
    info->output_width = (int32_t)cinfo->output_width;
    info->output_height = (int32_t)cinfo->output_height;
    info->components = cinfo->num_components;
    info->color_space = cinfo->jpeg_color_space;
    info->adobe_marker = cinfo->saw_Adobe_marker ? 1 : 0;
    info->progressive = cinfo->progressive_mode ? 1 : 0;
    info->arithmetic = cinfo->arith_code ? 1 : 0;
    info->saw_jfif = cinfo->saw_JFIF_marker ? 1 : 0;
    info->density_unit = cinfo->density_unit;
    info->x_density = cinfo->X_density;
    info->y_density = cinfo->Y_density;
    info->estimated_quality = estimate_quality(cinfo);
    if (cinfo->num_components > 0) {
        info->luma_h_sampling = cinfo->comp_info[0].h_samp_factor;
        info->luma_v_sampling = cinfo->comp_info[0].v_samp_factor;
    }
}

/* Reads the headers and, when out is given, the pixels: one body for both so that the
 * setjmp frame, which must stay alive while libjpeg runs, is written once. */
static cjpeg_result decompress(const uint8_t *data, size_t size, int32_t scale_denom, cjpeg_info *info,
                               uint8_t *out, size_t out_stride, int32_t out_width, int32_t out_height) {
    if (!data || size == 0) return make_result(CJPEG_EMPTY, "the data is empty");
    if (!valid_scale(scale_denom)) return make_result(CJPEG_BAD_ARGUMENT, "scale must be 1, 2, 4 or 8");
    struct jpeg_decompress_struct cinfo;
    guarded_error err;
    init_errors(&err);
    cinfo.err = &err.base;
    if (setjmp(err.escape)) {
        cjpeg_result r = failure_from((j_common_ptr)&cinfo, &err);
        jpeg_destroy_decompress(&cinfo);
        return r;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    cinfo.scale_num = 1;
    cinfo.scale_denom = (unsigned int)scale_denom;
    /* libjpeg converts grey and YCbCr to RGB itself but not CMYK or YCCK (print files,
     * often from Photoshop): those come out as CMYK (YCCK turned into CMYK by libjpeg)
     * and are converted row by row below. */
    const int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_calc_output_dimensions(&cinfo);
    if (info) fill_info(&cinfo, info);
    if (out) {
        if ((int32_t)cinfo.output_width != out_width || (int32_t)cinfo.output_height != out_height ||
            cinfo.output_components != (cmyk ? 4 : 3) || out_stride < (size_t)out_width * 3) {
            jpeg_destroy_decompress(&cinfo);
            return make_result(CJPEG_BAD_ARGUMENT, "output buffer does not match the decoded size");
        }
        jpeg_start_decompress(&cinfo);
        /* One CMYK row from libjpeg's image pool: jpeg_destroy_decompress frees it, also
         * after a longjmp, so nothing leaks on damaged data. */
        JSAMPARRAY cmyk_row = cmyk ? (*cinfo.mem->alloc_sarray)((j_common_ptr)&cinfo, JPOOL_IMAGE,
                                                                cinfo.output_width * 4, 1) : NULL;
        /* Adobe's writers store CMYK inverted (0 = full ink); an Adobe APP14 segment is
         * how readers know, as Chromium and Pillow decide it. */
        const int inverted = cinfo.saw_Adobe_marker;
        while (cinfo.output_scanline < cinfo.output_height) {
            JSAMPROW row = out + (size_t)cinfo.output_scanline * out_stride;
            if (!cmyk) {
                jpeg_read_scanlines(&cinfo, &row, 1);
                continue;
            }
            jpeg_read_scanlines(&cinfo, cmyk_row, 1);
            const JSAMPLE *in = cmyk_row[0];
            for (JDIMENSION x = 0; x < cinfo.output_width; x++, in += 4, row += 3) {
                /* With ink amounts c, k in 0…255: R = (255 − c)(255 − k) / 255. */
                unsigned int k = inverted ? in[3] : 255u - in[3];
                for (int i = 0; i < 3; i++) {
                    unsigned int v = inverted ? in[i] : 255u - in[i];
                    row[i] = (JSAMPLE)((v * k + 127u) / 255u);
                }
            }
        }
        jpeg_finish_decompress(&cinfo);
    }
    jpeg_destroy_decompress(&cinfo);
    cjpeg_result r = make_result(CJPEG_OK, NULL);
    r.warnings = err.warnings;
    if (err.warnings) {
        /* Damage in the headers alone still leaves usable information; in pixels it does not. */
        if (out) r.status = err.saw_end_of_data ? CJPEG_TRUNCATED : status_for_code(err.last_warning_code);
        snprintf(r.message, sizeof(r.message), "%s", err.last_warning);
    }
    return r;
}

cjpeg_result cjpeg_read_info(const uint8_t *data, size_t size, int32_t scale_denom, cjpeg_info *info) {
    return decompress(data, size, scale_denom, info, NULL, 0, 0, 0);
}

cjpeg_result cjpeg_decode_rgb(const uint8_t *data, size_t size, int32_t scale_denom,
                              uint8_t *out, size_t out_stride, int32_t out_width, int32_t out_height) {
    if (!out) return make_result(CJPEG_BAD_ARGUMENT, "no output buffer");
    return decompress(data, size, scale_denom, NULL, out, out_stride, out_width, out_height);
}

cjpeg_result cjpeg_encode(const uint8_t *pixels, size_t stride, int32_t width, int32_t height,
                          int32_t components, cjpeg_encode_options options,
                          uint8_t **out, size_t *out_size) {
    if (!pixels || width <= 0 || height <= 0 || (components != 1 && components != 3 && components != 4) ||
        stride < (size_t)width * (size_t)components || options.quality < 1 || options.quality > 100)
        return make_result(CJPEG_BAD_ARGUMENT, "invalid image or quality for encoding");
    struct jpeg_compress_struct cinfo;
    guarded_error err;
    init_errors(&err);
    cinfo.err = &err.base;
    /* volatile: the values must survive the longjmp back into this frame */
    unsigned char *volatile buffer = NULL;
    unsigned long volatile buffer_size = 0;
    if (setjmp(err.escape)) {
        cjpeg_result r = failure_from((j_common_ptr)&cinfo, &err);
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return r;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, (unsigned char **)&buffer, (unsigned long *)&buffer_size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = components;
    cinfo.in_color_space = components == 4 ? JCS_CMYK : components == 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_set_defaults(&cinfo);
    if (components == 4) {
        /* jpeg_set_colorspace turns the Adobe marker on for both; it may be turned off. */
        jpeg_set_colorspace(&cinfo, options.cmyk_as_ycck ? JCS_YCCK : JCS_CMYK);
        cinfo.write_Adobe_marker = options.cmyk_adobe_marker ? TRUE : FALSE;
    }
    jpeg_set_quality(&cinfo, options.quality, TRUE);
    cinfo.optimize_coding = options.optimize_huffman ? TRUE : FALSE;
    cinfo.write_JFIF_header = components != 4;
    cinfo.density_unit = (UINT8)options.density_unit;
    cinfo.X_density = (UINT16)options.x_density;
    cinfo.Y_density = (UINT16)options.y_density;
    if (components == 3) {
        int factor = options.subsampling_444 ? 1 : 2;
        cinfo.comp_info[0].h_samp_factor = factor;
        cinfo.comp_info[0].v_samp_factor = factor;
        cinfo.comp_info[1].h_samp_factor = 1;
        cinfo.comp_info[1].v_samp_factor = 1;
        cinfo.comp_info[2].h_samp_factor = 1;
        cinfo.comp_info[2].v_samp_factor = 1;
    }
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * stride);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_size = buffer_size;
    return make_result(CJPEG_OK, NULL);
}

void cjpeg_free(void *buffer) { free(buffer); }

const char *cjpeg_library_version(void) {
#define CJPEG_STR2(x) #x
#define CJPEG_STR(x) CJPEG_STR2(x)
#ifdef LIBJPEG_TURBO_VERSION
    return "libjpeg-turbo " CJPEG_STR(LIBJPEG_TURBO_VERSION) " (libjpeg API " CJPEG_STR(JPEG_LIB_VERSION) ")";
#else
    return "libjpeg (API " CJPEG_STR(JPEG_LIB_VERSION) ")";
#endif
}
