/* Plain-C person/background segmentation helpers over OpenCV imgproc, for PhotoStandard.
 * Every function returns 0 on success or -1 with a message in cvk_last_error(). */
#ifndef CVISION_SEGMENT_H
#define CVISION_SEGMENT_H

#include "cvision_image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Labels of a grabCut mask (the values OpenCV uses). */
typedef enum {
    CVK_GC_BACKGROUND = 0,
    CVK_GC_FOREGROUND = 1,
    CVK_GC_PROBABLY_BACKGROUND = 2,
    CVK_GC_PROBABLY_FOREGROUND = 3,
} cvk_grabcut_label;

/* OpenCV grabCut initialised from `mask` (U8C1, cvk_grabcut_label values, same size as the
 * U8C3 `rgb`), run for `iterations`; the mask is updated in place. The mask must hold at
 * least one background and one foreground (definite or probable) pixel. */
int cvk_grabcut(cvk_image rgb, cvk_image mask, int32_t iterations);

/* Of the 8-connected non-zero components of the U8C1 `mask`, the one with the most pixels
 * inside the rectangle (x, y, width, height), with its holes filled, written to `dst`
 * (U8C1, 255 inside, 0 elsewhere). `dst` is all zero when no component meets the rectangle.
 *
 * For a body that runs on past the image's bottom edge: when `bottom_reach` > 0, components
 * that touch the bottom row and come within `bottom_reach` pixels of the chosen one join it
 * (a collar the colour of the wall can cut the shoulders off the neck), and the bottom edge
 * counts as closed when holes are filled, so what the body encloses there is filled too. */
int cvk_component_in_rect(cvk_image mask, int32_t x, int32_t y, int32_t width, int32_t height,
                          int32_t bottom_reach, cvk_image dst);

#ifdef __cplusplus
}
#endif

#endif
