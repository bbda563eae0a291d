#include "cdlib_face.h"
#include "cvision_error.hpp"
#include "cdlib_face_net.hpp"

#include <dlib/dnn.h>
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>
#include <dlib/optimization.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace cvk_face {

// A read-only view of caller memory that dlib's generic image interface accepts, so the
// detector and the predictors read the Swift buffer in place instead of a copy.
template <typename Pixel>
struct view {
    const cvk_image *image;
};

template <typename Pixel> long num_rows(const view<Pixel> &v) { return v.image->height; }
template <typename Pixel> long num_columns(const view<Pixel> &v) { return v.image->width; }
template <typename Pixel> const void *image_data(const view<Pixel> &v) { return v.image->data; }
template <typename Pixel> void *image_data(view<Pixel> &v) { return v.image->data; }
template <typename Pixel> long width_step(const view<Pixel> &v) { return static_cast<long>(v.image->stride); }
template <typename Pixel> void set_image_size(view<Pixel> &, long, long) {
    throw std::logic_error("a borrowed image view cannot be resized");
}
template <typename Pixel> void swap(view<Pixel> &a, view<Pixel> &b) { std::swap(a.image, b.image); }

}  // namespace cvk_face

namespace dlib {
template <typename Pixel>
struct image_traits<cvk_face::view<Pixel>> {
    typedef Pixel pixel_type;
};
}  // namespace dlib

namespace cvk_face {

// Calls `body` with the view typed by its pixel layout (grey or RGB).
template <typename F>
void with_view(const cvk_image &image, F &&body) {
    if (image.data == nullptr || image.width <= 0 || image.height <= 0)
        throw std::invalid_argument("empty image");
    switch (image.type) {
    case CVK_U8C1: body(view<unsigned char>{&image}); return;
    case CVK_U8C3: body(view<dlib::rgb_pixel>{&image}); return;
    }
    throw std::invalid_argument("face operations need an 8-bit grey or RGB image");
}

dlib::rectangle to_rect(const cvk_face_box &box) {
    return dlib::rectangle(box.x, box.y, box.x + box.width - 1, box.y + box.height - 1);
}

// Writes up to `capacity` of `dets` (HOG rect_detections or CNN mmod_rects), surest first,
// and returns how many there are.
template <typename Detection>
int32_t write_boxes(std::vector<Detection> &dets, cvk_face_box *boxes, int32_t capacity) {
    std::sort(dets.begin(), dets.end(),
              [](const auto &a, const auto &b) { return a.detection_confidence > b.detection_confidence; });
    const auto found = static_cast<int32_t>(dets.size());
    for (int32_t i = 0; i < std::min(found, capacity); ++i) {
        const auto &d = dets[static_cast<size_t>(i)];
        boxes[i] = cvk_face_box{static_cast<int32_t>(d.rect.left()), static_cast<int32_t>(d.rect.top()),
                                static_cast<int32_t>(d.rect.width()), static_cast<int32_t>(d.rect.height()),
                                d.detection_confidence};
    }
    return found;
}

void require_file(const char *path, const char *what) {
    if (path == nullptr || !std::ifstream(path).good())
        throw std::runtime_error(std::string(what) + " not readable: " + (path ? path : "(no path)"));
}

}  // namespace cvk_face

struct cvk_face_detector {
    dlib::frontal_face_detector full = dlib::get_frontal_face_detector();
    // Copies of `full` whose scanner stops after a given number of pyramid levels, made on
    // first use; tracking searches a narrow band of face sizes with them.
    std::vector<std::pair<int, dlib::frontal_face_detector>> limited;

    dlib::frontal_face_detector &with_levels(int levels) {
        if (levels <= 0) return full;
        for (auto &entry : limited)
            if (entry.first == levels) return entry.second;
        dlib::frontal_face_detector::image_scanner_type scanner;
        scanner.copy_configuration(full.get_scanner());
        scanner.set_max_pyramid_levels(static_cast<unsigned long>(levels));
        limited.emplace_back(levels, dlib::frontal_face_detector(scanner, full.get_overlap_tester(), full.get_w()));
        return limited.back().second;
    }
};

struct cvk_shape_predictor {
    dlib::shape_predictor model;
};

struct cvk_face_encoder {
    cvk_face_net::descriptor_net net;
    dlib::shape_predictor five_points;
};

struct cvk_cnn_face_detector {
    cvk_face_net::detector_net net;
};

using cvk::guarded;

extern "C" cvk_face_detector *cvk_face_detector_create(void) {
    cvk_face_detector *result = nullptr;
    guarded([&] { result = new cvk_face_detector(); });
    return result;
}

extern "C" void cvk_face_detector_free(cvk_face_detector *detector) { delete detector; }

