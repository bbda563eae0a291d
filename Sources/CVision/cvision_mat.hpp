// Shared by the OpenCV-based CVision sources: the caller's pixels as cv::Mat, without copies.
#pragma once
#include "cvision_image.h"

#include <opencv2/core.hpp>

namespace cvk {
// Wraps the caller's memory without copying; OpenCV reads and writes it in place.
cv::Mat wrap(const cvk_image &image);

// OpenCV reallocates a destination whose size or type differs, which would silently
// write somewhere the caller never sees; this refuses instead.
void expect_same(const cv::Mat &produced, const cv::Mat &dst, const char *what);
}  // namespace cvk
