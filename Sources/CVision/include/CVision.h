/* Umbrella header of the CVision module: one header per concern. */
#include "cvision_image.h"
#include "cvision_segment.h"
#include "cvision_drawing.h"
#include "cvision_warp.h"
#include "cvision_person_net.h"
