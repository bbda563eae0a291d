/* Plain-C drawing over OpenCV imgproc (anti-aliased lines, circles, rectangles, text), for
 * annotating images a person looks at. Draws in place into a U8C3 or U8C1 view; colours
 * are given per channel in the view's order. Returns 0, or -1 with cvk_last_error(). */
#ifndef CVISION_DRAWING_H
#define CVISION_DRAWING_H

#include <stdint.h>
#include "cvision_image.h"

#ifdef __cplusplus
extern "C" {
#endif

int cvk_draw_line(cvk_image image, double x0, double y0, double x1, double y1, const uint8_t *color,
                  int32_t thickness);
/* thickness < 0 fills the circle. */
int cvk_draw_circle(cvk_image image, double cx, double cy, double radius, const uint8_t *color, int32_t thickness);
int cvk_draw_rectangle(cvk_image image, int32_t x, int32_t y, int32_t width, int32_t height, const uint8_t *color,
                       int32_t thickness);
/* Text in OpenCV's Hershey simplex font; (x, y) is the left end of the baseline and
 * `height` the approximate capital height in pixels. */
int cvk_draw_text(cvk_image image, const char *text, double x, double y, double height, const uint8_t *color,
                  int32_t thickness);

#ifdef __cplusplus
}
#endif

#endif
