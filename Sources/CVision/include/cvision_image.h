/* Plain-C image operations over OpenCV imgproc, for ImageKit.
 * Every function returns 0 on success or -1 with a message in cvk_last_error(). */
#ifndef CVISION_IMAGE_H
#define CVISION_IMAGE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Element layout of a cvk_image. */
typedef enum {
    CVK_U8C1 = 0,
    CVK_U8C3 = 1,
    CVK_F32C1 = 2,
    CVK_F32C3 = 3,
    CVK_S32C1 = 4,
    CVK_F64C1 = 5,
} cvk_type;

/* A borrowed view of pixels; stride is in bytes. Nothing is copied or freed. */
typedef struct {
    void *data;
    int32_t width;
    int32_t height;
    int64_t stride;
    int32_t type;
} cvk_image;

typedef enum {
    CVK_RGB_TO_GRAY = 0,
    CVK_RGB_TO_LAB = 1,   /* F32C3 in 0..1 -> F32C3 L*a*b* */
    CVK_LAB_TO_RGB = 2,   /* F32C3 L*a*b* -> F32C3 in 0..1 */
    CVK_GRAY_TO_RGB = 3,
} cvk_color_code;

typedef enum {
    CVK_INTER_AREA = 0,
    CVK_INTER_LINEAR = 1,
    CVK_INTER_LANCZOS4 = 2,
    CVK_INTER_CUBIC = 3,
    CVK_INTER_NEAREST = 4,
} cvk_interpolation;

typedef enum {
    CVK_MORPH_ERODE = 0,
    CVK_MORPH_DILATE = 1,
    CVK_MORPH_OPEN = 2,
    CVK_MORPH_CLOSE = 3,
} cvk_morph_op;

typedef enum {
    CVK_SHAPE_RECT = 0,
    CVK_SHAPE_ELLIPSE = 1,
} cvk_kernel_shape;

/* The message of the last failed call on this thread. */
const char *cvk_last_error(void);

/* OpenCV's version string, e.g. "4.6.0". */
const char *cvk_opencv_version(void);

int cvk_convert_color(cvk_image src, cvk_image dst, int32_t code);
/* Packed YUYV (YUY2), BT.601 limited range, to RGB. src is 2 bytes per pixel. */
int cvk_yuyv_to_rgb(const uint8_t *src, int32_t width, int32_t height, int64_t stride, cvk_image dst);
/* NV12 (Y plane, then interleaved U/V at half resolution), BT.601 limited range, to RGB. */
int cvk_nv12_to_rgb(const uint8_t *y, int64_t y_stride, const uint8_t *uv, int64_t uv_stride,
                    int32_t width, int32_t height, cvk_image dst);
int cvk_convert_scale(cvk_image src, cvk_image dst, double alpha, double beta);
int cvk_resize(cvk_image src, cvk_image dst, int32_t interpolation);
int cvk_gaussian_blur(cvk_image src, cvk_image dst, double sigma_x, double sigma_y);
int cvk_box_filter(cvk_image src, cvk_image dst, int32_t kernel_width, int32_t kernel_height, int32_t normalize);
int cvk_morphology(cvk_image src, cvk_image dst, int32_t op, int32_t shape,
                   int32_t kernel_width, int32_t kernel_height, int32_t iterations);
/* Euclidean distance of every non-zero pixel of a U8C1 mask to the nearest zero pixel (F32C1). */
int cvk_distance_transform(cvk_image src, cvk_image dst);
/* Integral image: sum is (w+1)x(h+1); sum_type S32C1 or F64C1; squares may be NULL data. */
int cvk_integral(cvk_image src, cvk_image sum, cvk_image squares);

#ifdef __cplusplus
}
#endif

#endif