extern "C" int32_t cvk_face_detect(cvk_face_detector *detector, cvk_image image, int32_t upsample,
                                   double adjust_threshold, int32_t max_pyramid_levels, cvk_face_box *boxes,
                                   int32_t capacity) {
    int32_t found = 0;
    int status = guarded([&] {
        if (upsample < 0 || upsample > 3) throw std::invalid_argument("upsampling must be 0...3");
        auto &det = detector->with_levels(max_pyramid_levels);
        std::vector<dlib::rect_detection> dets;
        cvk_face::with_view(image, [&](auto view) {
            using pixel = typename dlib::image_traits<decltype(view)>::pixel_type;
            if (upsample == 0) {
                det(view, dets, adjust_threshold);
                return;
            }
            // dlib finds faces no smaller than its 80-pixel window, so small faces are
            // searched on an enlarged copy and the boxes brought back down.
            dlib::pyramid_down<2> pyramid;
            dlib::array2d<pixel> larger;
            dlib::pyramid_up(view, larger, pyramid);
            for (int i = 1; i < upsample; ++i) dlib::pyramid_up(larger, pyramid);
            det(larger, dets, adjust_threshold);
            for (auto &d : dets) d.rect = pyramid.rect_down(d.rect, static_cast<unsigned int>(upsample));
        });
        found = cvk_face::write_boxes(dets, boxes, capacity);
    });
    return status == 0 ? found : -1;
}

namespace cvk_face {

// A new handle whose model `member` is read from the file at `path` (`what` names it in the
// error), or NULL with the message in cvk_last_error().
template <typename Handle, typename Model>
Handle *load_model(const char *path, const char *what, Model Handle::*member) {
    Handle *result = nullptr;
    cvk::guarded([&] {
        require_file(path, what);
        auto loaded = std::make_unique<Handle>();
        dlib::deserialize(path) >> (*loaded).*member;
        result = loaded.release();
    });
    return result;
}

}  // namespace cvk_face

extern "C" cvk_cnn_face_detector *cvk_cnn_face_detector_load(const char *path) {
    return cvk_face::load_model(path, "CNN face detector model", &cvk_cnn_face_detector::net);
}

extern "C" void cvk_cnn_face_detector_free(cvk_cnn_face_detector *detector) { delete detector; }

extern "C" int32_t cvk_cnn_face_detect(cvk_cnn_face_detector *detector, cvk_image rgb, cvk_face_box *boxes,
                                       int32_t capacity) {
    int32_t found = 0;
    int status = guarded([&] {
        if (rgb.type != CVK_U8C3) throw std::invalid_argument("the CNN face detector needs an RGB image");
        if (rgb.data == nullptr || rgb.width <= 0 || rgb.height <= 0) throw std::invalid_argument("empty image");
        // The network's input layer takes a dlib matrix; the crops it is meant for are small.
        dlib::matrix<dlib::rgb_pixel> image;
        dlib::assign_image(image, cvk_face::view<dlib::rgb_pixel>{&rgb});
        auto dets = detector->net(image);
        found = cvk_face::write_boxes(dets, boxes, capacity);
    });
    return status == 0 ? found : -1;
}

extern "C" cvk_shape_predictor *cvk_shape_predictor_load(const char *path) {
    return cvk_face::load_model(path, "shape predictor model", &cvk_shape_predictor::model);
}

extern "C" void cvk_shape_predictor_free(cvk_shape_predictor *predictor) { delete predictor; }

extern "C" int32_t cvk_shape_predictor_parts(const cvk_shape_predictor *predictor) {
    return static_cast<int32_t>(predictor->model.num_parts());
}

extern "C" int cvk_shape_predict(const cvk_shape_predictor *predictor, cvk_image image, cvk_face_box box,
                                 double *xy) {
    return guarded([&] {
        cvk_face::with_view(image, [&](auto view) {
            const auto shape = predictor->model(view, cvk_face::to_rect(box));
            for (unsigned long i = 0; i < shape.num_parts(); ++i) {
                xy[2 * i] = static_cast<double>(shape.part(i).x());
                xy[2 * i + 1] = static_cast<double>(shape.part(i).y());
            }
        });
    });
}

extern "C" cvk_face_encoder *cvk_face_encoder_load(const char *resnet_path, const char *five_point_path) {
    cvk_face_encoder *result = nullptr;
    guarded([&] {
        cvk_face::require_file(resnet_path, "face descriptor model");
        cvk_face::require_file(five_point_path, "5-point shape predictor model");
        auto loaded = std::make_unique<cvk_face_encoder>();
        dlib::deserialize(resnet_path) >> loaded->net;
        dlib::deserialize(five_point_path) >> loaded->five_points;
        if (loaded->five_points.num_parts() != 5)
            throw std::runtime_error(std::string(five_point_path) + " is not a 5-point predictor");
        result = loaded.release();
    });
    return result;
}

