/* Plain-C person segmentation with a neural network read from an ONNX file by OpenCV's dnn
 * module. Functions return 0 (or a non-null handle) on success, else -1 (or null) with a
 * message in cvk_last_error(). */
#ifndef CVISION_PERSON_NET_H
#define CVISION_PERSON_NET_H

#include "cvision_image.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cvk_person_net cvk_person_net;

/* Loads a salient-person network (U²-Net family: one RGB input normalised with the ImageNet
 * mean and deviation, first output a 1-channel probability map) of input side `side`. */
cvk_person_net *cvk_person_net_load(const char *onnx_path, int32_t side);
void cvk_person_net_free(cvk_person_net *net);

/* The person probability (0…1) over the U8C3 `rgb`, written to the F32C1 `dst`, which may
 * have another size (the map is scaled to it: the same picture at another resolution). The
 * image is scaled to the network's square input. Not safe to call on one handle from two
 * threads at once. */
int cvk_person_net_run(cvk_person_net *net, cvk_image rgb, cvk_image dst);

#ifdef __cplusplus
}
#endif

#endif
