#include "cvision_person_net.h"
#include "cvision_error.hpp"
#include "cvision_mat.hpp"

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include <stdexcept>

using cvk::wrap;

struct cvk_person_net {
    cv::dnn::Net net;
    int side;
};

extern "C" cvk_person_net *cvk_person_net_load(const char *onnx_path, int32_t side) {
    cvk_person_net *result = nullptr;
    int status = cvk::guarded([&] {
        if (side < 32) throw std::invalid_argument("the network's input side must be at least 32 pixels");
        cv::dnn::Net net = cv::dnn::readNetFromONNX(onnx_path);
        if (net.empty()) throw std::runtime_error("the ONNX file holds no network");
        result = new cvk_person_net{net, side};
    });
    return status == 0 ? result : nullptr;
}

extern "C" void cvk_person_net_free(cvk_person_net *net) { delete net; }

extern "C" int cvk_person_net_run(cvk_person_net *net, cvk_image rgb, cvk_image dst) {
    return cvk::guarded([&] {
        cv::Mat image = wrap(rgb), out = wrap(dst);
        if (image.type() != CV_8UC3 || out.type() != CV_32FC1 || image.empty() || out.empty())
            throw std::invalid_argument("the person network needs an RGB image and a float plane");
        cv::Mat small;
        cv::resize(image, small, cv::Size(net->side, net->side), 0, 0, cv::INTER_AREA);
        // The ImageNet normalisation the U²-Net family was trained with, per RGB channel.
        static const float mean[3] = {0.485f, 0.456f, 0.406f}, deviation[3] = {0.229f, 0.224f, 0.225f};
        cv::Mat blob = cv::dnn::blobFromImage(small, 1.0 / 255.0, cv::Size(), cv::Scalar(), false, false, CV_32F);
        for (int c = 0; c < 3; ++c) {
            cv::Mat channel(net->side, net->side, CV_32F, blob.ptr<float>(0, c));
            channel = (channel - mean[c]) / deviation[c];
        }
        net->net.setInput(blob);
        cv::Mat prediction = net->net.forward();
        if (prediction.dims != 4 || prediction.size[2] != net->side || prediction.size[3] != net->side)
            throw std::runtime_error("the network's first output is not a side × side map");
        cv::Mat map(net->side, net->side, CV_32F, prediction.ptr<float>(0, 0));
        cv::Mat in_place = out;
        cv::resize(map, in_place, out.size(), 0, 0, cv::INTER_LINEAR);
        cvk::expect_same(in_place, out, "person probability");
        cv::min(cv::max(out, 0.0), 1.0, out);
    });
}
