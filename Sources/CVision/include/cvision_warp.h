/* Plain-C affine warping over OpenCV imgproc (cv::warpAffine), bilinear, with the border
 * pixels repeated. Used to construct test inputs (a tilted head); the kiosk never rotates a
 * photo. Returns 0, or -1 with cvk_last_error(). */
#ifndef CVISION_WARP_H
#define CVISION_WARP_H

#include "cvision_image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* dst(x, y) = src(m · (x, y, 1)) for the inverse 2×3 matrix `inverse` (row major). src and
 * dst have the same type; their sizes may differ. */
int cvk_warp_affine(cvk_image src, cvk_image dst, const double *inverse);

#ifdef __cplusplus
}
#endif

#endif
