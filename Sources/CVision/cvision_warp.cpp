#include "cvision_warp.h"
#include "cvision_error.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace {
int cv_type(int32_t type) {
    switch (type) {
    case CVK_U8C1: return CV_8UC1;
    case CVK_U8C3: return CV_8UC3;
    case CVK_F32C1: return CV_32FC1;
    case CVK_F32C3: return CV_32FC3;
    default: throw std::invalid_argument("warping supports 8-bit and float images with 1 or 3 channels");
    }
}

cv::Mat wrap(const cvk_image &image) {
    return cv::Mat(image.height, image.width, cv_type(image.type), image.data, static_cast<size_t>(image.stride));
}
}  // namespace

extern "C" int cvk_warp_affine(cvk_image src, cvk_image dst, const double *inverse) {
    return cvk::guarded([&] {
        if (src.type != dst.type) throw std::invalid_argument("source and destination types differ");
        cv::Mat m(2, 3, CV_64F, const_cast<double *>(inverse));
        cv::Mat out = wrap(dst);
        cv::warpAffine(wrap(src), out, m, out.size(), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_REPLICATE);
    });
}
