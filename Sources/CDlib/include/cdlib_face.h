/* Plain-C face operations over dlib, for FaceKit: the frontal HOG face detector, the CNN
 * (MMOD) face detector, shape predictors (68- and 5-point), the ResNet face descriptor, and
 * a perspective pose fit.
 *
 * Images are borrowed cvk_image views (see cvision_image.h); a sub-rectangle of a larger
 * image is passed as a view with the parent's stride, which is how a search region works.
 * Functions return 0 (or a count) on success and -1 with a message in cvk_last_error().
 *
 * Thread safety: a detector or an encoder handle keeps scratch state between calls, so use
 * one handle per thread (or serialise calls). A shape predictor handle is read-only after
 * loading and may be shared by threads. */
#ifndef CDLIB_FACE_H
#define CDLIB_FACE_H

#include <stdint.h>
#include "cvision_image.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cvk_face_detector cvk_face_detector;
typedef struct cvk_shape_predictor cvk_shape_predictor;
typedef struct cvk_face_encoder cvk_face_encoder;
typedef struct cvk_cnn_face_detector cvk_cnn_face_detector;

/* A detection in the pixel coordinates of the image view it was found in. */
typedef struct {
    int32_t x;
    int32_t y;
    int32_t width;
    int32_t height;
    /* dlib's detection confidence: above 0 means detected at the default threshold. */
    double score;
} cvk_face_box;

/* dlib's frontal face detector (HOG + linear SVM); it is built into dlib, no model file. */
cvk_face_detector *cvk_face_detector_create(void);
void cvk_face_detector_free(cvk_face_detector *detector);

/* Finds faces in a U8C1 or U8C3 view. `upsample` doubles the resolution that many times
 * before the search (finds faces below dlib's 80-pixel window); `max_pyramid_levels`
 * limits how many 5/6 downscaled levels are searched (0: all, i.e. faces of any size
 * above the window). Writes up to `capacity` boxes, strongest first, and returns how many
 * faces were found (which may exceed `capacity`), or -1. */
int32_t cvk_face_detect(cvk_face_detector *detector, cvk_image image, int32_t upsample, double adjust_threshold,
                        int32_t max_pyramid_levels, cvk_face_box *boxes, int32_t capacity);

/* Loads dlib's CNN face detector (max-margin object detection, mmod_human_face_detector.dat).
 * NULL with cvk_last_error() on failure. */
cvk_cnn_face_detector *cvk_cnn_face_detector_load(const char *path);
void cvk_cnn_face_detector_free(cvk_cnn_face_detector *detector);

/* Finds faces in a U8C3 RGB view with the CNN (faces from about 40 pixels wide; it also
 * finds faces turned aside or partly hidden, at about a hundred times the HOG search's
 * cost per pixel, so it is meant for small crops). Writes up to `capacity` boxes, surest
 * first, with the network's confidence as the score (above 0: detected), and returns how
 * many faces were found, or -1. */
int32_t cvk_cnn_face_detect(cvk_cnn_face_detector *detector, cvk_image rgb, cvk_face_box *boxes, int32_t capacity);

/* Loads a dlib shape predictor (.dat). NULL with cvk_last_error() on failure. */
cvk_shape_predictor *cvk_shape_predictor_load(const char *path);
void cvk_shape_predictor_free(cvk_shape_predictor *predictor);
/* Points the predictor places (68 or 5). */
int32_t cvk_shape_predictor_parts(const cvk_shape_predictor *predictor);

/* Places the landmarks of the face in `box` (coordinates of `image`, U8C1 or U8C3);
 * writes x, y pairs for every part into `xy` (2 × parts doubles). */
int cvk_shape_predict(const cvk_shape_predictor *predictor, cvk_image image, cvk_face_box box, double *xy);

/* Loads dlib's ResNet face descriptor and the 5-point predictor it aligns faces with. */
cvk_face_encoder *cvk_face_encoder_load(const char *resnet_path, const char *five_point_path);
void cvk_face_encoder_free(cvk_face_encoder *encoder);

/* The 128-value descriptor of the face in `box` of a U8C3 RGB view: 5-point alignment,
 * a 150×150 chip with 0.25 padding, one pass of the network. */
int cvk_face_encode(cvk_face_encoder *encoder, cvk_image rgb, cvk_face_box box, float *descriptor128);

/* A perspective fit of `count` 3-D model points to their image positions (pinhole camera,
 * focal length `focal` pixels, principal point cx, cy) by Levenberg–Marquardt.
 * Rotation R = Rz(roll) · Ry(yaw) · Rx(pitch) (radians, camera axes: x right, y down,
 * z forward) and translation t map a model point M to the camera as R·M + t.
 * `pose` receives pitch, yaw, roll, tx, ty, tz; returns 0 or -1. `rms_error` (may be NULL)
 * receives the root-mean-square reprojection error in pixels. */
int cvk_fit_pose(const double *model_xyz, const double *image_xy, int32_t count, double focal, double cx, double cy,
                 double *pose, double *rms_error);

#ifdef __cplusplus
}
#endif

#endif