extern "C" void cvk_face_encoder_free(cvk_face_encoder *encoder) { delete encoder; }

extern "C" int cvk_face_encode(cvk_face_encoder *encoder, cvk_image rgb, cvk_face_box box, float *descriptor128) {
    return guarded([&] {
        if (rgb.type != CVK_U8C3) throw std::invalid_argument("the face descriptor needs an RGB image");
        cvk_face::view<dlib::rgb_pixel> view{&rgb};
        const auto shape = encoder->five_points(view, cvk_face::to_rect(box));
        dlib::matrix<dlib::rgb_pixel> chip;
        dlib::extract_image_chip(view, dlib::get_face_chip_details(shape, 150, 0.25), chip);
        const dlib::matrix<float, 0, 1> descriptor = encoder->net(chip);
        for (long i = 0; i < 128; ++i) descriptor128[i] = descriptor(i);
    });
}

namespace cvk_face {

struct pose_sample {
    dlib::vector<double, 3> model;
    double observed;
    int axis;  // 0: image x, 1: image y
    double focal, cx, cy;
};

using pose_params = dlib::matrix<double, 6, 1>;

// Projects a model point with pose (pitch, yaw, roll, tx, ty, tz).
dlib::vector<double, 2> project(const pose_sample &s, const pose_params &p) {
    const double cp = std::cos(p(0)), sp = std::sin(p(0));
    const double cy = std::cos(p(1)), sy = std::sin(p(1));
    const double cr = std::cos(p(2)), sr = std::sin(p(2));
    const auto &m = s.model;
    // Rx(pitch)
    const double x1 = m.x(), y1 = cp * m.y() - sp * m.z(), z1 = sp * m.y() + cp * m.z();
    // Ry(yaw)
    const double x2 = cy * x1 + sy * z1, y2 = y1, z2 = -sy * x1 + cy * z1;
    // Rz(roll)
    const double x3 = cr * x2 - sr * y2, y3 = sr * x2 + cr * y2, z3 = z2;
    const double z = z3 + p(5);
    return {s.focal * (x3 + p(3)) / z + s.cx, s.focal * (y3 + p(4)) / z + s.cy};
}

double pose_residual(const pose_sample &s, const pose_params &p) {
    const auto projected = project(s, p);
    return (s.axis == 0 ? projected.x() : projected.y()) - s.observed;
}

}  // namespace cvk_face

extern "C" int cvk_fit_pose(const double *model_xyz, const double *image_xy, int32_t count, double focal, double cx,
                            double cy, double *pose, double *rms_error) {
    return guarded([&] {
        if (count < 4) throw std::invalid_argument("a pose fit needs at least 4 points");
        if (!(focal > 0)) throw std::invalid_argument("the focal length must be positive");
        std::vector<cvk_face::pose_sample> samples;
        double mean_u = 0, mean_v = 0, image_spread = 0, model_spread = 0;
        for (int32_t i = 0; i < count; ++i) {
            dlib::vector<double, 3> m(model_xyz[3 * i], model_xyz[3 * i + 1], model_xyz[3 * i + 2]);
            for (int axis = 0; axis < 2; ++axis)
                samples.push_back({m, image_xy[2 * i + axis], axis, focal, cx, cy});
            mean_u += image_xy[2 * i] / count;
            mean_v += image_xy[2 * i + 1] / count;
        }
        // Start facing the camera at the distance where the model's spread matches the
        // points' spread, so the fit starts in the right basin.
        for (int32_t i = 0; i < count; ++i) {
            image_spread += std::hypot(image_xy[2 * i] - mean_u, image_xy[2 * i + 1] - mean_v);
            model_spread += std::hypot(model_xyz[3 * i], model_xyz[3 * i + 1]);
        }
        if (image_spread <= 0) throw std::invalid_argument("the image points coincide");
        cvk_face::pose_params p;
        const double z0 = focal * model_spread / image_spread;
        p = 0, 0, 0, (mean_u - cx) * z0 / focal, (mean_v - cy) * z0 / focal, z0;
        dlib::solve_least_squares_lm(dlib::objective_delta_stop_strategy(1e-10, 200), cvk_face::pose_residual,
                                     dlib::derivative(cvk_face::pose_residual), samples, p);
        double squared = 0;
        for (const auto &s : samples) squared += std::pow(cvk_face::pose_residual(s, p), 2);
        for (int i = 0; i < 6; ++i) pose[i] = p(i);
        if (rms_error) *rms_error = std::sqrt(squared / count);
    });
}
