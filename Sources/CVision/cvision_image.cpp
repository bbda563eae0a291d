#include "cvision_image.h"
#include "cvision_error.hpp"
#include "cvision_mat.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace cvk {
namespace {
thread_local std::string last_error;

int cv_type(int32_t type) {
    switch (type) {
    case CVK_U8C1: return CV_8UC1;
    case CVK_U8C3: return CV_8UC3;
    case CVK_F32C1: return CV_32FC1;
    case CVK_F32C3: return CV_32FC3;
    case CVK_S32C1: return CV_32SC1;
    case CVK_F64C1: return CV_64FC1;
    }
    throw std::invalid_argument("unknown cvk_type " + std::to_string(type));
}

}  // namespace

void set_error(const std::string &message) { last_error = message; }

cv::Mat wrap(const cvk_image &image) {
    return cv::Mat(image.height, image.width, cv_type(image.type), image.data, static_cast<size_t>(image.stride));
}

void expect_same(const cv::Mat &produced, const cv::Mat &dst, const char *what) {
    if (produced.data != dst.data)
        throw std::runtime_error(std::string(what) + ": destination has the wrong size or type");
}
}  // namespace cvk

using cvk::guarded;
using cvk::wrap;

extern "C" const char *cvk_last_error(void) { return cvk::last_error.c_str(); }

extern "C" const char *cvk_opencv_version(void) { return CV_VERSION; }

extern "C" int cvk_convert_color(cvk_image src, cvk_image dst, int32_t code) {
    return guarded([&] {
        cv::Mat s = wrap(src), d = wrap(dst);
        int cv_code;
        switch (code) {
        case CVK_RGB_TO_GRAY: cv_code = cv::COLOR_RGB2GRAY; break;
        case CVK_RGB_TO_LAB: cv_code = cv::COLOR_RGB2Lab; break;
        case CVK_LAB_TO_RGB: cv_code = cv::COLOR_Lab2RGB; break;
        case CVK_GRAY_TO_RGB: cv_code = cv::COLOR_GRAY2RGB; break;
        default: throw std::invalid_argument("unknown colour conversion");
        }
        cv::Mat out = d;
        cv::cvtColor(s, out, cv_code);
        cvk::expect_same(out, d, "convert_color");
    });
}

extern "C" int cvk_yuyv_to_rgb(const uint8_t *src, int32_t width, int32_t height, int64_t stride, cvk_image dst) {
    return guarded([&] {
        if (width % 2 != 0) throw std::invalid_argument("YUYV width must be even");
        cv::Mat s(height, width, CV_8UC2, const_cast<uint8_t *>(src), static_cast<size_t>(stride));
        cv::Mat d = wrap(dst), out = d;
        cv::cvtColor(s, out, cv::COLOR_YUV2RGB_YUY2);
        cvk::expect_same(out, d, "yuyv_to_rgb");
    });
}

extern "C" int cvk_nv12_to_rgb(const uint8_t *y, int64_t y_stride, const uint8_t *uv, int64_t uv_stride,
                               int32_t width, int32_t height, cvk_image dst) {
    return guarded([&] {
        if (width % 2 != 0 || height % 2 != 0) throw std::invalid_argument("NV12 width and height must be even");
        cv::Mat ys(height, width, CV_8UC1, const_cast<uint8_t *>(y), static_cast<size_t>(y_stride));
        cv::Mat uvs(height / 2, width / 2, CV_8UC2, const_cast<uint8_t *>(uv), static_cast<size_t>(uv_stride));
        cv::Mat d = wrap(dst), out = d;
        cv::cvtColorTwoPlane(ys, uvs, out, cv::COLOR_YUV2RGB_NV12);
        cvk::expect_same(out, d, "nv12_to_rgb");
    });
}

extern "C" int cvk_convert_scale(cvk_image src, cvk_image dst, double alpha, double beta) {
    return guarded([&] {
        cv::Mat s = wrap(src), d = wrap(dst), out = d;
        s.convertTo(out, d.type(), alpha, beta);
        cvk::expect_same(out, d, "convert_scale");
    });
}

