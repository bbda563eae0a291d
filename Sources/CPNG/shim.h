#ifndef CPNG_SHIM_H
#define CPNG_SHIM_H
/* libpng's simplified API reports errors through return values, not longjmp. */
#include <png.h>
#endif
