#include "cvision_drawing.h"
#include "cvision_error.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace {
cv::Mat wrap_u8(const cvk_image &image) {
    if (image.type != CVK_U8C3 && image.type != CVK_U8C1)
        throw std::invalid_argument("drawing needs an 8-bit grey or RGB image");
    return cv::Mat(image.height, image.width, image.type == CVK_U8C3 ? CV_8UC3 : CV_8UC1, image.data,
                   static_cast<size_t>(image.stride));
}

cv::Scalar scalar(const cvk_image &image, const uint8_t *color) {
    return image.type == CVK_U8C3 ? cv::Scalar(color[0], color[1], color[2]) : cv::Scalar(color[0]);
}

// Sub-pixel positions for OpenCV's fixed-point drawing: 4 fractional bits.
constexpr int shift = 4;
cv::Point fixed(double x, double y) { return cv::Point(cvRound(x * (1 << shift)), cvRound(y * (1 << shift))); }
}  // namespace

extern "C" int cvk_draw_line(cvk_image image, double x0, double y0, double x1, double y1, const uint8_t *color,
                             int32_t thickness) {
    return cvk::guarded([&] {
        cv::Mat m = wrap_u8(image);
        cv::line(m, fixed(x0, y0), fixed(x1, y1), scalar(image, color), thickness, cv::LINE_AA, shift);
    });
}

extern "C" int cvk_draw_circle(cvk_image image, double cx, double cy, double radius, const uint8_t *color,
                               int32_t thickness) {
    return cvk::guarded([&] {
        cv::Mat m = wrap_u8(image);
        cv::circle(m, fixed(cx, cy), cvRound(radius * (1 << shift)), scalar(image, color),
                   thickness < 0 ? cv::FILLED : thickness, cv::LINE_AA, shift);
    });
}

extern "C" int cvk_draw_rectangle(cvk_image image, int32_t x, int32_t y, int32_t width, int32_t height,
                                  const uint8_t *color, int32_t thickness) {
    return cvk::guarded([&] {
        cv::Mat m = wrap_u8(image);
        cv::rectangle(m, cv::Rect(x, y, width, height), scalar(image, color), thickness < 0 ? cv::FILLED : thickness,
                      cv::LINE_AA);
    });
}

extern "C" int cvk_draw_text(cvk_image image, const char *text, double x, double y, double height,
                             const uint8_t *color, int32_t thickness) {
    return cvk::guarded([&] {
        cv::Mat m = wrap_u8(image);
        // Hershey simplex capitals are about 22 units tall at scale 1.
        cv::putText(m, text, cv::Point(cvRound(x), cvRound(y)), cv::FONT_HERSHEY_SIMPLEX, height / 22.0,
                    scalar(image, color), thickness, cv::LINE_AA);
    });
}
