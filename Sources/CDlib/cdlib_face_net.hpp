// dlib's face descriptor network type, shared by CDlib and the plain C++ benchmark
// reference (Benchmarks/dlib-reference), which must run the very same network.
#pragma once
#include <dlib/dnn.h>

namespace cvk_face_net {

// The ResNet-29 metric network that dlib_face_recognition_resnet_model_v1.dat was trained
// as; the type must match the serialised layer layout exactly (dlib documents it in
// dnn_face_recognition_ex.cpp). `affine` replaces batch normalisation for inference.
template <template <int, template <typename> class, int, typename> class Block, int N,
          template <typename> class Norm, typename Sub>
using residual = dlib::add_prev1<Block<N, Norm, 1, dlib::tag1<Sub>>>;

template <template <int, template <typename> class, int, typename> class Block, int N,
          template <typename> class Norm, typename Sub>
using residual_down =
    dlib::add_prev2<dlib::avg_pool<2, 2, 2, 2, dlib::skip1<dlib::tag2<Block<N, Norm, 2, dlib::tag1<Sub>>>>>>;

template <int N, template <typename> class Norm, int Stride, typename Sub>
using conv_pair = Norm<dlib::con<N, 3, 3, 1, 1, dlib::relu<Norm<dlib::con<N, 3, 3, Stride, Stride, Sub>>>>>;

template <int N, typename Sub> using res = dlib::relu<residual<conv_pair, N, dlib::affine, Sub>>;
template <int N, typename Sub> using res_down = dlib::relu<residual_down<conv_pair, N, dlib::affine, Sub>>;

template <typename Sub> using stage0 = res_down<256, Sub>;
template <typename Sub> using stage1 = res<256, res<256, res_down<256, Sub>>>;
template <typename Sub> using stage2 = res<128, res<128, res_down<128, Sub>>>;
template <typename Sub> using stage3 = res<64, res<64, res<64, res_down<64, Sub>>>>;
template <typename Sub> using stage4 = res<32, res<32, res<32, Sub>>>;

using descriptor_net = dlib::loss_metric<dlib::fc_no_bias<
    128, dlib::avg_pool_everything<stage0<stage1<stage2<stage3<stage4<dlib::max_pool<
             3, 3, 2, 2, dlib::relu<dlib::affine<dlib::con<32, 7, 7, 2, 2, dlib::input_rgb_image_sized<150>>>>>>>>>>>>>;

// The CNN face detector that mmod_human_face_detector.dat was trained as (dlib documents the
// layout in dnn_mmod_face_detection_ex.cpp): three stride-2 5×5 convolutions bring the image
// down 8 times, three 5×5 convolutions of 45 filters follow, and a 9×9 convolution scores
// every position of an image pyramid (each level 5/6 of the one before).
template <long N, typename Sub> using down_conv = dlib::con<N, 5, 5, 2, 2, Sub>;
template <typename Sub>
using downsampler = dlib::relu<dlib::affine<down_conv<
    32, dlib::relu<dlib::affine<down_conv<32, dlib::relu<dlib::affine<down_conv<16, Sub>>>>>>>>>;
template <typename Sub> using scorer_conv = dlib::relu<dlib::affine<dlib::con<45, 5, 5, 1, 1, Sub>>>;

using detector_net = dlib::loss_mmod<dlib::con<
    1, 9, 9, 1, 1,
    scorer_conv<scorer_conv<scorer_conv<downsampler<dlib::input_rgb_image_pyramid<dlib::pyramid_down<6>>>>>>>>;

}  // namespace cvk_face_net
