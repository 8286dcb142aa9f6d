#pragma once
// libpng's simplified API (png_image_*) reports errors through png_image.message and a return code
// instead of longjmp, so Swift calls it directly.
#include <png.h>
