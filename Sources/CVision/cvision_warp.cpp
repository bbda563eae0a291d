#include "cvision_warp.h"
#include "cvision_error.hpp"
#include "cvision_mat.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

using cvk::wrap;

extern "C" int cvk_warp_affine(cvk_image src, cvk_image dst, const double *inverse) {
    return cvk::guarded([&] {
        if (src.type != dst.type) throw std::invalid_argument("source and destination types differ");
        cv::Mat m(2, 3, CV_64F, const_cast<double *>(inverse));
        cv::Mat out = wrap(dst);
        cv::warpAffine(wrap(src), out, m, out.size(), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_REPLICATE);
    });
}