extern "C" int cvk_resize(cvk_image src, cvk_image dst, int32_t interpolation) {
    return guarded([&] {
        int flag;
        switch (interpolation) {
        case CVK_INTER_AREA: flag = cv::INTER_AREA; break;
        case CVK_INTER_LINEAR: flag = cv::INTER_LINEAR; break;
        case CVK_INTER_LANCZOS4: flag = cv::INTER_LANCZOS4; break;
        case CVK_INTER_CUBIC: flag = cv::INTER_CUBIC; break;
        case CVK_INTER_NEAREST: flag = cv::INTER_NEAREST; break;
        default: throw std::invalid_argument("unknown interpolation");
        }
        cv::Mat s = wrap(src), d = wrap(dst), out = d;
        cv::resize(s, out, d.size(), 0, 0, flag);
        cvk::expect_same(out, d, "resize");
    });
}

extern "C" int cvk_gaussian_blur(cvk_image src, cvk_image dst, double sigma_x, double sigma_y) {
    return guarded([&] {
        cv::Mat s = wrap(src), d = wrap(dst), out = d;
        cv::GaussianBlur(s, out, cv::Size(0, 0), sigma_x, sigma_y, cv::BORDER_REFLECT_101);
        cvk::expect_same(out, d, "gaussian_blur");
    });
}

extern "C" int cvk_box_filter(cvk_image src, cvk_image dst, int32_t kernel_width, int32_t kernel_height,
                              int32_t normalize) {
    return guarded([&] {
        cv::Mat s = wrap(src), d = wrap(dst), out = d;
        cv::boxFilter(s, out, -1, cv::Size(kernel_width, kernel_height), cv::Point(-1, -1), normalize != 0,
                      cv::BORDER_REFLECT_101);
        cvk::expect_same(out, d, "box_filter");
    });
}

extern "C" int cvk_morphology(cvk_image src, cvk_image dst, int32_t op, int32_t shape, int32_t kernel_width,
                              int32_t kernel_height, int32_t iterations) {
    return guarded([&] {
        int cv_op;
        switch (op) {
        case CVK_MORPH_ERODE: cv_op = cv::MORPH_ERODE; break;
        case CVK_MORPH_DILATE: cv_op = cv::MORPH_DILATE; break;
        case CVK_MORPH_OPEN: cv_op = cv::MORPH_OPEN; break;
        case CVK_MORPH_CLOSE: cv_op = cv::MORPH_CLOSE; break;
        default: throw std::invalid_argument("unknown morphology operation");
        }
        int cv_shape = shape == CVK_SHAPE_ELLIPSE ? cv::MORPH_ELLIPSE : cv::MORPH_RECT;
        cv::Mat kernel = cv::getStructuringElement(cv_shape, cv::Size(kernel_width, kernel_height));
        cv::Mat s = wrap(src), d = wrap(dst), out = d;
        cv::morphologyEx(s, out, cv_op, kernel, cv::Point(-1, -1), iterations, cv::BORDER_REPLICATE);
        cvk::expect_same(out, d, "morphology");
    });
}

extern "C" int cvk_distance_transform(cvk_image src, cvk_image dst) {
    return guarded([&] {
        cv::Mat s = wrap(src), d = wrap(dst), out = d;
        cv::distanceTransform(s, out, cv::DIST_L2, cv::DIST_MASK_PRECISE, CV_32F);
        cvk::expect_same(out, d, "distance_transform");
    });
}

extern "C" int cvk_integral(cvk_image src, cvk_image sum, cvk_image squares) {
    return guarded([&] {
        cv::Mat s = wrap(src), su = wrap(sum), out = su;
        if (squares.data) {
            cv::Mat sq = wrap(squares), sq_out = sq;
            cv::integral(s, out, sq_out, su.depth(), sq.depth());
            cvk::expect_same(sq_out, sq, "integral squares");
        } else {
            cv::integral(s, out, su.depth());
        }
        cvk::expect_same(out, su, "integral");
    });
}
