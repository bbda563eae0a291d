#include "cvision_segment.h"
#include "cvision_error.hpp"
#include "cvision_mat.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <stdexcept>
#include <vector>

using cvk::wrap;

extern "C" int cvk_grabcut(cvk_image rgb, cvk_image mask, int32_t iterations) {
    return cvk::guarded([&] {
        cv::Mat image = wrap(rgb), labels = wrap(mask);
        if (image.type() != CV_8UC3 || labels.type() != CV_8UC1 || image.size() != labels.size())
            throw std::invalid_argument("grabCut needs an RGB image and a grey mask of the same size");
        // grabCut seeds its colour models with k-means on OpenCV's per-thread generator, whose
        // state depends on every earlier call: reset it so the same input gives the same mask.
        cv::theRNG().state = 0x5eed;
        // grabCut keeps its colour models in these; they are thrown away after one call.
        cv::Mat background_model, foreground_model;
        cv::Mat in_place = labels;
        cv::grabCut(image, in_place, cv::Rect(), background_model, foreground_model, iterations,
                    cv::GC_INIT_WITH_MASK);
        if (in_place.data != labels.data) throw std::runtime_error("grabCut reallocated the mask");
    });
}

extern "C" int cvk_component_in_rect(cvk_image mask, int32_t x, int32_t y, int32_t width, int32_t height,
                                     int32_t bottom_reach, cvk_image dst) {
    return cvk::guarded([&] {
        cv::Mat source = wrap(mask), out = wrap(dst);
        if (source.type() != CV_8UC1 || out.type() != CV_8UC1 || source.size() != out.size())
            throw std::invalid_argument("component_in_rect needs two grey images of the same size");
        cv::Mat labels;
        int count = cv::connectedComponents(source != 0, labels, 8, CV_32S);
        cv::Rect rect = cv::Rect(x, y, width, height) & cv::Rect(0, 0, source.cols, source.rows);
        std::vector<int> inside(static_cast<size_t>(count), 0);
        for (int row = rect.y; row < rect.y + rect.height; ++row) {
            const int *line = labels.ptr<int>(row);
            for (int col = rect.x; col < rect.x + rect.width; ++col) ++inside[static_cast<size_t>(line[col])];
        }
        int best = 0, best_count = 0;
        for (int label = 1; label < count; ++label) {
            if (inside[static_cast<size_t>(label)] > best_count) {
                best = label;
                best_count = inside[static_cast<size_t>(label)];
            }
        }
        out.setTo(0);
        if (best == 0) return;
        cv::Mat chosen = labels == best;
        if (bottom_reach > 0) {
            cv::Mat near;
            cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * bottom_reach + 1, 2 * bottom_reach + 1));
            cv::dilate(chosen, near, kernel);
            std::vector<bool> joins(static_cast<size_t>(count), false);
            const int *bottom = labels.ptr<int>(source.rows - 1);
            for (int col = 0; col < source.cols; ++col) joins[static_cast<size_t>(bottom[col])] = bottom[col] != 0;
            std::vector<bool> touches_near(static_cast<size_t>(count), false);
            for (int row = 0; row < source.rows; ++row) {
                const int *line = labels.ptr<int>(row);
                const uchar *n = near.ptr<uchar>(row);
                for (int col = 0; col < source.cols; ++col)
                    if (n[col]) touches_near[static_cast<size_t>(line[col])] = true;
            }
            for (int row = 0; row < source.rows; ++row) {
                const int *line = labels.ptr<int>(row);
                uchar *c = chosen.ptr<uchar>(row);
                for (int col = 0; col < source.cols; ++col) {
                    size_t label = static_cast<size_t>(line[col]);
                    if (label != 0 && joins[label] && touches_near[label]) c[col] = 255;
                }
            }
        }
        // Holes are the parts of the complement that the outside cannot reach: flood the
        // complement from a one-pixel frame around the image and keep what stays unflooded.
        // With a closed bottom the frame's bottom row is set, so the flood cannot enter there.
        cv::Mat padded = cv::Mat::zeros(source.rows + 2, source.cols + 2, CV_8UC1);
        padded(cv::Rect(1, 1, source.cols, source.rows)).setTo(255, chosen);
        if (bottom_reach > 0) padded.row(source.rows + 1).setTo(255);
        cv::floodFill(padded, cv::Point(0, 0), cv::Scalar(128));
        cv::Mat filled = padded(cv::Rect(1, 1, source.cols, source.rows)) != 128;
        filled.copyTo(out);
    });
}
