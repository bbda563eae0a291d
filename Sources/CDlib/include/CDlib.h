/* Umbrella header of the CDlib module: the dlib face operations FaceKit uses, kept apart from
 * CVision (OpenCV) so that only what finds faces links dlib, BLAS and LAPACK. */
#include "cdlib_face.h"
